"""Break-glass emergency access: pages and /api/v1/ endpoints (included at the site root)."""

from django.urls import path

from . import api, views

A = "api/v1/"

urlpatterns = [
    # --- pages ----------------------------------------------------------------------------------
    path("emergency-access/", views.break_glass_request, name="break_glass_request"),
    path("break-glass/", views.break_glass_review, name="break_glass_review"),
    path(
        "break-glass/<int:grant_id>/review/",
        views.break_glass_mark_reviewed,
        name="break_glass_mark_reviewed",
    ),
    # --- API ------------------------------------------------------------------------------------
    path(
        f"{A}patients/<int:patient_id>/break-glass/",
        api.BreakGlassOpenView.as_view(),
        name="api_break_glass_open",
    ),
    path(f"{A}break-glass/", api.BreakGlassListView.as_view(), name="api_break_glass_list"),
    path(
        f"{A}break-glass/<int:grant_id>/review/",
        api.BreakGlassReviewView.as_view(),
        name="api_break_glass_review",
    ),
]
