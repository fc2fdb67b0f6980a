"""Patients, care teams and the care plan: pages and /api/v1/ endpoints (included at the site
root)."""

from django.urls import path

from . import api, views

P = "patients/<int:patient_id>/"
A = "api/v1/patients/"

urlpatterns = [
    # --- pages ----------------------------------------------------------------------------------
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path(f"{P}edit/", views.patient_edit, name="patient_edit"),
    path(f"{P}care-team/add/", views.care_team_add, name="care_team_add"),
    path(f"{P}care-team/<int:member_id>/remove/", views.care_team_remove, name="care_team_remove"),
    path(f"{P}care-plan/", views.care_plan_edit, name="care_plan_edit"),
    path(f"{P}care-plan/history/", views.care_plan_history, name="care_plan_history"),
    path(f"{P}care-plan/goals/new/", views.goal_create, name="goal_create"),
    path(f"{P}care-plan/goals/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    # --- API ------------------------------------------------------------------------------------
    path(A, api.PatientListView.as_view(), name="api_patient_list"),
    path(f"{A}<int:patient_id>/", api.PatientDetailView.as_view(), name="api_patient_detail"),
    path(f"{A}<int:patient_id>/care-team/", api.CareTeamView.as_view(), name="api_care_team"),
    path(
        f"{A}<int:patient_id>/care-team/<int:member_id>/",
        api.CareTeamMemberView.as_view(),
        name="api_care_team_member",
    ),
    path(f"{A}<int:patient_id>/care-plan/", api.CarePlanView.as_view(), name="api_care_plan"),
    path(f"{A}<int:patient_id>/care-plan/goals/", api.GoalListView.as_view(), name="api_goal_list"),
    path(
        f"{A}<int:patient_id>/care-plan/goals/<int:goal_id>/",
        api.GoalDetailView.as_view(),
        name="api_goal_detail",
    ),
]
