"""Reads for patients, care teams and care plans, narrowed by careteam.access."""

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


def assignable_staff(*, patient: Patient) -> QuerySet[User]:
    """Active clinicians not yet on this patient's team."""
    return (
        User.objects.filter(is_active=True, role__in=["therapist", "psychiatrist", "case_manager"])
        .exclude(care_team_memberships__patient=patient)
        .order_by("last_name", "first_name")
    )
