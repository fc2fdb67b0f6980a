"""Reads of case management, narrowed to what the caller may see, at a fixed number of queries.

Patient-scoped reads take a patient that careteam.access.get_patient has already let through;
the directory and the imports check the caller's role here.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from careteam import access
from careteam.models import User
from careteam.records import counted
from careteam.roles import Perm
from patients import access as patient_access
from patients.models import Patient

from .models import (
    OPEN_STATUSES,
    CommunityResource,
    Contact,
    NeedAssessment,
    Referral,
    ReferralStatusChange,
    ResourceImport,
)

PRIORITY_RANK = Case(
    When(priority="urgent", then=Value(0)),
    When(priority="high", then=Value(1)),
    When(priority="medium", then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


# --- needs and contacts -------------------------------------------------------------------------


def needs(*, patient: Patient) -> QuerySet[NeedAssessment]:
    """Every assessment of the patient's needs, newest first."""
    return (
        NeedAssessment.objects.filter(patient=patient)
        .select_related("assessed_by", "entered_in_error_by")
        .order_by("-assessed_on", "-created_at", "-id")
    )


def current_needs(*, patient: Patient, open_only: bool = False) -> QuerySet[NeedAssessment]:
    """The latest assessment in each domain that counts (one entered in error does not: the one
    before it is current again). One query, portable: a correlated subquery picks each domain's
    newest row. Most pressing first."""
    latest = (
        counted(NeedAssessment.objects.filter(patient=OuterRef("patient"), domain=OuterRef("domain")))
        .order_by("-assessed_on", "-created_at", "-id")
        .values("pk")[:1]
    )
    rows = (
        counted(NeedAssessment.objects.filter(patient=patient, pk=Subquery(latest)))
        .select_related("assessed_by")
        .annotate(
            priority_rank=PRIORITY_RANK,
            met=Case(When(status="met", then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
    )
    if open_only:
        rows = rows.filter(status=NeedAssessment.Status.OPEN)
    return rows.order_by("met", "priority_rank", "domain")


def contacts(*, patient: Patient) -> QuerySet[Contact]:
    """The contact log (with the contacts entered in error, which the pages mark)."""
    return (
        Contact.objects.filter(patient=patient)
        .select_related("recorded_by", "entered_in_error_by")
        .order_by("-contacted_at", "-id")
    )


def last_contact(*, patient: Patient) -> Contact | None:
    """The latest contact that counts."""
    return counted(contacts(patient=patient)).first()


def latest_contact_at(patient_id: int) -> datetime.datetime | None:
    """The registry's contact source (patients.summary.contact_source_register, in apps.py)."""
    return (
        counted(Contact.objects.filter(patient_id=patient_id))
        .order_by("-contacted_at")
        .values_list("contacted_at", flat=True)
        .first()
    )


# --- referrals ----------------------------------------------------------------------------------


HISTORY = Prefetch(
    "history", queryset=ReferralStatusChange.objects.select_related("changed_by").order_by("changed_at", "id")
)


def _with_history(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.select_related("resource", "created_by", "entered_in_error_by").prefetch_related(HISTORY)


def referrals(*, patient: Patient, with_history: bool = True) -> QuerySet[Referral]:
    """The patient's referrals, newest first (with their status history in order)."""
    rows = Referral.objects.filter(patient=patient).order_by("-created_at", "-id")
    return _with_history(rows) if with_history else rows.select_related("resource")


def open_referrals(*, patient: Patient) -> QuerySet[Referral]:
    """Referrals still in progress (not entered in error), the most urgent follow-up first."""
    return (
        counted(Referral.objects.filter(patient=patient, status__in=OPEN_STATUSES))
        .select_related("resource")
        .order_by(F("follow_up_on").asc(nulls_last=True), "-created_at", "-id")
    )


def overdue(today: datetime.date | None = None) -> QuerySet[Referral]:
    """Open referrals (not entered in error) whose follow-up date is before ``today``."""
    return counted(
        Referral.objects.filter(status__in=OPEN_STATUSES, follow_up_on__lt=today or timezone.localdate())
    )


def overdue_count(*, patient: Patient, today: datetime.date | None = None) -> int:
    return overdue(today).filter(patient=patient).count()


def overdue_referrals(*, actor: User, today: datetime.date | None = None) -> QuerySet[Referral]:
    """Open referrals whose follow-up date has passed, across the actor's care teams."""
    return (
        overdue(today)
        .filter(patient__in=patient_access.team_patients(actor))
        .select_related("resource", "patient")
        .order_by("follow_up_on", "id")
    )


# --- the resource directory ---------------------------------------------------------------------


def resources(
    *, actor: User, search: str = "", category: str = "", active: bool | None = None
) -> QuerySet[CommunityResource]:
    """The directory, for clinicians and those who manage it; text search on name, description
    and address (every word must match somewhere)."""
    if not access.can_see_resources(actor):
        raise PermissionDenied("Your role may not see the resource directory.")
    rows = CommunityResource.objects.all()
    for word in search.split():
        rows = rows.filter(
            Q(name__icontains=word) | Q(description__icontains=word) | Q(address__icontains=word)
        )
    if category:
        rows = rows.filter(category=category)
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("name", "id")


def resource_imports(*, actor: User) -> QuerySet[ResourceImport]:
    access.require(actor, Perm.MANAGE_RESOURCES)
    return (
        ResourceImport.objects.select_related("uploaded_by").defer("content").order_by("-uploaded_at", "-id")
    )


def stalled_import_ids(*, older_than: datetime.timedelta) -> list[int]:
    """Imports still waiting for their job long after the upload."""
    return list(
        ResourceImport.objects.filter(
            status=ResourceImport.Status.QUEUED,
            uploaded_at__lt=timezone.now() - older_than,
        ).values_list("pk", flat=True)
    )
