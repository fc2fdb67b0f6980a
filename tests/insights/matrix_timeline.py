"""Permission-matrix entries for the timeline routes (see tests/test_permission_matrix.py).

The timeline is the clinical record: any care-team member reads it; the admin (demographics
only) and clinicians outside the team get 404."""

from tests.matrix import API_ANON, PAGE_ANON, expect


def patient_kwargs(w):
    return {"patient_id": w.patient.pk}


MATRIX: list = [
    (
        "patient_timeline",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "api_patient_timeline",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
]
