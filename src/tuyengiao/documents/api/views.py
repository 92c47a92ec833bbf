"""Document register API: scoped exactly as the pages (restrict()), filtered by the same FilterSets,
writing through the same services."""
from __future__ import annotations

from tuyengiao.core.api import ScopedModelViewSet, today

from .. import filters, services
from ..models import IssuerProfile
from . import serializers as s


class IssuerProfileViewSet(ScopedModelViewSet):
    """Issuer profiles (letterheads). An overlap with another profile of the unit is a 400 at
    `valid_from`; DELETE ends the profile today (the row stays)."""

    queryset = IssuerProfile.objects.select_related("unit")
    serializer_class = s.IssuerProfileSerializer
    filterset_class = filters.IssuerProfileFilterSet

    def create_object(self, data: dict):
        return services.issuer_profile_create(data=data, by=self.request.user)

    def update_object(self, obj, data: dict):
        return services.issuer_profile_update(profile=obj, data=data, by=self.request.user)

    def close_object(self, obj):
        return services.issuer_profile_close(profile=obj, on=today(), by=self.request.user)
