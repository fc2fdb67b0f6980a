"""Case management's part of the caseload registry (found by careteam.caseload through the app
registry, so the core never imports this app)."""

import datetime

from django.db.models import Count, Expression, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import OPEN_STATUSES, Referral


def overdue_items(today: datetime.date) -> Expression:
    """Per patient (evaluated against patients.Patient): open referrals whose follow-up date is
    before ``today``. One correlated subquery, so the registry stays a single query."""
    overdue = (
        Referral.objects.filter(patient=OuterRef("pk"), status__in=OPEN_STATUSES,
                                follow_up_on__lt=today)
        .order_by().values("patient").annotate(n=Count("pk")).values("n")[:1]
    )
    return Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0))
