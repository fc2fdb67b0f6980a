"""Therapy's team figures for careteam.metrics: session attendance, recent measures, and PHQ-9
response and remission. Counts over the given patients only."""

import datetime
from typing import Any

from django.db.models import Count, Q

from careteam.metrics import RECENT_MEASURE_DAYS, day_bounds, figure
from careteam.treatment import treatment_status_of

from . import scoring
from .models import Assessment, TherapySession

COUNTED_ATTENDANCE = ("attended", "no_show", "cancelled_by_patient")


def team_metrics(*, patient_ids: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    low, high = day_bounds(start, end)
    sessions = TherapySession.objects.filter(
        patient_id__in=patient_ids, starts_at__gte=low, starts_at__lt=high,
        attendance__in=COUNTED_ATTENDANCE,
    ).aggregate(total=Count("id"), attended=Count("id", filter=Q(attendance="attended")))
    recent_from = max(start, end - datetime.timedelta(days=RECENT_MEASURE_DAYS - 1))
    recent = (Assessment.objects.filter(patient_id__in=patient_ids, administered_on__gte=recent_from,
                                        administered_on__lte=end)
              .values("patient_id").distinct().count())
    # PHQ-9s of the period in order: each patient's first is the baseline, the last the latest.
    rows = (Assessment.objects.filter(patient_id__in=patient_ids, instrument=scoring.PHQ9,
                                      administered_on__gte=start, administered_on__lte=end)
            .order_by("patient_id", "administered_on", "id")
            .values_list("patient_id", "total"))
    per_patient: dict[int, list[int]] = {}
    for patient_id, total in rows:
        per_patient.setdefault(patient_id, []).append(total)
    statuses = [treatment_status_of(count=len(t), baseline=t[0], latest=t[-1])
                for t in per_patient.values() if len(t) >= 2]
    eligible = len(statuses)
    return {
        "attendance_rate": figure(
            "Session attendance", sessions["attended"], sessions["total"],
            "Sessions in the period attended, out of those attended, missed (no-show) or "
            "cancelled by the patient. Sessions cancelled by the clinic, or still scheduled, "
            "are not counted."),
        "measured_recently_patients": recent,
        "response_rate": figure(
            "PHQ-9 response", statuses.count("response"), eligible,
            "Among patients with at least two PHQ-9s in the period: the share whose latest "
            "PHQ-9 is at most half their first (status \"response\"), not in remission. The "
            "treatment-status rules of the caseload apply: remission is checked first."),
        "remission_rate": figure(
            "PHQ-9 remission", statuses.count("remission"), eligible,
            "Among patients with at least two PHQ-9s in the period: the share whose latest "
            "PHQ-9 is below 5 (status \"remission\")."),
    }
