"""Case management's part of the caseload registry (found by careteam.caseload through the app
registry, so the core never imports this app). Which patients have overdue follow-ups is on
careteam.PatientSummary (``follow_up_due_on``, kept by the referral services); how many a row
shows is counted here for one page of rows."""

import datetime
from collections.abc import Iterable

from django.db.models import Count

from . import selectors


def overdue_counts(patient_ids: Iterable[int], today: datetime.date) -> dict[int, int]:
    """Open referrals whose follow-up date is before ``today``, per patient (one query)."""
    rows = (selectors.overdue(today).filter(patient_id__in=list(patient_ids))
            .order_by().values("patient_id").annotate(n=Count("pk")))
    return {row["patient_id"]: row["n"] for row in rows}
