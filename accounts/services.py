"""Writes of sign-in: API tokens, the end of a user's sessions, two-factor devices, passwords.

Every function records its audit row (ids only). Revoking a user's credentials deletes their
API tokens (knox) and their browser sessions (StaffSession rows) in the caller's transaction.
"""

import datetime
import re
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from careteam import audit
from careteam.models import User

from .models import StaffSession

RECOVERY_CODES = 10
CODE_FORMAT = re.compile(r"^\d{6}$")
CODE_FORMAT_MESSAGE = "Enter the 6-digit code your authenticator app shows."
CODE_WRONG_MESSAGE = "That code is not right, or it has expired. Enter the code shown now."


# --- revocation -------------------------------------------------------------------------------
def credentials_revoke(*, user: User, keep_session_key: str | None = None) -> None:
    """End every API token and browser session of ``user`` at once (but the session
    ``keep_session_key``: the one a user changing their own password goes on using)."""
    AuthToken.objects.filter(user=user).delete()
    sessions = StaffSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    sessions.delete()


def on_staff_credentials_revoke(sender: Any, *, user: User, **kwargs: Any) -> None:
    """careteam.signals.staff_credentials_revoke: a staff member was deactivated or changed role."""
    credentials_revoke(user=user)


# --- API tokens -------------------------------------------------------------------------------
@transaction.atomic
def token_sign_in(*, user: User, mfa: bool) -> tuple[str, datetime.datetime]:
    """A new API token for a user whose credentials (and code) were checked: the token and its
    expiry. The user's expired tokens are swept here rather than on every request."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, token = AuthToken.objects.create(
        user=user, expiry=datetime.timedelta(hours=settings.API_TOKEN_HOURS)
    )
    audit.record(
        actor=user,
        action=audit.Action.SIGN_IN,
        object_type="user",
        object_id=user.pk,
        changes={"method": "token", "mfa": mfa},
    )
    return token, instance.expiry


@transaction.atomic
def token_sign_out(*, actor: User, token: AuthToken) -> None:
    token.delete()
    audit.record(
        actor=actor,
        action=audit.Action.SIGN_OUT,
        object_type="user",
        object_id=actor.pk,
        changes={"method": "token"},
    )


def session_sign_in_record(*, user: User, mfa: bool) -> None:
    audit.record(
        actor=user,
        action=audit.Action.SIGN_IN,
        object_type="user",
        object_id=user.pk,
        changes={"method": "session", "mfa": mfa},
    )


def session_sign_out_record(*, user: User) -> None:
    audit.record(
        actor=user,
        action=audit.Action.SIGN_OUT,
        object_type="user",
        object_id=user.pk,
        changes={"method": "session"},
    )


# --- two-factor sign-in -----------------------------------------------------------------------
def mfa_match(*, user: User, code: str) -> Device | None:
    """The confirmed device (authenticator or recovery codes) that accepts ``code``, or None. A
    recovery code is used up; an authenticator code cannot be used twice (django-otp)."""
    code = code.strip().replace(" ", "").lower()
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


def _mfa_audit(actor: User, changes: dict) -> None:
    """Two-factor sign-in turned on or off, or new recovery codes: one audit row, ids only."""
    audit.record(
        actor=actor, action=audit.Action.MFA_ENROL, object_type="user", object_id=actor.pk, changes=changes
    )


@transaction.atomic
def mfa_totp_begin(*, actor: User) -> TOTPDevice:
    """Start setting up an authenticator: a new secret, not yet confirmed (an earlier
    unconfirmed one is replaced). Refused while one is confirmed: disable it first."""
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ValidationError(
            {"non_field_errors": ["Two-factor sign-in is already set up. Disable it first to start again."]}
        )
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name="Authenticator app", confirmed=False)


def _recovery_codes_new(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def mfa_totp_confirm(*, actor: User, code: str) -> list[str]:
    """Confirm the authenticator with a code it shows: from now on sign-in needs a code.
    Returns the recovery codes (each works once), which are shown this once only."""
    code = (code or "").strip()
    if not CODE_FORMAT.match(code):
        raise ValidationError({"code": [CODE_FORMAT_MESSAGE]})
    device = (
        TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("-pk").first()
    )
    if device is None:
        raise ValidationError({"code": ["Start setting up two-factor sign-in first."]})
    if not device.verify_token(code):
        raise ValidationError({"code": [CODE_WRONG_MESSAGE]})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_new(actor)
    _mfa_audit(actor, {"mfa": [False, True]})
    return codes


@transaction.atomic
def mfa_recovery_codes_regenerate(*, actor: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ValidationError({"non_field_errors": ["Two-factor sign-in is not set up."]})
    codes = _recovery_codes_new(actor)
    _mfa_audit(actor, {"recovery_codes": "regenerated"})
    return codes


@transaction.atomic
def mfa_disable(*, actor: User, code: str) -> User:
    """Turn two-factor sign-in off (to set it up again, e.g. on a new phone): needs a current
    code or a recovery code."""
    if not (code or "").strip():
        raise ValidationError({"code": ["Enter a current code (or a recovery code)."]})
    if mfa_match(user=actor, code=code) is None:
        raise ValidationError({"code": [CODE_WRONG_MESSAGE]})
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    _mfa_audit(actor, {"mfa": [True, False]})
    return actor


# --- passwords --------------------------------------------------------------------------------
@transaction.atomic
def password_set(
    *, actor: User, user: User, password: str, reset: bool, keep_session_key: str | None
) -> User:
    """Set a password already checked by Django's validators (PasswordChangeForm or
    SetPasswordForm), end the user's other sessions and all their tokens, and audit it."""
    user.set_password(password)
    user.save(update_fields=["password"])
    credentials_revoke(user=user, keep_session_key=keep_session_key)
    audit.record(
        actor=actor,
        action=audit.Action.PASSWORD_RESET if reset else audit.Action.PASSWORD_CHANGE,
        object_type="user",
        object_id=user.pk,
    )
    return user


def password_reset_url(user: User) -> str:
    """The single-use, expiring link (Django's token generator), on SITE_URL: never on the
    Host header of the request that asked for it."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def password_reset_link_send(*, actor: User | None, user: User) -> None:
    """Email ``user`` a password reset link (asked for by themselves on the sign-in page, actor
    None, or by an admin on the staff page). The email holds the link and nothing else."""
    if not user.email:
        raise ValidationError({"email": ["This staff member has no email address to send a link to."]})
    context = {
        "recipient": user,
        "url": password_reset_url(user),
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
    subject = render_to_string("registration/password_reset_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("registration/password_reset_email.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("registration/password_reset_email.html", context), "text/html"
    )
    message.send()
    audit.record(
        actor=actor,
        action=audit.Action.PASSWORD_RESET,
        object_type="user",
        object_id=user.pk,
        changes={"link_sent": True},
    )
