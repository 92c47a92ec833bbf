"""API base: the same restrict() as the pages; out of scope is 404."""
from rest_framework import permissions

from .permissions import has_perm_anywhere, has_perm_on, perm_name
from .querysets import object_unit_path

METHOD_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change",
                  "PATCH": "change", "DELETE": "delete"}


class ScopedPermission(permissions.BasePermission):
    def has_permission(self, request, view):
        if getattr(view, "public", False):
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        model = getattr(getattr(view, "queryset", None), "model", None) or getattr(view, "model", None)
        if model is None:
            return True
        action = getattr(view, "permission_action", None) or METHOD_ACTIONS.get(request.method, "view")
        return has_perm_anywhere(request.user, perm_name(model, action))

    def has_object_permission(self, request, view, obj):
        action = getattr(view, "permission_action", None) or METHOD_ACTIONS.get(request.method, "view")
        return has_perm_on(request.user, perm_name(obj, action), object_unit_path(obj))
