"""Therapy's part of the patient page's trend chart (found by careteam.caseload through the app
registry, so the core never imports this app)."""

import datetime

from .models import Assessment


def measure_points(patient_id: int) -> list[tuple[datetime.date, str, int]]:
    """Every PHQ-9 and GAD-7 of the patient, oldest first: (date, instrument, total)."""
    return list(
        Assessment.objects.filter(patient_id=patient_id)
        .order_by("administered_on", "id")
        .values_list("administered_on", "instrument", "total")
    )
