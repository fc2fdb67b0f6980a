"""Team metrics: aggregate figures over a period for a set of patients (a caseload).

The scope is decided with the access modules: the caller's own caseload, or the patients a
chosen clinician shares with the caller (admins: that clinician's whole caseload, or everyone).
Component figures come from each ``team_metrics(*, patient_ids, start, end)`` in
insights/components/, listed in ``COMPONENT_METRICS``. Every figure is a count or a rate over
counts: aggregates only, never a row of a patient's record. A fixed number of queries whatever
the number of patients.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from careteam import access, audit
from careteam.models import User
from careteam.records import EARLIEST_DATE, LATEST_DATE
from careteam.roles import CLINICAL_ROLES
from patients import access as patient_access
from patients.models import Patient

from .components import casemanagement, flags, medication, therapy
from .figures import RECENT_MEASURE_DAYS, figure

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
# Small cells: a figure over fewer patients than this is shown as "fewer than 5" to anyone not
# on every counted patient's care team (an admin, say, looking at one clinician's two patients).
SMALL_CELL = 5


@dataclass(frozen=True)
class Scope:
    """Whose figures: ``clinician`` None means the caller's own caseload (admins: everyone)."""

    start: datetime.date
    end: datetime.date
    clinician: User | None
    label: str


def _parse_date(raw: str, field: str, errors: dict[str, list[str]]) -> datetime.date | None:
    try:
        day = datetime.date.fromisoformat(raw.strip())
    except ValueError:
        errors[field] = ["Enter a date as YYYY-MM-DD."]
        return None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        errors[field] = [f"Enter a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."]
        return None
    return day


def clinician_choices(user: User) -> QuerySet[User]:
    """Clinicians whose figures the user may ask for: admins any active clinician; a clinician
    those sharing at least one patient's care team with them (themselves included)."""
    clinicians = User.objects.filter(role__in=CLINICAL_ROLES, is_active=True)
    if access.sees_every_patient(user):
        return clinicians
    mine = patient_access.team_patients(user).values("pk")
    return clinicians.filter(care_team_memberships__patient__in=mine).distinct()


def parse_scope(user: User, params: Any) -> tuple[Scope | None, dict[str, list[str]]]:
    """Period and clinician from query parameters; (None, {field: [messages]}) if invalid."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    end = _parse_date(params["end"], "end", errors) if params.get("end") else today
    start = (
        _parse_date(params["start"], "start", errors)
        if params.get("start")
        else (end or today) - datetime.timedelta(days=DEFAULT_DAYS - 1)
    )
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
    if start is None or end is None:  # _parse_date gives None only with an error
        raise ValueError("A period date was not parsed but no error was recorded.")
    label = (
        str(clinician)
        if clinician
        else ("All patients" if access.sees_every_patient(user) else "My caseload")
    )
    return Scope(start=start, end=end, clinician=clinician, label=label), {}


def scope_patients(user: User, scope: Scope) -> QuerySet[Patient]:
    """The patients counted. A clinician asking about a colleague sees only the patients they
    share: a colleague's other patients are not theirs to count."""
    is_admin = access.sees_every_patient(user)
    if scope.clinician is None:
        return Patient.objects.all() if is_admin else patient_access.team_patients(user)
    theirs = patient_access.team_patients(scope.clinician)
    return theirs if is_admin else theirs.filter(pk__in=patient_access.team_patients(user).values("pk"))


COMPONENT_METRICS: tuple[Callable[..., dict[str, Any]], ...] = (
    therapy.team_metrics,
    medication.team_metrics,
    casemanagement.team_metrics,
    flags.team_metrics,
)


def _small(figure: dict[str, Any], patients: int) -> bool:
    """The figure is over fewer than SMALL_CELL patients: the scope is that small, or what it
    counts is (fewer than SMALL_CELL events come from fewer than SMALL_CELL patients)."""
    if patients < SMALL_CELL:
        return patients > 0
    if figure.get("kind") == "counts":
        total = sum(entry.get("count", 0) for entry in figure.get("value") or [])
        return 0 < total < SMALL_CELL
    # What the value is worked out over: a rate's denominator; the acknowledged flags a median
    # is taken of (its numerator).
    over = figure.get("numerator") if figure.get("kind") == "hours" else figure.get("denominator")
    return over is not None and 0 < over < SMALL_CELL


def _suppressed(figure: dict[str, Any]) -> dict[str, Any]:
    """The figure without its value, numerator and denominator."""
    return {**figure, "value": None, "numerator": None, "denominator": None, "suppressed": True}


def suppress_small_cells(user: User, patients: QuerySet[Patient], count: int, figures: dict) -> dict:
    """Figures over fewer than SMALL_CELL patients are withheld unless the user is on the care
    team of every patient counted (whose records they may read anyway)."""
    on_every_team = not patients.exclude(pk__in=patient_access.team_patients(user).values("pk")).exists()
    return {
        key: _suppressed(f) if not on_every_team and _small(f, count) else {**f, "suppressed": False}
        for key, f in figures.items()
    }


def team_metrics(user: User, scope: Scope) -> dict[str, Any]:
    """Every figure for the scope, audited as one aggregate read (ids and dates only); small
    cells suppressed (``suppress_small_cells``)."""
    patients = scope_patients(user, scope)
    patient_ids = patients.values("pk")
    count = patients.count()
    figures: dict[str, Any] = {}
    for component_metrics in COMPONENT_METRICS:
        figures.update(component_metrics(patient_ids=patient_ids, start=scope.start, end=scope.end))
    # "Measured recently" is a count of patients; the core knows the denominator.
    recent = figures.pop("measured_recently_patients", None)
    if recent is not None:
        figures["measured_recently"] = figure(
            f"Patients with a PHQ-9 or GAD-7 in the last {RECENT_MEASURE_DAYS} days",
            recent,
            count,
            f"Patients with at least one PHQ-9 or GAD-7 administered in the last "
            f"{RECENT_MEASURE_DAYS} days of the period, out of all patients counted.",
        )
    figures = suppress_small_cells(user, patients, count, figures)
    audit.record(
        actor=user,
        action=audit.Action.LIST,
        object_type="team_metrics",
        object_id=scope.clinician.pk if scope.clinician else "caseload",
        changes={"start": scope.start.isoformat(), "end": scope.end.isoformat(), "patients": count},
    )
    return {
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "clinician": scope.clinician.pk if scope.clinician else None,
        "scope": scope.label,
        "patients": count,
        "small_cell": SMALL_CELL,
        "suppressed": any(f["suppressed"] for f in figures.values()),
        "figures": figures,
    }
