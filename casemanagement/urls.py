from django.urls import path

from . import api, views

P = "patients/<int:patient_id>/case-management"
A = "api/v1/patients/<int:patient_id>"

urlpatterns = [
    # --- pages ------------------------------------------------------------------------------
    path(f"{P}/", views.patient_case_management, name="casemanagement_patient"),
    path(f"{P}/needs/new/", views.need_create, name="casemanagement_need_create"),
    path(f"{P}/contacts/new/", views.contact_create, name="casemanagement_contact_create"),
    path(f"{P}/referrals/new/", views.referral_create, name="casemanagement_referral_create"),
    path(f"{P}/referrals/<int:referral_id>/", views.referral_detail, name="casemanagement_referral_detail"),
    path(
        f"{P}/referrals/<int:referral_id>/status/",
        views.referral_status,
        name="casemanagement_referral_status",
    ),
    path(
        f"{P}/needs/<int:record_id>/entered-in-error/",
        views.need_entered_in_error,
        name="casemanagement_need_entered_in_error",
    ),
    path(
        f"{P}/contacts/<int:record_id>/entered-in-error/",
        views.contact_entered_in_error,
        name="casemanagement_contact_entered_in_error",
    ),
    path(
        f"{P}/referrals/<int:record_id>/entered-in-error/",
        views.referral_entered_in_error,
        name="casemanagement_referral_entered_in_error",
    ),
    path("resources/search/", views.resource_search, name="casemanagement_resource_search"),
    path("casemanagement/follow-ups/", views.follow_ups, name="casemanagement_follow_ups"),
    path("resources/", views.resource_list, name="casemanagement_resource_list"),
    path("resources/new/", views.resource_create, name="casemanagement_resource_create"),
    path("resources/<int:resource_id>/", views.resource_detail, name="casemanagement_resource_detail"),
    path("resources/<int:resource_id>/edit/", views.resource_edit, name="casemanagement_resource_edit"),
    path("resources/imports/", views.resource_imports, name="casemanagement_imports"),
    path(
        "resources/imports/<int:import_id>/",
        views.resource_import_detail,
        name="casemanagement_import_detail",
    ),
    # --- API ----------------------------------------------------------------------------------
    path(f"{A}/needs/", api.NeedListView.as_view(), name="api_need_list"),
    path(f"{A}/contacts/", api.ContactListView.as_view(), name="api_contact_list"),
    path(f"{A}/referrals/", api.ReferralListView.as_view(), name="api_referral_list"),
    path(f"{A}/referrals/<int:referral_id>/", api.ReferralDetailView.as_view(), name="api_referral_detail"),
    path(
        f"{A}/referrals/<int:referral_id>/status/",
        api.ReferralStatusView.as_view(),
        name="api_referral_status",
    ),
    path(
        f"{A}/needs/<int:record_id>/entered-in-error/",
        api.NeedEnteredInErrorView.as_view(),
        name="api_need_entered_in_error",
    ),
    path(
        f"{A}/contacts/<int:record_id>/entered-in-error/",
        api.ContactEnteredInErrorView.as_view(),
        name="api_contact_entered_in_error",
    ),
    path(
        f"{A}/referrals/<int:record_id>/entered-in-error/",
        api.ReferralEnteredInErrorView.as_view(),
        name="api_referral_entered_in_error",
    ),
    path("api/v1/follow-ups/", api.FollowUpListView.as_view(), name="api_follow_up_list"),
    path("api/v1/resources/", api.ResourceListView.as_view(), name="api_resource_list"),
    path("api/v1/resources/<int:resource_id>/", api.ResourceDetailView.as_view(), name="api_resource_detail"),
    path("api/v1/resource-imports/", api.ResourceImportListView.as_view(), name="api_resource_import_list"),
    path(
        "api/v1/resource-imports/<int:import_id>/",
        api.ResourceImportDetailView.as_view(),
        name="api_resource_import_detail",
    ),
]
