"""The per-patient summary behind the caseload registry and the psychiatric review list.

Component services call these functions inside their own transaction when they record something
the registry shows (a PHQ-9/GAD-7, a contact); the review list is entered when a flag for
psychiatric review (category "clinical_change") is raised and left when a psychiatrist marks the
review done. Ids, dates and scores only.
"""

import datetime

from django.db.models import Case, ExpressionWrapper, F, FloatField, Q, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from . import audit
from .models import PatientSummary, User

INSTRUMENT_FIELDS = {"PHQ9": "phq9", "GAD7": "gad7"}


def _row(patient_id: int) -> PatientSummary:
    row, _ = PatientSummary.objects.select_for_update().get_or_create(patient_id=patient_id)
    return row


def measure_recorded(*, patient_id: int, instrument: str, total: int,
                     administered_on: datetime.date) -> None:
    """A PHQ-9 or GAD-7 was recorded: keep the baseline (earliest) and latest up to date."""
    prefix = INSTRUMENT_FIELDS[instrument]
    row = _row(patient_id)
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


def contact_recorded(*, patient_id: int, at: datetime.datetime) -> None:
    """Any contact with the patient (an attended session, a logged contact)."""
    PatientSummary.objects.get_or_create(patient_id=patient_id)
    PatientSummary.objects.filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=at), patient_id=patient_id
    ).update(last_contact_at=at)


def review_enter(*, patient_id: int, on: datetime.date | None = None) -> None:
    """Put the patient on the psychiatric review list (no-op if already waiting on it)."""
    row = _row(patient_id)
    waiting = row.review_since is not None and (
        row.reviewed_at is None or timezone.localdate(row.reviewed_at) < row.review_since)
    if not waiting:
        # A new entry starts a new wait: the previous review stays in the audit trail.
        row.review_since = on or timezone.localdate()
        row.reviewed_at = row.reviewed_by = None
        row.save(update_fields=["review_since", "reviewed_at", "reviewed_by"])


def review_mark_done(*, actor: User, patient_id: int) -> PatientSummary:
    row = _row(patient_id)
    row.reviewed_at = timezone.now()
    row.reviewed_by = actor
    row.save(update_fields=["reviewed_at", "reviewed_by"])
    audit.record(actor=actor, action=audit.Action.UPDATE, object_type="psychiatricreview",
                 object_id=patient_id, patient_id=patient_id, changes={"reviewed": True})
    return row


def awaiting_review() -> Q:
    """Filter (on PatientSummary) for patients on the review list and not yet reviewed."""
    return Q(review_since__isnull=False) & (
        Q(reviewed_at__isnull=True) | Q(reviewed_at__date__lt=F("review_since")))


def phq9_change_pct(prefix: str = "") -> ExpressionWrapper:
    """(latest - baseline) / baseline x 100, as SQL; NULL without a usable baseline."""
    baseline = F(f"{prefix}phq9_baseline")
    latest = F(f"{prefix}phq9_latest")
    return ExpressionWrapper(
        Case(When(**{f"{prefix}phq9_baseline__gt": 0},
                  then=(Cast(latest, FloatField()) - Cast(baseline, FloatField())) * 100.0
                  / Cast(baseline, FloatField())),
             default=None),
        output_field=FloatField())


def treatment_status(prefix: str = "") -> Case:
    """API.md's treatment status from the baseline and latest PHQ-9, as SQL (for sorting and
    filtering a whole caseload): no-data, baseline-only, remission, response, partial-response,
    not-improving."""
    count = f"{prefix}phq9_count"
    baseline = F(f"{prefix}phq9_baseline")
    return Case(
        When(Q(**{f"{count}__isnull": True}) | Q(**{count: 0}), then=Value("no-data")),
        When(**{count: 1}, then=Value("baseline-only")),
        When(**{f"{prefix}phq9_latest__lt": 5}, then=Value("remission")),
        When(Q(**{f"{prefix}phq9_baseline__gt": 0})
             & Q(**{f"{prefix}phq9_latest__lte": ExpressionWrapper(
                 baseline * 0.5, output_field=FloatField())}), then=Value("response")),
        When(Q(**{f"{prefix}phq9_baseline__gt": 0})
             & Q(**{f"{prefix}phq9_latest__lte": ExpressionWrapper(
                 baseline * 0.75, output_field=FloatField())}), then=Value("partial-response")),
        default=Value("not-improving"),
    )


def treatment_status_of(*, count: int, baseline: int | None, latest: int | None) -> str:
    """The same rule in Python, for one patient."""
    if not count:
        return "no-data"
    if count == 1:
        return "baseline-only"
    if latest < 5:
        return "remission"
    if baseline and latest <= baseline * 0.5:
        return "response"
    if baseline and latest <= baseline * 0.75:
        return "partial-response"
    return "not-improving"
