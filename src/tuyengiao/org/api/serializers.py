"""Serializers of the organisation API. Thin: validation of rules lives in the services."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tuyengiao.core.api import ScopedSerializerMixin

from ..models import Cluster, Department, LineageEvent, Person, Position, Term, Unit, UnitType


class UnitTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitType
        fields = ["id", "code", "name", "is_party_committee", "order"]


class UnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "short_name", "valid_from", "valid_to"]
        read_only_fields = fields


class UnitSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    """Read, and create (through org.services.unit_create). Names change through /rename/."""

    type_name = serializers.CharField(source="type.name", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "parent", "path", "depth", "type", "type_name", "code", "name", "short_name",
                  "issuer_abbr", "valid_from", "valid_to", "is_sample"]
        read_only_fields = ["path", "depth", "valid_to", "is_sample"]


class UnitUpdateSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    """PATCH of a unit changes only its type; names and codes are date-ranged (see /rename/)."""

    class Meta:
        model = Unit
        fields = ["type"]


class UnitRenameSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("name"), max_length=255)
    code = serializers.CharField(label=_("code"), max_length=40)
    short_name = serializers.CharField(label=_("short name"), max_length=100, required=False, default="",
                                       allow_blank=True)
    issuer_abbr = serializers.CharField(label=_("issuer abbreviation"), max_length=30, required=False, default="",
                                        allow_blank=True)
    valid_from = serializers.DateField(label=_("valid from"), help_text=_("First day of the new name."))
    decision = serializers.CharField(label=_("decision"), max_length=200, required=False, default="",
                                     allow_blank=True)


class TimelineEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField()
    label = serializers.CharField()
    role = serializers.CharField(help_text=_("start, name, pred, succ or end"))
    event = serializers.SerializerMethodField()
    others = UnitBriefSerializer(many=True)

    def get_event(self, entry) -> int | None:
        return entry.event.pk if entry.event else None


class LineageEventSerializer(serializers.ModelSerializer):
    predecessors = serializers.SerializerMethodField()
    successors = serializers.SerializerMethodField()

    class Meta:
        model = LineageEvent
        fields = ["id", "kind", "date", "decision", "note", "predecessors", "successors", "created_at"]

    def _ids(self, event, role) -> list[int]:
        return sorted(link.unit_id for link in event.links.all() if link.role == role)

    def get_predecessors(self, event) -> list[int]:
        return self._ids(event, "pred")

    def get_successors(self, event) -> list[int]:
        return self._ids(event, "succ")


class TermSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Term
        fields = ["id", "unit", "name", "number", "valid_from", "valid_to"]


class DepartmentSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "unit", "code", "name", "valid_from", "valid_to"]


class PositionSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "person", "unit", "department", "title", "valid_from", "valid_to"]


class PersonPositionSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Position
        fields = ["id", "unit", "unit_name", "department", "title", "valid_from", "valid_to"]
        read_only_fields = fields


class PersonSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    positions = PersonPositionSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "gender", "birth_year", "email", "phone", "home_unit", "is_sample", "positions"]
        read_only_fields = ["is_sample"]


class ClusterSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Cluster
        fields = ["id", "year", "kind", "name", "organiser", "head", "deputy", "members"]
