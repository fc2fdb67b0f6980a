"""Celery tasks of the flags layer. Each takes ids only and calls one service."""

from celery import shared_task

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,  # well under the broker's visibility timeout
    retry_jitter=True,
    max_retries=12,
)
def deliver_flag_event(outbox_id: int) -> int:
    return services.flag_event_deliver(outbox_id=outbox_id)


@shared_task(acks_late=True)
def republish_outbox() -> int:
    return services.outbox_republish()


@shared_task(acks_late=True)
def escalate_flags() -> list[int]:
    return services.flags_escalate_due()
