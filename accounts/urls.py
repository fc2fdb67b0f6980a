from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import api, views

api_v1 = [
    path("auth/token/", api.TokenView.as_view(), name="api_token"),
    path("auth/logout/", api.LogoutView.as_view(), name="api_logout"),
    path("auth/mfa/totp/", api.TotpEnrolView.as_view(), name="api_mfa_totp"),
    path("auth/mfa/totp/confirm/", api.TotpConfirmView.as_view(), name="api_mfa_totp_confirm"),
]

urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("account/security/", views.account_security, name="account_security"),
    path("account/security/totp/", views.mfa_totp_enrol, name="mfa_totp_enrol"),
    path("account/security/totp/confirm/", views.mfa_totp_confirm, name="mfa_totp_confirm"),
    path("account/security/recovery-codes/", views.mfa_recovery_regenerate, name="mfa_recovery_regenerate"),
    path("account/security/disable/", views.mfa_disable, name="mfa_disable"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("staff/<int:staff_id>/password-reset/", views.staff_password_reset, name="staff_password_reset"),
    path("api/v1/", include(api_v1)),
]
