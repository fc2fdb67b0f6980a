"""The Celery app of the fault tests' worker processes: the real app, with a pause between
recipients while a flag event is delivered (SLOW_DELIVERY_SECONDS), so a test can kill the
worker in the middle of a delivery. Patched here, in the test's own worker, not in the
product: production code has no test hook."""

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careteam.settings")
django.setup()

from careteam.celery import app  # noqa: E402 - after django.setup()
from flags import services  # noqa: E402

PAUSE = float(os.environ.get("SLOW_DELIVERY_SECONDS", "0"))
_recipients = services._recipients


def _slow_recipients(flag, event):
    """The same recipients, with a pause after each one's notifications are made."""
    for recipient in _recipients(flag, event):
        yield recipient
        time.sleep(PAUSE)


services._recipients = _slow_recipients

__all__ = ["app"]
