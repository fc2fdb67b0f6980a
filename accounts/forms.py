from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed

from . import selectors, services


def count_failed_sign_in(request: Any, username: str) -> None:
    """A missing or wrong two-factor code counts toward django-axes' lockout as a wrong password
    does (axes listens for this signal)."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


class SignInForm(AuthenticationForm):
    """Username, password and, for a user who has set up two-factor sign-in, the code of their
    authenticator app or a recovery code, all in one form."""

    otp = forms.CharField(
        required=False,
        max_length=16,
        label="Two-factor code",
        help_text="Only with two-factor sign-in set up: the 6-digit code of your app, or a recovery code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()  # username and password; a failure is counted by axes
        user = self.get_user()
        if user is not None and selectors.mfa_enabled(user):
            code = self.cleaned_data.get("otp") or ""
            device = services.mfa_match(user=user, code=code) if code else None
            if device is None:
                count_failed_sign_in(self.request, user.get_username())
                self.user_cache = None
                raise forms.ValidationError(
                    {"otp": ["Enter the current code of your authenticator app (or a recovery code)."]}
                    if not code
                    else {"otp": [services.CODE_WRONG_MESSAGE]}
                )
            # django_otp marks the session as verified by this device when it is signed in.
            user.otp_device = device  # type: ignore[attr-defined]  # read by django_otp.login
        return self.cleaned_data


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=16,
        label="Code",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
