"""Permission-matrix entries of accounts' routes: sign-in, two-factor set-up, passwords.

Most are for anyone signed in (each caller acts on their own account); the password reset
pages are for everybody, signed in or not; only the admin sends a staff member a reset link."""

from tests.careteam.factories import PASSWORD
from tests.matrix import API_ANON, PAGE_ANON, expect

EVERYONE = expect(team=200, admin=200, outsider=200, anonymous=200)
SIGNED_IN = expect(team=200, admin=200, outsider=200, anonymous=PAGE_ANON)
REDIRECTED = expect(team=302, admin=302, outsider=302, anonymous=PAGE_ANON)
# Anonymous callers of these routes are sent on, not to the sign-in page.
ANONYMOUS_REDIRECTED_ELSEWHERE = {"password_reset"}


def bad_link(w):
    return {"uidb64": "MQ", "token": "not-a-token"}


def new_password(w):
    new = "Brand-New-Pass-93"
    return {"old_password": PASSWORD, "new_password1": new, "new_password2": new}


MATRIX = [
    ("account_security", "get", None, None, SIGNED_IN),
    ("mfa_totp_enrol", "post", None, None, REDIRECTED),
    # Nothing pending to confirm: back to the security page.
    ("mfa_totp_confirm", "get", None, None, REDIRECTED),
    ("mfa_totp_confirm", "post", None, lambda w: {"code": "123456"}, REDIRECTED),
    ("mfa_recovery_regenerate", "post", None, None, REDIRECTED),
    # Not set up, so no code is right: 400, nothing written.
    (
        "mfa_disable",
        "post",
        None,
        lambda w: {"code": "123456"},
        expect(team=400, admin=400, outsider=400, anonymous=PAGE_ANON),
    ),
    ("password_change", "get", None, None, SIGNED_IN),
    ("password_change", "post", None, new_password, REDIRECTED),
    ("password_change_done", "get", None, None, SIGNED_IN),
    ("password_reset", "get", None, None, EVERYONE),
    (
        "password_reset",
        "post",
        None,
        lambda w: {"email": "nobody@example.org"},
        expect(team=302, admin=302, outsider=302, anonymous=302),
    ),
    ("password_reset_done", "get", None, None, EVERYONE),
    # A link that is not (or no longer) valid: the page says so.
    ("password_reset_confirm", "get", bad_link, None, EVERYONE),
    (
        "password_reset_confirm",
        "post",
        bad_link,
        lambda w: {"new_password1": "Brand-New-Pass-93", "new_password2": "Brand-New-Pass-93"},
        EVERYONE,
    ),
    ("password_reset_complete", "get", None, None, EVERYONE),
    (
        "staff_password_reset",
        "post",
        lambda w: {"staff_id": w.newcomer.pk},
        None,
        expect(team=403, admin=302, outsider=403, anonymous=PAGE_ANON),
    ),
    ("api_logout", "post", None, None, expect(team=204, admin=204, outsider=204, anonymous=API_ANON)),
    ("api_mfa_totp", "post", None, None, expect(team=201, admin=201, outsider=201, anonymous=API_ANON)),
    # Nothing pending to confirm: 400 on the code, nothing written.
    (
        "api_mfa_totp_confirm",
        "post",
        None,
        lambda w: {"code": "123456"},
        expect(team=400, admin=400, outsider=400, anonymous=API_ANON),
    ),
]
