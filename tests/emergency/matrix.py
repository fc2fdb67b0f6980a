"""Permission-matrix entries for break-glass routes (see tests/test_permission_matrix.py).

Emergency access is for clinicians off the patient's care team: Olivia (outsider) gets it, the
team's own clinicians are refused with 400 (they are on the team already: nothing written),
admins 403. The review of grants is for admins only (403 for everyone else).
"""

from emergency import services
from tests.matrix import API_ANON, PAGE_ANON, expect

REASON = "Crisis clinic: the care team is unreachable"


def patient_kwargs(w):
    return {"patient_id": w.patient.pk}


def request_form(w):
    return {"record_number": w.patient.record_number, "reason": REASON}


def grant_kwargs(w):
    """Olivia's grant on Jordan, made before the request."""
    return {"grant_id": services.break_glass_open(actor=w.outsider, patient=w.patient, reason=REASON).pk}


ADMIN_ONLY_PAGE = expect(team=403, admin=200, outsider=403, anonymous=PAGE_ANON)

MATRIX = [
    (
        "break_glass_request",
        "get",
        None,
        None,
        expect(team=200, admin=403, outsider=200, anonymous=PAGE_ANON),
    ),
    (
        "break_glass_request",
        "post",
        None,
        request_form,
        expect(team=400, admin=403, outsider=302, anonymous=PAGE_ANON),
    ),
    ("break_glass_review", "get", None, None, ADMIN_ONLY_PAGE),
    (
        "break_glass_mark_reviewed",
        "post",
        grant_kwargs,
        None,
        expect(team=403, admin=302, outsider=403, anonymous=PAGE_ANON),
    ),
    (
        "api_break_glass_open",
        "post",
        patient_kwargs,
        lambda w: {"reason": REASON},
        expect(team=400, admin=403, outsider=201, anonymous=API_ANON),
    ),
    (
        "api_break_glass_list",
        "get",
        None,
        None,
        expect(team=403, admin=200, outsider=403, anonymous=API_ANON),
    ),
    (
        "api_break_glass_review",
        "post",
        grant_kwargs,
        None,
        expect(team=403, admin=200, outsider=403, anonymous=API_ANON),
    ),
]
