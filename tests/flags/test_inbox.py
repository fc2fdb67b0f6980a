"""The inbox for triage: each row's message, status and who acknowledged it; urgent flags pinned
until someone whose role must act acknowledges them; opening a flag marks it read; mark all read;
"handled by" once an acting member has acknowledged; a fixed number of queries."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from flags import services
from flags.models import Flag, Notification
from patients.services import care_team_remove
from tests.flags.factories import delivered_flag
from tests.therapy.factories import make_assessment
from therapy import services as therapy_services

INBOX = reverse("notifications_inbox")


def _note(flag, user):
    return Notification.objects.get(flag=flag, recipient=user, channel="in_app")


def test_each_row_shows_the_message_status_and_who_acknowledged(world, page_client, api_client):
    flag = delivered_flag(patient=world.patient, by=world.therapist, message="Tremor since the dose went up")
    services.flag_acknowledge(actor=world.psychiatrist, flag=flag)
    page = page_client(world.case_manager).get(INBOX).content.decode()
    assert "Tremor since the dose went up" in page
    assert "Acknowledged · <strong>Unread</strong>" in page
    assert "Priya Shah" in page
    row = api_client(world.case_manager).get("/api/v1/notifications/").json()["results"][0]
    assert row["message"] == "Tremor since the dose went up"
    assert row["flag_status"] == "acknowledged"
    assert [ack["name"] for ack in row["acknowledged_by"]] == ["Priya Shah"]


def test_the_message_is_not_shown_once_the_patient_left_the_callers_team(world, page_client, api_client):
    delivered_flag(patient=world.patient, by=world.therapist, message="Tremor since the dose went up")
    care_team_remove(actor=world.admin, member=world.member(world.case_manager))
    page = page_client(world.case_manager).get(INBOX).content.decode()
    assert "Tremor" not in page and "no longer on your team" in page
    row = api_client(world.case_manager).get("/api/v1/notifications/").json()["results"][0]
    assert row["message"] is None


def test_an_open_urgent_flag_stays_on_top_until_an_acting_member_acknowledges_it(
    world, page_client, api_client
):
    start = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        urgent = delivered_flag(
            patient=world.patient,
            by=world.therapist,
            category="side_effect",
            severity="urgent",
            message="Rash",
        )
        clock.shift(datetime.timedelta(hours=1))
        newer = delivered_flag(patient=world.patient, by=world.therapist, message="Dry mouth")
    client = page_client(world.psychiatrist)
    rows = list(client.get(INBOX).context["page"])
    assert [n.flag_id for n in rows] == [urgent.pk, newer.pk]
    assert "Pinned" in client.get(INBOX).content.decode()
    # Read, or acknowledged by Carmen (informed, not asked to act): still pinned.
    services.notification_mark_read(actor=world.psychiatrist, notification=_note(urgent, world.psychiatrist))
    services.flag_acknowledge(actor=world.case_manager, flag=urgent)
    assert [n.flag_id for n in client.get(INBOX).context["page"]] == [urgent.pk, newer.pk]
    api_rows = api_client(world.psychiatrist).get("/api/v1/notifications/").json()["results"]
    assert [(r["flag"], r["pinned"]) for r in api_rows] == [
        (newer.pk, False),
        (urgent.pk, True),
    ]  # newest first
    # Priya, whose role must act, acknowledges: back in its place, newest first.
    services.flag_acknowledge(actor=world.psychiatrist, flag=urgent)
    assert Flag.objects.get(pk=urgent.pk).acted_on_at is not None
    assert [n.flag_id for n in client.get(INBOX).context["page"]] == [newer.pk, urgent.pk]
    assert "Pinned" not in client.get(INBOX).content.decode()


def test_a_resolved_urgent_flag_is_not_pinned(world, page_client):
    urgent = delivered_flag(patient=world.patient, by=world.therapist, severity="urgent")
    services.flag_resolve(actor=world.therapist, flag=urgent, note="Seen in clinic")
    assert "Pinned" not in page_client(world.psychiatrist).get(INBOX).content.decode()


def test_opening_a_flag_marks_the_callers_notifications_of_it_read(world, page_client, api_client):
    flag = delivered_flag(patient=world.patient, by=world.therapist)
    assert page_client(world.psychiatrist).get(reverse("flag_detail", args=[flag.pk])).status_code == 200
    assert _note(flag, world.psychiatrist).read_at is not None
    assert _note(flag, world.case_manager).read_at is None  # hers, not opened yet
    assert api_client(world.case_manager).get(f"/api/v1/flags/{flag.pk}/").status_code == 200
    assert _note(flag, world.case_manager).read_at is not None


def test_an_outsider_opening_a_flag_marks_nothing_read(world, api_client):
    flag = delivered_flag(patient=world.patient, by=world.therapist)
    assert api_client(world.outsider).get(f"/api/v1/flags/{flag.pk}/").status_code == 404
    assert not Notification.objects.filter(flag=flag, read_at__isnull=False).exists()


def test_mark_all_read_on_the_page_and_in_the_api(world, page_client, api_client):
    for _ in range(3):
        delivered_flag(patient=world.patient, by=world.therapist)
    response = page_client(world.psychiatrist).post(reverse("notifications_read_all"))
    assert response.status_code == 302 and response["Location"] == INBOX
    assert not Notification.objects.filter(
        recipient=world.psychiatrist, channel="in_app", read_at__isnull=True
    ).exists()
    assert (
        Notification.objects.filter(
            recipient=world.case_manager, channel="in_app", read_at__isnull=True
        ).count()
        == 3
    )
    body = api_client(world.case_manager).post("/api/v1/notifications/read-all/").json()
    assert body == {"marked": 3}
    assert api_client(world.case_manager).get("/api/v1/notifications/?unread=true").json()["count"] == 0
    assert api_client(world.case_manager).post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    assert "Mark all read" in page_client(world.therapist).get(INBOX).content.decode()


def test_once_an_acting_member_acknowledged_the_others_see_handled_by(world, page_client, api_client):
    # A safety flag: every other member's role must act.
    flag = delivered_flag(patient=world.patient, by=world.therapist, category="safety", severity="urgent")
    page = page_client(world.case_manager).get(INBOX).content.decode()
    assert "Action needed" in page and "Handled by" not in page
    services.flag_acknowledge(actor=world.psychiatrist, flag=flag)
    page = page_client(world.case_manager).get(INBOX).content.decode()
    assert "Handled by Priya Shah" in page and "Action needed" not in page
    row = api_client(world.case_manager).get("/api/v1/notifications/").json()["results"][0]
    assert row["handled_by"] == "Priya Shah" and row["pinned"] is False
    own = page_client(world.psychiatrist).get(INBOX).content.decode()
    assert "You acknowledged" in own and "Handled by" not in own


def test_an_informed_members_acknowledgement_is_not_handled_by(world, page_client, api_client):
    flag = delivered_flag(patient=world.patient, by=world.therapist)  # side effect: Priya must act
    services.flag_acknowledge(actor=world.case_manager, flag=flag)  # Carmen is informed only
    page = page_client(world.psychiatrist).get(INBOX).content.decode()
    assert "Action needed" in page and "Handled by" not in page
    assert (
        api_client(world.psychiatrist).get("/api/v1/notifications/").json()["results"][0]["handled_by"]
        is None
    )


def test_team_updates_still_show_beside_flags(
    world, page_client, django_capture_on_commit_callbacks, celery_eager
):
    delivered_flag(patient=world.patient, by=world.psychiatrist, message="Tremor")
    with django_capture_on_commit_callbacks(execute=True):
        services.team_update(
            actor=world.psychiatrist,
            patient=world.patient,
            kind="medication",
            subject_id=41,
            summary="Sertraline started",
            link=reverse("medication_page", args=[world.patient.pk]),
        )
    page = page_client(world.therapist).get(INBOX).content.decode()
    assert "Medication change</a>: Sertraline started" in page and "Tremor" in page


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [INBOX, "/api/v1/notifications/"])
def test_the_inbox_costs_the_same_queries_for_5_and_40_rows(world, page_client, api_client, url):
    client = api_client(world.case_manager) if url.startswith("/api/") else page_client(world.case_manager)

    def grow(n):
        for i in range(n):
            # every other flag is about a record (named on the page: one query per type)
            about = {}
            if i % 2 == 0:
                measure = make_assessment(actor=world.therapist, patient=world.patient, days_ago=i)
                about = {"source_type": "assessment", "source_id": measure.pk}
            flag = delivered_flag(
                patient=world.patient,
                by=world.therapist,
                category="safety",
                severity="urgent" if i % 2 else "routine",
                **about,
            )
            if i % 3 == 0:
                services.flag_acknowledge(actor=world.psychiatrist, flag=flag)

    grow(5)
    small = _queries(client, url)
    grow(35)
    large = _queries(client, url)
    assert large == small, f"{url}: {small} queries for 5 rows, {large} for 40"


def test_rows_name_the_record_and_write_dates_one_way_with_how_long_ago(world, page_client):
    """Each row says when (3 Dec 2026, 14:05) and how long ago, and names the record the flag is
    about ("PHQ-9 of 3 Dec 2026: 14, moderate"), linked to it: never "assessment #25"."""
    raised = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=datetime.UTC)
    with time_machine.travel(raised, tick=False) as clock:
        measure = therapy_services.assessment_record(
            actor=world.therapist,
            patient=world.patient,
            instrument="PHQ9",
            answers=[2, 2, 2, 2, 2, 2, 1, 1, 0],
            administered_on=datetime.date(2026, 12, 3),
        )
        delivered_flag(
            patient=world.patient,
            by=world.therapist,
            category="clinical_change",
            message="Worse than last month",
            source_type="assessment",
            source_id=measure.pk,
        )
        clock.move_to(raised + datetime.timedelta(days=3))
        page = page_client(world.case_manager).get(INBOX).content.decode()
        detail = page_client(world.case_manager).get(
            reverse("flag_detail", args=[Flag.objects.get(source_id=measure.pk).pk])
        )
    link = reverse("therapy_assessment_detail", args=[world.patient.pk, measure.pk])
    assert f'About <a href="{link}">PHQ-9 of 3 Dec 2026: 14, moderate</a>' in page
    assert '<time datetime="2026-12-03T14:05:00+00:00">3 Dec 2026, 14:05</time>' in page
    assert "3 days ago" in page
    assert "2026-12-03 14:05" not in page and "assessment #" not in page.lower()
    body = detail.content.decode()
    assert f'<a href="{link}">PHQ-9 of 3 Dec 2026: 14, moderate</a>' in body
    assert '3 Dec 2026, 14:05</time> <span class="muted">(3 days ago)</span>' in body
    assert "assessment #" not in body
