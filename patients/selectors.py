"""Reads for patients, care teams and care plans, narrowed by careteam.access."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet

from careteam.models import User
from patients import access as patient_access

from .models import CarePlan, CarePlanRevision, CareTeamMember, Goal, Patient


def patient_list(*, actor: User, search: str = "", mine_only: bool = False) -> QuerySet[Patient]:
    """Patients the actor may see, each with its care team loaded (fixed number of queries)."""
    patients = patient_access.team_patients(actor) if mine_only else patient_access.visible_patients(actor)
    if search:
        terms = Q()
        for word in search.split():
            terms &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(record_number__icontains=word)
            )
        patients = patients.filter(terms)
    open_flags = ~Q(flags__status="resolved")
    return (
        patients.annotate(
            open_flags=Count("flags", filter=open_flags),
            urgent_flags=Count("flags", filter=open_flags & Q(flags__severity="urgent")),
        )
        .prefetch_related(Prefetch("team_members", queryset=CareTeamMember.objects.select_related("user")))
        .order_by("last_name", "first_name", "id")
    )


def care_team(*, patient: Patient) -> QuerySet[CareTeamMember]:
    return patient.team_members.select_related("user").order_by("role", "id")


def care_plan(*, patient: Patient) -> CarePlan:
    return (
        CarePlan.objects.select_related("updated_by")
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.order_by("target_date", "id")))
        .get(patient=patient)
    )


def goals(*, patient: Patient) -> QuerySet[Goal]:
    return Goal.objects.filter(care_plan__patient=patient).order_by("target_date", "id")


def care_plan_revisions(*, patient: Patient) -> QuerySet[CarePlanRevision]:
    return (
        CarePlanRevision.objects.filter(care_plan__patient=patient)
        .select_related("changed_by")
        .order_by("-number")
    )


def _described(model: type[models.Model], changes: dict[str, list]) -> list[dict[str, Any]]:
    """``{name: [old, new]}`` as rows with the field's label, for the history page."""
    rows = []
    for name, values in changes.items():
        old, new = (values + [None, None])[:2] if isinstance(values, list) else (None, values)
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        label = str(getattr(field, "verbose_name", "") or name.replace("_", " ")).capitalize()
        rows.append({"name": name, "label": label, "old": old, "new": new})
    return rows


def revision_describe(revision: CarePlanRevision) -> CarePlanRevision:
    """Set ``fields`` and ``goals`` on a revision for the history page: what changed, read from
    ``changes``. Revisions from before issue 10 have no ``changes`` but a full ``snapshot``,
    which the page shows as it is."""
    changes = revision.changes or {}
    revision.fields = _described(CarePlan, changes.get("fields", {}))  # type: ignore[attr-defined]  # page-only
    revision.goals = [  # type: ignore[attr-defined]  # page-only
        {
            "id": goal.get("id"),
            "added": "added" in goal,
            "fields": _described(
                Goal,
                {k: [None, v] for k, v in goal["added"].items()}
                if "added" in goal
                else goal.get("fields", {}),
            ),
        }
        for goal in changes.get("goals", [])
    ]
    return revision


def assignable_staff(*, patient: Patient) -> QuerySet[User]:
    """Active clinicians not yet on this patient's team."""
    return (
        User.objects.filter(is_active=True, role__in=["therapist", "psychiatrist", "case_manager"])
        .exclude(care_team_memberships__patient=patient)
        .order_by("last_name", "first_name")
    )
