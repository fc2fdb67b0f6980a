"""Therapy pages and API endpoints (full paths: included at the site root)."""

from django.urls import path

from . import api, views

P = "patients/<int:patient_id>/therapy/"
A = "api/v1/patients/<int:patient_id>/"

urlpatterns = [
    # --- pages ----------------------------------------------------------------------------------
    path(P, views.therapy_overview, name="therapy_overview"),
    path(f"{P}courses/new/", views.therapy_course_create, name="therapy_course_create"),
    path(f"{P}courses/<int:course_id>/", views.therapy_course_edit, name="therapy_course_edit"),
    path(f"{P}sessions/new/", views.therapy_session_create, name="therapy_session_create"),
    path(f"{P}sessions/<int:session_id>/", views.therapy_session_edit, name="therapy_session_edit"),
    path(f"{P}progress-notes/new/", views.therapy_progress_note_create, name="therapy_progress_note_create"),
    path(
        f"{P}assessments/new/<slug:instrument>/",
        views.therapy_assessment_create,
        name="therapy_assessment_create",
    ),
    path(
        f"{P}assessments/<int:assessment_id>/",
        views.therapy_assessment_detail,
        name="therapy_assessment_detail",
    ),
    path(
        f"{P}psychotherapy-notes/",
        views.therapy_psychotherapy_note_list,
        name="therapy_psychotherapy_note_list",
    ),
    path(
        f"{P}psychotherapy-notes/new/",
        views.therapy_psychotherapy_note_create,
        name="therapy_psychotherapy_note_create",
    ),
    path(
        f"{P}psychotherapy-notes/<int:note_id>/",
        views.therapy_psychotherapy_note_detail,
        name="therapy_psychotherapy_note_detail",
    ),
    path(
        f"{P}assessments/<int:record_id>/entered-in-error/",
        views.therapy_assessment_entered_in_error,
        name="therapy_assessment_entered_in_error",
    ),
    path(
        f"{P}sessions/<int:record_id>/entered-in-error/",
        views.therapy_session_entered_in_error,
        name="therapy_session_entered_in_error",
    ),
    path(
        f"{P}progress-notes/<int:record_id>/entered-in-error/",
        views.therapy_progress_note_entered_in_error,
        name="therapy_progress_note_entered_in_error",
    ),
    # --- API ------------------------------------------------------------------------------------
    path(f"{A}therapy-courses/", api.TherapyCourseListView.as_view(), name="api_therapy_course_list"),
    path(
        f"{A}therapy-courses/<int:course_id>/",
        api.TherapyCourseDetailView.as_view(),
        name="api_therapy_course_detail",
    ),
    path(f"{A}therapy-sessions/", api.TherapySessionListView.as_view(), name="api_therapy_session_list"),
    path(
        f"{A}therapy-sessions/<int:session_id>/",
        api.TherapySessionDetailView.as_view(),
        name="api_therapy_session_detail",
    ),
    path(f"{A}progress-notes/", api.ProgressNoteListView.as_view(), name="api_progress_note_list"),
    path(
        f"{A}progress-notes/<int:note_id>/",
        api.ProgressNoteDetailView.as_view(),
        name="api_progress_note_detail",
    ),
    path(
        f"{A}psychotherapy-notes/",
        api.PsychotherapyNoteListView.as_view(),
        name="api_psychotherapy_note_list",
    ),
    path(
        f"{A}psychotherapy-notes/<int:note_id>/",
        api.PsychotherapyNoteDetailView.as_view(),
        name="api_psychotherapy_note_detail",
    ),
    path(f"{A}assessments/", api.AssessmentListView.as_view(), name="api_assessment_list"),
    path(
        f"{A}assessments/<int:assessment_id>/",
        api.AssessmentDetailView.as_view(),
        name="api_assessment_detail",
    ),
    path(
        f"{A}assessments/<int:record_id>/entered-in-error/",
        api.AssessmentEnteredInErrorView.as_view(),
        name="api_assessment_entered_in_error",
    ),
    path(
        f"{A}therapy-sessions/<int:record_id>/entered-in-error/",
        api.TherapySessionEnteredInErrorView.as_view(),
        name="api_therapy_session_entered_in_error",
    ),
    path(
        f"{A}progress-notes/<int:record_id>/entered-in-error/",
        api.ProgressNoteEnteredInErrorView.as_view(),
        name="api_progress_note_entered_in_error",
    ),
]
