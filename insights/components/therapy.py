"""Therapy in the integrated views: timeline entries (sessions with their attendance, PHQ-9 /
GAD-7 measures) and team figures (attendance, recent measures, PHQ-9 response, remission and
clinically significant improvement). Psychotherapy notes are never read here, nor progress
notes' text: the timeline shows what happened, not what was written. A record entered in error
stays on the timeline (marked) and counts in no figure and no chart."""

import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from careteam.records import counted
from insights.entries import Cursor, Entry, start_of_day, window_q
from insights.figures import RECENT_MEASURE_DAYS, day_bounds, figure
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
        .only("id", "starts_at", "modality", "mode", "attendance", "therapist", "entered_in_error_at")
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
        .only(
            "id", "administered_on", "instrument", "total", "severity", "recorded_by", "entered_in_error_at"
        )
        .order_by("-administered_on", "-id")[:limit]
    )
    overview = reverse("therapy_overview", kwargs={"patient_id": patient_id})
    entries = [
        Entry(
            at=session.starts_at,
            component=COMPONENT,
            kind="therapy_session",
            title=session.label,
            who_id=session.therapist_id,
            url=f"{overview}#sessions-heading",
            source="therapy.session",
            id=session.pk,
            entered_in_error=session.entered_in_error,
        )
        for session in sessions
    ]
    entries += [
        Entry(
            at=start_of_day(measure.administered_on),
            component=COMPONENT,
            kind="measure",
            title=measure.label,
            who_id=measure.recorded_by_id,
            url=reverse(
                "therapy_assessment_detail", kwargs={"patient_id": patient_id, "assessment_id": measure.pk}
            ),
            source="therapy.assessment",
            id=measure.pk,
            date_only=True,
            entered_in_error=measure.entered_in_error,
        )
        for measure in measures
    ]
    return entries


COUNTED_ATTENDANCE = ("attended", "no_show", "cancelled_by_patient")
RESPONSE_DROP = 0.5  # response: the latest PHQ-9 at least 50% below the treatment baseline
REMISSION_BELOW = 5  # remission: the latest PHQ-9 below 5
IMPROVED_BELOW = 10  # clinically significant improvement: below 10, or a response


def phq9_outcomes(*, patient_ids: Any, start: datetime.date, end: datetime.date) -> list[tuple[int, int]]:
    """(treatment baseline, latest) per patient measured in the period: the baseline is the
    patient's first counted PHQ-9 ever (the start of treatment, possibly before the period), the
    latest their last counted one up to the period's end, which must fall in the period, and
    must not be the baseline itself. One query."""
    rows = (
        counted(Assessment.objects)
        .filter(patient_id__in=patient_ids, instrument=scoring.PHQ9, administered_on__lte=end)
        .order_by("patient_id", "administered_on", "id")
        .values_list("patient_id", "administered_on", "total")
    )
    first: dict[int, int] = {}
    last: dict[int, tuple[datetime.date, int]] = {}
    count: dict[int, int] = {}
    for patient_id, on, total in rows.iterator():
        first.setdefault(patient_id, total)
        last[patient_id] = (on, total)
        count[patient_id] = count.get(patient_id, 0) + 1
    return [
        (first[patient_id], total)
        for patient_id, (on, total) in last.items()
        if count[patient_id] >= 2 and on >= start
    ]


def is_response(baseline: int, latest: int) -> bool:
    return baseline > 0 and latest <= baseline * (1 - RESPONSE_DROP)


def team_metrics(*, patient_ids: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    low, high = day_bounds(start, end)
    sessions = (
        counted(TherapySession.objects)
        .filter(
            patient_id__in=patient_ids,
            starts_at__gte=low,
            starts_at__lt=high,
            attendance__in=COUNTED_ATTENDANCE,
        )
        .aggregate(total=Count("id"), attended=Count("id", filter=Q(attendance="attended")))
    )
    recent_from = max(start, end - datetime.timedelta(days=RECENT_MEASURE_DAYS - 1))
    recent = (
        counted(Assessment.objects)
        .filter(patient_id__in=patient_ids, administered_on__gte=recent_from, administered_on__lte=end)
        .values("patient_id")
        .distinct()
        .count()
    )
    outcomes = phq9_outcomes(patient_ids=patient_ids, start=start, end=end)
    eligible = len(outcomes)
    responders = sum(is_response(baseline, latest) for baseline, latest in outcomes)
    remitters = sum(latest < REMISSION_BELOW for _, latest in outcomes)
    improved = sum(latest < IMPROVED_BELOW or is_response(baseline, latest) for baseline, latest in outcomes)
    among = (
        "Among patients with a PHQ-9 in the period and at least two PHQ-9s up to its end, "
        "comparing their latest PHQ-9 up to the end of the period with their treatment "
        "baseline (their first PHQ-9 ever, also when it is before the period)"
    )
    return {
        "attendance_rate": figure(
            "Session attendance",
            sessions["attended"],
            sessions["total"],
            "Sessions in the period attended, out of those attended, missed (no-show) or "
            "cancelled by the patient. Sessions cancelled by the clinic, still scheduled, or "
            "marked entered in error are not counted.",
        ),
        "measured_recently_patients": recent,
        "response_rate": figure(
            "PHQ-9 response",
            responders,
            eligible,
            f"{among}: the share whose latest PHQ-9 is at least 50% below the baseline. "
            "Patients in remission who dropped that far count as responders too. Measures "
            "marked entered in error are left out.",
        ),
        "remission_rate": figure(
            "PHQ-9 remission",
            remitters,
            eligible,
            f"{among}: the share whose latest PHQ-9 is below 5. Measures marked entered in "
            "error are left out.",
        ),
        "improvement_rate": figure(
            "PHQ-9 clinically significant improvement",
            improved,
            eligible,
            f"{among}: the share whose latest PHQ-9 is below 10 or at least 50% below the "
            "baseline. Measures marked entered in error are left out.",
        ),
    }


# --- the patient page's trend chart -------------------------------------------------------------


def measure_points(patient_id: int) -> list[tuple[datetime.date, str, int]]:
    """Every counted PHQ-9 and GAD-7 of the patient (not entered in error), oldest first:
    (date, instrument, total)."""
    return list(
        counted(Assessment.objects)
        .filter(patient_id=patient_id)
        .order_by("administered_on", "id")
        .values_list("administered_on", "instrument", "total")
    )
