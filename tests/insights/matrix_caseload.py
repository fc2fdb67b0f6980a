"""Permission-matrix entries for the caseload routes (see tests/test_permission_matrix.py).

The registry and the review list are clinical: every clinician sees their own caseload (the
outsider sees theirs, which holds none of Jordan's data), admins get 403. Marking a psychiatric
review done is the psychiatrist's on the team: 403 for the other roles, 404 outside the team.
"""

from flags import services as flags
from tests.matrix import API_ANON, PAGE_ANON, expect


def on_review_list(w):
    """Jordan on the psychiatric review list (a clinical-change flag puts him there)."""
    flags.flag_raise(
        actor=w.therapist,
        patient=w.patient,
        category="clinical_change",
        severity="routine",
        message="PHQ-9 not improving",
    )
    return {"patient_id": w.patient.pk}


CLINICIANS_PAGE = expect(team=200, admin=403, outsider=200, anonymous=PAGE_ANON)
CLINICIANS_API = expect(team=200, admin=403, outsider=200, anonymous=API_ANON)

MATRIX: list = [
    ("caseload", "get", None, None, CLINICIANS_PAGE),
    ("psychiatric_review_list", "get", None, None, CLINICIANS_PAGE),
    (
        "psychiatric_review_done",
        "post",
        on_review_list,
        None,
        expect(team=403, psychiatrist=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    ("api_caseload", "get", None, None, CLINICIANS_API),
    ("api_psychiatric_review", "get", None, None, CLINICIANS_API),
    (
        "api_psychiatric_review_done",
        "post",
        on_review_list,
        None,
        expect(team=403, psychiatrist=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
]
