"""Therapy in the integrated views: timeline entries (sessions with their attendance, PHQ-9 /
GAD-7 measures) and team figures (attendance, recent measures, PHQ-9 response and remission).
Psychotherapy notes are never read here, nor progress notes' text: the timeline shows what
happened, not what was written."""

import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from insights.entries import Cursor, Entry, start_of_day, window_q
from insights.figures import RECENT_MEASURE_DAYS, day_bounds, figure
from patients.treatment import treatment_status_of
from therapy import scoring
from therapy.models import Assessment, TherapySession

COMPONENT = "therapy"


def timeline_entries(
    *,
    patient_id: int,
    since: datetime.date | None,
    until: datetime.date | None,
    before: Cursor | None,
    limit: int,
) -> list[Entry]:
    sessions = (
        TherapySession.objects.filter(patient_id=patient_id)
        .filter(
            window_q(
                "starts_at", is_date=False, source="therapy.session", since=since, until=until, before=before
            )
        )
        .only("id", "starts_at", "modality", "mode", "attendance", "therapist")
        .order_by("-starts_at", "-id")[:limit]
    )
    measures = (
        Assessment.objects.filter(patient_id=patient_id)
        .filter(
            window_q(
                "administered_on",
                is_date=True,
                source="therapy.assessment",
                since=since,
                until=until,
                before=before,
            )
        )
        .only("id", "administered_on", "instrument", "total", "severity", "recorded_by")
        .order_by("-administered_on", "-id")[:limit]
    )
    overview = reverse("therapy_overview", kwargs={"patient_id": patient_id})
    entries = [
        Entry(
            at=session.starts_at,
            component=COMPONENT,
            kind="therapy_session",
            title=(
                f"{session.get_modality_display()} session "
                f"({session.get_mode_display().lower()}): {session.get_attendance_display()}"
            ),
            who_id=session.therapist_id,
            url=f"{overview}#sessions-heading",
            source="therapy.session",
            id=session.pk,
        )
        for session in sessions
    ]
    entries += [
        Entry(
            at=start_of_day(measure.administered_on),
            component=COMPONENT,
            kind="measure",
            title=(
                f"{measure.get_instrument_display()} {measure.total} "
                f"({measure.get_severity_display().lower()})"
            ),
            who_id=measure.recorded_by_id,
            url=reverse(
                "therapy_assessment_detail", kwargs={"patient_id": patient_id, "assessment_id": measure.pk}
            ),
            source="therapy.assessment",
            id=measure.pk,
        )
        for measure in measures
    ]
    return entries


COUNTED_ATTENDANCE = ("attended", "no_show", "cancelled_by_patient")


def team_metrics(*, patient_ids: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    low, high = day_bounds(start, end)
    sessions = TherapySession.objects.filter(
        patient_id__in=patient_ids,
        starts_at__gte=low,
        starts_at__lt=high,
        attendance__in=COUNTED_ATTENDANCE,
    ).aggregate(total=Count("id"), attended=Count("id", filter=Q(attendance="attended")))
    recent_from = max(start, end - datetime.timedelta(days=RECENT_MEASURE_DAYS - 1))
    recent = (
        Assessment.objects.filter(
            patient_id__in=patient_ids, administered_on__gte=recent_from, administered_on__lte=end
        )
        .values("patient_id")
        .distinct()
        .count()
    )
    # PHQ-9s of the period in order: each patient's first is the baseline, the last the latest.
    rows = (
        Assessment.objects.filter(
            patient_id__in=patient_ids,
            instrument=scoring.PHQ9,
            administered_on__gte=start,
            administered_on__lte=end,
        )
        .order_by("patient_id", "administered_on", "id")
        .values_list("patient_id", "total")
    )
    per_patient: dict[int, list[int]] = {}
    for patient_id, total in rows:
        per_patient.setdefault(patient_id, []).append(total)
    statuses = [
        treatment_status_of(count=len(t), baseline=t[0], latest=t[-1])
        for t in per_patient.values()
        if len(t) >= 2
    ]
    eligible = len(statuses)
    return {
        "attendance_rate": figure(
            "Session attendance",
            sessions["attended"],
            sessions["total"],
            "Sessions in the period attended, out of those attended, missed (no-show) or "
            "cancelled by the patient. Sessions cancelled by the clinic, or still scheduled, "
            "are not counted.",
        ),
        "measured_recently_patients": recent,
        "response_rate": figure(
            "PHQ-9 response",
            statuses.count("response"),
            eligible,
            "Among patients with at least two PHQ-9s in the period: the share whose latest "
            'PHQ-9 is at most half their first (status "response"), not in remission. The '
            "treatment-status rules of the caseload apply: remission is checked first.",
        ),
        "remission_rate": figure(
            "PHQ-9 remission",
            statuses.count("remission"),
            eligible,
            "Among patients with at least two PHQ-9s in the period: the share whose latest "
            'PHQ-9 is below 5 (status "remission").',
        ),
    }


# --- the patient page's trend chart -------------------------------------------------------------


def measure_points(patient_id: int) -> list[tuple[datetime.date, str, int]]:
    """Every PHQ-9 and GAD-7 of the patient, oldest first: (date, instrument, total)."""
    return list(
        Assessment.objects.filter(patient_id=patient_id)
        .order_by("administered_on", "id")
        .values_list("administered_on", "instrument", "total")
    )
