"""Therapy records for tests, made through the services (so they are valid and audited)."""

import datetime

from django.utils import timezone

from therapy import services
from therapy.models import Assessment, PsychotherapyNote, TherapyCourse, TherapySession

PHQ9_MODERATE = [2, 2, 1, 1, 2, 1, 2, 1, 0]  # 12: moderate
GAD7_MILD = [1, 1, 1, 1, 1, 1, 1]  # 7: mild


def make_course(
    *,
    actor,
    patient,
    planned_sessions: int = 12,
    modality: str = "cbt",
    start_date: datetime.date | None = None,
) -> TherapyCourse:
    return services.therapy_course_create(
        actor=actor,
        patient=patient,
        modality=modality,
        planned_sessions=planned_sessions,
        start_date=start_date or timezone.localdate() - datetime.timedelta(days=90),
    )


def make_session(
    *,
    actor,
    patient,
    course: TherapyCourse | None = None,
    days_ago: int = 7,
    attendance: str = "attended",
    alliance_rating: int | None = None,
    **extra,
) -> TherapySession:
    return services.therapy_session_create(
        actor=actor,
        patient=patient,
        course_id=course.pk if course else None,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        mode="in_person",
        duration_minutes=50,
        modality=None if course else "cbt",
        attendance=attendance,
        alliance_rating=alliance_rating,
        **extra,
    )


def make_assessment(
    *, actor, patient, instrument: str = "PHQ9", answers=None, days_ago: int = 0
) -> Assessment:
    answers = answers or (PHQ9_MODERATE if instrument == "PHQ9" else GAD7_MILD)
    return services.assessment_record(
        actor=actor,
        patient=patient,
        instrument=instrument,
        answers=list(answers),
        administered_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def make_psychotherapy_note(
    *, actor, patient, text: str = "Private: transference themes"
) -> PsychotherapyNote:
    return services.psychotherapy_note_create(actor=actor, patient=patient, text=text)
