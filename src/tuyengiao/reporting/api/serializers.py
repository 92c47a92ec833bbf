"""Serializers of the reporting API. Thin: rules live in the services."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    FormVersion,
    Indicator,
    Period,
    Regime,
    Report,
    ReportValue,
    ReportVersion,
    Section,
    ValidationRule,
)


class PeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Period
        fields = ["id", "code", "kind", "year", "number", "label", "start", "end"]


class RegimeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Regime
        fields = ["id", "code", "name", "frequency", "receiving_unit", "selection", "unit_types", "units", "cluster",
                  "deadline_days", "cutoff_days", "current_form", "is_active", "is_sample"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.code", read_only=True)
    weight_indicator = serializers.CharField(source="weight_indicator.code", read_only=True, default=None)

    class Meta:
        model = Indicator
        fields = ["id", "section", "code", "name", "unit_of_measure", "type", "choices", "aggregation",
                  "weight_indicator", "min_value", "max_value", "required", "order", "help_text"]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "code", "title", "order", "is_narrative", "guidance"]


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ValidationRule
        fields = ["id", "expression", "message", "severity", "order"]


class FormVersionSerializer(serializers.ModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)
    rules = RuleSerializer(many=True, read_only=True)

    class Meta:
        model = FormVersion
        fields = ["id", "regime", "number", "status", "note", "published_at", "sections", "indicators", "rules"]


class ValueSerializer(serializers.ModelSerializer):
    value = serializers.SerializerMethodField()

    class Meta:
        model = ReportValue
        fields = ["id", "report", "code", "state", "value", "unit", "period", "status"]

    @extend_schema_field(OpenApiTypes.ANY)
    def get_value(self, obj):
        v = obj.python_value()
        return str(v) if v is not None and not isinstance(v, bool | str) else v


class ReportSerializer(serializers.ModelSerializer):
    period_code = serializers.CharField(source="period.code", read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Report
        fields = ["id", "regime", "period", "period_code", "period_label", "unit", "unit_name", "form", "status",
                  "revision", "deadline", "submitted_at", "on_time", "warning_explanation", "returned_at",
                  "returned_comment", "approved_at", "approved_by", "updated_at"]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    values = ValueSerializer(many=True, read_only=True)
    narratives = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "values", "narratives"]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_narratives(self, obj) -> dict:
        return {n.section.code: n.html for n in obj.narratives.select_related("section")}


class ReportCreateSerializer(serializers.Serializer):
    regime = serializers.PrimaryKeyRelatedField(queryset=Regime.objects.all(), label=_("regime"))
    period = serializers.CharField(label=_("period code"), help_text=_("e.g. 2026-H1"))
    unit = serializers.IntegerField(label=_("unit"))


class SaveDraftSerializer(serializers.Serializer):
    revision = serializers.IntegerField(label=_("revision the edit is based on"))
    values = serializers.DictField(child=serializers.JSONField(allow_null=True), required=False, default=dict,
                                   help_text=_('{code: value}; null or "" = empty; "not_applicable" = nothing to report.'))
    narratives = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)


class SaveResultSerializer(serializers.Serializer):
    revision = serializers.IntegerField()
    saved = serializers.ListField(child=serializers.CharField())
    errors = serializers.DictField(child=serializers.CharField())
    issues = serializers.ListField(child=serializers.DictField())


class SubmitSerializer(serializers.Serializer):
    revision = serializers.IntegerField(required=False, allow_null=True, default=None)
    explanation = serializers.CharField(required=False, allow_blank=True, default="")


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(label=_("comment"))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"))


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportVersion
        fields = ["id", "number", "action", "status", "comment", "created_at", "created_by", "data"]
