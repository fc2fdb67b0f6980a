"""Synthetic therapy courses, sessions with attendance, and PHQ-9 / GAD-7 over time (answers that
add up to the total, severity from the bands). See seed/synthetic/base.py."""

import datetime

from therapy import scoring
from therapy.models import Assessment, TherapyCourse, TherapySession

from .base import PatientSeed, SeedContext, bulk

ATTENDANCE = ["attended"] * 16 + ["no_show"] * 2 + ["cancelled_by_patient"] * 1 + ["cancelled_by_clinic"] * 1
MODALITIES = ("cbt", "cbt", "dbt", "psychodynamic", "other")
MODES = ("in_person", "in_person", "video", "phone")


def answers_for(rng, items: int, total: int) -> list[int]:
    """Item answers (0-3) adding up to ``total``, in a random order."""
    answers = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    answers += [0] * (items - len(answers))
    rng.shuffle(answers)
    return answers


def seed_chunk(ctx: SeedContext, chunk: list[PatientSeed]) -> None:
    rng = ctx.rng
    courses = TherapyCourse.objects.bulk_create(
        [
            TherapyCourse(
                patient_id=p.id,
                therapist_id=p.therapist_id,
                modality=rng.choice(MODALITIES),
                planned_sessions=12,
                start_date=ctx.today - datetime.timedelta(days=200 + p.index % 60),
            )
            for p in chunk
        ],
        batch_size=5000,
    )
    sessions = []
    assessments = []
    for p, course in zip(chunk, courses, strict=True):
        start = ctx.days_ago(200 + p.index % 60).replace(hour=9, minute=0, second=0, microsecond=0)
        for n in range(rng.randint(3, 12)):
            at = start + datetime.timedelta(days=14 * n + rng.randint(0, 3), hours=rng.randint(0, 8))
            attendance = "scheduled" if at > ctx.now else rng.choice(ATTENDANCE)
            if attendance == "attended":
                p.contact(at)
            sessions.append(
                TherapySession(
                    patient_id=p.id,
                    course_id=course.pk,
                    therapist_id=p.therapist_id,
                    starts_at=at,
                    modality=course.modality,
                    mode=rng.choice(MODES),
                    duration_minutes=50,
                    attendance=attendance,
                    alliance_rating=rng.randint(5, 10) if attendance == "attended" else None,
                )
            )
        # PHQ-9 (and sometimes a GAD-7) every ~4 weeks from the start; most patients improve.
        baseline = rng.randint(8, 24)
        drift = rng.uniform(-0.45, 0.1)
        for n in range(rng.choice((0, 1, 2, 3, 3, 4, 5, 6))):
            on = start.date() + datetime.timedelta(days=28 * n + 1)
            if on > ctx.today:
                break
            total = max(0, min(27, round(baseline * (1 + drift * n)) + rng.randint(-2, 2)))
            assessments.append(_assessment(rng, p, scoring.PHQ9, total, on))
            p.phq9.append((on, total))
            if rng.random() < 0.5:
                gad = max(0, min(21, round(total * 0.7) + rng.randint(-2, 2)))
                assessments.append(_assessment(rng, p, scoring.GAD7, gad, on))
                p.gad7.append((on, gad))
    bulk(TherapySession, sessions)
    bulk(Assessment, assessments)


def _assessment(rng, p: PatientSeed, instrument: str, total: int, on: datetime.date) -> Assessment:
    items = 9 if instrument == scoring.PHQ9 else 7
    return Assessment(
        patient_id=p.id,
        instrument=instrument,
        answers=answers_for(rng, items, total),
        total=total,
        severity=scoring.severity_for(instrument, total),
        administered_on=on,
        recorded_by_id=p.therapist_id,
    )
