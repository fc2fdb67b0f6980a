"""Reads for therapy. Views call careteam.access first; these narrow to one patient (and, for
psychotherapy notes, to one author) and load related rows up front, so a list costs the same
number of queries whatever its length."""

import datetime
from dataclasses import dataclass
from typing import TypedDict

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from careteam import audit
from careteam.models import User
from careteam.records import counted
from patients.models import Patient

from . import scoring
from .models import (
    Assessment,
    Instrument,
    ProgressNote,
    PsychotherapyNote,
    TherapyCourse,
    TherapySession,
)

ATTENDED = TherapySession.Attendance.ATTENDED


def courses(*, patient: Patient) -> QuerySet[TherapyCourse]:
    """The patient's courses, newest first, each with ``attended_count`` (sessions entered in
    error not counted)."""
    return (
        TherapyCourse.objects.filter(patient=patient)
        .select_related("therapist")
        .annotate(
            attended_count=Count(
                "sessions",
                filter=Q(sessions__attendance=ATTENDED, sessions__entered_in_error_at__isnull=True),
            )
        )
        .order_by("-start_date", "-id")
    )


def _attended_ordinal() -> Coalesce:
    """How many attended sessions of the same course come at or before this one (by time, then
    id): for an attended session, its number in the course. Computed in the same SQL statement
    as the list, and unaffected by filtering or paging the outer query."""
    earlier = (
        counted(TherapySession.objects)
        .filter(course=OuterRef("course"), attendance=ATTENDED)
        .filter(
            Q(starts_at__lt=OuterRef("starts_at"))
            | Q(starts_at=OuterRef("starts_at"), id__lte=OuterRef("id"))
        )
        .order_by()
        .values("course")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(earlier, output_field=IntegerField()), Value(0))


def sessions(*, patient: Patient) -> QuerySet[TherapySession]:
    """The patient's sessions, newest first, with ``attended_ordinal`` (see session_number)."""
    return (
        TherapySession.objects.filter(patient=patient)
        .select_related("course", "therapist")
        .annotate(attended_ordinal=_attended_ordinal())
        .order_by("-starts_at", "-id")
    )


def progress_notes(*, patient: Patient) -> QuerySet[ProgressNote]:
    return (
        ProgressNote.objects.filter(patient=patient)
        .select_related("author", "session")
        .order_by("-created_at", "-id")
    )


def psychotherapy_notes(*, actor: User, patient: Patient) -> QuerySet[PsychotherapyNote]:
    """The actor's OWN psychotherapy notes on this patient. The only read of that table: there
    is deliberately no variant without ``author=actor``."""
    if not actor.is_authenticated:
        return PsychotherapyNote.objects.none()
    return (
        PsychotherapyNote.objects.filter(patient=patient, author=actor)
        .select_related("author")
        .order_by("-created_at", "-id")
    )


def psychotherapy_note_open(*, actor: User, patient: Patient, note_id: int) -> PsychotherapyNote:
    """One psychotherapy note, for its author only. Anyone else (on the team: access was checked
    by the caller) gets the same 404 as for a note that does not exist. Audited here whatever the
    outcome, so no page or endpoint can open a note without leaving a trace."""
    note = psychotherapy_notes(actor=actor, patient=patient).filter(pk=note_id).first()
    audit.record(
        actor=actor,
        action=audit.Action.VIEW,
        object_type="psychotherapynote",
        object_id=note_id,
        patient_id=patient.pk,
        changes={} if note is not None else {"refused": "not found for this user"},
    )
    if note is None:
        raise Http404("No psychotherapy note matches the given query.")
    return note


def assessments(*, patient: Patient, instrument: str = "") -> QuerySet[Assessment]:
    """The patient's PHQ-9s and GAD-7s, most recent first."""
    rows = Assessment.objects.filter(patient=patient).select_related("recorded_by")
    if instrument:
        rows = rows.filter(instrument=instrument)
    return rows.order_by("-administered_on", "-id")


@dataclass(frozen=True)
class MeasureTrend:
    """First (baseline) and latest score of one instrument, and the change between them."""

    instrument: str
    label: str
    first: Assessment | None
    latest: Assessment | None
    count: int

    @property
    def change_points(self) -> int | None:
        if self.first is None or self.latest is None or self.count < 2:
            return None
        return self.latest.total - self.first.total

    @property
    def change_percent(self) -> int | None:
        """Change from baseline in percent (negative: improvement); None from a baseline of 0."""
        points = self.change_points
        if points is None or not self.first or self.first.total == 0:
            return None
        return round(100 * points / self.first.total)


def measure_trends(*, patient: Patient) -> list[MeasureTrend]:
    """PHQ-9 and GAD-7 trends in two queries: per instrument the first and latest (by date, then
    id) and how many there are, then those rows themselves. Measures entered in error count
    nowhere here."""
    ranked = (
        counted(Assessment.objects)
        .filter(patient=patient)
        .values("instrument")
        .annotate(
            first_id=Subquery(_edge(patient, ascending=True)),
            latest_id=Subquery(_edge(patient, ascending=False)),
            count=Count("id"),
        )
        .order_by()
    )
    summary = {row["instrument"]: row for row in ranked}
    ids = [row[key] for row in summary.values() for key in ("first_id", "latest_id")]
    by_id = {a.pk: a for a in Assessment.objects.filter(pk__in=ids)} if ids else {}
    trends = []
    for code, label in Instrument.choices:
        row = summary.get(code)
        trends.append(
            MeasureTrend(
                instrument=code,
                label=label,
                first=by_id.get(row["first_id"]) if row else None,
                latest=by_id.get(row["latest_id"]) if row else None,
                count=row["count"] if row else 0,
            )
        )
    return trends


class _IdRow(TypedDict):
    """A row of ``.values("id")``."""

    id: int


def _edge(patient: Patient, *, ascending: bool) -> QuerySet[Assessment, _IdRow]:
    order = ("administered_on", "id") if ascending else ("-administered_on", "-id")
    return (
        counted(Assessment.objects)
        .filter(patient=patient, instrument=OuterRef("instrument"))
        .order_by(*order)
        .values("id")[:1]
    )


def latest_contact_at(patient_id: int) -> datetime.datetime | None:
    """The start of the patient's latest counted attended session: therapy's contact source for
    the registry (registered in TherapyConfig.ready)."""
    return (
        counted(TherapySession.objects)
        .filter(patient_id=patient_id, attendance=TherapySession.Attendance.ATTENDED)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )


def safety_answer_latest(patient_id: int) -> datetime.date | None:
    """The date of the latest counted PHQ-9 with item 9 above 0 (None: none)."""
    rows = (
        counted(Assessment.objects)
        .filter(patient_id=patient_id, instrument=Instrument.PHQ9)
        .order_by("-administered_on", "-id")
        .values_list("administered_on", "answers")
    )
    item = scoring.PHQ9_SELF_HARM_ITEM - 1
    for on, answers in rows.iterator():
        if isinstance(answers, list) and len(answers) > item and answers[item] > 0:
            return on
    return None
