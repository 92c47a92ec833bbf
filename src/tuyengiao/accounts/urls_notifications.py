"""Notification URLs, included from accounts/urls.py: `urlpatterns += urls_notifications.urlpatterns`."""
from django.urls import path

from . import views_notifications as views

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/<int:pk>/open/", views.NotificationOpenView.as_view(), name="notification_open"),
    path("notifications/read-all/", views.NotificationReadAllView.as_view(), name="notification_read_all"),
]
