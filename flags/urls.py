"""Flags, the inbox and notifications: pages and /api/v1/ endpoints (included at the site root)."""

from django.urls import path

from . import api, views

A = "api/v1/"

urlpatterns = [
    # --- pages ----------------------------------------------------------------------------------
    path("notifications/", views.notifications_inbox, name="notifications_inbox"),
    path("notifications/unread-count/", views.notifications_unread_count, name="notifications_unread_count"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("patients/<int:patient_id>/flags/new/", views.flag_create, name="flag_create"),
    path("flags/<int:flag_id>/", views.flag_detail, name="flag_detail"),
    path("flags/<int:flag_id>/acknowledge/", views.flag_acknowledge, name="flag_acknowledge"),
    path("flags/<int:flag_id>/resolve/", views.flag_resolve, name="flag_resolve"),
    # --- API ------------------------------------------------------------------------------------
    path(f"{A}patients/<int:patient_id>/flags/", api.PatientFlagListView.as_view(), name="api_patient_flags"),
    path(f"{A}flags/<int:flag_id>/", api.FlagDetailView.as_view(), name="api_flag_detail"),
    path(
        f"{A}flags/<int:flag_id>/acknowledge/", api.FlagAcknowledgeView.as_view(), name="api_flag_acknowledge"
    ),
    path(f"{A}flags/<int:flag_id>/resolve/", api.FlagResolveView.as_view(), name="api_flag_resolve"),
    path(f"{A}notifications/", api.NotificationListView.as_view(), name="api_notifications"),
    path(
        f"{A}notifications/read-all/",
        api.NotificationsReadAllView.as_view(),
        name="api_notifications_read_all",
    ),
    path(
        f"{A}notifications/<int:notification_id>/read/",
        api.NotificationReadView.as_view(),
        name="api_notification_read",
    ),
]
