"""Template context for every page: the number of unread notifications (the navbar bell)."""
from __future__ import annotations


class UnreadCount:
    """Counted on first use (one indexed COUNT), then cached: fragments and pages that never show the
    bell pay nothing. Behaves as an int in templates ({{ n }}, {% if n %}, .value)."""

    def __init__(self, user):
        self._user = user
        self._value: int | None = None

    @property
    def value(self) -> int:
        if self._value is None:
            from .notifications import unread_count

            self._value = unread_count(self._user)
        return self._value

    def __int__(self) -> int:
        return self.value

    __index__ = __int__

    def __bool__(self) -> bool:
        return bool(self.value)

    def __str__(self) -> str:
        return str(self.value)

    def __eq__(self, other) -> bool:
        return self.value == other

    __hash__ = None


def notifications(request):
    """`notification_unread`: the unread count of the logged-in user (no query for anonymous users)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notification_unread": 0}
    return {"notification_unread": UnreadCount(user)}
