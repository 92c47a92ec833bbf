"""Accounts API: users and grants, scoped by the user's home unit / the grant's unit; the token
endpoint."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.authtoken.views import ObtainAuthToken

from tuyengiao.core.api import ScopedModelViewSet, today

from .. import filters, services
from ..models import Grant, User
from . import serializers as s


class TokenView(ObtainAuthToken):
    """POST username and password, receive the token for `Authorization: Token <key>`."""

    public = True


@extend_schema_view(
    update=extend_schema(request=s.UserUpdateSerializer, responses=s.UserSerializer),
    partial_update=extend_schema(request=s.UserUpdateSerializer, responses=s.UserSerializer),
)
class UserViewSet(ScopedModelViewSet):
    """Accounts, scoped by their home unit. Created and edited by administrators; not deletable
    (set is_active to false)."""

    queryset = User.objects.select_related("home_unit")
    serializer_class = s.UserSerializer
    filterset_class = filters.UserFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.UserUpdateSerializer
        return super().get_serializer_class()

    def create_object(self, data):
        return services.user_create(
            username=data["username"], full_name=data.get("full_name", ""), email=data.get("email", ""),
            home_unit=data.get("home_unit"), password=data.get("password") or None, by=self.request.user,
        )

    def update_object(self, obj, data):
        return services.user_update(user=obj, data=data, by=self.request.user)


class GrantViewSet(ScopedModelViewSet):
    """Grants give a role over a unit's subtree. Not edited in place: create a new one, and DELETE
    revokes: it ends yesterday, so it is not in force from today; a grant that has not started ends the
    day before its first day (valid_to < valid_from) and is never in force. Nothing is deleted."""

    queryset = Grant.objects.select_related("user", "unit")
    serializer_class = s.GrantSerializer
    filterset_class = filters.GrantFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]

    def create_object(self, data):
        return services.grant_create(
            user=data["user"], unit=data["unit"], role=data["role"], valid_from=data.get("valid_from"),
            note=data.get("note", ""), by=self.request.user,
        )

    def close_object(self, obj):
        return services.grant_revoke(grant=obj, on=today(), by=self.request.user)
