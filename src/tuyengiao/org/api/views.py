"""Organisation API: scoped exactly as the pages (restrict()), filtered by the same FilterSets,
writing through the same services."""
from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from tuyengiao.core.api import ScopedModelViewSet, ScopedReadOnlyModelViewSet, service_errors

from .. import filters, selectors, services
from ..models import Cluster, Department, LineageEvent, Person, Position, Term, Unit, UnitType
from . import serializers as s


class UnitTypeViewSet(ScopedModelViewSet):
    """Unit types are data (Tỉnh ủy, Đảng ủy xã, Chi bộ, …); not deletable."""

    queryset = UnitType.objects.all()
    serializer_class = s.UnitTypeSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]


@extend_schema_view(
    partial_update=extend_schema(request=s.UnitUpdateSerializer, responses=s.UnitSerializer,
                                 description="Change the unit type only; names and codes change through rename."),
)
class UnitViewSet(ScopedModelViewSet):
    """Units of the tree. Lists show units in force today unless `active_on` or `include_closed`."""

    queryset = Unit.objects.select_related("type")
    serializer_class = s.UnitSerializer
    filterset_class = filters.UnitFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {"rename": "change", "lineage": "view", "successors": "view"}

    def get_serializer_class(self):
        if self.action == "partial_update":
            return s.UnitUpdateSerializer
        if self.action == "rename":
            return s.UnitRenameSerializer
        return super().get_serializer_class()

    def create_object(self, data):
        new = services.NewUnit(
            name=data["name"], code=data["code"], type=data["type"], parent=data.get("parent"),
            short_name=data.get("short_name", ""), issuer_abbr=data.get("issuer_abbr", ""),
        )
        return services.unit_create(data=new, valid_from=data["valid_from"], by=self.request.user)

    def update_object(self, obj, data):
        return services.unit_update_details(unit=obj, type=data.get("type"), by=self.request.user)

    def partial_update(self, request, *args, **kwargs):
        unit = self.get_object()
        ser = s.UnitUpdateSerializer(unit, data=request.data, partial=True, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        with service_errors():
            unit = self.update_object(unit, ser.validated_data)
        unit = Unit.objects.select_related("type").get(pk=unit.pk)
        return Response(s.UnitSerializer(unit, context=self.get_serializer_context()).data)

    @extend_schema(request=s.UnitRenameSerializer, responses=s.UnitSerializer,
                   description="A new name range from valid_from; the current name ends the day before.")
    @action(detail=True, methods=["post"])
    def rename(self, request, pk=None):
        unit = self.get_object()
        ser = s.UnitRenameSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        with service_errors():
            services.unit_rename(unit=unit, on=d["valid_from"], name=d["name"], code=d["code"],
                                 short_name=d["short_name"], issuer_abbr=d["issuer_abbr"],
                                 decision=d["decision"], by=request.user)
        unit = Unit.objects.select_related("type").get(pk=unit.pk)
        return Response(s.UnitSerializer(unit, context=self.get_serializer_context()).data)

    @extend_schema(responses=s.TimelineEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def lineage(self, request, pk=None):
        """The unit's life: start, names, lineage events with the units on the other side, end."""
        unit = self.get_object()
        return Response(s.TimelineEntrySerializer(selectors.lineage_timeline(unit), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="Date (YYYY-MM-DD); default today.")],
        responses=s.UnitBriefSerializer(many=True), filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def successors(self, request, pk=None):
        """The units in force on `on` that carry this unit forward (itself if still in force)."""
        unit = self.get_object()
        raw = request.query_params.get("on")
        on = dt.date.today()
        if raw:
            try:
                on = serializers.DateField().to_internal_value(raw)
            except serializers.ValidationError:
                raise ValidationError({"on": [_("Enter a date as YYYY-MM-DD.")]})
        return Response(s.UnitBriefSerializer(selectors.successors_at(unit, on), many=True).data)


class LineageEventViewSet(ScopedReadOnlyModelViewSet):
    """Read-only: restructuring happens through the merge wizard and the services."""

    queryset = LineageEvent.objects.prefetch_related("links")
    serializer_class = s.LineageEventSerializer
    filterset_class = filters.LineageEventFilterSet


class TermViewSet(ScopedModelViewSet):
    queryset = Term.objects.select_related("unit")
    serializer_class = s.TermSerializer
    filterset_class = filters.TermFilterSet


class DepartmentViewSet(ScopedModelViewSet):
    queryset = Department.objects.select_related("unit")
    serializer_class = s.DepartmentSerializer
    filterset_class = filters.DepartmentFilterSet


class PersonViewSet(ScopedModelViewSet):
    """People (cán bộ) with their position history (read-only here; see /api/positions/)."""

    queryset = Person.objects.prefetch_related(
        Prefetch("positions", queryset=Position.objects.select_related("unit").order_by("-valid_from"))
    )
    serializer_class = s.PersonSerializer
    filterset_class = filters.PersonFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class PositionViewSet(ScopedModelViewSet):
    queryset = Position.objects.select_related("person", "unit")
    serializer_class = s.PositionSerializer
    filterset_class = filters.PositionFilterSet


class ClusterViewSet(ScopedModelViewSet):
    """Emulation clusters and blocks per year; head and deputy must be members."""

    queryset = Cluster.objects.prefetch_related("members")
    serializer_class = s.ClusterSerializer
    filterset_class = filters.ClusterFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def _save(self, cluster, data):
        if cluster is not None:  # a partial update keeps the other values (the rules see the whole)
            current = {f: getattr(cluster, f) for f in ("year", "kind", "name", "organiser", "head", "deputy")}
            data = {**current, **data}
        members = list(data.pop("members", cluster.members.all() if cluster else []))
        return services.cluster_save(cluster=cluster, data=data, members=members, by=self.request.user)

    def create_object(self, data):
        return self._save(None, data)

    def update_object(self, obj, data):
        return self._save(obj, data)
