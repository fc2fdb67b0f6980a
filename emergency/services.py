"""Break-glass writes: opening emergency access and reviewing it. Each is one transaction with
its audit row; opening one also commits the admins' notification (flags outbox) with the grant.

Nothing here logs, enqueues or emails patient data: ids only. The stated reason is kept on the
grant (shown to admins on the review page), never in the audit row or the email."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from careteam import audit
from careteam.access import require
from careteam.models import User
from careteam.roles import Perm
from flags import services as flag_services
from patients import access as patient_access
from patients.models import BreakGlassGrant, Patient

REASON_MAX = 1000


def break_glass_open(*, actor: User, patient: Patient, reason: str) -> BreakGlassGrant:
    """Give ``actor`` (a clinician off the patient's care teams) read-only access to the
    patient's record for BREAK_GLASS_MINUTES, and tell every admin at once."""
    patient_access.require_may_break_glass(actor)
    reason = reason.strip() if isinstance(reason, str) else ""
    if patient_access.on_team(actor, patient.pk):
        raise ValidationError(
            {"patient": ["You are on this patient's care team: open their record as usual."]}
        )
    if not reason:
        raise ValidationError({"reason": ["Say why you need emergency access to this record."]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"Keep it to {REASON_MAX} characters."]})
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            clinician=actor,
            patient=patient,
            reason=reason,
            started_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.BREAK_GLASS_MINUTES),
        )
        audit.record(
            actor=actor,
            action=audit.Action.BREAK_GLASS,
            object_type="breakglassgrant",
            object_id=grant.pk,
            patient_id=patient.pk,
            changes={"minutes": settings.BREAK_GLASS_MINUTES},
        )
        who = actor.get_full_name() or actor.username
        flag_services.admins_notify_break_glass(
            actor=actor,
            patient=patient,
            grant_id=grant.pk,
            summary=f"{who} ({actor.role_label}) opened emergency access to patient {patient.pk} "
            f"(grant {grant.pk}).",
            link=reverse("break_glass_review") + f"#grant-{grant.pk}",
        )
    return grant


def break_glass_review(*, actor: User, grant: BreakGlassGrant) -> BreakGlassGrant:
    """An admin marks a grant reviewed (once; marking it again changes nothing)."""
    require(actor, Perm.VIEW_AUDIT)
    with transaction.atomic():
        grant = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.reviewed_at is not None:
            return grant
        grant.reviewed_by = actor
        grant.reviewed_at = timezone.now()
        grant.save(update_fields=["reviewed_by", "reviewed_at"])
        audit.record(
            actor=actor,
            action=audit.Action.REVIEW,
            object_type="breakglassgrant",
            object_id=grant.pk,
            patient_id=grant.patient_id,
        )
    return grant
