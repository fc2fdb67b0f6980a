"""Reads of sign-in state: two-factor devices and whether a user must still enrol."""

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from careteam.models import User

# Where a user who must still set up two-factor sign-in may go: the enrolment pages and
# endpoints, and signing out.
MFA_ENROLMENT_URL_NAMES = frozenset(
    {
        "account_security",
        "mfa_totp_enrol",
        "mfa_totp_confirm",
        "api_mfa_totp",
        "api_mfa_totp_confirm",
        "api_logout",
        "api_token",
        "login",
        "logout",
    }
)
MFA_ENROLMENT_MESSAGE = (
    "Your role must use two-factor sign-in: set it up first on the account security page "
    "(/account/security/, or POST /api/v1/auth/mfa/totp/)."
)


def mfa_enabled(user: User) -> bool:
    """Whether the user has a confirmed authenticator: sign-in then needs a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_required(user: User) -> bool:
    return user.role in settings.MFA_REQUIRED_ROLES


def mfa_enrolment_pending(user: User) -> bool:
    """The user's role must use two-factor sign-in and they have not set it up yet."""
    return mfa_required(user) and not mfa_enabled(user)


def totp_device(user: User, *, confirmed: bool) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def recovery_codes_left(user: User) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device is not None else 0


def totp_secret(device: TOTPDevice) -> str:
    """The secret as the base-32 text an authenticator app accepts when typed in."""
    from base64 import b32encode

    return b32encode(device.bin_key).decode()
