"""Permission-matrix entries for medication routes (see tests/test_permission_matrix.py).

Orders are prescribed by the psychiatrist on the team (PRESCRIBE: 403 for the other team roles);
adherence and side effects are for any team member (RECORD_CLINICAL). Admins are not on care
teams, so every medication record is 404 for them, as for the outsider.
"""

from django.utils import timezone

from tests.matrix import API_ANON, PAGE_ANON, expect
from tests.medication.factories import make_adherence, make_order, make_side_effect


def _today() -> str:
    return timezone.localdate().isoformat()


def patient_kwargs(w):
    return {"patient_id": w.patient.pk}


def order_kwargs(w):
    return {"patient_id": w.patient.pk, "order_id": make_order(w).pk}


def side_effect_kwargs(w):
    return {"patient_id": w.patient.pk, "report_id": make_side_effect(w).pk}


def adherence_kwargs_by(role):
    """An observation recorded by ``role``: only its observer may mark it entered in error."""

    def build(w):
        order = make_order(w)
        return {
            "patient_id": w.patient.pk,
            "observation_id": make_adherence(w, order=order, actor=getattr(w, role)).pk,
        }

    return build


def side_effect_kwargs_by(role):
    def build(w):
        return {"patient_id": w.patient.pk, "report_id": make_side_effect(w, actor=getattr(w, role)).pk}

    return build


def in_error(w):
    return {"reason": "Recorded on the wrong patient"}


def allergy_form(w):
    return {"substance": "Penicillin", "reaction": "Rash", "severity": "moderate"}


def new_order(w):
    return {
        "drug_name": "Sertraline",
        "drug_class": "ssri",
        "dose": "50",
        "unit": "mg",
        "route": "oral",
        "frequency": "once_daily",
        "start_date": _today(),
        "indication": "Depression",
    }


def change_form(w):
    return {
        "reason": "Partial response",
        "dose": "100",
        "unit": "mg",
        "route": "oral",
        "frequency": "once_daily",
        "effective_date": _today(),
    }


def discontinue_form(w):
    return {"reason": "Sustained remission", "effective_date": _today()}


def adherence_form(w):
    return {"order": make_order(w).pk, "observed_on": _today(), "status": "taken"}


def side_effect_form(w):
    return {"order": make_order(w).pk, "symptom": "Nausea", "severity": "mild", "onset_date": _today()}


PRESCRIBER_PAGE = expect(team=403, psychiatrist=200, admin=404, outsider=404, anonymous=PAGE_ANON)
PRESCRIBER_POST = expect(team=403, psychiatrist=302, admin=404, outsider=404, anonymous=PAGE_ANON)
TEAM_PAGE = expect(team=200, admin=404, outsider=404, anonymous=PAGE_ANON)
TEAM_POST = expect(team=302, admin=404, outsider=404, anonymous=PAGE_ANON)
TEAM_API = expect(team=200, admin=404, outsider=404, anonymous=API_ANON)

MATRIX: list = [
    # --- pages ------------------------------------------------------------------------------
    ("medication_page", "get", patient_kwargs, None, TEAM_PAGE),
    ("medication_order_create", "get", patient_kwargs, None, PRESCRIBER_PAGE),
    ("medication_order_create", "post", patient_kwargs, new_order, PRESCRIBER_POST),
    ("medication_order_change", "get", order_kwargs, None, PRESCRIBER_PAGE),
    ("medication_order_change", "post", order_kwargs, change_form, PRESCRIBER_POST),
    ("medication_order_discontinue", "get", order_kwargs, None, PRESCRIBER_PAGE),
    ("medication_order_discontinue", "post", order_kwargs, discontinue_form, PRESCRIBER_POST),
    ("medication_adherence_create", "get", patient_kwargs, None, TEAM_PAGE),
    ("medication_adherence_create", "post", patient_kwargs, adherence_form, TEAM_POST),
    ("medication_side_effect_create", "get", patient_kwargs, None, TEAM_PAGE),
    ("medication_side_effect_create", "post", patient_kwargs, side_effect_form, TEAM_POST),
    ("medication_side_effect_status", "get", side_effect_kwargs, None, TEAM_PAGE),
    (
        "medication_side_effect_status",
        "post",
        side_effect_kwargs,
        lambda w: {"status": "acknowledged"},
        TEAM_POST,
    ),
    # --- API --------------------------------------------------------------------------------
    ("api_medication_order_list", "get", patient_kwargs, None, TEAM_API),
    (
        "api_medication_order_list",
        "post",
        patient_kwargs,
        new_order,
        expect(team=403, psychiatrist=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_medication_order_detail", "get", order_kwargs, None, TEAM_API),
    (
        "api_medication_order_detail",
        "patch",
        order_kwargs,
        lambda w: {"reason": "Clinical review", "dose": "100"},
        expect(team=403, psychiatrist=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_adherence_list", "get", patient_kwargs, None, TEAM_API),
    (
        "api_adherence_list",
        "post",
        patient_kwargs,
        adherence_form,
        expect(team=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_side_effect_list", "get", patient_kwargs, None, TEAM_API),
    (
        "api_side_effect_list",
        "post",
        patient_kwargs,
        side_effect_form,
        expect(team=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_side_effect_detail", "get", side_effect_kwargs, None, TEAM_API),
    ("api_side_effect_detail", "patch", side_effect_kwargs, lambda w: {"status": "resolved"}, TEAM_API),
    # --- medication safety -------------------------------------------------------------------
    (
        "api_formulary",
        "get",
        lambda w: {},
        None,
        expect(team=200, admin=403, outsider=200, anonymous=API_ANON),
    ),
    ("api_allergy_list", "get", patient_kwargs, None, TEAM_API),
    (
        "api_allergy_list",
        "post",
        patient_kwargs,
        allergy_form,
        expect(team=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("medication_allergy_create", "get", patient_kwargs, None, TEAM_PAGE),
    ("medication_allergy_create", "post", patient_kwargs, allergy_form, TEAM_POST),
    # --- corrections: the author (for orders the team's psychiatrist) only --------------------
    (
        "api_medication_order_entered_in_error",
        "post",
        order_kwargs,
        in_error,
        expect(team=403, psychiatrist=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_adherence_entered_in_error",
        "post",
        adherence_kwargs_by("case_manager"),
        in_error,
        expect(team=403, case_manager=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "medication_order_entered_in_error",
        "get",
        order_kwargs,
        None,
        PRESCRIBER_PAGE,
    ),
    ("medication_order_entered_in_error", "post", order_kwargs, in_error, PRESCRIBER_POST),
    (
        "medication_adherence_entered_in_error",
        "get",
        adherence_kwargs_by("case_manager"),
        None,
        expect(team=403, case_manager=200, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "medication_adherence_entered_in_error",
        "post",
        adherence_kwargs_by("case_manager"),
        in_error,
        expect(team=403, case_manager=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "medication_side_effect_entered_in_error",
        "get",
        side_effect_kwargs_by("therapist"),
        None,
        expect(team=403, therapist=200, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "medication_side_effect_entered_in_error",
        "post",
        side_effect_kwargs_by("therapist"),
        in_error,
        expect(team=403, therapist=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "api_side_effect_entered_in_error",
        "post",
        side_effect_kwargs_by("therapist"),
        in_error,
        expect(team=403, therapist=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
]
