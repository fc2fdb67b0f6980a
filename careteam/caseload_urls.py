"""Caseload registry and psychiatric review list: pages and /api/v1/ endpoints."""

from django.urls import path

from . import caseload_api, caseload_views

urlpatterns: list = [
    path("caseload/", caseload_views.caseload_page, name="caseload"),
    path("caseload/review/", caseload_views.review_list_page, name="psychiatric_review_list"),
    path("caseload/review/<int:patient_id>/done/", caseload_views.review_done,
         name="psychiatric_review_done"),
    path("api/v1/caseload/", caseload_api.CaseloadView.as_view(), name="api_caseload"),
    path("api/v1/psychiatric-review/", caseload_api.ReviewListView.as_view(),
         name="api_psychiatric_review"),
    path("api/v1/patients/<int:patient_id>/psychiatric-review/",
         caseload_api.ReviewDoneView.as_view(), name="api_psychiatric_review_done"),
]
