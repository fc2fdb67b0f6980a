"""The integrated views: pages and /api/v1/ endpoints (included at the site root)."""

from django.urls import path

from . import api, views

urlpatterns = [
    # --- pages ----------------------------------------------------------------------------------
    path("patients/<int:patient_id>/", views.patient_detail, name="patient_detail"),
    path("patients/<int:patient_id>/timeline/", views.patient_timeline_page, name="patient_timeline"),
    path("caseload/", views.caseload_page, name="caseload"),
    path("caseload/review/", views.review_list_page, name="psychiatric_review_list"),
    path("caseload/review/<int:patient_id>/done/", views.review_done, name="psychiatric_review_done"),
    path("metrics/", views.team_metrics, name="team_metrics"),
    # --- API ------------------------------------------------------------------------------------
    path("api/v1/caseload/", api.CaseloadView.as_view(), name="api_caseload"),
    path("api/v1/psychiatric-review/", api.ReviewListView.as_view(), name="api_psychiatric_review"),
    path(
        "api/v1/patients/<int:patient_id>/psychiatric-review/",
        api.ReviewDoneView.as_view(),
        name="api_psychiatric_review_done",
    ),
    path(
        "api/v1/patients/<int:patient_id>/timeline/",
        api.PatientTimelineView.as_view(),
        name="api_patient_timeline",
    ),
    path("api/v1/metrics/", api.TeamMetricsView.as_view(), name="api_team_metrics"),
]
