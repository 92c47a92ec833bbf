"""FilterSets of users and grants, shared by the administration pages and the API (pass `request=`)."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.api import ScopedFilterSet, today
from tuyengiao.core.vi import fold
from tuyengiao.org.models import Unit

from .models import Grant, User
from .roles import Role


class UserFilterSet(ScopedFilterSet):
    home_unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), method="filter_home_unit", label=_("Unit"),
        help_text=_("The unit and everything beneath it."),
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "home_unit", "is_active"]

    def filter_home_unit(self, queryset, name, value):
        return queryset.filter(home_unit__path__under=value.path)


class GrantFilterSet(ScopedFilterSet):
    user = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label=_("User"))
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), label=_("Unit"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("Role"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("In force today"))

    class Meta:
        model = Grant
        fields = ["q", "user", "unit", "role", "active"]

    def filter_q(self, queryset, name, value):
        folded = fold(value)
        if not folded:
            return queryset
        return queryset.filter(Q(user__search__contains=folded) | Q(unit__search__contains=folded))

    def filter_active(self, queryset, name, value):
        on = today()
        current = Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        return queryset.filter(current) if value else queryset.exclude(current)
