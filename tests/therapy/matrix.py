"""Permission-matrix entries for therapy routes (see tests/test_permission_matrix.py).

Therapy records are the care team's; courses, sessions and progress notes are written by the
therapist on the team (403 for the other roles); measures by any team member. Psychotherapy
notes are the author's alone: a note written by Theo is 404 to everybody else.
"""

import datetime

from django.utils import timezone

from tests.matrix import API_ANON, PAGE_ANON, expect
from tests.therapy.factories import make_assessment, make_course, make_psychotherapy_note, make_session

THERAPIST_ONLY_PAGE = expect(team=403, therapist=200, admin=404, outsider=404, anonymous=PAGE_ANON)
THERAPIST_ONLY_POST = expect(team=403, therapist=302, admin=404, outsider=404, anonymous=PAGE_ANON)
TEAM_PAGE = expect(team=200, admin=404, outsider=404, anonymous=PAGE_ANON)
TEAM_API = expect(team=200, admin=404, outsider=404, anonymous=API_ANON)
AUTHOR_ONLY_PAGE = expect(team=404, therapist=200, admin=404, outsider=404, anonymous=PAGE_ANON)
AUTHOR_ONLY_API = expect(team=404, therapist=200, admin=404, outsider=404, anonymous=API_ANON)


# Marking a record entered in error: its author 200 (pages: 302 after the POST), the rest of the
# team 403, off the team 404. Assessments here are recorded by Priya; sessions and notes by Theo.
PSYCHIATRIST_AUTHOR_PAGE = expect(team=403, psychiatrist=200, admin=404, outsider=404, anonymous=PAGE_ANON)
PSYCHIATRIST_AUTHOR_POST = expect(team=403, psychiatrist=302, admin=404, outsider=404, anonymous=PAGE_ANON)
PSYCHIATRIST_AUTHOR_API = expect(team=403, psychiatrist=200, admin=404, outsider=404, anonymous=API_ANON)
THERAPIST_AUTHOR_PAGE = expect(team=403, therapist=200, admin=404, outsider=404, anonymous=PAGE_ANON)
THERAPIST_AUTHOR_POST = expect(team=403, therapist=302, admin=404, outsider=404, anonymous=PAGE_ANON)
THERAPIST_AUTHOR_API = expect(team=403, therapist=200, admin=404, outsider=404, anonymous=API_ANON)


def patient_kwargs(w):
    return {"patient_id": w.patient.pk}


def course_kwargs(w):
    return {"patient_id": w.patient.pk, "course_id": make_course(actor=w.therapist, patient=w.patient).pk}


def session_kwargs(w):
    return {"patient_id": w.patient.pk, "session_id": make_session(actor=w.therapist, patient=w.patient).pk}


def progress_note_kwargs(w):
    from therapy.services import progress_note_create

    note = progress_note_create(actor=w.therapist, patient=w.patient, text="Engaged well.")
    return {"patient_id": w.patient.pk, "note_id": note.pk}


def assessment_kwargs(w):
    return {
        "patient_id": w.patient.pk,
        "assessment_id": make_assessment(actor=w.psychiatrist, patient=w.patient).pk,
    }


def psychotherapy_note_kwargs(w):
    return {
        "patient_id": w.patient.pk,
        "note_id": make_psychotherapy_note(actor=w.therapist, patient=w.patient).pk,
    }


def in_error_assessment(w):
    return {"patient_id": w.patient.pk, "record_id": assessment_kwargs(w)["assessment_id"]}


def in_error_session(w):
    return {"patient_id": w.patient.pk, "record_id": session_kwargs(w)["session_id"]}


def in_error_note(w):
    return {"patient_id": w.patient.pk, "record_id": progress_note_kwargs(w)["note_id"]}


def reason(w):
    return {"reason": "Recorded for the wrong patient."}


def yesterday_local() -> str:
    return (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def course_form(w):
    return {"modality": "cbt", "planned_sessions": "12", "start_date": "2026-01-05"}


def course_edit_form(w):
    return {**course_form(w), "status": "completed", "version": "1"}


def session_form(w):
    return {
        "course": "",
        "starts_at": yesterday_local(),
        "modality": "cbt",
        "mode": "video",
        "duration_minutes": "50",
        "attendance": "attended",
        "alliance_rating": "7",
    }


def session_edit_form(w):
    return {**session_form(w), "attendance": "no_show", "alliance_rating": "", "version": "1"}


def phq9_form(w):
    return {**{f"item_{n}": "1" for n in range(1, 10)}, "administered_on": ""}


MATRIX = [
    # --- pages ------------------------------------------------------------------------------
    ("therapy_overview", "get", patient_kwargs, None, TEAM_PAGE),
    ("therapy_course_create", "get", patient_kwargs, None, THERAPIST_ONLY_PAGE),
    ("therapy_course_create", "post", patient_kwargs, course_form, THERAPIST_ONLY_POST),
    ("therapy_course_edit", "get", course_kwargs, None, THERAPIST_ONLY_PAGE),
    ("therapy_course_edit", "post", course_kwargs, course_edit_form, THERAPIST_ONLY_POST),
    ("therapy_session_create", "get", patient_kwargs, None, THERAPIST_ONLY_PAGE),
    ("therapy_session_create", "post", patient_kwargs, session_form, THERAPIST_ONLY_POST),
    ("therapy_session_edit", "get", session_kwargs, None, THERAPIST_ONLY_PAGE),
    ("therapy_session_edit", "post", session_kwargs, session_edit_form, THERAPIST_ONLY_POST),
    ("therapy_progress_note_create", "get", patient_kwargs, None, THERAPIST_ONLY_PAGE),
    (
        "therapy_progress_note_create",
        "post",
        patient_kwargs,
        lambda w: {"session": "", "text": "Practised behavioural activation."},
        THERAPIST_ONLY_POST,
    ),
    (
        "therapy_assessment_create",
        "get",
        lambda w: {"patient_id": w.patient.pk, "instrument": "phq9"},
        None,
        TEAM_PAGE,
    ),
    (
        "therapy_assessment_create",
        "post",
        lambda w: {"patient_id": w.patient.pk, "instrument": "phq9"},
        phq9_form,
        expect(team=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    ("therapy_assessment_detail", "get", assessment_kwargs, None, TEAM_PAGE),
    ("therapy_psychotherapy_note_list", "get", patient_kwargs, None, THERAPIST_ONLY_PAGE),
    ("therapy_psychotherapy_note_create", "get", patient_kwargs, None, THERAPIST_ONLY_PAGE),
    (
        "therapy_psychotherapy_note_create",
        "post",
        patient_kwargs,
        lambda w: {"text": "Countertransference: felt protective."},
        THERAPIST_ONLY_POST,
    ),
    ("therapy_psychotherapy_note_detail", "get", psychotherapy_note_kwargs, None, AUTHOR_ONLY_PAGE),
    # --- API --------------------------------------------------------------------------------
    ("api_therapy_course_list", "get", patient_kwargs, None, TEAM_API),
    (
        "api_therapy_course_list",
        "post",
        patient_kwargs,
        course_form,
        expect(team=403, therapist=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_therapy_course_detail", "get", course_kwargs, None, TEAM_API),
    (
        "api_therapy_course_detail",
        "patch",
        course_kwargs,
        lambda w: {"status": "completed", "version": 1},
        expect(team=403, therapist=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_therapy_session_list", "get", patient_kwargs, None, TEAM_API),
    (
        "api_therapy_session_list",
        "post",
        patient_kwargs,
        lambda w: {
            "starts_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
            "modality": "cbt",
            "mode": "in_person",
            "duration_minutes": 50,
            "attendance": "attended",
            "alliance_rating": 8,
        },
        expect(team=403, therapist=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_therapy_session_detail", "get", session_kwargs, None, TEAM_API),
    (
        "api_therapy_session_detail",
        "patch",
        session_kwargs,
        lambda w: {"attendance": "attended", "alliance_rating": 6, "version": 1},
        expect(team=403, therapist=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_progress_note_list", "get", patient_kwargs, None, TEAM_API),
    (
        "api_progress_note_list",
        "post",
        patient_kwargs,
        lambda w: {"text": "Mood brighter; homework done."},
        expect(team=403, therapist=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_progress_note_detail", "get", progress_note_kwargs, None, TEAM_API),
    (
        "api_psychotherapy_note_list",
        "get",
        patient_kwargs,
        None,
        expect(team=403, therapist=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_psychotherapy_note_list",
        "post",
        patient_kwargs,
        lambda w: {"text": "Private hypothesis about attachment."},
        expect(team=403, therapist=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_psychotherapy_note_detail", "get", psychotherapy_note_kwargs, None, AUTHOR_ONLY_API),
    ("api_assessment_list", "get", patient_kwargs, None, TEAM_API),
    (
        "api_assessment_list",
        "post",
        patient_kwargs,
        lambda w: {"instrument": "GAD7", "answers": [1, 2, 1, 0, 1, 2, 1]},
        expect(team=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_assessment_detail", "get", assessment_kwargs, None, TEAM_API),
    # --- corrections: entered in error (the record's author only) --------------------------
    ("therapy_assessment_entered_in_error", "get", in_error_assessment, None, PSYCHIATRIST_AUTHOR_PAGE),
    ("therapy_assessment_entered_in_error", "post", in_error_assessment, reason, PSYCHIATRIST_AUTHOR_POST),
    ("therapy_session_entered_in_error", "get", in_error_session, None, THERAPIST_AUTHOR_PAGE),
    ("therapy_session_entered_in_error", "post", in_error_session, reason, THERAPIST_AUTHOR_POST),
    ("therapy_progress_note_entered_in_error", "get", in_error_note, None, THERAPIST_AUTHOR_PAGE),
    ("therapy_progress_note_entered_in_error", "post", in_error_note, reason, THERAPIST_AUTHOR_POST),
    ("api_assessment_entered_in_error", "post", in_error_assessment, reason, PSYCHIATRIST_AUTHOR_API),
    ("api_therapy_session_entered_in_error", "post", in_error_session, reason, THERAPIST_AUTHOR_API),
    ("api_progress_note_entered_in_error", "post", in_error_note, reason, THERAPIST_AUTHOR_API),
]
