"""Celery jobs of case management. They take ids only and call one service each."""

import datetime
import logging
from typing import Any

from celery import Task, shared_task
from django.db import DatabaseError

from . import selectors, services

logger = logging.getLogger(__name__)


class _ImportTask(Task):
    def on_failure(self, exc: Exception, task_id: str, args: tuple, kwargs: dict, einfo: Any) -> None:
        """Retries are used up (or the error is not one to retry): say so on the import."""
        import_id = kwargs.get("import_id", args[0] if args else None)
        logger.error("resource import %s failed: %s", import_id, type(exc).__name__)
        if import_id is not None:
            services.resource_import_fail(import_id=import_id)


@shared_task(
    base=_ImportTask,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def resource_import_run(import_id: int) -> None:
    """Import an uploaded directory CSV. Idempotent: a re-delivered or retried job continues
    from the last processed chunk, and a finished import is left alone."""
    services.resource_import_process(import_id=import_id)


@shared_task(acks_late=True)
def resource_imports_resume(minutes: int = 5) -> int:
    """Publish again the imports still queued after ``minutes`` (their first publish may have
    failed with the broker down). Meant for beat; harmless when the first job does run."""
    ids = selectors.stalled_import_ids(older_than=datetime.timedelta(minutes=minutes))
    for import_id in ids:
        resource_import_run.delay(import_id)
    return len(ids)
