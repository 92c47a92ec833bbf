"""Serializers of the accounts API. Password hashes are never exposed; a password is write-only."""
from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tuyengiao.core.api import ScopedSerializerMixin

from ..models import Grant, User


class UserSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    password = serializers.CharField(
        label=_("password"), write_only=True, required=False, allow_blank=True, style={"input_type": "password"},
        help_text=_("Only on creation; leave empty for an account that cannot sign in with a password yet."),
    )

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "home_unit", "person", "is_active", "is_sample",
                  "last_login", "date_joined", "password"]
        read_only_fields = ["is_sample", "last_login", "date_joined"]

    def validate_password(self, value):
        if value:
            validate_password(value)
        return value


class UserUpdateSerializer(UserSerializer):
    """The username and the password do not change here (password change has its own page)."""

    class Meta(UserSerializer.Meta):
        fields = [f for f in UserSerializer.Meta.fields if f != "password"]
        read_only_fields = [*UserSerializer.Meta.read_only_fields, "username"]


class GrantSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Grant
        fields = ["id", "user", "unit", "role", "role_display", "valid_from", "valid_to", "carried_from", "note"]
        read_only_fields = ["valid_to", "carried_from"]
