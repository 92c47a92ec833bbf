"""FilterSets of the organisation, shared by the list pages and the API (pass `request=`)."""
from __future__ import annotations

import django_filters
import django_filters.fields
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from tuyengiao.core.api import ScopedFilterSet, VNDateFilter, today
from tuyengiao.core.forms import SearchableSelect
from tuyengiao.core.vi import fold

from .forms import UnitChoiceIterator
from .models import Cluster, Department, LineageEvent, Person, Position, Term, Unit, UnitType, active_on


def _units():
    return Unit.objects.all()


# A filter left empty reads "All", not Django's "---------".
ALL = _("All")


class AllChoiceFilter(django_filters.ChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", ALL)
        super().__init__(*args, **kwargs)


class AllModelChoiceFilter(django_filters.ModelChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", ALL)
        super().__init__(*args, **kwargs)


class AllYesNoFilter(django_filters.BooleanFilter):
    """Yes / No / All (instead of "Unknown"); the API still takes true/false (and 1/0)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select(choices=[("", ALL), ("true", _("Yes")), ("false", _("No"))]))
        super().__init__(*args, **kwargs)


class UnitFilterField(django_filters.fields.ModelChoiceField):
    iterator = UnitChoiceIterator  # a repeated name is followed by its parent's
    label_column = "name"  # str(unit)


class UnitFilter(AllModelChoiceFilter):
    """Every unit dropdown of a filter bar: options read as (id, name) and written in Python, a filter
    box in the browser."""

    field_class = UnitFilterField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", SearchableSelect)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class UnitMethodFilter(UnitFilter):
    """A unit chosen by id and applied by a filter method (subtree, involvement)."""


class UnitFilterSet(ScopedFilterSet):
    """By default only units in force today; `active_on` picks another date, `include_closed` all."""

    type = AllModelChoiceFilter(queryset=UnitType.objects.all(), label=_("Unit type"))
    parent = UnitFilter(queryset=_units(), label=_("Parent unit"))
    ancestor = UnitMethodFilter(
        queryset=_units(), method="filter_ancestor", label=_("Within unit"),
        help_text=_("The unit and everything beneath it."),
    )
    active_on = VNDateFilter(method="filter_active_on", label=_("In force on"))
    include_closed = django_filters.BooleanFilter(
        method="filter_include_closed", widget=forms.CheckboxInput, label=_("Include closed units"),
    )

    class Meta:
        model = Unit
        fields = ["q", "type", "parent", "ancestor", "active_on", "include_closed"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # Always bound, so that the default (in force today) applies to an empty query too.
        super().__init__(data if data is not None else {}, queryset, request=request, prefix=prefix)

    def filter_ancestor(self, queryset, name, value):
        return queryset.filter(path__under=value.path)

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(active_on(value))

    def filter_include_closed(self, queryset, name, value):
        if value or self.form.cleaned_data.get("active_on"):
            return queryset
        return queryset.filter(active_on(today()))


class LineageEventFilterSet(ScopedFilterSet):
    kind = AllChoiceFilter(choices=LineageEvent.Kind.choices, label=_("Kind"))
    date_from = VNDateFilter(field_name="date", lookup_expr="gte", label=_("From date"))
    date_to = VNDateFilter(field_name="date", lookup_expr="lte", label=_("To date"))
    unit = UnitMethodFilter(queryset=_units(), method="filter_unit", label=_("Unit involved"))

    class Meta:
        model = LineageEvent
        fields = ["q", "kind", "date_from", "date_to", "unit"]

    def filter_q(self, queryset, name, value):
        folded = fold(value)
        if not folded:
            return queryset
        cond = Q(decision__icontains=value.strip()) | Q(links__unit__search__contains=folded)
        return queryset.filter(cond).distinct()

    def filter_unit(self, queryset, name, value):
        return queryset.filter(links__unit=value).distinct()


class PersonFilterSet(ScopedFilterSet):
    unit = UnitMethodFilter(queryset=_units(), method="filter_unit", label=_("Unit"),
                                            help_text=_("The unit and everything beneath it."))
    has_position = AllYesNoFilter(method="filter_has_position", label=_("Holds a position today"))

    class Meta:
        model = Person
        fields = ["q", "unit", "has_position"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(home_unit__path__under=value.path)

    def filter_has_position(self, queryset, name, value):
        current = Position.objects.filter(active_on(today()), person=OuterRef("pk"))
        return queryset.filter(Exists(current)) if value else queryset.exclude(Exists(current))


class PositionFilterSet(ScopedFilterSet):
    search_field = None
    search_fields = ("title",)

    person = AllModelChoiceFilter(queryset=Person.objects.all(), label=_("Person"))
    unit = UnitFilter(queryset=_units(), label=_("Unit"))
    active = AllYesNoFilter(method="filter_active", label=_("In force today"))

    class Meta:
        model = Position
        fields = ["q", "person", "unit", "active"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(active_on(today())) if value else queryset.exclude(active_on(today()))


class ClusterFilterSet(ScopedFilterSet):
    search_field = None
    search_fields = ("name",)

    year = django_filters.NumberFilter(label=_("Year"))
    kind = AllChoiceFilter(choices=Cluster.Kind.choices, label=_("Kind"))
    member = UnitFilter(queryset=_units(), field_name="members", label=_("Member unit"))

    class Meta:
        model = Cluster
        fields = ["q", "year", "kind", "member"]


class TermFilterSet(ScopedFilterSet):
    search_field = None
    search_fields = ("name",)

    unit = UnitFilter(queryset=_units(), label=_("Party committee"))
    active_on = VNDateFilter(method="filter_active_on", label=_("In force on"))

    class Meta:
        model = Term
        fields = ["q", "unit", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(active_on(value))


class DepartmentFilterSet(ScopedFilterSet):
    search_field = None
    search_fields = ("name", "code")

    unit = UnitFilter(queryset=_units(), label=_("Unit"))
    active = AllYesNoFilter(method="filter_active", label=_("In force today"))

    class Meta:
        model = Department
        fields = ["q", "unit", "active"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(active_on(today())) if value else queryset.exclude(active_on(today()))


class UnitTypeFilterSet(django_filters.FilterSet):
    is_party_committee = AllYesNoFilter(label=_("Party committee"))

    class Meta:
        model = UnitType
        fields = ["is_party_committee"]
