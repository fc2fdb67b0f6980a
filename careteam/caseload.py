"""The caseload registry, the psychiatric review list and the PHQ-9/GAD-7 trend chart.

Reads come from careteam.PatientSummary (kept up to date by the services, follow-up and
care-plan review dates included); what only a component app knows comes from provider modules found through
the app registry, so the core imports no component app:

* ``<app>.trend.measure_points(patient_id) -> [(date, instrument, total)]`` (therapy);
* ``<app>.trend.medication_changes(patient_id) -> [(date, label)]`` (medication).
"""

import datetime
import functools
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, IntegerField, OrderBy, Q, QuerySet, Value, When
from django.utils import timezone

from patients.models import Patient

from . import access, flags, paging, summary
from .models import Flag, PatientSummary, User
from .providers import app_modules
from .widgets import QuickSelect

STATUSES = [
    ("not-improving", "Not improving"),
    ("partial-response", "Partial response"),
    ("response", "Response"),
    ("remission", "Remission"),
    ("baseline-only", "Baseline only"),
    ("no-data", "No data"),
]
STATUS_LABELS = dict(STATUSES)

# What the registry's default order puts first, shown on the page as well.
ATTENTION_ORDER = [
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

    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *STATUSES],
                               widget=QuickSelect)
    urgent = forms.ChoiceField(required=False, choices=YES_NO, label="Has urgent flags",
                               widget=QuickSelect)
    overdue = forms.ChoiceField(required=False, choices=YES_NO, label="Has overdue items",
                                widget=QuickSelect)
    ordering = forms.ChoiceField(required=False, choices=ORDERING_CHOICES, label="Sort by",
                                 widget=QuickSelect)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        as_bool = {"true": True, "false": False, "": None}
        return {"status": data.get("status") or "", "urgent": as_bool[data.get("urgent") or ""],
                "overdue": as_bool[data.get("overdue") or ""],
                "ordering": data.get("ordering") or "attention"}


class ReviewFilterForm(forms.Form):
    show = forms.ChoiceField(required=False, choices=[("waiting", "Waiting for review"),
                                                      ("reviewed", "Reviewed")])


def require_clinician(user: User) -> None:
    """The registry and the review list are clinical data: clinicians only (admins: 403)."""
    if not access.is_clinician(user):
        raise PermissionDenied("The caseload is for clinicians on care teams.")


@functools.cache
def providers(module: str) -> tuple[ModuleType, ...]:
    """``<app>.<module>`` of every component app that has one."""
    return tuple(found for _app, found in app_modules(module))


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
    phq9_change: int | None = None
    gad7_change: int | None = None
    weeks_in_treatment: int | None = None
    treatment_status_label: str = ""
    overdue: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# CaseloadRow's fields read from the database, in order: the registry's query is a values_list.
ROW_COLUMNS = (
    "patient_id", "patient__first_name", "patient__last_name", "phq9_baseline",
    "phq9_baseline_on", "phq9_latest", "phq9_latest_on", "phq9_change_pct", "gad7_baseline",
    "gad7_latest", "gad7_latest_on", "last_contact_at", "treatment_status", "open_flags",
    "urgent_flags", "follow_up_dates", "care_plan_review_on",
)

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


def _attention(today: datetime.date) -> Case:
    """ATTENTION_ORDER as a rank (0 first)."""
    return Case(
        When(urgent_flags__gt=0, then=Value(0)),
        When(treatment_status="not-improving", then=Value(1)),
        When(_overdue(today), then=Value(2)),
        When(open_flags__gt=0, then=Value(3)),
        When(treatment_status="partial-response", then=Value(4)),
        When(treatment_status__in=["baseline-only", "no-data"], then=Value(5)),
        default=Value(6), output_field=IntegerField())


def _order(key: str) -> list[OrderBy]:
    descending = key.startswith("-")
    key = key.lstrip("-")
    if key == "status":
        rank = Case(*(When(treatment_status=code, then=Value(rank))
                      for rank, (code, _label) in enumerate(STATUSES)),
                    default=Value(len(STATUSES)), output_field=IntegerField())
        return [rank.desc() if descending else rank.asc()]
    result = []
    for name in SORT_COLUMNS[key]:
        reverse = descending != name.startswith("-")
        expression = F(name.lstrip("-"))
        result.append(expression.desc(nulls_last=True) if reverse
                      else expression.asc(nulls_last=True))
    return result


def caseload(*, actor: User, status: str = "", urgent: bool | None = None,
             overdue: bool | None = None, ordering: str = "attention",
             today: datetime.date | None = None) -> QuerySet:
    """The summaries of the patients on the actor's care teams, as ROW_COLUMNS tuples and the
    total (page them with paging.WindowCountPaginator; ``decorate`` turns a page of them into
    CaseloadRow): one query for the page and the count, a plain join of the summary and the
    patient, whatever the caseload's size. Every patient has a summary row
    (careteam.summary.patient_opened)."""
    require_clinician(actor)
    today = today or timezone.localdate()
    rows = PatientSummary.objects.filter(patient_id__in=access.team_patient_ids(actor))
    if status:
        rows = rows.filter(treatment_status=status)
    if urgent is not None:
        rows = rows.filter(urgent_flags__gt=0) if urgent else rows.filter(urgent_flags=0)
    if overdue is not None:
        rows = rows.filter(_overdue(today)) if overdue else rows.exclude(_overdue(today))
    if ordering == "attention":
        order = [_attention(today).asc(), F("urgent_flags").desc(),
                 F("phq9_latest").desc(nulls_last=True)]
    else:
        order = _order(ordering)
    return paging.with_total(
        rows.order_by(*order, "patient__last_name", "patient__first_name", "patient_id"),
        *ROW_COLUMNS)


def weeks_in_treatment(baseline_on: datetime.date | None,
                       today: datetime.date | None = None) -> int | None:
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
    result = [CaseloadRow(*values) for values in rows]
    for row in result:
        row.phq9_change = _difference(row.phq9_latest, row.phq9_baseline)
        row.gad7_change = _difference(row.gad7_latest, row.gad7_baseline)
        row.weeks_in_treatment = weeks_in_treatment(row.phq9_baseline_on, today)
        row.treatment_status_label = STATUS_LABELS[row.treatment_status]
        row.overdue = sum(day < before for day in row.follow_up_dates) + (
            row.review_due_on is not None and row.review_due_on < today)
    return result


# --- psychiatric review list -------------------------------------------------------------------


def review_list(*, actor: User, show: str = "waiting") -> QuerySet[PatientSummary]:
    """The actor's patients on the psychiatric review list (``show="reviewed"``: reviewed ones),
    the longest waiting first."""
    require_clinician(actor)
    rows = PatientSummary.objects.filter(
        patient__in=access.team_patients(actor), review_since__isnull=False
    ).select_related("patient", "reviewed_by")
    if show == "reviewed":
        return rows.exclude(summary.awaiting_review()).order_by("-reviewed_at", "patient_id")
    return rows.filter(summary.awaiting_review()).order_by("review_since", "patient_id")


def psychiatric_review_done(*, actor: User, patient: Patient) -> PatientSummary:
    """The psychiatrist has reviewed the patient: they leave the review list and the open
    clinical-change flags that put them there are resolved. The caller checks access
    (access.PRESCRIBE) first."""
    with transaction.atomic():
        waiting = (PatientSummary.objects.select_for_update()
                   .filter(summary.awaiting_review(), patient_id=patient.pk).exists())
        if not waiting:
            raise ValidationError(
                {"patient": ["This patient is not waiting for a psychiatric review."]})
        open_flags = (Flag.objects.filter(patient=patient, category=Flag.Category.CLINICAL_CHANGE)
                      .exclude(status=Flag.Status.RESOLVED).order_by("id"))
        for flag in open_flags:
            flags.flag_resolve(actor=actor, flag=flag, note="Psychiatric review done")
        return summary.review_mark_done(actor=actor, patient_id=patient.pk)


# --- trend chart -------------------------------------------------------------------------------

# PHQ-9 severity bands (../shared/API.md): low, high, label, fill.
PHQ9_BANDS = [
    (0, 4, "None to minimal", "#e6f4ea"),
    (5, 9, "Mild", "#f3f7e0"),
    (10, 14, "Moderate", "#fdf4d8"),
    (15, 19, "Moderately severe", "#fce5d4"),
    (20, 27, "Severe", "#f9d9d9"),
]
Y_MAX = 27
SERIES = [("PHQ9", "PHQ-9", "#1f5fa8", ""), ("GAD7", "GAD-7", "#7a3e9d", "6 4")]
WIDTH, HEIGHT = 680, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 120, 16, 44


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    plot: dict = field(default_factory=dict)
    bands: list = field(default_factory=list)
    y_ticks: list = field(default_factory=list)
    x_ticks: list = field(default_factory=list)
    series: list = field(default_factory=list)
    markers: list = field(default_factory=list)
    description: str = ""
    empty: bool = True


def _collect(patient_id: int) -> tuple[list, list]:
    points: list[tuple[datetime.date, str, int]] = []
    changes: list[tuple[datetime.date, str]] = []
    for provider in providers("trend"):
        if hasattr(provider, "measure_points"):
            points.extend(provider.measure_points(patient_id))
        if hasattr(provider, "medication_changes"):
            changes.extend(provider.medication_changes(patient_id))
    return sorted(points, key=lambda p: p[0]), sorted(changes, key=lambda c: c[0])


def trend_chart(*, patient_id: int, today: datetime.date | None = None) -> Chart:
    """Geometry of the PHQ-9/GAD-7 chart (server-side SVG): severity bands, one line per
    instrument, medication changes as markers on the time axis, and a text description."""
    points, changes = _collect(patient_id)
    dates = [p[0] for p in points] + [c[0] for c in changes]
    today = today or timezone.localdate()
    start, end = (min(dates), max(dates)) if dates else (today - datetime.timedelta(days=28), today)
    if start == end:
        start, end = start - datetime.timedelta(days=7), end + datetime.timedelta(days=7)
    span = (end - start).days
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: datetime.date) -> float:
        return round(LEFT + plot_w * (day - start).days / span, 1)

    def y(score: float) -> float:
        return round(TOP + plot_h * (1 - score / Y_MAX), 1)

    chart = Chart(plot={"x": LEFT, "y": TOP, "w": plot_w, "h": plot_h, "bottom": TOP + plot_h,
                        "right": LEFT + plot_w},
                  empty=not points)
    for low, high, label, fill in PHQ9_BANDS:
        top_score = min(high + 1, Y_MAX)
        chart.bands.append({"label": label, "fill": fill, "x": LEFT, "w": plot_w,
                            "y": y(top_score), "h": round(y(low) - y(top_score), 1),
                            "text_y": round((y(low) + y(top_score)) / 2 + 4, 1),
                            "range": f"{low}–{high}"})
    chart.y_ticks = [{"value": v, "y": y(v)} for v in (0, 5, 10, 15, 20, 27)]
    middle = start + datetime.timedelta(days=span // 2)
    chart.x_ticks = [{"label": d.isoformat(), "x": x(d), "anchor": anchor}
                     for d, anchor in ((start, "start"), (middle, "middle"), (end, "end"))]
    described = []
    for code, label, colour, dash in SERIES:
        mine = [(d, total) for d, instrument, total in points if instrument == code]
        if not mine:
            described.append(f"{label}: none recorded.")
            continue
        dots = [{"x": x(d), "y": y(total), "title": f"{label} {total} on {d.isoformat()}"}
                for d, total in mine]
        chart.series.append({"code": code, "label": label, "colour": colour, "dash": dash,
                             "points": " ".join(f"{dot['x']},{dot['y']}" for dot in dots),
                             "dots": dots})
        first, last = mine[0], mine[-1]
        if len(mine) == 1:
            described.append(f"{label}: one measure, {first[1]} on {first[0].isoformat()}.")
        else:
            described.append(f"{label}: {len(mine)} measures, from {first[1]} on "
                             f"{first[0].isoformat()} to {last[1]} on {last[0].isoformat()}.")
    for day, label in changes:
        chart.markers.append({"x": x(day), "title": f"{day.isoformat()}: {label}"})
    if changes:
        described.append("Medication changes: " + "; ".join(
            f"{label} on {day.isoformat()}" for day, label in changes) + ".")
    chart.description = " ".join(described)
    return chart
