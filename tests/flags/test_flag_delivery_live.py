"""Flags through real Celery workers and real Redis: delivery, and nothing lost or doubled when
Redis is down or a worker dies mid-delivery. Needs PostgreSQL and redis-server (CI has both)."""

import datetime
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from flags import services as flags
from flags.models import Flag, Notification, OutboxMessage
from tests.medication.factories import make_order
from tests.processes import CeleryClientConfig, CeleryWorker, new_queue, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def counts(flag):
    """Notifications per (recipient, channel) for one flag."""
    return Counter(Notification.objects.filter(flag=flag).values_list("recipient__username", "channel"))


EXPECTED_SIDE_EFFECT = {("priya", "in_app"): 1, ("priya", "email"): 1, ("carmen", "in_app"): 1}


def test_side_effect_report_reaches_the_team_through_a_live_worker(world, live_celery_worker, api_client):
    order = make_order(world)
    response = api_client(world.therapist).post(
        f"/api/v1/patients/{world.patient.pk}/side-effects/",
        {
            "order": order.pk,
            "symptom": "Tremor",
            "severity": "moderate",
            "onset_date": str(order.start_date + datetime.timedelta(days=3)),
        },
        format="json",
    )
    assert response.status_code == 201
    flag = Flag.objects.get(source_type="sideeffectreport", source_id=response.json()["id"])
    wait_for(
        lambda: OutboxMessage.objects.filter(flag=flag, delivered_at__isnull=False).exists(),
        timeout=30,
        what="delivery by the worker",
    )
    assert counts(flag) == EXPECTED_SIDE_EFFECT
    priya = Notification.objects.get(flag=flag, recipient=world.psychiatrist, channel="in_app")
    assert priya.action_required
    carmen = Notification.objects.get(flag=flag, recipient=world.case_manager, channel="in_app")
    assert not carmen.action_required
    sent = list(Path(live_celery_worker.extra_env["EMAIL_FILE_PATH"]).glob("*.log"))
    assert len(sent) == 1 and world.psychiatrist.email in sent[0].read_text()
    # What the psychiatrist and the outsider see through the API.
    inbox = api_client(world.psychiatrist).get("/api/v1/notifications/").json()["results"]
    assert [(n["flag"], n["action_required"]) for n in inbox] == [(flag.pk, True)]
    # Theo reported it: no flag notification for him, only the team update of the order's start.
    theo = api_client(world.therapist).get("/api/v1/notifications/").json()["results"]
    assert [(n["kind"], n["flag"]) for n in theo] == [("medication", None)]
    assert api_client(world.outsider).get("/api/v1/notifications/").json()["count"] == 0
    assert api_client(world.outsider).get(f"/api/v1/flags/{flag.pk}/").status_code == 404


def test_flag_raised_while_redis_is_down_arrives_once_when_it_is_back(
    world, own_redis, tmp_path, page_client
):
    queue = new_queue()
    worker = CeleryWorker(broker_url=own_redis.url, queue=queue, logdir=tmp_path)
    with CeleryClientConfig(broker_url=own_redis.url, queue=queue):
        worker.start()
        try:
            own_redis.stop()
            started = time.monotonic()
            response = page_client(world.therapist).post(
                reverse("flag_create", args=[world.patient.pk]),
                {"category": "side_effect", "severity": "routine", "message": "Rash"},
            )
            elapsed = time.monotonic() - started
            assert response.status_code == 302, "raising a flag must not fail with Redis down"
            assert elapsed < 1, f"raising a flag waited {elapsed:.1f}s on Redis"
            flag = Flag.objects.get()
            outbox = OutboxMessage.objects.get(flag=flag)
            assert outbox.published_at is None and outbox.delivered_at is None
            assert not Notification.objects.exists()

            own_redis.start()  # back, and empty: the message never reached it
            # The beat job's re-publish (here run as its time comes), twice for good measure.
            for _ in range(2):
                flags.outbox_republish(now=outbox.created_at + _after())
            wait_for(
                lambda: OutboxMessage.objects.get(pk=outbox.pk).delivered_at,
                timeout=60,
                what="delivery after Redis came back",
            )
            time.sleep(2)  # a second delivery, if any, would land now
            assert counts(flag) == EXPECTED_SIDE_EFFECT
        finally:
            worker.stop()


def test_worker_killed_mid_delivery_delivers_exactly_once_after_restart(
    world, own_redis, tmp_path, api_client
):
    queue = new_queue()
    # Slow delivery (a pause between recipients, patched in by the worker's app module) so the
    # kill lands in the middle of it, and a short visibility timeout so the unacknowledged task
    # is handed out again soon.
    worker = CeleryWorker(
        broker_url=own_redis.url,
        queue=queue,
        logdir=tmp_path,
        app="tests.slow_delivery:app",
        SLOW_DELIVERY_SECONDS="3",
        CELERY_VISIBILITY_TIMEOUT="5",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
    )
    with CeleryClientConfig(broker_url=own_redis.url, queue=queue):
        worker.start()
        try:
            response = api_client(world.therapist).post(
                f"/api/v1/patients/{world.patient.pk}/flags/",
                {"category": "side_effect", "severity": "routine", "message": "Dizzy"},
                format="json",
            )
            assert response.status_code == 201
            flag = Flag.objects.get()
            wait_for(
                lambda: Notification.objects.filter(flag=flag).exists(),
                timeout=30,
                what="the worker to start delivering",
            )
            worker.kill()
            partial = counts(flag)
            assert 0 < sum(partial.values()) < sum(EXPECTED_SIDE_EFFECT.values())
            assert OutboxMessage.objects.get(flag=flag).delivered_at is None

            worker.start()  # the same task is redelivered (acks_late) and finishes the job
            wait_for(
                lambda: OutboxMessage.objects.get(flag=flag).delivered_at,
                timeout=90,
                what="redelivery after the restart",
            )
            time.sleep(2)
            assert counts(flag) == EXPECTED_SIDE_EFFECT
            assert "deliver_flag_event" in worker.log.read_text()
        finally:
            worker.stop()


def _after():
    return datetime.timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER_SECONDS + 1)
