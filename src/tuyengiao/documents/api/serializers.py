"""Serializers of the document register API."""
from __future__ import annotations

from rest_framework import serializers

from tuyengiao.core.api import ScopedSerializerMixin

from ..models import IssuerProfile


class IssuerProfileSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    """A unit's letterhead over a date range. Letterhead lines and signature marks are stored in
    capitals; `recipients` is one recipient per line."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = IssuerProfile
        fields = ["id", "unit", "unit_name", "valid_from", "valid_to", "superior_line", "issuer_line", "place",
                  "signature_authority", "signature_position", "signer_name", "recipients", "annex_pages",
                  "margin_top", "margin_bottom", "margin_left", "margin_right"]
