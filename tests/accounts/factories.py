"""Two-factor helpers: an authenticator app's current code, and a user enrolled through the
real services."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from careteam.models import User


def current_code(device: TOTPDevice) -> str:
    """What the user's authenticator app shows now (for the clock as it is now)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    """Set up two-factor sign-in for ``user`` as they would: begin, then confirm with the code
    the app shows. Returns the device and the recovery codes. A code works once: move the clock
    on 30 seconds before the next one (time_machine)."""
    device = services.mfa_totp_begin(actor=user)
    codes = services.mfa_totp_confirm(actor=user, code=current_code(device))
    return TOTPDevice.objects.get(pk=device.pk), codes
