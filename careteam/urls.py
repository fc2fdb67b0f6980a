"""The site's URLs: the core's own (staff, audit, the API's schema), then each
app's urls.py, included by name as INSTALLED_APPS names the apps (the core imports none of them)."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import api, views

api_v1 = [
    path("me/", api.MeView.as_view(), name="api_me"),
    path("staff/", api.StaffListView.as_view(), name="api_staff_list"),
    path("staff/<int:staff_id>/", api.StaffDetailView.as_view(), name="api_staff_detail"),
    path("audit/", api.AuditListView.as_view(), name="api_audit_list"),
]

pages = [
    path("", views.home, name="home"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:staff_id>/", views.staff_edit, name="staff_edit"),
    path("audit/", views.audit_log, name="audit_log"),
    path("account/notifications/", views.notification_preferences, name="notification_preferences"),
]

urlpatterns = [
    *pages,
    path("", include("patients.urls")),
    path("", include("accounts.urls")),
    path("", include("flags.urls")),
    # Care components: each app's urls.py holds its pages and its /api/v1/ endpoints.
    path("", include("therapy.urls")),
    path("", include("medication.urls")),
    path("", include("casemanagement.urls")),
    # Break-glass emergency access.
    path("", include("emergency.urls")),
    # Integrated views: the patient page, caseload registry and review list, timeline, metrics.
    path("", include("insights.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    # Signed-in users only: the schema is an API endpoint (401 for nobody, SERVE_PERMISSIONS),
    # the docs a page (sent to sign in). The split view serves Swagger UI's set-up script as
    # its own ?script= response, so the page needs no inline script under the CSP.
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "api/docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(url_name="api_schema", template_name="careteam/api_docs.html")
        ),
        name="api_docs",
    ),
]

# 404.html and 403.html are rendered by Django's own handlers; the 500 page by ours (no context
# processors). careteam.errorpages uses the same handlers with DEBUG on.
handler500 = "careteam.errorpages.server_error"
