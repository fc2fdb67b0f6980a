"""Case management's team figures for careteam.metrics: referral completion and why referrals
fail. Counts over the given patients only."""

import datetime
from collections import Counter
from typing import Any

from django.db.models import Exists, Min, OuterRef, Q

from careteam.metrics import day_bounds, figure

from .models import Referral, ReferralStatusChange

END_STATES = ("completed", "declined", "closed")
TOP_REASONS = 3


def team_metrics(*, patient_ids: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    low, high = day_bounds(start, end)
    completed = ReferralStatusChange.objects.filter(referral=OuterRef("pk"), to_status="completed")
    rows = (Referral.objects.filter(patient_id__in=patient_ids)
            .annotate(ended_at=Min("history__changed_at",
                                   filter=Q(history__to_status__in=END_STATES)),
                      was_completed=Exists(completed))
            .filter(ended_at__gte=low, ended_at__lt=high)
            .values_list("was_completed", "reason"))
    rows = list(rows)
    done = sum(1 for was_completed, _reason in rows if was_completed)
    labels = dict(Referral.Reason.choices)
    reasons = Counter(labels.get(reason, "No reason given")
                      for was_completed, reason in rows if not was_completed)
    return {
        "referral_completion_rate": figure(
            "Referral completion", done, len(rows),
            "Referrals that first reached an end state (completed, declined or closed) in the "
            "period: the share that were completed, including those closed after completion. "
            "Declined referrals and referrals closed without completion are failures."),
        "referral_failure_reasons": {
            "label": "Most common reasons referrals failed", "kind": "counts",
            "value": [{"reason": reason, "count": n}
                      for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
                      [:TOP_REASONS]],
            "definition": "Declined referrals and referrals closed without completion in the "
                          "period, by the reason given, most common first."},
    }
