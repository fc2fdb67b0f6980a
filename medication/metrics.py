"""Medication's team figures for careteam.metrics: adherence. Counts over the given patients."""

import datetime
from typing import Any

from django.db.models import Count, Q

from careteam.metrics import figure

from .models import AdherenceObservation


def team_metrics(*, patient_ids: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    counts = AdherenceObservation.objects.filter(
        patient_id__in=patient_ids, observed_on__gte=start, observed_on__lte=end,
    ).aggregate(total=Count("id"), taken=Count("id", filter=Q(status="taken")))
    return {
        "adherence_rate": figure(
            "Medication adherence", counts["taken"], counts["total"],
            "Adherence observations in the period recorded as \"taken as prescribed\", out of "
            "all observations. \"Partial\" counts as not taken, like \"missed\"."),
    }
