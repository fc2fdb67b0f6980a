"""The per-patient summary behind the caseload registry and the psychiatric review list.

Component services call these functions inside their own transaction when they record something
the registry shows (a PHQ-9/GAD-7, a contact, a flag raised or resolved, a follow-up date); the
review list is entered when a flag for psychiatric review (category "clinical_change") is raised
and left when a psychiatrist marks the review done. The treatment status and the PHQ-9 change
are generated columns (patients.treatment). Ids, dates and scores only.
"""

import datetime
from collections.abc import Callable

from django.db.models import F, Q
from django.utils import timezone

from careteam import audit
from careteam.models import User

from .models import PatientSummary

INSTRUMENT_FIELDS = {"PHQ9": "phq9", "GAD7": "gad7"}


def locked_row(patient_id: int) -> PatientSummary:
    """The patient's summary row, locked for this transaction (made if missing)."""
    row, _ = PatientSummary.objects.select_for_update().get_or_create(patient_id=patient_id)
    return row


def measure_recorded(*, patient_id: int, instrument: str, total: int, administered_on: datetime.date) -> None:
    """A PHQ-9 or GAD-7 was recorded: keep the baseline (earliest) and latest up to date."""
    prefix = INSTRUMENT_FIELDS[instrument]
    row = locked_row(patient_id)
    baseline_on = getattr(row, f"{prefix}_baseline_on")
    latest_on = getattr(row, f"{prefix}_latest_on")
    if baseline_on is None or administered_on < baseline_on:
        setattr(row, f"{prefix}_baseline", total)
        setattr(row, f"{prefix}_baseline_on", administered_on)
    if latest_on is None or administered_on >= latest_on:
        setattr(row, f"{prefix}_latest", total)
        setattr(row, f"{prefix}_latest_on", administered_on)
    setattr(row, f"{prefix}_count", getattr(row, f"{prefix}_count") + 1)
    row.save()


def measures_reset(*, patient_id: int, instrument: str, measures: list[tuple[datetime.date, int]]) -> None:
    """The instrument's baseline, latest and count from scratch, from every measure of it that
    still counts (oldest first): after one was marked entered in error."""
    prefix = INSTRUMENT_FIELDS[instrument]
    row = locked_row(patient_id)
    ordered = sorted(measures, key=lambda measure: measure[0])
    first = ordered[0] if ordered else (None, None)
    last = ordered[-1] if ordered else (None, None)
    setattr(row, f"{prefix}_baseline_on", first[0])
    setattr(row, f"{prefix}_baseline", first[1])
    setattr(row, f"{prefix}_latest_on", last[0])
    setattr(row, f"{prefix}_latest", last[1])
    setattr(row, f"{prefix}_count", len(ordered))
    row.save()


def safety_answer_recorded(*, patient_id: int, on: datetime.date) -> None:
    """A PHQ-9 with item 9 above 0 (thoughts of self-harm) as of ``on``: the registry puts the
    patient first for 30 days after the latest such answer."""
    row = locked_row(patient_id)
    if row.safety_answer_on is None or on > row.safety_answer_on:
        row.safety_answer_on = on
        row.save(update_fields=["safety_answer_on"])


def safety_answer_reset(*, patient_id: int, on: datetime.date | None) -> None:
    """The latest item-9 answer above 0 that still counts (None: none), after a correction."""
    row = locked_row(patient_id)
    row.safety_answer_on = on
    row.save(update_fields=["safety_answer_on"])


# Each component that records contacts (attended sessions, logged contacts) registers how to
# find a patient's latest one that still counts (AppConfig.ready): the arrow points down.
ContactSource = Callable[[int], datetime.datetime | None]
_contact_sources: list[ContactSource] = []


def contact_source_register(source: ContactSource) -> None:
    if source not in _contact_sources:
        _contact_sources.append(source)


def contact_recompute(*, patient_id: int) -> None:
    """The last contact from scratch, from every component's latest contact that still counts
    (after one was marked entered in error)."""
    locked_row(patient_id)
    found = [at for at in (source(patient_id) for source in _contact_sources) if at is not None]
    PatientSummary.objects.filter(patient_id=patient_id).update(last_contact_at=max(found, default=None))


def patient_opened(*, patient_id: int) -> None:
    """A new patient: their (empty) summary row, so the registry can join it."""
    PatientSummary.objects.get_or_create(patient_id=patient_id)


def follow_up_fields(dates: list[datetime.date]) -> dict:
    """PatientSummary's follow_up_dates (ISO, in order) and follow_up_due_on (the earliest)."""
    ordered = sorted(dates)
    return {
        "follow_up_dates": [day.isoformat() for day in ordered],
        "follow_up_due_on": ordered[0] if ordered else None,
    }


def follow_ups_set(*, patient_id: int, dates: list[datetime.date]) -> None:
    """The follow-up dates of a component's open items for the patient (none left: [])."""
    locked_row(patient_id)
    PatientSummary.objects.filter(patient_id=patient_id).update(**follow_up_fields(dates))


def care_plan_review_set(*, patient_id: int, on: datetime.date | None) -> None:
    """The care plan's next review date changed."""
    locked_row(patient_id)
    PatientSummary.objects.filter(patient_id=patient_id).update(care_plan_review_on=on)


def contact_recorded(*, patient_id: int, at: datetime.datetime) -> None:
    """Any contact with the patient (an attended session, a logged contact)."""
    PatientSummary.objects.get_or_create(patient_id=patient_id)
    PatientSummary.objects.filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=at), patient_id=patient_id
    ).update(last_contact_at=at)


def review_enter(*, patient_id: int, on: datetime.date | None = None) -> None:
    """Put the patient on the psychiatric review list (no-op if already waiting on it)."""
    row = locked_row(patient_id)
    waiting = row.review_since is not None and (
        row.reviewed_at is None or timezone.localdate(row.reviewed_at) < row.review_since
    )
    if not waiting:
        # A new entry starts a new wait: the previous review stays in the audit trail.
        row.review_since = on or timezone.localdate()
        row.reviewed_at = row.reviewed_by = None
        row.save(update_fields=["review_since", "reviewed_at", "reviewed_by"])


def review_mark_done(*, actor: User, patient_id: int) -> PatientSummary:
    row = locked_row(patient_id)
    row.reviewed_at = timezone.now()
    row.reviewed_by = actor
    row.save(update_fields=["reviewed_at", "reviewed_by"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        object_type="psychiatricreview",
        object_id=patient_id,
        patient_id=patient_id,
        changes={"reviewed": True},
    )
    return row


def awaiting_review() -> Q:
    """Filter (on PatientSummary) for patients on the review list and not yet reviewed."""
    return Q(review_since__isnull=False) & (
        Q(reviewed_at__isnull=True) | Q(reviewed_at__date__lt=F("review_since"))
    )
