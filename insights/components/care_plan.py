"""The care plan's part of the patient timeline (insights/timeline.py): each revision of the
plan, with its short summary of what changed."""

import datetime

from django.urls import reverse

from insights.entries import Cursor, Entry, short, window_q
from patients.models import CarePlanRevision

COMPONENT = "care_plan"


def timeline_entries(
    *,
    patient_id: int,
    since: datetime.date | None,
    until: datetime.date | None,
    before: Cursor | None,
    limit: int,
) -> list[Entry]:
    revisions = (
        CarePlanRevision.objects.filter(care_plan__patient_id=patient_id)
        .filter(
            window_q(
                "changed_at",
                is_date=False,
                source="care_plan.revision",
                since=since,
                until=until,
                before=before,
            )
        )
        .only("id", "changed_at", "number", "summary", "changed_by")
        .order_by("-changed_at", "-id")[:limit]
    )
    history = reverse("care_plan_history", kwargs={"patient_id": patient_id})
    return [
        Entry(
            at=revision.changed_at,
            component=COMPONENT,
            kind="care_plan_revision",
            title=short(f"Care plan revision {revision.number}: {revision.summary}"),
            who_id=revision.changed_by_id,
            url=history,
            source="care_plan.revision",
            id=revision.pk,
        )
        for revision in revisions
    ]
