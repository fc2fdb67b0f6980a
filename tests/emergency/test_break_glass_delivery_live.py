"""The admins' notice of a break-glass grant through a real Celery worker and real Redis: one
in-app notification and one email per admin, the email without patient data. Needs PostgreSQL
and redis-server (CI has both)."""

from collections import Counter
from pathlib import Path

import pytest

from flags import services as flag_services
from flags.models import Notification, OutboxMessage
from tests.processes import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Crisis clinic: Jordan arrived and the care team is unreachable"


def test_a_grant_reaches_the_admins_through_a_live_worker(world, live_celery_worker, api_client):
    response = api_client(world.outsider).post(
        f"/api/v1/patients/{world.patient.pk}/break-glass/", {"reason": REASON}, format="json"
    )
    assert response.status_code == 201
    grant_id = response.json()["id"]
    wait_for(
        lambda: OutboxMessage.objects.filter(kind="break_glass", delivered_at__isnull=False).exists(),
        timeout=30,
        what="delivery by the worker",
    )
    notes = Notification.objects.filter(kind="break_glass", subject_id=grant_id)
    assert Counter(notes.values_list("recipient__username", "channel")) == {
        ("ada", "in_app"): 1,
        ("ada", "email"): 1,
    }
    assert notes.get(channel="email").sent_at is not None
    [mail] = Path(live_celery_worker.extra_env["EMAIL_FILE_PATH"]).glob("*.log")
    text = mail.read_text()
    assert world.admin.email in text and f"grant {grant_id}" in text
    for phi in [world.patient.first_name, world.patient.last_name, world.patient.record_number, REASON]:
        assert phi not in text
    # Delivered again (the beat job, a redelivered task): nothing new.
    outbox = OutboxMessage.objects.get(kind="break_glass")
    OutboxMessage.objects.filter(pk=outbox.pk).update(delivered_at=None)
    assert flag_services.flag_event_deliver(outbox_id=outbox.pk) == 0
    assert notes.count() == 2
