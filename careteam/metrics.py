"""Team metrics: aggregate figures over a period for a set of patients (a caseload).

The scope is decided here with careteam.access: the caller's own caseload, or the patients a
chosen clinician shares with the caller (admins: that clinician's whole caseload, or everyone).
Component figures come from ``<app>.metrics.team_metrics(*, patient_ids, start, end)``, found
through the app registry (the core imports no component). Every figure is a count or a rate over
counts: aggregates only, never a row of a patient's record. A fixed number of queries whatever
the number of patients.
"""

import datetime
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, QuerySet
from django.utils import timezone

from patients.models import Patient

from . import access, audit
from .models import Flag, User
from .providers import app_modules
from .roles import CLINICAL_ROLES

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
RECENT_MEASURE_DAYS = 30


@dataclass(frozen=True)
class Scope:
    """Whose figures: ``clinician`` None means the caller's own caseload (admins: everyone)."""

    start: datetime.date
    end: datetime.date
    clinician: User | None
    label: str


def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def figure(label: str, numerator: int, denominator: int, definition: str) -> dict[str, Any]:
    """A rate figure as every provider returns it (value 0-1, None with nothing to count)."""
    return {"label": label, "kind": "rate", "value": rate(numerator, denominator),
            "numerator": numerator, "denominator": denominator, "definition": definition}


def day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, the day after end 00:00) as aware datetimes in the site's time zone."""
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))


def _parse_date(raw: str, field: str, errors: dict[str, list[str]]) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        errors[field] = ["Enter a date as YYYY-MM-DD."]
        return None


def clinician_choices(user: User) -> QuerySet[User]:
    """Clinicians whose figures the user may ask for: admins any active clinician; a clinician
    those sharing at least one patient's care team with them (themselves included)."""
    clinicians = User.objects.filter(role__in=CLINICAL_ROLES, is_active=True)
    if access.can(user, "patients.view_all_demographics"):
        return clinicians
    mine = access.team_patients(user).values("pk")
    return clinicians.filter(care_team_memberships__patient__in=mine).distinct()


def parse_scope(user: User, params: Any) -> tuple[Scope | None, dict[str, list[str]]]:
    """Period and clinician from query parameters; (None, {field: [messages]}) if invalid."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    end = _parse_date(params["end"], "end", errors) if params.get("end") else today
    start = (_parse_date(params["start"], "start", errors) if params.get("start")
             else (end or today) - datetime.timedelta(days=DEFAULT_DAYS - 1))
    if start and end:
        if end < start:
            errors["end"] = ["The end date must not be before the start date."]
        elif (end - start).days >= MAX_DAYS:
            errors["end"] = [f"Choose a period of at most {MAX_DAYS} days."]
    clinician = None
    raw = (params.get("clinician") or "").strip()
    if raw:
        # The same answer for "no such clinician" and "not one you work with".
        if not raw.isdigit():
            errors["clinician"] = ["Choose a clinician by their staff id."]
        else:
            clinician = clinician_choices(user).filter(pk=int(raw)).first()
            if clinician is None:
                errors["clinician"] = ["No clinician you share a care team with has this id."]
    if errors:
        return None, errors
    label = str(clinician) if clinician else (
        "All patients" if access.can(user, "patients.view_all_demographics") else "My caseload")
    return Scope(start=start, end=end, clinician=clinician, label=label), {}


def scope_patients(user: User, scope: Scope) -> QuerySet[Patient]:
    """The patients counted. A clinician asking about a colleague sees only the patients they
    share: a colleague's other patients are not theirs to count."""
    is_admin = access.can(user, "patients.view_all_demographics")
    if scope.clinician is None:
        return Patient.objects.all() if is_admin else access.team_patients(user)
    theirs = access.team_patients(scope.clinician)
    return theirs if is_admin else theirs.filter(pk__in=access.team_patients(user).values("pk"))


def providers() -> list[tuple[str, Any]]:
    """(app label, module) of every component app with a ``metrics`` module."""
    return [(app.label, module) for app, module in app_modules("metrics")]


def flag_metrics(*, patient_ids: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Median hours from a flag to its first acknowledgement, over flags raised in the period
    and acknowledged (at any time since)."""
    low, high = day_bounds(start, end)
    rows = list(Flag.objects.filter(patient_id__in=patient_ids, created_at__gte=low,
                                    created_at__lt=high)
                .annotate(first_ack=Min("acknowledgements__at"))
                .values_list("created_at", "first_ack"))
    waits = [(ack - raised).total_seconds() / 3600 for raised, ack in rows if ack is not None]
    median = round(statistics.median(waits), 1) if waits else None
    return {"flag_ack_median_hours": {
        "label": "Median time to first acknowledgement", "kind": "hours", "value": median,
        "numerator": len(waits), "denominator": len(rows),
        "definition": "Flags raised on these patients in the period: the median time from the "
                      "flag being raised to its first acknowledgement by anyone on the team, "
                      "in hours. Flags not yet acknowledged are left out (their number is shown)."}}


def team_metrics(user: User, scope: Scope) -> dict[str, Any]:
    """Every figure for the scope, audited as one aggregate read (ids and dates only)."""
    patients = scope_patients(user, scope)
    patient_ids = patients.values("pk")
    count = patients.count()
    figures: dict[str, Any] = {}
    for _label, module in providers():
        figures.update(module.team_metrics(patient_ids=patient_ids, start=scope.start, end=scope.end))
    figures.update(flag_metrics(patient_ids=patient_ids, start=scope.start, end=scope.end))
    # "Measured recently" is a count of patients; the core knows the denominator.
    recent = figures.pop("measured_recently_patients", None)
    if recent is not None:
        figures["measured_recently"] = figure(
            f"Patients with a PHQ-9 or GAD-7 in the last {RECENT_MEASURE_DAYS} days", recent, count,
            f"Patients with at least one PHQ-9 or GAD-7 administered in the last "
            f"{RECENT_MEASURE_DAYS} days of the period, out of all patients counted.")
    audit.record(actor=user, action=audit.Action.LIST, object_type="team_metrics",
                 object_id=scope.clinician.pk if scope.clinician else "caseload",
                 changes={"start": scope.start.isoformat(), "end": scope.end.isoformat(),
                          "patients": count})
    return {
        "start": scope.start.isoformat(), "end": scope.end.isoformat(),
        "clinician": scope.clinician.pk if scope.clinician else None, "scope": scope.label,
        "patients": count, "figures": figures,
    }
