"""Case management in the integrated views: timeline entries (needs assessments and every step
of every referral; notes are free text: not shown; a record entered in error stays, marked) and
team figures (referral completion, why referrals fail; records entered in error left out)."""

import datetime
from collections import Counter
from typing import Any

from django.db.models import Exists, Min, OuterRef, Q
from django.urls import reverse

from careteam.records import counted
from casemanagement.models import NeedAssessment, Referral, ReferralStatusChange
from insights.entries import Cursor, Entry, short, start_of_day, window_q
from insights.figures import day_bounds, figure

COMPONENT = "case_management"


def timeline_entries(
    *,
    patient_id: int,
    since: datetime.date | None,
    until: datetime.date | None,
    before: Cursor | None,
    limit: int,
) -> list[Entry]:
    needs = (
        NeedAssessment.objects.filter(patient_id=patient_id)
        .filter(
            window_q(
                "assessed_on",
                is_date=True,
                source="case_management.need",
                since=since,
                until=until,
                before=before,
            )
        )
        .only("id", "assessed_on", "domain", "priority", "status", "assessed_by", "entered_in_error_at")
        .order_by("-assessed_on", "-id")[:limit]
    )
    # No patient column on the history: the join goes through the referral's (patient, created)
    # index to the history's (referral, changed_at) index.
    steps = (
        ReferralStatusChange.objects.filter(referral__patient_id=patient_id)
        .filter(
            window_q(
                "changed_at",
                is_date=False,
                source="case_management.referral",
                since=since,
                until=until,
                before=before,
            )
        )
        .select_related("referral__resource")
        .only(
            "id",
            "changed_at",
            "from_status",
            "to_status",
            "reason",
            "changed_by",
            "referral",
            "referral__entered_in_error_at",
            "referral__resource",
            "referral__resource__name",
        )
        .order_by("-changed_at", "-id")[:limit]
    )
    page = reverse("casemanagement_patient", kwargs={"patient_id": patient_id})
    entries = [
        Entry(
            at=start_of_day(need.assessed_on),
            component=COMPONENT,
            kind="need_assessment",
            title=need.label,
            who_id=need.assessed_by_id,
            url=page,
            source="case_management.need",
            id=need.pk,
            entered_in_error=need.entered_in_error,
            date_only=True,
        )
        for need in needs
    ]
    for step in steps:
        resource = short(step.referral.resource.name, 50)
        status = Referral.Status(step.to_status).label.lower()
        if not step.from_status:
            kind, title = "referral_created", f"Referral to {resource} created ({status})"
        else:
            kind, title = "referral_status", f"Referral to {resource}: {status}"
            if step.reason:
                title += f" ({Referral.Reason(step.reason).label.lower()})"
        entries.append(
            Entry(
                at=step.changed_at,
                component=COMPONENT,
                kind=kind,
                title=title,
                who_id=step.changed_by_id,
                url=reverse(
                    "casemanagement_referral_detail",
                    kwargs={"patient_id": patient_id, "referral_id": step.referral_id},
                ),
                source="case_management.referral",
                id=step.pk,
                entered_in_error=step.referral.entered_in_error,
            )
        )
    return entries


END_STATES = ("completed", "declined", "closed")
TOP_REASONS = 3


def team_metrics(*, patient_ids: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    low, high = day_bounds(start, end)
    completed = ReferralStatusChange.objects.filter(referral=OuterRef("pk"), to_status="completed")
    rows = list(
        counted(Referral.objects.filter(patient_id__in=patient_ids))
        .annotate(
            ended_at=Min("history__changed_at", filter=Q(history__to_status__in=END_STATES)),
            was_completed=Exists(completed),
        )
        .filter(ended_at__gte=low, ended_at__lt=high)
        .values_list("was_completed", "reason")
    )
    done = sum(1 for was_completed, _reason in rows if was_completed)
    labels = dict(Referral.Reason.choices)
    reasons = Counter(
        labels.get(reason, "No reason given") for was_completed, reason in rows if not was_completed
    )
    return {
        "referral_completion_rate": figure(
            "Referral completion",
            done,
            len(rows),
            "Referrals that first reached an end state (completed, declined or closed) in the "
            "period: the share that were completed, including those closed after completion. "
            "Declined referrals and referrals closed without completion are failures.",
        ),
        "referral_failure_reasons": {
            "label": "Most common reasons referrals failed",
            "kind": "counts",
            "value": [
                {"reason": reason, "count": n}
                for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_REASONS]
            ],
            "definition": "Declined referrals and referrals closed without completion in the "
            "period, by the reason given, most common first.",
        },
    }
