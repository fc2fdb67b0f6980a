from flags import services as flags
from flags.models import OutboxMessage


def delivered_flag(
    *,
    patient,
    by,
    category="side_effect",
    severity="routine",
    message="Tremor since the dose went up",
    **about,
):
    """A flag raised through the service and delivered as the worker would (tests run inside a
    transaction, so on-commit publishing does not happen by itself)."""

    flag = flags.flag_raise(
        actor=by, patient=patient, category=category, severity=severity, message=message, **about
    )
    for outbox in OutboxMessage.objects.filter(flag=flag, delivered_at__isnull=True):
        flags.flag_event_deliver(outbox_id=outbox.pk)
    return flag
