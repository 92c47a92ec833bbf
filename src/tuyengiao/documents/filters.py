"""FilterSets of the document register, shared by the list pages and the API (pass `request=`)."""
from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.api import ScopedFilterSet, VNDateFilter, today
from tuyengiao.core.vi import fold
from tuyengiao.org.filters import AllYesNoFilter, UnitFilter
from tuyengiao.org.models import Unit, active_on

from .models import IssuerProfile


class IssuerProfileFilterSet(ScopedFilterSet):
    """`q` finds a profile by its unit's name or code (with or without accents) or its letterhead,
    place or signer."""

    unit = UnitFilter(queryset=Unit.objects.all(), label=_("Issuing unit"))
    active_on = VNDateFilter(method="filter_active_on", label=_("In force on"))
    active = AllYesNoFilter(method="filter_active", label=_("In force today"))

    class Meta:
        model = IssuerProfile
        fields = ["q", "unit", "active_on", "active"]

    def filter_q(self, queryset, name, value):
        text = value.strip()
        folded = fold(text)
        if not text:
            return queryset
        cond = Q(unit__search__contains=folded) if folded else Q()
        # Letterhead lines are stored in capitals; SQLite's icontains folds ASCII letters only.
        for field in ("superior_line", "issuer_line", "place", "signer_name"):
            cond |= Q(**{f"{field}__icontains": text}) | Q(**{f"{field}__contains": text.upper()})
        return queryset.filter(cond)

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(active_on(value))

    def filter_active(self, queryset, name, value):
        return queryset.filter(active_on(today())) if value else queryset.exclude(active_on(today()))
