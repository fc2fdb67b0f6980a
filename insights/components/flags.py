"""What the flags layer contributes to the integrated views: timeline entries and the
time-to-acknowledge figure."""

import datetime
import statistics
from typing import Any

from django.db.models import Min
from django.urls import reverse

from flags.models import Flag, FlagAcknowledgement
from insights.entries import Cursor, Entry, window_q
from insights.figures import day_bounds

COMPONENT = "flags"


def timeline_entries(
    *,
    patient_id: int,
    since: datetime.date | None,
    until: datetime.date | None,
    before: Cursor | None,
    limit: int,
) -> list[Entry]:
    """Flags raised and their acknowledgements (the flag's message is free text: not shown)."""
    flags = (
        Flag.objects.filter(patient_id=patient_id)
        .filter(
            window_q(
                "created_at", is_date=False, source="flags.flag", since=since, until=until, before=before
            )
        )
        .only("id", "created_at", "severity", "category", "raised_by")
        .order_by("-created_at", "-id")[:limit]
    )
    acks = (
        FlagAcknowledgement.objects.filter(flag__patient_id=patient_id)
        .filter(window_q("at", is_date=False, source="flags.ack", since=since, until=until, before=before))
        .select_related("flag")
        .only("id", "at", "user", "flag", "flag__category")
        .order_by("-at", "-id")[:limit]
    )
    entries = [
        Entry(
            at=flag.created_at,
            component=COMPONENT,
            kind="flag_raised",
            title=f"{flag.get_severity_display()} flag raised: {flag.get_category_display()}",
            who_id=flag.raised_by_id,
            url=reverse("flag_detail", kwargs={"flag_id": flag.pk}),
            source="flags.flag",
            id=flag.pk,
        )
        for flag in flags
    ]
    entries += [
        Entry(
            at=ack.at,
            component=COMPONENT,
            kind="flag_acknowledged",
            title=f"Flag acknowledged: {ack.flag.get_category_display()}",
            who_id=ack.user_id,
            url=reverse("flag_detail", kwargs={"flag_id": ack.flag_id}),
            source="flags.ack",
            id=ack.pk,
        )
        for ack in acks
    ]
    return entries


def team_metrics(*, patient_ids: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Median hours from a flag to its first acknowledgement, over flags raised in the period
    and acknowledged (at any time since)."""
    low, high = day_bounds(start, end)
    rows = list(
        Flag.objects.filter(patient_id__in=patient_ids, created_at__gte=low, created_at__lt=high)
        .annotate(first_ack=Min("acknowledgements__at"))
        .values_list("created_at", "first_ack")
    )
    waits = [(ack - raised).total_seconds() / 3600 for raised, ack in rows if ack is not None]
    median = round(statistics.median(waits), 1) if waits else None
    return {
        "flag_ack_median_hours": {
            "label": "Median time to first acknowledgement",
            "kind": "hours",
            "value": median,
            "numerator": len(waits),
            "denominator": len(rows),
            "definition": "Flags raised on these patients in the period: the median time from the "
            "flag being raised to its first acknowledgement by anyone on the team, "
            "in hours. Flags not yet acknowledged are left out (their number is shown).",
        }
    }
