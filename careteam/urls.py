from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from patients import api as patients_api
from patients import views as patients_views

from . import api, views

api_v1 = [
    path("auth/token/", api.TokenView.as_view(), name="api_token"),
    path("me/", api.MeView.as_view(), name="api_me"),
    path("staff/", api.StaffListView.as_view(), name="api_staff_list"),
    path("staff/<int:staff_id>/", api.StaffDetailView.as_view(), name="api_staff_detail"),
    path("audit/", api.AuditListView.as_view(), name="api_audit_list"),
    path("patients/<int:patient_id>/flags/", api.PatientFlagListView.as_view(),
         name="api_patient_flags"),
    path("flags/<int:flag_id>/", api.FlagDetailView.as_view(), name="api_flag_detail"),
    path("flags/<int:flag_id>/acknowledge/", api.FlagAcknowledgeView.as_view(),
         name="api_flag_acknowledge"),
    path("flags/<int:flag_id>/resolve/", api.FlagResolveView.as_view(), name="api_flag_resolve"),
    path("notifications/", api.NotificationListView.as_view(), name="api_notifications"),
    path("notifications/<int:notification_id>/read/", api.NotificationReadView.as_view(),
         name="api_notification_read"),
    path("patients/", patients_api.PatientListView.as_view(), name="api_patient_list"),
    path("patients/<int:patient_id>/", patients_api.PatientDetailView.as_view(),
         name="api_patient_detail"),
    path("patients/<int:patient_id>/care-team/", patients_api.CareTeamView.as_view(),
         name="api_care_team"),
    path("patients/<int:patient_id>/care-team/<int:member_id>/",
         patients_api.CareTeamMemberView.as_view(), name="api_care_team_member"),
    path("patients/<int:patient_id>/care-plan/", patients_api.CarePlanView.as_view(),
         name="api_care_plan"),
    path("patients/<int:patient_id>/care-plan/goals/", patients_api.GoalListView.as_view(),
         name="api_goal_list"),
    path("patients/<int:patient_id>/care-plan/goals/<int:goal_id>/",
         patients_api.GoalDetailView.as_view(), name="api_goal_detail"),
]

pages = [
    path("", views.home, name="home"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:staff_id>/", views.staff_edit, name="staff_edit"),
    path("audit/", views.audit_log, name="audit_log"),
    path("notifications/", views.notifications_inbox, name="notifications_inbox"),
    path("notifications/unread-count/", views.notifications_unread_count,
         name="notifications_unread_count"),
    path("notifications/<int:notification_id>/read/", views.notification_read,
         name="notification_read"),
    path("account/notifications/", views.notification_preferences,
         name="notification_preferences"),
    path("patients/<int:patient_id>/flags/new/", views.flag_create, name="flag_create"),
    path("flags/<int:flag_id>/", views.flag_detail, name="flag_detail"),
    path("flags/<int:flag_id>/acknowledge/", views.flag_acknowledge, name="flag_acknowledge"),
    path("flags/<int:flag_id>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("patients/", patients_views.patient_list, name="patient_list"),
    path("patients/new/", patients_views.patient_create, name="patient_create"),
    path("patients/<int:patient_id>/", patients_views.patient_detail, name="patient_detail"),
    path("patients/<int:patient_id>/edit/", patients_views.patient_edit, name="patient_edit"),
    path("patients/<int:patient_id>/care-team/add/", patients_views.care_team_add,
         name="care_team_add"),
    path("patients/<int:patient_id>/care-team/<int:member_id>/remove/",
         patients_views.care_team_remove, name="care_team_remove"),
    path("patients/<int:patient_id>/care-plan/", patients_views.care_plan_edit,
         name="care_plan_edit"),
    path("patients/<int:patient_id>/care-plan/history/", patients_views.care_plan_history,
         name="care_plan_history"),
    path("patients/<int:patient_id>/care-plan/goals/new/", patients_views.goal_create,
         name="goal_create"),
    path("patients/<int:patient_id>/care-plan/goals/<int:goal_id>/", patients_views.goal_edit,
         name="goal_edit"),
]

urlpatterns = [
    *pages,
    # Care components: each app's urls.py holds its pages and its /api/v1/ endpoints.
    path("", include("therapy.urls")),
    path("", include("medication.urls")),
    path("", include("casemanagement.urls")),
    # Integrated views: caseload registry and review list, patient timeline, team metrics.
    path("", include("careteam.caseload_urls")),
    path("", include("careteam.timeline_urls")),
    path("", include("careteam.metrics_urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]
