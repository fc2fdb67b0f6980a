"""Medication in the integrated views: timeline entries (orders started, changed and stopped,
side-effect reports, adherence observations; notes are free text: not shown) and the adherence
figure."""

import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from careteam.records import counted
from insights.entries import Cursor, Entry, short, start_of_day, window_q
from insights.figures import figure
from medication.models import AdherenceObservation, MedicationOrder, OrderStatus, SideEffectReport

COMPONENT = "medication"
# The fields an order's regimen and change summary read (MedicationOrder.changes_from).
REGIMEN = ("dose", "unit", "route", "frequency")


def timeline_entries(
    *,
    patient_id: int,
    since: datetime.date | None,
    until: datetime.date | None,
    before: Cursor | None,
    limit: int,
) -> list[Entry]:
    def q(field: str, source: str) -> Q:
        return window_q(field, is_date=True, source=source, since=since, until=until, before=before)

    starts = (
        MedicationOrder.objects.filter(patient_id=patient_id)
        .filter(q("start_date", "medication.start"))
        .select_related("supersedes")
        .only(
            "id",
            "start_date",
            "drug_name",
            "dose",
            "unit",
            "route",
            "frequency",
            "prescriber",
            "supersedes",
            "entered_in_error_at",
            *(f"supersedes__{name}" for name in REGIMEN),
        )
        .order_by("-start_date", "-id")[:limit]
    )
    stops = (
        MedicationOrder.objects.filter(patient_id=patient_id, status=OrderStatus.DISCONTINUED)
        .filter(q("end_date", "medication.stop"))
        .only("id", "end_date", "drug_name", "prescriber", "entered_in_error_at")
        .order_by("-end_date", "-id")[:limit]
    )
    side_effects = (
        SideEffectReport.objects.filter(patient_id=patient_id)
        .filter(q("onset_date", "medication.side_effect"))
        .select_related("order")
        .only(
            "id",
            "onset_date",
            "symptom",
            "severity",
            "reported_by",
            "entered_in_error_at",
            "order",
            "order__drug_name",
        )
        .order_by("-onset_date", "-id")[:limit]
    )
    adherence = (
        AdherenceObservation.objects.filter(patient_id=patient_id)
        .filter(q("observed_on", "medication.adherence"))
        .select_related("order")
        .only(
            "id", "observed_on", "status", "observed_by", "entered_in_error_at", "order", "order__drug_name"
        )
        .order_by("-observed_on", "-id")[:limit]
    )
    page = reverse("medication_page", kwargs={"patient_id": patient_id})
    entries = []
    for order in starts:
        if order.supersedes_id:
            kind, title = "medication_change", f"{order.drug_name} changed: {order.change_summary}"
        else:
            kind, title = "medication_start", f"{order.drug_name} started, {order.regimen}"
        entries.append(
            Entry(
                at=start_of_day(order.start_date),
                component=COMPONENT,
                kind=kind,
                title=short(title),
                who_id=order.prescriber_id,
                url=page,
                source="medication.start",
                id=order.pk,
                entered_in_error=order.entered_in_error,
                date_only=True,
            )
        )
    for order in stops:
        if order.end_date is None:  # the medorder_ended_has_end_date constraint
            raise ValueError(f"Discontinued medication order {order.pk} has no end date.")
        entries.append(
            Entry(
                at=start_of_day(order.end_date),
                component=COMPONENT,
                kind="medication_stop",
                title=short(f"{order.drug_name} stopped"),
                who_id=order.prescriber_id,
                url=page,
                source="medication.stop",
                id=order.pk,
                entered_in_error=order.entered_in_error,
                date_only=True,
            )
        )
    entries += [
        Entry(
            at=start_of_day(report.onset_date),
            component=COMPONENT,
            kind="side_effect",
            title=short(report.label),
            who_id=report.reported_by_id,
            url=page,
            source="medication.side_effect",
            id=report.pk,
            entered_in_error=report.entered_in_error,
            date_only=True,
        )
        for report in side_effects
    ]
    entries += [
        Entry(
            at=start_of_day(obs.observed_on),
            component=COMPONENT,
            kind="adherence",
            title=short(obs.label),
            who_id=obs.observed_by_id,
            url=page,
            source="medication.adherence",
            id=obs.pk,
            entered_in_error=obs.entered_in_error,
            date_only=True,
        )
        for obs in adherence
    ]
    return entries


def team_metrics(*, patient_ids: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    counts = counted(
        AdherenceObservation.objects.filter(
            patient_id__in=patient_ids,
            observed_on__gte=start,
            observed_on__lte=end,
            order__entered_in_error_at__isnull=True,
        )
    ).aggregate(total=Count("id"), taken=Count("id", filter=Q(status="taken")))
    return {
        "adherence_rate": figure(
            "Medication adherence",
            counts["taken"],
            counts["total"],
            'Adherence observations in the period recorded as "taken as prescribed", out of '
            'all observations. "Partial" counts as not taken, like "missed".',
        ),
    }


# --- the patient page's trend chart -------------------------------------------------------------


def medication_changes(patient_id: int) -> list[tuple[datetime.date, str]]:
    """(date, label) for each start, change and stop of the patient's medication, oldest first
    (orders entered in error left out)."""
    orders = (
        counted(MedicationOrder.objects.filter(patient_id=patient_id))
        .select_related("supersedes")
        .order_by("start_date", "id")
    )
    changes: list[tuple[datetime.date, str]] = []
    for order in orders:
        if order.supersedes_id is None:
            changes.append((order.start_date, f"{order.drug_name} {order.dose_display} started"))
        else:
            changes.append((order.start_date, f"{order.drug_name}: {order.change_summary}"))
        if order.status == OrderStatus.DISCONTINUED and order.end_date:
            changes.append((order.end_date, f"{order.drug_name} stopped"))
    changes.sort(key=lambda change: change[0])
    return changes
