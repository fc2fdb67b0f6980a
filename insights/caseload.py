"""The caseload registry and the psychiatric review list.

Reads come from patients.PatientSummary, kept up to date by the services (measures, contacts,
flags, follow-up and care-plan review dates), so a page of the registry is one plain join.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Case, F, IntegerField, OrderBy, Q, QuerySet, Value, When
from django.utils import timezone

from careteam import access, paging
from careteam.models import User
from careteam.widgets import QuickSelect
from patients import access as patient_access
from patients import summary
from patients.models import PatientSummary
from patients.treatment import STATUS_LABELS, STATUSES

# What the registry's default order puts first, shown on the page as well.
ATTENTION_ORDER = [
    "Safety first: an open safety flag, or a PHQ-9 answer about self-harm (item 9 above 0) in the "
    "last 30 days",
    "Urgent flags still open",
    "Not improving (PHQ-9 down less than 25%, or up)",
    "Overdue items (care-plan review date or referral follow-up in the past)",
    "Other open flags",
    "Partial response",
    "Baseline only, or no PHQ-9 yet",
    "Response or remission",
]

ORDERING_CHOICES = [("attention", "Needs attention first")] + [
    (f"{sign}{key}", f"{key.replace('_', ' ')} {'descending' if sign else 'ascending'}")
    for key in ("name", "status", "phq9_latest", "change", "weeks", "last_contact", "open_flags")
    for sign in ("", "-")
]

YES_NO = [("", "Any"), ("true", "Yes"), ("false", "No")]


class CaseloadFilterForm(forms.Form):
    """Filters and sort of the registry, the same for the page and the API (query string)."""

    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *STATUSES], widget=QuickSelect)
    urgent = forms.ChoiceField(required=False, choices=YES_NO, label="Has urgent flags", widget=QuickSelect)
    overdue = forms.ChoiceField(required=False, choices=YES_NO, label="Has overdue items", widget=QuickSelect)
    ordering = forms.ChoiceField(
        required=False, choices=ORDERING_CHOICES, label="Sort by", widget=QuickSelect
    )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        as_bool = {"true": True, "false": False, "": None}
        return {
            "status": data.get("status") or "",
            "urgent": as_bool[data.get("urgent") or ""],
            "overdue": as_bool[data.get("overdue") or ""],
            "ordering": data.get("ordering") or "attention",
        }


class ReviewFilterForm(forms.Form):
    show = forms.ChoiceField(
        required=False, choices=[("waiting", "Waiting for review"), ("reviewed", "Reviewed")]
    )


@dataclass(slots=True)
class CaseloadRow:
    """One row of the registry: the patient's name and summary figures, and what is worked out
    per row in Python (weeks in treatment, the status label, changes, overdue items)."""

    pk: int
    first_name: str
    last_name: str
    phq9_baseline: int | None
    phq9_baseline_on: datetime.date | None
    phq9_latest: int | None
    phq9_latest_on: datetime.date | None
    phq9_change_pct: float | None
    gad7_baseline: int | None
    gad7_latest: int | None
    gad7_latest_on: datetime.date | None
    last_contact: datetime.datetime | None
    treatment_status: str
    open_flags: int
    urgent_flags: int
    follow_up_dates: list[str]
    review_due_on: datetime.date | None
    safety_flags: int
    safety_answer_on: datetime.date | None
    phq9_change: int | None = None
    gad7_change: int | None = None
    weeks_in_treatment: int | None = None
    treatment_status_label: str = ""
    overdue: int = 0
    safety: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# CaseloadRow's fields read from the database, in order: the registry's query is a values_list.
ROW_COLUMNS = (
    "patient_id",
    "patient__first_name",
    "patient__last_name",
    "phq9_baseline",
    "phq9_baseline_on",
    "phq9_latest",
    "phq9_latest_on",
    "phq9_change_pct",
    "gad7_baseline",
    "gad7_latest",
    "gad7_latest_on",
    "last_contact_at",
    "treatment_status",
    "open_flags",
    "urgent_flags",
    "follow_up_dates",
    "care_plan_review_on",
    "safety_flags",
    "safety_answer_on",
)

# A PHQ-9 answer about self-harm keeps the patient marked and first for this many days.
SAFETY_ANSWER_DAYS = 30

# Sort keys (?ordering=key or -key) and the columns they sort by, ascending.
SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("patient__last_name", "patient__first_name"),
    "phq9_latest": ("phq9_latest",),
    "change": ("phq9_change_pct",),
    "weeks": ("-phq9_baseline_on",),
    "last_contact": ("last_contact_at",),
    "open_flags": ("open_flags", "urgent_flags"),
}


def _overdue(today: datetime.date) -> Q:
    """The care plan's review date or a component's follow-up date is in the past."""
    return Q(care_plan_review_on__lt=today) | Q(follow_up_due_on__lt=today)


def safety_since(today: datetime.date) -> datetime.date:
    """The first day a safety answer still marks the patient."""
    return today - datetime.timedelta(days=SAFETY_ANSWER_DAYS)


def _safety(today: datetime.date) -> Q:
    """An open safety flag, or a PHQ-9 item-9 answer above 0 in the last SAFETY_ANSWER_DAYS."""
    return Q(safety_flags__gt=0) | Q(safety_answer_on__gte=safety_since(today))


def _attention(today: datetime.date) -> Case:
    """ATTENTION_ORDER as a rank (0 first)."""
    return Case(
        When(_safety(today), then=Value(0)),
        When(urgent_flags__gt=0, then=Value(1)),
        When(treatment_status="not-improving", then=Value(2)),
        When(_overdue(today), then=Value(3)),
        When(open_flags__gt=0, then=Value(4)),
        When(treatment_status="partial-response", then=Value(5)),
        When(treatment_status__in=["baseline-only", "no-data"], then=Value(6)),
        default=Value(7),
        output_field=IntegerField(),
    )


def _order(key: str) -> list[OrderBy]:
    descending = key.startswith("-")
    key = key.lstrip("-")
    if key == "status":
        rank = Case(
            *(When(treatment_status=code, then=Value(rank)) for rank, (code, _label) in enumerate(STATUSES)),
            default=Value(len(STATUSES)),
            output_field=IntegerField(),
        )
        return [rank.desc() if descending else rank.asc()]
    result = []
    for name in SORT_COLUMNS[key]:
        reverse = descending != name.startswith("-")
        expression = F(name.lstrip("-"))
        result.append(expression.desc(nulls_last=True) if reverse else expression.asc(nulls_last=True))
    return result


def caseload(
    *,
    actor: User,
    status: str = "",
    urgent: bool | None = None,
    overdue: bool | None = None,
    ordering: str = "attention",
    today: datetime.date | None = None,
) -> QuerySet:
    """The summaries of the patients on the actor's care teams, as ROW_COLUMNS tuples and the
    total (page them with paging.WindowCountPaginator; ``decorate`` turns a page of them into
    CaseloadRow): one query for the page and the count, a plain join of the summary and the
    patient, whatever the caseload's size. Every patient has a summary row
    (patients.summary.patient_opened)."""
    access.require_clinician(actor)
    today = today or timezone.localdate()
    rows = PatientSummary.objects.filter(patient_id__in=patient_access.team_patient_ids(actor))
    if status:
        rows = rows.filter(treatment_status=status)
    if urgent is not None:
        rows = rows.filter(urgent_flags__gt=0) if urgent else rows.filter(urgent_flags=0)
    if overdue is not None:
        rows = rows.filter(_overdue(today)) if overdue else rows.exclude(_overdue(today))
    if ordering == "attention":
        order = [_attention(today).asc(), F("urgent_flags").desc(), F("phq9_latest").desc(nulls_last=True)]
    else:
        order = _order(ordering)
    return paging.with_total(
        rows.order_by(*order, "patient__last_name", "patient__first_name", "patient_id"), *ROW_COLUMNS
    )


def weeks_in_treatment(baseline_on: datetime.date | None, today: datetime.date | None = None) -> int | None:
    """Whole weeks since the baseline PHQ-9 (None without one)."""
    if baseline_on is None:
        return None
    return ((today or timezone.localdate()) - baseline_on).days // 7


def _difference(latest: int | None, baseline: int | None) -> int | None:
    return None if latest is None or baseline is None else latest - baseline


def decorate(rows: Any, today: datetime.date | None = None) -> list[CaseloadRow]:
    """A page of ``caseload`` tuples as CaseloadRow, with what is worked out per row: weeks in
    treatment, the status label, changes in points and the overdue items (the care plan's
    review date and the follow-ups, all before today)."""
    today = today or timezone.localdate()
    before = today.isoformat()  # ISO dates compare as text in date order
    since = safety_since(today)
    result = [CaseloadRow(*values) for values in rows]
    for row in result:
        row.safety = row.safety_flags > 0 or (
            row.safety_answer_on is not None and row.safety_answer_on >= since
        )
        row.phq9_change = _difference(row.phq9_latest, row.phq9_baseline)
        row.gad7_change = _difference(row.gad7_latest, row.gad7_baseline)
        row.weeks_in_treatment = weeks_in_treatment(row.phq9_baseline_on, today)
        row.treatment_status_label = STATUS_LABELS[row.treatment_status]
        row.overdue = sum(day < before for day in row.follow_up_dates) + (
            row.review_due_on is not None and row.review_due_on < today
        )
    return result


# --- psychiatric review list -------------------------------------------------------------------


def review_list(*, actor: User, show: str = "waiting") -> QuerySet[PatientSummary]:
    """The actor's patients on the psychiatric review list (``show="reviewed"``: reviewed ones),
    the longest waiting first."""
    access.require_clinician(actor)
    rows = PatientSummary.objects.filter(
        patient__in=patient_access.team_patients(actor), review_since__isnull=False
    ).select_related("patient", "reviewed_by")
    if show == "reviewed":
        return rows.exclude(summary.awaiting_review()).order_by("-reviewed_at", "patient_id")
    return rows.filter(summary.awaiting_review()).order_by("review_since", "patient_id")
