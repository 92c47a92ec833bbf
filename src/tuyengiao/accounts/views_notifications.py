"""The user's own notifications: a list, open one (marks it read, then follows its link), mark all read.

Notifications are not unit-scoped: every read is `Notification.objects.filter(user=request.user)`, so
another user's notification answers 404."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import generic

from . import notifications
from .models import Notification


class NotificationListView(LoginRequiredMixin, generic.ListView):
    permission_action = "authenticated"
    template_name = "accounts/notifications.html"
    context_object_name = "notifications"
    paginate_by = 50

    def unread_only(self) -> bool:
        return self.request.GET.get("unread") == "1"

    def get_queryset(self):
        qs = notifications.for_user(self.request.user)
        if self.unread_only():
            qs = qs.filter(read_at__isnull=True)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unread_only"] = self.unread_only()
        ctx["querystring"] = "unread=1" if self.unread_only() else ""
        ctx["unread_total"] = notifications.unread_count(self.request.user)
        return ctx


class NotificationOpenView(LoginRequiredMixin, generic.View):
    """POST: marks the notification read and follows its link (the list when it has none)."""

    permission_action = "authenticated"
    http_method_names = ["post"]

    def post(self, request, pk):
        obj = get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)
        notifications.mark_read(notification=obj, by=request.user)
        target = obj.url
        if request.POST.get("stay") or not target or not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            target = reverse("accounts:notification_list")
        return HttpResponseRedirect(target)


class NotificationReadAllView(LoginRequiredMixin, generic.View):
    permission_action = "authenticated"
    http_method_names = ["post"]

    def post(self, request):
        n = notifications.mark_all_read(by=request.user)
        if n:
            messages.success(request, _("All notifications are marked as read."))
        return HttpResponseRedirect(reverse("accounts:notification_list"))
