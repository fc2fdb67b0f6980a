"""The patient timeline: page and API (included at the site root)."""

from django.urls import path

from . import timeline_api, timeline_views

urlpatterns = [
    path("patients/<int:patient_id>/timeline/", timeline_views.patient_timeline_page,
         name="patient_timeline"),
    path("api/v1/patients/<int:patient_id>/timeline/", timeline_api.PatientTimelineView.as_view(),
         name="api_patient_timeline"),
]
