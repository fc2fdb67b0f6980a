"""Break-glass reads: the admins' review list, each grant with the number of reads made under it
(audit rows marked {"break_glass": grant id} by careteam.audit)."""

from django.db.models import BigIntegerField, Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from careteam import audit
from careteam.access import StaffUser, require
from careteam.models import AuditEvent
from careteam.roles import Perm
from patients.models import BreakGlassGrant

READ_ACTIONS = (audit.Action.VIEW, audit.Action.LIST)


def reads_under(grant_id: OuterRef | int) -> QuerySet[AuditEvent]:
    """Audit rows of reads made under a grant. (The key as a number, the same on PostgreSQL's
    jsonb and SQLite's JSON.)"""
    return AuditEvent.objects.annotate(
        break_glass_grant=Cast(KeyTextTransform("break_glass", "changes"), BigIntegerField())
    ).filter(break_glass_grant=grant_id, action__in=READ_ACTIONS)


def grants_for_review(*, actor: StaffUser) -> QuerySet[BreakGlassGrant]:
    """Every grant, newest first, with ``reads``: admins only (403 for anyone else)."""
    require(actor, Perm.VIEW_AUDIT)
    reads = (
        reads_under(OuterRef("pk"))
        .filter(actor_id=OuterRef("clinician_id"), patient_id=OuterRef("patient_id"))
        .order_by()
        .values("actor_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        BreakGlassGrant.objects.select_related("clinician", "reviewed_by")
        .annotate(reads=Coalesce(Subquery(reads, output_field=IntegerField()), 0))
        .order_by("-started_at", "-id")
    )
