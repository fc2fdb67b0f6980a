"""Medication's part of the patient page's trend chart: starts, changes and stops, as markers on
the time axis (found by careteam.caseload through the app registry)."""

import datetime

from .models import MedicationOrder, OrderStatus


def medication_changes(patient_id: int) -> list[tuple[datetime.date, str]]:
    """(date, label) for each start, change and stop of the patient's medication, oldest first."""
    orders = (MedicationOrder.objects.filter(patient_id=patient_id)
              .select_related("supersedes").order_by("start_date", "id"))
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
