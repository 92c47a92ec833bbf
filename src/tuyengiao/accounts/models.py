"""Users and grants. A user may hold several grants; each gives one role over one unit's subtree."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.querysets import RestrictedQuerySet
from tuyengiao.core.vi import fold, person_sort_key

from .roles import Role, permissions_for


class ScopedUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    person = models.ForeignKey(
        "org.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    home_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        help_text=_("The unit whose administrators manage this account."),
    )
    is_sample = models.BooleanField(_("sample data"), default=False, editable=False)
    search = models.CharField(max_length=300, editable=False, db_index=True, default="")
    sort_key = models.CharField(max_length=255, editable=False, db_index=True, default="")

    objects = ScopedUserManager()
    scope_path_lookup = "home_unit__path"

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["sort_key", "username"]

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.search = fold(f"{self.full_name} {self.username} {self.email}")
        self.sort_key = person_sort_key(self.full_name or self.username)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("accounts:user_detail", args=[self.pk])

    def scope_grants(self) -> list[tuple[str, frozenset[str]]]:
        """(unit path, permissions) for each grant in force today; read by core.permissions."""
        today = dt.date.today()
        rows = Grant.objects.filter(user=self).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today), valid_from__lte=today
        ).values_list("unit__path", "role")
        return [(path, permissions_for(role)) for path, role in rows]


# Revoked before its first day (valid_to < valid_from): kept for the record, never in force.
NEVER_IN_FORCE = Q(valid_to__lt=models.F("valid_from"))


class Grant(models.Model):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants")
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    valid_from = models.DateField(_("valid from"), default=dt.date.today)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    carried_from = models.ForeignKey(
        "self", verbose_name=_("carried over from"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="carried_to",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["user", "unit__sort_key"]
        indexes = [models.Index(fields=["user", "valid_to"])]

    def __str__(self):
        return f"{self.user}: {self.get_role_display()} — {self.unit}"

    def get_absolute_url(self):
        return reverse("accounts:user_detail", args=[self.user_id])

    @property
    def never_in_force(self) -> bool:
        return self.valid_to is not None and self.valid_to < self.valid_from

    def is_active(self, on: dt.date | None = None) -> bool:
        on = on or dt.date.today()
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)


class Notification(models.Model):
    """An in-app message to one user (e.g. a report deadline reminder). `key` makes sending idempotent:
    one notification per (user, key), so a reminder run twice never notifies twice.

    Not unit-scoped: a user reads only their own notifications (`Notification.objects.filter(user=...)`)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40, blank=True,
                            help_text=_("What produced it, e.g. reporting.due or reporting.overdue."))
    key = models.CharField(_("deduplication key"), max_length=200)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_notification_key")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_recent"),
        ]

    def __str__(self):
        return f"{self.user}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
