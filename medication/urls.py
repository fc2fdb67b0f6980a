"""Medication pages and API endpoints (included at the site root by careteam/urls.py)."""

from django.urls import path

from . import api, views

PATIENT = "patients/<int:patient_id>/medication"
API = "api/v1/patients/<int:patient_id>"

urlpatterns = [
    # --- pages ------------------------------------------------------------------------------
    path(f"{PATIENT}/", views.medication_page, name="medication_page"),
    path(f"{PATIENT}/orders/new/", views.order_create, name="medication_order_create"),
    path(f"{PATIENT}/orders/<int:order_id>/change/", views.order_change, name="medication_order_change"),
    path(
        f"{PATIENT}/orders/<int:order_id>/discontinue/",
        views.order_discontinue,
        name="medication_order_discontinue",
    ),
    path(f"{PATIENT}/adherence/new/", views.adherence_create, name="medication_adherence_create"),
    path(f"{PATIENT}/allergies/new/", views.allergy_create, name="medication_allergy_create"),
    path(
        f"{PATIENT}/orders/<int:order_id>/entered-in-error/",
        views.order_entered_in_error,
        name="medication_order_entered_in_error",
    ),
    path(
        f"{PATIENT}/adherence/<int:observation_id>/entered-in-error/",
        views.adherence_entered_in_error,
        name="medication_adherence_entered_in_error",
    ),
    path(
        f"{PATIENT}/side-effects/<int:report_id>/entered-in-error/",
        views.side_effect_entered_in_error,
        name="medication_side_effect_entered_in_error",
    ),
    path(f"{PATIENT}/side-effects/new/", views.side_effect_create, name="medication_side_effect_create"),
    path(
        f"{PATIENT}/side-effects/<int:report_id>/status/",
        views.side_effect_status,
        name="medication_side_effect_status",
    ),
    # --- API --------------------------------------------------------------------------------
    path(
        f"{API}/medication-orders/", api.MedicationOrderListView.as_view(), name="api_medication_order_list"
    ),
    path(
        f"{API}/medication-orders/<int:order_id>/",
        api.MedicationOrderDetailView.as_view(),
        name="api_medication_order_detail",
    ),
    path(
        f"{API}/medication-orders/<int:order_id>/entered-in-error/",
        api.MedicationOrderEnteredInErrorView.as_view(),
        name="api_medication_order_entered_in_error",
    ),
    path(f"{API}/adherence/", api.AdherenceListView.as_view(), name="api_adherence_list"),
    path(
        f"{API}/adherence/<int:observation_id>/entered-in-error/",
        api.AdherenceEnteredInErrorView.as_view(),
        name="api_adherence_entered_in_error",
    ),
    path(f"{API}/allergies/", api.AllergyListView.as_view(), name="api_allergy_list"),
    path("api/v1/formulary/", api.FormularyView.as_view(), name="api_formulary"),
    path(f"{API}/side-effects/", api.SideEffectListView.as_view(), name="api_side_effect_list"),
    path(
        f"{API}/side-effects/<int:report_id>/",
        api.SideEffectDetailView.as_view(),
        name="api_side_effect_detail",
    ),
    path(
        f"{API}/side-effects/<int:report_id>/entered-in-error/",
        api.SideEffectEnteredInErrorView.as_view(),
        name="api_side_effect_entered_in_error",
    ),
]
