"""Writes for therapy: one transaction each, validated first (nothing written on bad input),
audited with ids and enum values only."""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from careteam import audit
from careteam.models import User
from careteam.records import counted, date_errors, entered_in_error_mark
from careteam.versioning import versioned_update
from flags import services as flag_services
from flags.models import Flag
from patients import access as patient_access
from patients import summary
from patients.models import Patient

from . import scoring, selectors
from .models import (
    MAX_ALLIANCE_RATING,
    MAX_PLANNED_SESSIONS,
    MAX_SESSION_MINUTES,
    NOTE_TEXT_MAX,
    Assessment,
    Instrument,
    Modality,
    ProgressNote,
    PsychotherapyNote,
    TherapyCourse,
    TherapySession,
)

COURSE_FIELDS = ("modality", "planned_sessions", "start_date", "status")
SESSION_FIELDS = ("starts_at", "modality", "mode", "duration_minutes", "attendance", "alliance_rating")
# Values safe to keep in the audit trail (enums, and the counts an amendment corrects: a
# session's duration, a course's planned sessions), so an amended record keeps its old value in
# its history; the rest (dates, the alliance rating) is recorded as "changed".
AUDITED_VALUES = ("modality", "mode", "attendance", "status", "duration_minutes", "planned_sessions")

Errors = dict[str, list[str]]

# Flags that raise themselves: consecutive no-shows (settings.MISSED_SESSIONS_FLAG_AFTER, 2), and
# a PHQ-9 that has not come down by half NO_IMPROVEMENT_WEEKS (10) after the baseline.
NO_IMPROVEMENT_DROP = 0.5


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _choice(errors: Errors, field: str, value: Any, choices: type[models.TextChoices], noun: str) -> None:
    if value not in choices.values:
        errors[field] = [f"Choose a {noun}: {', '.join(choices.values)}."]


def _born(patient: Patient) -> datetime.date | None:
    return getattr(patient, "date_of_birth", None)


# --- courses ----------------------------------------------------------------------------------


def _course_errors(course: TherapyCourse) -> Errors:
    errors: Errors = {}
    _choice(errors, "modality", course.modality, Modality, "modality")
    _choice(errors, "status", course.status, TherapyCourse.Status, "status")
    if not _is_int(course.planned_sessions) or not (1 <= course.planned_sessions <= MAX_PLANNED_SESSIONS):
        errors["planned_sessions"] = [f"Plan between 1 and {MAX_PLANNED_SESSIONS} sessions."]
    if not isinstance(course.start_date, datetime.date):
        errors["start_date"] = ["Give the date the course starts."]
    else:  # a course may be planned to start later
        errors.update(
            date_errors(course.start_date, field="start_date", born=_born(course.patient), happened=False)
        )
    return errors


@transaction.atomic
def therapy_course_create(
    *,
    actor: User,
    patient: Patient,
    modality: str,
    planned_sessions: int,
    start_date: datetime.date,
    status: str = TherapyCourse.Status.ACTIVE,
) -> TherapyCourse:
    """Open a course of therapy; the therapist who opens it is the course's therapist."""
    course = TherapyCourse(
        patient=patient,
        therapist=actor,
        modality=modality,
        planned_sessions=planned_sessions,
        start_date=start_date,
        status=status,
    )
    errors = _course_errors(course)
    if errors:
        raise ValidationError(errors)
    course.save()
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="therapycourse",
        object_id=course.pk,
        patient_id=patient.pk,
        changes={"modality": modality, "status": status},
    )
    return course


def _versioned_update(
    *,
    actor: User,
    obj: Any,
    version: int,
    fields: dict[str, Any],
    allowed: tuple[str, ...],
    kind: str,
    noun: str,
    validate: Callable[[Any], Errors],
    after_change: Callable[[Any], None] | None = None,
) -> Any:
    """A course or session edit through careteam.versioning (stale edits refused)."""
    return versioned_update(
        actor=actor,
        lock=lambda: type(obj).objects.select_for_update().get(pk=obj.pk),
        version=version,
        fields=fields,
        allowed=allowed,
        kind=kind,
        noun=noun,
        patient_id=obj.patient_id,
        validate=validate,
        audited_values=AUDITED_VALUES,
        after_change=(lambda changed_obj, _changed: after_change(changed_obj))
        if after_change is not None
        else None,
    )


def therapy_course_update(
    *, actor: User, course: TherapyCourse, version: int, **fields: Any
) -> TherapyCourse:
    """Change a course (e.g. mark it completed), based on ``version`` (see _versioned_update)."""
    return _versioned_update(
        actor=actor,
        obj=course,
        version=version,
        fields=fields,
        allowed=COURSE_FIELDS,
        kind="therapycourse",
        noun="course",
        validate=_course_errors,
    )


# --- sessions ---------------------------------------------------------------------------------


def _session_errors(session: TherapySession) -> Errors:
    errors: Errors = {}
    if session.entered_in_error:
        errors[NON_FIELD_ERRORS] = ["This session is marked entered in error: it cannot be changed."]
    attended = TherapySession.Attendance.ATTENDED
    if not isinstance(session.starts_at, datetime.datetime) or timezone.is_naive(session.starts_at):
        errors["starts_at"] = ["Give the session's date and time."]
    elif problems := date_errors(
        timezone.localdate(session.starts_at), field="starts_at", born=_born(session.patient), happened=False
    ):
        errors.update(problems)
    elif (
        session.attendance in (attended, TherapySession.Attendance.NO_SHOW)
        and session.starts_at > timezone.now()
    ):
        errors["attendance"] = [
            "This session is in the future: it can be scheduled or cancelled, not attended or missed yet."
        ]
    _choice(errors, "modality", session.modality, Modality, "modality")
    _choice(errors, "mode", session.mode, TherapySession.Mode, "mode")
    if "attendance" not in errors:
        _choice(errors, "attendance", session.attendance, TherapySession.Attendance, "attendance")
    if not _is_int(session.duration_minutes) or not (1 <= session.duration_minutes <= MAX_SESSION_MINUTES):
        errors["duration_minutes"] = [f"Duration must be between 1 and {MAX_SESSION_MINUTES} minutes."]
    rating = session.alliance_rating
    if rating is not None:
        if not _is_int(rating) or not 0 <= rating <= MAX_ALLIANCE_RATING:
            errors["alliance_rating"] = [f"The alliance rating goes from 0 to {MAX_ALLIANCE_RATING}."]
        elif session.attendance != attended:
            errors["alliance_rating"] = ["Rate the alliance only for a session that was attended."]
    return errors


@transaction.atomic
def therapy_session_create(
    *,
    actor: User,
    patient: Patient,
    starts_at: datetime.datetime,
    mode: str,
    duration_minutes: int,
    course_id: int | None = None,
    modality: str | None = None,
    attendance: str = TherapySession.Attendance.SCHEDULED,
    alliance_rating: int | None = None,
) -> TherapySession:
    """Record (or schedule) a session; the recording therapist is the session's therapist.
    Without a modality the session takes its course's."""
    errors: Errors = {}
    course = None
    if course_id is not None:
        course = TherapyCourse.objects.filter(patient=patient, pk=course_id).first()
        if course is None:
            errors["course"] = ["This patient has no such therapy course."]
    session = TherapySession(
        patient=patient,
        course=course,
        therapist=actor,
        starts_at=starts_at,
        modality=modality or (course.modality if course else ""),
        mode=mode,
        duration_minutes=duration_minutes,
        attendance=attendance,
        alliance_rating=alliance_rating,
    )
    errors.update(_session_errors(session))
    if not modality and course is None and "modality" in errors:
        errors["modality"] = ["Choose a modality, or a course to take it from."]
    if errors:
        raise ValidationError(errors)
    session.save()
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="therapysession",
        object_id=session.pk,
        patient_id=patient.pk,
        changes={
            "course": course.pk if course else None,
            "attendance": attendance,
            "mode": mode,
            "modality": session.modality,
        },
    )
    if session.attendance == TherapySession.Attendance.ATTENDED:
        summary.contact_recorded(patient_id=patient.pk, at=session.starts_at)
    _flag_missed_sessions(session)
    return session


def therapy_session_update(
    *, actor: User, session: TherapySession, version: int, **fields: Any
) -> TherapySession:
    """Edit a session, typically to record attendance and the alliance rating afterwards,
    based on ``version`` (see _versioned_update)."""

    def after_change(session: TherapySession) -> None:
        if session.attendance == TherapySession.Attendance.ATTENDED:
            summary.contact_recorded(patient_id=session.patient_id, at=session.starts_at)
        _flag_missed_sessions(session)

    return _versioned_update(
        actor=actor,
        obj=session,
        version=version,
        fields=fields,
        allowed=SESSION_FIELDS,
        kind="therapysession",
        noun="session",
        validate=_session_errors,
        after_change=after_change,
    )


# --- notes ------------------------------------------------------------------------------------


def _text_errors(text: Any) -> Errors:
    if not isinstance(text, str) or not text.strip():
        return {"text": ["Write the note."]}
    if len(text.strip()) > NOTE_TEXT_MAX:
        return {"text": [f"Keep the note to {NOTE_TEXT_MAX} characters (it has {len(text.strip())})."]}
    return {}


@transaction.atomic
def progress_note_create(
    *, actor: User, patient: Patient, text: str, session_id: int | None = None
) -> ProgressNote:
    """A progress note for the care team, optionally about one of the patient's sessions."""
    errors = _text_errors(text)
    session = None
    if session_id is not None:
        session = TherapySession.objects.filter(patient=patient, pk=session_id).first()
        if session is None:
            errors["session"] = ["This patient has no such therapy session."]
    if errors:
        raise ValidationError(errors)
    note = ProgressNote.objects.create(patient=patient, session=session, author=actor, text=text.strip())
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="progressnote",
        object_id=note.pk,
        patient_id=patient.pk,
        changes={"session": session.pk if session else None},
    )
    return note


@transaction.atomic
def psychotherapy_note_create(*, actor: User, patient: Patient, text: str) -> PsychotherapyNote:
    """A private psychotherapy note; only ``actor`` will ever be able to read it."""
    errors = _text_errors(text)
    if errors:
        raise ValidationError(errors)
    note = PsychotherapyNote.objects.create(patient=patient, author=actor, text=text.strip())
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="psychotherapynote",
        object_id=note.pk,
        patient_id=patient.pk,
    )
    return note


# --- measures ---------------------------------------------------------------------------------


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    patient: Patient,
    instrument: str,
    answers: list[int],
    administered_on: datetime.date | None = None,
) -> Assessment:
    """Score and store a PHQ-9 or GAD-7 (any care-team member may record one)."""
    errors: Errors = {}
    if instrument not in Instrument.values:
        errors["instrument"] = [f"Choose an instrument: {', '.join(Instrument.values)}."]
    else:
        problems = scoring.answer_errors(instrument, answers)
        if problems:
            errors["answers"] = problems
    today = timezone.localdate()
    if administered_on is None:
        administered_on = today
    elif not isinstance(administered_on, datetime.date) or isinstance(administered_on, datetime.datetime):
        errors["administered_on"] = ["Give the date as YYYY-MM-DD."]
    elif administered_on > today:
        errors["administered_on"] = ["The date it was completed cannot be in the future."]
    else:
        errors.update(date_errors(administered_on, field="administered_on", born=_born(patient), today=today))
    if errors:
        raise ValidationError(errors)
    result = scoring.score(instrument, list(answers))
    assessment = Assessment.objects.create(
        patient=patient,
        instrument=instrument,
        answers=list(answers),
        total=result.total,
        severity=result.severity,
        administered_on=administered_on,
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="assessment",
        object_id=assessment.pk,
        patient_id=patient.pk,
        changes={"instrument": instrument},
    )
    summary.measure_recorded(
        patient_id=patient.pk, instrument=instrument, total=result.total, administered_on=administered_on
    )
    if assessment.self_harm_item_positive:
        summary.safety_answer_recorded(patient_id=patient.pk, on=administered_on)
        flag_services.flag_raise(
            actor=None,
            patient=patient,
            category=Flag.Category.SAFETY,
            severity=Flag.Severity.URGENT,
            source_type="assessment",
            source_id=assessment.pk,
            rule_key=f"phq9_item9:{assessment.pk}",
            message="PHQ-9 item 9 (thoughts of death or self-harm) was answered above 0. "
            "Check the patient's safety today and follow the safety plan.",
        )
    if instrument == Instrument.PHQ9:
        _flag_no_improvement(patient)
    return assessment


# --- flags that raise themselves -------------------------------------------------------------
# Called inside the service's transaction: the flag and its outbox row commit with the record
# that caused them (flags.services publishes after the commit). A rule key per event means a
# repeated check never raises a second flag for the same thing.


def _flag_missed_sessions(session: TherapySession) -> None:
    """MISSED_SESSIONS_FLAG_AFTER no-shows in a row (cancellations neither break nor extend the
    run) reach the case manager and the therapist: one flag per run, keyed by its first no-show."""
    in_a_row = settings.MISSED_SESSIONS_FLAG_AFTER
    if session.attendance != TherapySession.Attendance.NO_SHOW:
        return
    recent = list(
        counted(TherapySession.objects)
        .filter(
            patient_id=session.patient_id,
            attendance__in=[TherapySession.Attendance.ATTENDED, TherapySession.Attendance.NO_SHOW],
        )
        .order_by("-starts_at", "-id")
        .values_list("pk", "attendance")[:in_a_row]
    )
    if len(recent) < in_a_row or any(
        attendance != TherapySession.Attendance.NO_SHOW for _, attendance in recent
    ):
        return
    run = counted(TherapySession.objects).filter(patient_id=session.patient_id)
    last_attended = (
        run.filter(attendance=TherapySession.Attendance.ATTENDED).order_by("-starts_at", "-id").first()
    )
    if last_attended is not None:
        run = run.filter(starts_at__gt=last_attended.starts_at)
    first_missed = (
        run.filter(attendance=TherapySession.Attendance.NO_SHOW).order_by("starts_at", "id").first()
    )
    if first_missed is None:  # the no-shows start at the same time as the last attended session
        return
    flag_services.flag_raise(
        actor=None,
        patient=session.patient,
        category=Flag.Category.MISSED_SESSIONS,
        severity=Flag.Severity.ROUTINE,
        source_type="therapysession",
        source_id=session.pk,
        rule_key=f"missed_sessions:{first_missed.pk}",
        reason_key="missed_sessions",
        message=f"{in_a_row} therapy sessions missed in a row (no-shows). Please reach out to the patient.",
    )


def _flag_no_improvement(patient: Patient, *, today: datetime.date | None = None) -> bool:
    """In treatment NO_IMPROVEMENT_WEEKS or more (counted from the baseline PHQ-9) and the latest
    PHQ-9 neither in remission (< 5) nor down by half from the baseline: a flag for psychiatric
    review, once per baseline. Checked when a PHQ-9 is recorded and daily by a beat job."""
    phq9 = counted(Assessment.objects).filter(patient=patient, instrument=Instrument.PHQ9)
    baseline = phq9.order_by("administered_on", "id").first()
    latest = phq9.order_by("-administered_on", "-id").first()
    if baseline is None or latest is None or baseline.pk == latest.pk:
        return False
    # When a PHQ-9 is recorded, judge as of that latest measure (a history typed in afterwards
    # raises nothing for a stretch that was already improving); the daily job judges as of today.
    weeks = ((today or latest.administered_on) - baseline.administered_on).days // 7
    if weeks < settings.NO_IMPROVEMENT_WEEKS:
        return False
    if latest.total < 5 or latest.total <= baseline.total * (1 - NO_IMPROVEMENT_DROP):
        return False
    flag_services.flag_raise(
        actor=None,
        patient=patient,
        category=Flag.Category.CLINICAL_CHANGE,
        severity=Flag.Severity.ROUTINE,
        source_type="assessment",
        source_id=latest.pk,
        rule_key=f"phq9_not_improving:{baseline.pk}",
        reason_key="phq9_not_improving",
        message=f"Psychiatric review: {weeks} weeks since the baseline PHQ-9 and it has not "
        "improved by 50% (nor reached remission). Consider reviewing the treatment plan.",
    )
    return True


def phq9_review_flags_raise(*, today: datetime.date | None = None) -> int:
    """The daily check: every patient whose baseline PHQ-9 is NO_IMPROVEMENT_WEEKS old or more
    and who has no review flag for that baseline yet. Returns how many flags it raised."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(weeks=settings.NO_IMPROVEMENT_WEEKS)
    baselines = (
        counted(Assessment.objects)
        .filter(instrument=Instrument.PHQ9)
        .order_by("patient_id", "administered_on", "id")
    )
    raised = 0
    seen: set[int] = set()
    # One query for the baselines already flagged, not one per patient.
    flagged = set(
        Flag.objects.filter(rule_key__startswith="phq9_not_improving:").values_list("rule_key", flat=True)
    )
    for patient_id, baseline_id, administered_on in baselines.values_list(
        "patient_id", "id", "administered_on"
    ).iterator():
        if patient_id in seen:
            continue
        seen.add(patient_id)
        if administered_on > cutoff or f"phq9_not_improving:{baseline_id}" in flagged:
            continue
        with transaction.atomic():
            raised += _flag_no_improvement(Patient.objects.get(pk=patient_id), today=today)
    return raised


# --- corrections: entered in error -------------------------------------------------------------
# Only the record's author may mark it (patients.access has already answered 404 off the team).
# The record stays, struck through; everything it counted in is worked out again without it, and
# the flags a rule raised from it are resolved.


def entered_in_error_check(*, actor: User, author_id: int, noun: str) -> None:
    """Raise PermissionDenied unless ``actor`` wrote the record (the one rule for all three)."""
    patient_access.require_author(actor, author_id=author_id, noun=noun)


def _in_error_flags_resolve(
    *, actor: User, patient_id: int, source_type: str, source_id: int, noun: str
) -> None:
    flag_services.flags_resolve_for_record(
        actor=actor,
        patient_id=patient_id,
        source_type=source_type,
        source_id=source_id,
        note=f"Raised from {noun} that was marked entered in error.",
        rules_only=True,
    )


@transaction.atomic
def assessment_enter_in_error(*, actor: User, assessment: Assessment, reason: Any) -> Assessment:
    """Mark a PHQ-9 / GAD-7 entered in error (its recorder only): the registry's baseline,
    latest and count for the instrument and the latest item-9 answer are worked out again, and
    the flags a rule raised from it (item 9, not improving) are resolved."""
    record = Assessment.objects.select_for_update().get(pk=assessment.pk)
    entered_in_error_check(actor=actor, author_id=record.recorded_by_id, noun="questionnaire")
    entered_in_error_mark(
        actor=actor, record=record, reason=reason, object_type="assessment", patient_id=record.patient_id
    )
    measures = counted(Assessment.objects).filter(patient_id=record.patient_id, instrument=record.instrument)
    summary.measures_reset(
        patient_id=record.patient_id,
        instrument=record.instrument,
        measures=list(measures.values_list("administered_on", "total")),
    )
    if record.instrument == Instrument.PHQ9:
        summary.safety_answer_reset(
            patient_id=record.patient_id, on=selectors.safety_answer_latest(record.patient_id)
        )
    _in_error_flags_resolve(
        actor=actor,
        patient_id=record.patient_id,
        source_type="assessment",
        source_id=record.pk,
        noun=f"a {record.get_instrument_display()}",
    )
    return record


@transaction.atomic
def therapy_session_enter_in_error(*, actor: User, session: TherapySession, reason: Any) -> TherapySession:
    """Mark a session entered in error (its therapist only): the registry's last contact is
    worked out again and the flags a rule raised from it (missed sessions) are resolved."""
    record = TherapySession.objects.select_for_update().get(pk=session.pk)
    entered_in_error_check(actor=actor, author_id=record.therapist_id, noun="session")
    entered_in_error_mark(
        actor=actor, record=record, reason=reason, object_type="therapysession", patient_id=record.patient_id
    )
    summary.contact_recompute(patient_id=record.patient_id)
    _in_error_flags_resolve(
        actor=actor,
        patient_id=record.patient_id,
        source_type="therapysession",
        source_id=record.pk,
        noun="a therapy session",
    )
    return record


@transaction.atomic
def progress_note_enter_in_error(*, actor: User, note: ProgressNote, reason: Any) -> ProgressNote:
    """Mark a progress note entered in error (its author only); a correct note is a new note."""
    record = ProgressNote.objects.select_for_update().get(pk=note.pk)
    entered_in_error_check(actor=actor, author_id=record.author_id, noun="progress note")
    entered_in_error_mark(
        actor=actor, record=record, reason=reason, object_type="progressnote", patient_id=record.patient_id
    )
    _in_error_flags_resolve(
        actor=actor,
        patient_id=record.patient_id,
        source_type="progressnote",
        source_id=record.pk,
        noun="a progress note",
    )
    return record
