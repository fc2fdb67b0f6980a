"""Reads for medication, for one patient whose record the caller may see (the views check that
through careteam.access first). Each list loads its related rows up front, so a page costs the
same number of queries for 5 rows or 50."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, F, QuerySet, When

from careteam.records import counted
from patients.models import Patient

from .models import AdherenceObservation, Allergy, MedicationOrder, SideEffectReport

UNRESOLVED = (SideEffectReport.Status.OPEN, SideEffectReport.Status.ACKNOWLEDGED)


def orders(*, patient: Patient, status: str | None = None) -> QuerySet[MedicationOrder]:
    """Every order of the patient (the medication history), newest first."""
    queryset = MedicationOrder.objects.filter(patient=patient).select_related(
        "prescriber", "supersedes", "superseded_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-start_date", "-id")


def current_orders(*, patient: Patient) -> QuerySet[MedicationOrder]:
    """What the patient takes now: active orders only (not those entered in error), by drug name."""
    return counted(orders(patient=patient, status=MedicationOrder.Status.ACTIVE)).order_by("drug_name", "id")


def allergies(*, patient: Patient) -> QuerySet[Allergy]:
    return Allergy.objects.filter(patient=patient).select_related("recorded_by").order_by("substance", "id")


def adherence_observations(
    *, patient: Patient, order_id: int | None = None
) -> QuerySet[AdherenceObservation]:
    queryset = AdherenceObservation.objects.filter(patient=patient).select_related("order", "observed_by")
    if order_id is not None:
        queryset = queryset.filter(order_id=order_id)
    return queryset.order_by("-observed_on", "-id")


def side_effects(*, patient: Patient, status: str | None = None) -> QuerySet[SideEffectReport]:
    queryset = SideEffectReport.objects.filter(patient=patient).select_related(
        "order", "reported_by", "acknowledged_by", "resolved_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-onset_date", "-id")


def unresolved_side_effects(*, patient: Patient) -> QuerySet[SideEffectReport]:
    """Open and acknowledged reports: the ones the team still has to act on or watch."""
    return counted(side_effects(patient=patient)).filter(status__in=UNRESOLVED)


@dataclass(frozen=True)
class MedicationEvent:
    """One line of the compact history: started, changed or discontinued, on a date."""

    date: datetime.date
    kind: str  # "started" | "changed" | "discontinued"
    order: MedicationOrder
    text: str


def _events_of(order: MedicationOrder) -> list[MedicationEvent]:
    events = []
    if order.supersedes is not None:
        events.append(
            MedicationEvent(order.start_date, "changed", order, f"{order.drug_name}: {order.change_summary}")
        )
    else:
        events.append(
            MedicationEvent(order.start_date, "started", order, f"{order.drug_name} started, {order.regimen}")
        )
    if order.status == MedicationOrder.Status.DISCONTINUED and order.end_date:
        events.append(
            MedicationEvent(order.end_date, "discontinued", order, f"{order.drug_name} discontinued")
        )
    return events


def medication_timeline(*, patient: Patient, limit: int = 10) -> list[MedicationEvent]:
    """The latest ``limit`` events, newest first, in one query.

    Each order contributes its start (or change) and, if stopped, its discontinuation. Orders
    are taken by their latest event date, so the ``limit`` newest events all come from the
    ``limit`` orders fetched.
    """
    latest = (
        counted(orders(patient=patient))
        .annotate(
            last_event=Case(
                When(status=MedicationOrder.Status.DISCONTINUED, then=F("end_date")), default=F("start_date")
            )
        )
        .order_by("-last_event", "-id")[:limit]
    )
    events = [event for order in latest for event in _events_of(order)]
    events.sort(key=lambda event: (event.date, event.order.pk, event.kind != "started"), reverse=True)
    return events[:limit]
