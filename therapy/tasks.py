"""Celery tasks of the therapy component (ids only; each calls one service)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def raise_phq9_review_flags() -> int:
    """Beat, a few times a day: patients 10 weeks past their baseline PHQ-9 without a 50%
    improvement get a flag for psychiatric review (once per baseline)."""
    return services.phq9_review_flags_raise()
