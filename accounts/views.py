"""Sign-in pages: sign in and out, two-factor set-up, password change and reset."""

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from careteam import access
from careteam import selectors as careteam_selectors
from careteam.http import AuthenticatedHttpRequest
from careteam.roles import Perm
from careteam.viewutils import call_service, form_data, render_form

from . import selectors, services
from .forms import CodeForm, SignInForm


class SignInView(auth_views.LoginView):
    """The sign-in page. A user with two-factor sign-in gives the code in the same form."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        response = super().form_valid(form)  # django_otp marks the session verified
        services.session_sign_in_record(user=user, mfa=getattr(user, "otp_device", None) is not None)
        return response


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            services.session_sign_out_record(user=request.user)
        return super().post(request, *args, **kwargs)


# --- two-factor sign-in -----------------------------------------------------------------------
def _qr_svg(uri: str) -> str:
    """The enrolment URI as an inline SVG QR code (no script, no style attribute)."""
    return segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your authenticator app")


@login_required
@require_http_methods(["GET"])
def account_security(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "mfa_enabled": selectors.mfa_enabled(request.user),
        "mfa_required": selectors.mfa_required(request.user),
        "recovery_codes_left": selectors.recovery_codes_left(request.user),
        "code_form": CodeForm(),
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def mfa_totp_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        services.mfa_totp_begin(actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("account_security")
    return redirect("mfa_totp_confirm")


@login_required
@require_http_methods(["GET", "POST"])
def mfa_totp_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    device = selectors.totp_device(request.user, confirmed=False)
    if device is None:
        return redirect("account_security")
    form = CodeForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        codes = call_service(
            form, services.mfa_totp_confirm, actor=request.user, code=form.cleaned_data["code"]
        )
        if codes is not None:
            otp_login(request, selectors.totp_device(request.user, confirmed=True))
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "new": True})
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": selectors.totp_secret(device),
    }
    return render_form(request, "accounts/mfa_confirm.html", context)


@login_required
@require_POST
def mfa_recovery_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        codes = services.mfa_recovery_codes_regenerate(actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("account_security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "new": False})


@login_required
@require_POST
def mfa_disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid() and call_service(
        form, services.mfa_disable, actor=request.user, code=form.cleaned_data["code"]
    ):
        messages.success(request, "Two-factor sign-in is off. Set it up again below.")
        return redirect("account_security")
    context = {
        "mfa_enabled": True,
        "mfa_required": selectors.mfa_required(request.user),
        "recovery_codes_left": selectors.recovery_codes_left(request.user),
        "code_form": form,
    }
    return render(request, "accounts/security.html", context, status=400)


# --- passwords --------------------------------------------------------------------------------
class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page and validators; the other sessions and every API token of the user end,
    this session goes on."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        user = services.password_set(
            actor=form.user,
            user=form.user,
            password=form.cleaned_data["new_password1"],
            reset=False,
            keep_session_key=self.request.session.session_key,
        )
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class SiteUrlPasswordResetForm(PasswordResetForm):
    """Django's form (active users with that address and a usable password), each link sent by
    accounts.services on SITE_URL. An unknown address sends nothing, and the page is the same."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            services.password_reset_link_send(actor=None, user=user)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SiteUrlPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's single-use, expiring link; setting the password ends every session and token
    of the user (nobody is signed in by it: they sign in with the new password)."""

    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        services.password_set(
            actor=form.user,
            user=form.user,
            password=form.cleaned_data["new_password1"],
            reset=True,
            keep_session_key=None,
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@login_required
@require_POST
def staff_password_reset(request: AuthenticatedHttpRequest, staff_id: int) -> HttpResponse:
    """An admin sends a staff member a password reset link (the staff page's button)."""
    access.require(request.user, Perm.MANAGE_STAFF)
    staff = get_object_or_404(careteam_selectors.staff_list(actor=request.user), pk=staff_id)
    try:
        services.password_reset_link_send(actor=request.user, user=staff)
    except ValidationError as exc:
        context = {"staff": staff, "message": " ".join(exc.messages)}
        return render(request, "accounts/staff_password_reset_refused.html", context, status=400)
    messages.success(request, f"A password reset link was sent to {staff}.")
    return redirect(reverse("staff_edit", args=[staff.pk]))
