"""Demo therapy history for the four demo patients (called by `manage.py seed_demo`).

Jordan is improving in CBT, Sam is early in CBT for anxiety, Riley has stopped turning up to
DBT and is not improving, and Morgan is in trauma-focused therapy with the second therapist.
Everything goes through the services, so the demo data is valid and audited like real data.
"""

import datetime

from django.utils import timezone

from careteam.models import User
from patients.models import Patient
from therapy import services
from therapy.models import TherapySession

ATTENDED = TherapySession.Attendance.ATTENDED
NO_SHOW = TherapySession.Attendance.NO_SHOW
CANCELLED = TherapySession.Attendance.CANCELLED_BY_PATIENT
SCHEDULED = TherapySession.Attendance.SCHEDULED


def _answers(total: int, items: int, *, last: int = 0) -> list[int]:
    """Plausible item answers adding up to ``total``, spread evenly; ``last`` fixes the final
    item (PHQ-9 item 9, thoughts of self-harm)."""
    rest, spread = total - last, items - 1
    answers = [min(3, rest // spread + (1 if i < rest % spread else 0)) for i in range(spread)]
    return [*answers, last]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _course(
    *,
    therapist: User,
    patient: Patient,
    today: datetime.date,
    modality: str,
    planned: int,
    weeks_ago: int,
    visits: list[tuple[str, int | None]],
    mode: str = "in_person",
    hour: int = 10,
) -> list[TherapySession]:
    """A weekly course started ``weeks_ago``; ``visits`` = (attendance, alliance) per week, and
    the next session is scheduled after the last one."""
    start = today - datetime.timedelta(weeks=weeks_ago)
    course = services.therapy_course_create(
        actor=therapist, patient=patient, modality=modality, planned_sessions=planned, start_date=start
    )
    sessions = []
    for week, (attendance, alliance) in enumerate(visits):
        sessions.append(
            services.therapy_session_create(
                actor=therapist,
                patient=patient,
                course_id=course.pk,
                starts_at=_at(start + datetime.timedelta(weeks=week), hour),
                mode=mode,
                duration_minutes=50,
                attendance=attendance,
                alliance_rating=alliance,
            )
        )
    next_visit = start + datetime.timedelta(weeks=len(visits))
    if next_visit <= today:
        next_visit = today + datetime.timedelta(days=3)
    services.therapy_session_create(
        actor=therapist,
        patient=patient,
        course_id=course.pk,
        starts_at=_at(next_visit, hour),
        mode=mode,
        duration_minutes=50,
        attendance=SCHEDULED,
    )
    return sessions


def _measures(
    *,
    actor: User,
    patient: Patient,
    today: datetime.date,
    instrument: str,
    totals: list[tuple[int, int]],
    item9: int = 0,
) -> None:
    """(weeks ago, total) pairs, oldest first."""
    items = 9 if instrument == "PHQ9" else 7
    for weeks_ago, total in totals:
        last = item9 if instrument == "PHQ9" else min(3, total // items)
        services.assessment_record(
            actor=actor,
            patient=patient,
            instrument=instrument,
            answers=_answers(total, items, last=last),
            administered_on=today - datetime.timedelta(weeks=weeks_ago),
        )


def seed(*, staff: dict[str, User], patients: list[Patient], today: datetime.date) -> None:
    theo, tom = staff["therapist"], staff["therapist2"]
    jordan, sam, riley, morgan = patients[:4]

    # Jordan: CBT, 12 planned, 8 attended of 9 weeks, improving (PHQ-9 18 → 7).
    jordan_sessions = _course(
        therapist=theo,
        patient=jordan,
        today=today,
        modality="cbt",
        planned=12,
        weeks_ago=9,
        visits=[
            (ATTENDED, 6),
            (ATTENDED, 7),
            (ATTENDED, 7),
            (NO_SHOW, None),
            (ATTENDED, 8),
            (ATTENDED, 8),
            (ATTENDED, 8),
            (ATTENDED, 9),
            (ATTENDED, 9),
        ],
    )
    _measures(
        actor=theo,
        patient=jordan,
        today=today,
        instrument="PHQ9",
        totals=[(9, 18), (6, 15), (4, 12), (2, 9), (0, 7)],
    )
    _measures(
        actor=staff["psychiatrist"], patient=jordan, today=today, instrument="GAD7", totals=[(9, 12), (1, 8)]
    )
    services.progress_note_create(
        actor=theo,
        patient=jordan,
        session_id=jordan_sessions[0].pk,
        text="Assessment and formulation shared. Agreed goals: activity scheduling, return to "
        "part-time work. Homework: activity diary.",
    )
    services.progress_note_create(
        actor=theo,
        patient=jordan,
        session_id=jordan_sessions[-1].pk,
        text="Completing thought records independently. Sleep improved. Plan: relapse-prevention "
        "work over the last sessions.",
    )
    services.psychotherapy_note_create(
        actor=theo,
        patient=jordan,
        text="Demo private note: recurring theme of not being good enough, links to early "
        "school experiences. Only Theo can read this.",
    )

    # Sam: CBT for anxiety, early on, one cancellation; GAD-7 coming down.
    _course(
        therapist=theo,
        patient=sam,
        today=today,
        modality="cbt",
        planned=10,
        weeks_ago=5,
        mode="video",
        hour=16,
        visits=[(ATTENDED, 7), (ATTENDED, 7), (CANCELLED, None), (ATTENDED, 8), (ATTENDED, 8)],
    )
    _measures(actor=theo, patient=sam, today=today, instrument="GAD7", totals=[(5, 16), (3, 13), (0, 11)])
    _measures(actor=theo, patient=sam, today=today, instrument="PHQ9", totals=[(5, 8)])
    services.progress_note_create(
        actor=theo,
        patient=sam,
        text="Worry diary started; practising scheduled worry time. Sleep-hygiene handout given.",
    )

    # Riley: DBT skills, three missed sessions in a row, no improvement.
    _course(
        therapist=theo,
        patient=riley,
        today=today,
        modality="dbt",
        planned=24,
        weeks_ago=8,
        visits=[
            (ATTENDED, 5),
            (ATTENDED, 6),
            (ATTENDED, 6),
            (ATTENDED, 5),
            (CANCELLED, None),
            (NO_SHOW, None),
            (NO_SHOW, None),
            (NO_SHOW, None),
        ],
    )
    _measures(actor=theo, patient=riley, today=today, instrument="PHQ9", totals=[(11, 17), (6, 18), (0, 17)])
    services.progress_note_create(
        actor=theo,
        patient=riley,
        text="Three missed sessions; no answer to calls. Asked the case manager to try a home visit.",
    )

    # Morgan: trauma-focused therapy (modality "other") with Tom, steady progress.
    _course(
        therapist=tom,
        patient=morgan,
        today=today,
        modality="other",
        planned=12,
        weeks_ago=6,
        visits=[(ATTENDED, 5), (ATTENDED, 6), (ATTENDED, 6), (ATTENDED, 7), (ATTENDED, 7), (ATTENDED, 8)],
    )
    _measures(actor=tom, patient=morgan, today=today, instrument="PHQ9", totals=[(6, 14), (3, 12), (0, 10)])
    _measures(actor=tom, patient=morgan, today=today, instrument="GAD7", totals=[(6, 15), (0, 12)])
    services.progress_note_create(
        actor=tom,
        patient=morgan,
        text="Stabilisation phase complete; starting graded exposure. Uses grounding skills.",
    )
    services.psychotherapy_note_create(
        actor=tom, patient=morgan, text="Demo private note: only Tom can read this."
    )

    # Alex (if the demo has them): a finished CBT course, in remission. Casey: nothing yet.
    if len(patients) > 4:
        alex = patients[4]
        _course(
            therapist=theo,
            patient=alex,
            today=today,
            modality="cbt",
            planned=8,
            weeks_ago=16,
            visits=[
                (ATTENDED, 5),
                (ATTENDED, 6),
                (ATTENDED, 7),
                (ATTENDED, 7),
                (ATTENDED, 8),
                (ATTENDED, 8),
                (ATTENDED, 9),
                (ATTENDED, 9),
            ],
        )
        _measures(actor=theo, patient=alex, today=today, instrument="PHQ9", totals=[(16, 14), (8, 8), (1, 3)])
        _measures(actor=theo, patient=alex, today=today, instrument="GAD7", totals=[(16, 10), (1, 4)])
