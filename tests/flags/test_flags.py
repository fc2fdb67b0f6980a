"""Flags: raised by a team member, routed by role, acknowledged, resolved, escalated once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from careteam.models import User
from casemanagement.models import Referral
from flags import services as flags
from flags.models import Flag, FlagAcknowledgement, Notification, OutboxMessage
from patients.models import CareTeamMember
from tests.casemanagement.factories import make_referral
from tests.flags.factories import delivered_flag


def inbox(user, channel="in_app"):
    return list(Notification.objects.filter(recipient=user, channel=channel))


def test_side_effect_flag_reaches_the_psychiatrist_as_action_and_the_case_manager_as_info(
    world, api_client, django_capture_on_commit_callbacks, celery_eager
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(world.therapist).post(
            f"/api/v1/patients/{world.patient.pk}/flags/",
            {"category": "side_effect", "severity": "routine", "message": "Tremor since Monday"},
            format="json",
        )
    assert response.status_code == 201
    flag = Flag.objects.get(pk=response.json()["id"])
    [priya] = inbox(world.psychiatrist)
    assert priya.action_required and priya.flag == flag and priya.patient == world.patient
    [carmen] = inbox(world.case_manager)
    assert not carmen.action_required
    assert inbox(world.therapist) == []  # not notified of her own flag
    assert inbox(world.outsider) == [] and inbox(world.admin) == []
    # Email: the psychiatrist must act (default preference: action or urgent); Carmen is only
    # informed of a routine flag, so she gets no email.
    assert [m.to for m in mail.outbox] == [[world.psychiatrist.email]]
    assert len(inbox(world.psychiatrist, "email")) == 1 and inbox(world.case_manager, "email") == []
    assert OutboxMessage.objects.get(flag=flag).delivered_at is not None
    # The outsider cannot see it.
    assert api_client(world.outsider).get(f"/api/v1/flags/{flag.pk}/").status_code == 404


def test_safety_flag_makes_everyone_act_and_emails_everyone(world):
    delivered_flag(
        patient=world.patient,
        by=world.case_manager,
        category="safety",
        severity="urgent",
        message="Talked about ending it",
    )
    for user in (world.therapist, world.psychiatrist):
        [note] = inbox(user)
        assert note.action_required
    assert inbox(world.case_manager) == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.therapist.email, world.psychiatrist.email])


def test_email_preferences(world):
    User.objects.filter(pk=world.psychiatrist.pk).update(email_notifications="off")
    User.objects.filter(pk=world.case_manager.pk).update(email_notifications="all")
    delivered_flag(patient=world.patient, by=world.therapist)
    assert [m.to for m in mail.outbox] == [[world.case_manager.email]]
    assert len(inbox(world.psychiatrist)) == 1  # in-app is always on


def test_redelivery_creates_nothing_twice(world):
    flag = delivered_flag(patient=world.patient, by=world.therapist)
    outbox = OutboxMessage.objects.get(flag=flag)
    OutboxMessage.objects.filter(pk=outbox.pk).update(delivered_at=None)  # as if the ack was lost
    assert flags.flag_event_deliver(outbox_id=outbox.pk) == 0
    assert Notification.objects.filter(flag=flag).count() == 3  # Priya in-app+email, Carmen
    assert len(mail.outbox) == 1


def test_rule_key_never_raises_the_same_flag_twice(world):
    first = flags.flag_raise(
        actor=None,
        patient=world.patient,
        category="safety",
        severity="urgent",
        message="PHQ-9 item 9",
        rule_key="phq9:1",
    )
    again = flags.flag_raise(
        actor=None,
        patient=world.patient,
        category="safety",
        severity="urgent",
        message="PHQ-9 item 9",
        rule_key="phq9:1",
    )
    assert first == again and Flag.objects.filter(rule_key="phq9:1").count() == 1


def test_acknowledge_by_a_recipient_is_shown_on_the_flag(world, api_client, page_client):
    flag = delivered_flag(patient=world.patient, by=world.therapist)
    response = api_client(world.psychiatrist).post(f"/api/v1/flags/{flag.pk}/acknowledge/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "acknowledged"
    assert [a["username"] for a in body["acknowledgements"]] == ["priya"]
    flag.refresh_from_db()
    assert flag.acted_on_at is not None
    assert (
        Notification.objects.get(flag=flag, recipient=world.psychiatrist, channel="in_app").read_at
        is not None
    )
    page = page_client(world.case_manager).get(reverse("patient_detail", args=[world.patient.pk]))
    assert "acknowledged by Priya Shah" in page.content.decode()


def test_the_raiser_cannot_acknowledge_and_nothing_is_written(world, api_client):
    flag = delivered_flag(patient=world.patient, by=world.therapist)
    assert api_client(world.therapist).post(f"/api/v1/flags/{flag.pk}/acknowledge/").status_code == 403
    assert not FlagAcknowledgement.objects.exists()


def test_resolve_needs_a_note(world, api_client, page_client):
    flag = delivered_flag(patient=world.patient, by=world.therapist)
    bad = api_client(world.case_manager).post(
        f"/api/v1/flags/{flag.pk}/resolve/", {"note": ""}, format="json"
    )
    assert bad.status_code == 400 and "note" in bad.json()
    page = page_client(world.case_manager).post(reverse("flag_resolve", args=[flag.pk]), {"note": ""})
    assert page.status_code == 400 and "This field is required." in page.content.decode()
    flag.refresh_from_db()
    assert flag.status == "open"
    ok = api_client(world.case_manager).post(
        f"/api/v1/flags/{flag.pk}/resolve/", {"note": "Dose reduced"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "resolved"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"category": "weather", "severity": "routine", "message": "x"}, "category"),
        ({"category": "safety", "severity": "panic", "message": "x"}, "severity"),
        ({"category": "safety", "severity": "urgent", "message": ""}, "message"),
        ({"category": "safety", "severity": "urgent"}, "message"),
    ],
)
def test_bad_flag_input_writes_nothing(world, api_client, page_client, payload, field):
    before = Flag.objects.count(), OutboxMessage.objects.count()
    response = api_client(world.therapist).post(
        f"/api/v1/patients/{world.patient.pk}/flags/", payload, format="json"
    )
    assert response.status_code == 400 and field in response.json()
    page = page_client(world.therapist).post(reverse("flag_create", args=[world.patient.pk]), payload)
    assert page.status_code == 400 and field in page.context["form"].errors
    assert (Flag.objects.count(), OutboxMessage.objects.count()) == before


def test_open_flags_show_on_the_patient_page_and_caseload(world, page_client, api_client):
    delivered_flag(patient=world.patient, by=world.therapist, severity="urgent")
    delivered_flag(patient=world.patient, by=world.therapist, category="social", message="Lost housing")
    detail = (
        page_client(world.psychiatrist)
        .get(reverse("patient_detail", args=[world.patient.pk]))
        .content.decode()
    )
    assert "Lost housing" in detail and "Tremor since the dose went up" in detail
    listing = page_client(world.psychiatrist).get(reverse("patient_list")).content.decode()
    assert "2 open" in listing and "1 urgent" in listing
    flags_api = (
        api_client(world.psychiatrist).get(f"/api/v1/patients/{world.patient.pk}/flags/?status=open").json()
    )
    assert flags_api["count"] == 2


class TestEscalation:
    start = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)

    def _urgent(self, world):
        return delivered_flag(
            patient=world.patient,
            by=world.therapist,
            category="side_effect",
            severity="urgent",
            message="Rash and fever",
        )

    def test_unacknowledged_urgent_flag_escalates_once_after_the_window(self, world, settings):
        settings.FLAG_ESCALATION_MINUTES = 15
        CareTeamMember.objects.filter(patient=world.patient, user=world.case_manager).update(is_primary=True)
        with time_machine.travel(self.start, tick=False) as clock:
            flag = self._urgent(world)
            clock.shift(datetime.timedelta(minutes=14, seconds=59))
            assert flags.flags_escalate_due() == []
            clock.shift(datetime.timedelta(seconds=2))
            assert flags.flags_escalate_due() == [flag.pk]
            clock.shift(datetime.timedelta(minutes=30))
            assert flags.flags_escalate_due() == []  # once
        flag.refresh_from_db()
        assert flag.escalated_at == self.start + datetime.timedelta(minutes=15, seconds=1)
        outbox = OutboxMessage.objects.get(flag=flag, kind="flag_escalated")
        flags.flag_event_deliver(outbox_id=outbox.pk)
        flags.flag_event_deliver(outbox_id=outbox.pk)
        escalated = Notification.objects.filter(flag=flag, event="escalated", channel="in_app")
        # Priya (must act) again, and the rest of the team: Carmen, the primary contact, is now
        # asked to act too. Theo raised it and still hears nothing of his own flag.
        assert {(n.recipient.username, n.action_required) for n in escalated} == {
            ("priya", True),
            ("carmen", True),
        }
        assert {m.to[0] for m in mail.outbox[-2:]} == {world.psychiatrist.email, world.case_manager.email}
        assert "Escalated" in mail.outbox[-1].subject

    def test_acknowledgement_by_the_acting_role_in_time_prevents_escalation(self, world, api_client):
        with time_machine.travel(self.start, tick=False) as clock:
            flag = self._urgent(world)
            clock.shift(datetime.timedelta(minutes=5))
            api_client(world.psychiatrist).post(f"/api/v1/flags/{flag.pk}/acknowledge/")
            clock.shift(datetime.timedelta(minutes=20))
            assert flags.flags_escalate_due() == []

    def test_acknowledgement_by_an_informed_member_does_not_stop_escalation(self, world, api_client):
        with time_machine.travel(self.start, tick=False) as clock:
            flag = self._urgent(world)
            clock.shift(datetime.timedelta(minutes=5))
            api_client(world.case_manager).post(f"/api/v1/flags/{flag.pk}/acknowledge/")
            clock.shift(datetime.timedelta(minutes=20))
            assert flags.flags_escalate_due() == [flag.pk]

    def test_routine_flags_never_escalate(self, world):
        with time_machine.travel(self.start, tick=False) as clock:
            delivered_flag(patient=world.patient, by=world.therapist)
            clock.shift(datetime.timedelta(hours=5))
            assert flags.flags_escalate_due() == []


def test_a_flag_can_be_about_one_of_the_patients_records(world, api_client, page_client):
    referral = make_referral(actor=world.case_manager, patient=world.patient)
    response = api_client(world.therapist).post(
        f"/api/v1/patients/{world.patient.pk}/flags/",
        {
            "category": "social",
            "severity": "routine",
            "message": "Housing service closed",
            "source_type": "referral",
            "source_id": referral.pk,
        },
        format="json",
    )
    assert response.status_code == 201
    flag = Flag.objects.get(pk=response.json()["id"])
    assert (flag.source_type, flag.source_id) == ("referral", referral.pk)
    page = page_client(world.case_manager).get(reverse("flag_detail", args=[flag.pk]))
    assert f"/patients/{world.patient.pk}/case-management/referrals/{referral.pk}/" in page.content.decode()
    # The referral page offers the link that fills the form in.
    detail = page_client(world.therapist).get(
        reverse("casemanagement_referral_detail", args=[world.patient.pk, referral.pk])
    )
    assert f"source_type=referral&amp;source_id={referral.pk}" in detail.content.decode()
    assert Referral.objects.filter(pk=referral.pk).exists()


@pytest.mark.parametrize(
    "link",
    [
        "another patient's referral",
        {"source_type": "referral", "source_id": 999999},  # no such record
        {"source_type": "spaceship", "source_id": 1},  # no such kind of record
        {"source_type": "referral"},  # half a link
    ],
)
def test_a_link_to_a_record_that_is_not_this_patients_is_refused(world, api_client, link):
    if link == "another patient's referral":
        elsewhere = make_referral(actor=world.case_manager, patient=world.other_patient)
        link = {"source_type": "referral", "source_id": elsewhere.pk}
    before = Flag.objects.count()
    response = api_client(world.therapist).post(
        f"/api/v1/patients/{world.patient.pk}/flags/",
        {"category": "social", "severity": "routine", "message": "x", **link},
        format="json",
    )
    assert response.status_code == 400 and "source_id" in response.json()
    assert Flag.objects.count() == before
