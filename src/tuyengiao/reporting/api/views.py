"""Reporting API: regimes, forms, periods, reports (read and the workflow actions), values, roll-ups.
Scoped by restrict() as the pages; writes through reporting.services."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from tuyengiao.core.api import ScopedReadOnlyModelViewSet, service_errors
from tuyengiao.core.views import id_param
from tuyengiao.org.models import Unit

from .. import selectors, services
from ..models import FormVersion, Period, Regime, Report, ReportValue
from . import serializers as s

PERIOD = OpenApiParameter("period", OpenApiTypes.STR, required=True, description="Period code, e.g. 2026-H1")
UNDER = OpenApiParameter("under", OpenApiTypes.INT, description="Unit id (default: the regime's reporting root)")


def _plain(obj):
    """Dataclasses from selectors as JSON: units and periods by id and name."""
    if isinstance(obj, selectors.PivotCell):
        return {"state": obj.state, "value": _plain(obj.python_value())}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Unit):
        return {"id": obj.pk, "code": obj.code, "name": obj.name}
    if isinstance(obj, Period):
        return {"id": obj.pk, "code": obj.code, "label": obj.label}
    if isinstance(obj, Regime):
        return obj.pk
    if isinstance(obj, Report):
        return obj.pk
    if isinstance(obj, ReportValue):
        return {"state": obj.state, "value": _plain(obj.python_value())}
    if hasattr(obj, "_meta"):
        return obj.pk
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    return str(obj)


class PeriodViewSet(ScopedReadOnlyModelViewSet):
    queryset = Period.objects.all()
    serializer_class = s.PeriodSerializer
    lookup_value_regex = "[^/]+"

    def get_object(self):
        key = self.kwargs["pk"]
        if not key.isdigit():
            try:
                return Period.objects.for_code(key)
            except ValueError:
                raise NotFound
        return super().get_object()


class RegimeViewSet(ScopedReadOnlyModelViewSet):
    """Regimes received by units in the caller's scope, with completeness and roll-ups."""

    queryset = Regime.objects.select_related("receiving_unit").prefetch_related("unit_types", "units")
    serializer_class = s.RegimeSerializer
    filterset_class = None

    def _period(self, regime):
        code = self.request.query_params.get("period", "")
        try:
            return Period.objects.for_code(code)
        except ValueError:
            raise ValidationError({"period": [_("Enter a period code such as 2026-H1.")]})

    def _under(self, regime):
        raw = self.request.query_params.get("under")
        if not raw:
            return selectors.reporting_root(regime)
        return get_object_or_404(Unit.objects.restrict(self.request.user, "view"),
                                 pk=id_param(self.request.query_params, "under"))

    @extend_schema(parameters=[PERIOD, UNDER], responses=OpenApiTypes.OBJECT, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def completeness(self, request, pk=None):
        regime = self.get_object()
        data = selectors.completeness(regime, self._period(regime), under=self._under(regime))
        return Response({**_plain(data), "percent": str(data.percent)})

    @extend_schema(parameters=[PERIOD, UNDER, OpenApiParameter("codes", OpenApiTypes.STR, required=True,
                                                               description="Comma-separated indicator codes"),
                               OpenApiParameter("as_of", OpenApiTypes.DATE)],
                   responses=OpenApiTypes.OBJECT, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def rollup(self, request, pk=None):
        regime = self.get_object()
        codes = [c for c in request.query_params.get("codes", "").split(",") if c]
        if not codes:
            raise ValidationError({"codes": [_("Name at least one indicator code.")]})
        as_of = request.query_params.get("as_of")
        if as_of:
            try:
                as_of = drf.DateField().to_internal_value(as_of)
            except drf.ValidationError:
                raise ValidationError({"as_of": [_("Enter a date as YYYY-MM-DD.")]})
        data = selectors.rollup(regime=regime, codes=codes, period=self._period(regime), under=self._under(regime),
                                as_of=as_of or None)
        out = _plain(data)
        out.pop("indicators", None)
        return Response(out)

    @extend_schema(parameters=[PERIOD, UNDER], responses=OpenApiTypes.OBJECT, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def pivot(self, request, pk=None):
        regime = self.get_object()
        data = selectors.pivot(regime=regime, period=self._period(regime), under=self._under(regime))
        return Response({"period": _plain(data.period), "indicators": [i.code for i in data.indicators],
                         "rows": _plain(data.rows), "total": _plain(data.total)})


class FormVersionViewSet(ScopedReadOnlyModelViewSet):
    queryset = FormVersion.objects.select_related("regime").prefetch_related(
        "sections", "indicators__section", "indicators__weight_indicator", "rules")
    serializer_class = s.FormVersionSerializer


class ReportViewSet(ScopedReadOnlyModelViewSet):
    """Reports in the caller's scope. POST creates (or returns) the draft; the workflow steps are actions."""

    queryset = Report.objects.select_related("period", "unit", "regime")
    serializer_class = s.ReportSerializer
    filterset_class = None
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"create": "add", "save_draft": "change", "submit": "submit", "resubmit": "submit",
                          "return_report": "view", "approve": "view", "unlock": "view", "versions": "view"}

    def get_serializer_class(self):
        return s.ReportDetailSerializer if self.action == "retrieve" else s.ReportSerializer

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        params = self.request.query_params
        if not self.detail:
            if params.get("regime"):
                qs = qs.filter(regime_id=_regime_id(params))
            if params.get("period"):
                qs = qs.filter(period__code=params["period"].upper())
            if params.get("status"):
                qs = qs.filter(status=params["status"])
        return qs

    def _detail(self, report, status=200):
        report = Report.objects.select_related("period", "unit", "regime").get(pk=report.pk)
        return Response(s.ReportDetailSerializer(report, context=self.get_serializer_context()).data, status=status)

    @extend_schema(request=s.ReportCreateSerializer, responses=s.ReportDetailSerializer)
    def create(self, request, *args, **kwargs):
        ser = s.ReportCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            period = Period.objects.for_code(d["period"])
        except ValueError:
            raise ValidationError({"period": [_("Enter a period code such as 2026-H1.")]})
        unit = get_object_or_404(Unit.objects.restrict(request.user, "view"), pk=d["unit"])
        with service_errors():
            report = services.report_get_or_create_draft(regime=d["regime"], period=period, unit=unit,
                                                         by=request.user)
        return self._detail(report, status=201)

    @extend_schema(request=s.SaveDraftSerializer, responses=s.SaveResultSerializer)
    @action(detail=True, methods=["post"], url_path="save")
    def save_draft(self, request, pk=None):
        report = self.get_object()
        ser = s.SaveDraftSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        with service_errors():
            result = services.report_save_draft(report=report, by=request.user, values=d["values"],
                                                narratives=d["narratives"], based_on_revision=d["revision"])
        return Response({"revision": result.revision, "saved": result.saved, "errors": result.errors,
                         "issues": [_plain(i) for i in result.issues]})

    def _step(self, fn, ser_class=None, **kwargs):
        report = self.get_object()
        extra = {}
        if ser_class is not None:
            ser = ser_class(data=self.request.data)
            ser.is_valid(raise_exception=True)
            extra = dict(ser.validated_data)
        if "revision" in extra:
            extra["based_on_revision"] = extra.pop("revision")
        with service_errors():
            fn(report=report, by=self.request.user, **extra, **kwargs)
        return self._detail(report)

    @extend_schema(request=s.SubmitSerializer, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(services.report_submit, s.SubmitSerializer)

    @extend_schema(request=s.SubmitSerializer, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._step(services.report_resubmit, s.SubmitSerializer)

    @extend_schema(request=s.CommentSerializer, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request, pk=None):
        return self._step(services.report_return, s.CommentSerializer)

    @extend_schema(request=None, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(services.report_approve)

    @extend_schema(request=s.ReasonSerializer, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        return self._step(services.report_unlock, s.ReasonSerializer)

    @extend_schema(responses=s.VersionSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def versions(self, request, pk=None):
        report = self.get_object()
        return Response(s.VersionSerializer(report.versions.order_by("number"), many=True).data)


def _regime_id(params) -> int:
    """?regime= as an id; anything else is the client's mistake (400), not a server error."""
    value = id_param(params, "regime")
    if value is None:
        raise ValidationError({"regime": [_("A valid integer is required.")]})
    return value


class ReportValueViewSet(ScopedReadOnlyModelViewSet):
    """Values in scope; filter by regime, period (code), code, status."""

    queryset = ReportValue.objects.all().order_by("id")
    serializer_class = s.ValueSerializer

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        p = self.request.query_params
        if p.get("regime"):
            qs = qs.filter(regime_id=_regime_id(p))
        if p.get("period"):
            qs = qs.filter(period__code=p["period"].upper())
        if p.get("code"):
            qs = qs.filter(code=p["code"])
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        return qs
