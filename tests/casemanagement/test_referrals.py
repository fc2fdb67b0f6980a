"""Referrals: made and moved only by the patient's case manager, along a closed loop whose every
step is kept in order; steps that skip the lifecycle or fail without a reason are refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from careteam.roles import Role
from casemanagement import services
from casemanagement.models import Referral, ReferralStatusChange
from patients.services import care_team_add
from tests.careteam.factories import UserFactory
from tests.casemanagement.factories import make_referral, make_resource
from tests.patients.factories import make_patient


def list_url(world, patient=None):
    return f"/api/v1/patients/{(patient or world.patient).pk}/referrals/"


def status_url(world, referral):
    return f"/api/v1/patients/{referral.patient_id}/referrals/{referral.pk}/status/"


def counts():
    return Referral.objects.count(), ReferralStatusChange.objects.count()


def test_case_manager_refers_a_patient_and_it_starts_as_a_draft(world, api_client):
    resource = make_resource(actor=world.case_manager, name="Harbor Housing")
    response = api_client(world.case_manager).post(
        list_url(world),
        {"resource": resource.pk, "follow_up_on": "2030-02-01", "note": "Before the eviction date"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["resource_name"], body["follow_up_on"]) == (
        "draft",
        "Harbor Housing",
        "2030-02-01",
    )
    assert [(h["from_status"], h["to_status"], h["note"]) for h in body["history"]] == [
        ("", "draft", "Before the eviction date")
    ]
    assert AuditEvent.objects.filter(
        object_type="referral", object_id=str(body["id"]), action="create", patient_id=world.patient.pk
    ).exists()


@pytest.mark.parametrize("who", ["therapist", "psychiatrist"])
def test_others_on_the_team_read_but_may_not_refer_or_move_referrals(world, api_client, page_client, who):
    referral = make_referral(actor=world.case_manager, patient=world.patient)
    resource = make_resource(actor=world.case_manager)
    user = getattr(world, who)
    before = counts()
    assert api_client(user).post(list_url(world), {"resource": resource.pk}, format="json").status_code == 403
    assert (
        api_client(user).post(status_url(world, referral), {"status": "sent"}, format="json").status_code
        == 403
    )
    assert (
        page_client(user)
        .post(
            reverse("casemanagement_referral_status", args=[world.patient.pk, referral.pk]),
            {"status": "sent"},
        )
        .status_code
        == 403
    )
    assert counts() == before
    listing = api_client(user).get(list_url(world))
    assert listing.status_code == 200 and listing.json()["count"] == 1


def test_a_case_manager_on_another_team_gets_404(world, api_client):
    other_cm = UserFactory(username="connie", role=Role.CASE_MANAGER)
    make_patient(actor=world.admin, team=[(other_cm, Role.CASE_MANAGER)])
    referral = make_referral(actor=world.case_manager, patient=world.patient)
    before = counts()
    client = api_client(other_cm)
    assert client.get(list_url(world)).status_code == 404
    assert client.post(status_url(world, referral), {"status": "sent"}, format="json").status_code == 404
    assert counts() == before


def test_a_referral_id_of_another_patient_is_404(world, api_client):
    robin_cm = UserFactory(username="connie", role=Role.CASE_MANAGER)
    robin = world.other_patient
    care_team_add(actor=world.admin, patient=robin, user=robin_cm, role=Role.CASE_MANAGER)
    care_team_add(actor=world.admin, patient=robin, user=world.case_manager, role=Role.CASE_MANAGER)
    robins = make_referral(actor=robin_cm, patient=robin)
    carmen = api_client(world.case_manager)
    # Carmen is on both teams, but Robin's referral is not under Jordan's path.
    wrong = f"/api/v1/patients/{world.patient.pk}/referrals/{robins.pk}/"
    assert carmen.get(wrong).status_code == 404
    assert carmen.post(f"{wrong}status/", {"status": "sent"}, format="json").status_code == 404
    robins.refresh_from_db()
    assert robins.status == "draft"


def test_referral_to_an_inactive_resource_is_refused(world, api_client, page_client):
    inactive = make_resource(actor=world.case_manager, name="Closed Shelter", is_active=False)
    before = counts()
    response = api_client(world.case_manager).post(list_url(world), {"resource": inactive.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"resource": ["This resource is inactive: choose an active resource."]}
    page = page_client(world.case_manager).post(
        reverse("casemanagement_referral_create", args=[world.patient.pk]),
        {"resource": inactive.pk, "note": "x"},
    )
    assert page.status_code == 400
    assert page.context["form"].errors["resource"] == [
        "This resource is inactive: choose an active resource."
    ]
    assert "This resource is inactive" in page.content.decode()
    assert counts() == before


def test_the_full_loop_is_recorded_complete_and_in_order(world, api_client):
    carmen = api_client(world.case_manager)
    referral = make_referral(actor=world.case_manager, patient=world.patient)
    steps = [
        {"status": "sent", "note": "Faxed"},
        {"status": "accepted"},
        {"status": "in_progress", "follow_up_on": "2030-05-01"},
        {"status": "completed"},
        {"status": "closed", "note": "Housed"},
    ]
    for step in steps:
        response = carmen.post(status_url(world, referral), step, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == step["status"]
    detail = carmen.get(f"{list_url(world)}{referral.pk}/").json()
    assert [(h["from_status"], h["to_status"]) for h in detail["history"]] == [
        ("", "draft"),
        ("draft", "sent"),
        ("sent", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "completed"),
        ("completed", "closed"),
    ]
    times = [h["changed_at"] for h in detail["history"]]
    assert times == sorted(times)
    assert {h["changed_by"] for h in detail["history"]} == {world.case_manager.pk}
    assert detail["history"][1]["note"] == "Faxed" and detail["history"][-1]["note"] == "Housed"
    assert detail["follow_up_on"] == "2030-05-01" and detail["reason"] == ""
    assert (
        AuditEvent.objects.filter(object_type="referral", object_id=str(referral.pk), action="update").count()
        == 5
    )
    # The team reads it too, and the read is audited.
    assert api_client(world.therapist).get(f"{list_url(world)}{referral.pk}/").status_code == 200
    assert AuditEvent.objects.filter(
        object_type="referral", object_id=str(referral.pk), action="view", actor=world.therapist
    ).exists()


@pytest.mark.parametrize(
    ("steps", "change", "field", "message"),
    [
        (
            [],
            {"status": "completed"},
            "status",
            "A draft referral cannot become completed; it can next be: sent, closed.",
        ),
        (
            ["sent"],
            {"status": "in_progress"},
            "status",
            "A sent referral cannot become in progress; it can next be: accepted, declined, closed.",
        ),
        ([], {"status": "draft"}, "status", None),  # not a status a referral moves to
        (["sent"], {"status": "declined"}, "reason", "Give a reason for declining"),
        (
            ["sent", "accepted"],
            {"status": "closed"},
            "reason",
            "Give a reason for closing without completion",
        ),
        (
            ["sent"],
            {"status": "accepted", "reason": "no_capacity"},
            "reason",
            "A reason is recorded only when a referral is declined or closed without completion.",
        ),
        (
            ["sent"],
            {"status": "declined", "reason": "other"},
            "note",
            "Say in the note what the other reason is.",
        ),
        (["sent"], {"status": "declined", "reason": "bored"}, "reason", None),
        ([], {"status": "closed", "reason": "unreachable", "follow_up_on": "soon"}, "follow_up_on", None),
    ],
)
def test_illegal_or_incomplete_steps_are_refused(world, api_client, steps, change, field, message):
    referral = make_referral(actor=world.case_manager, patient=world.patient, steps=steps)
    before = counts(), referral.status
    response = api_client(world.case_manager).post(status_url(world, referral), change, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    if message:
        assert response.json()[field][0].startswith(message)
    referral.refresh_from_db()
    assert (counts(), referral.status) == before


def test_a_closed_referral_cannot_change(world, api_client):
    referral = make_referral(
        actor=world.case_manager, patient=world.patient, steps=[("closed", "patient_declined")]
    )
    response = api_client(world.case_manager).post(
        status_url(world, referral), {"status": "sent"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"status": ["This referral is closed: its status can no longer change."]}


def test_decline_and_close_keep_their_reason(world, api_client):
    carmen = api_client(world.case_manager)
    referral = make_referral(actor=world.case_manager, patient=world.patient, steps=["sent"])
    declined = carmen.post(
        status_url(world, referral),
        {"status": "declined", "reason": "no_capacity", "note": "Full"},
        format="json",
    )
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["reason"]) == ("declined", "no_capacity")
    closed = carmen.post(
        status_url(world, referral), {"status": "closed", "reason": "no_capacity"}, format="json"
    )
    assert closed.status_code == 200
    history = closed.json()["history"]
    assert [(h["to_status"], h["reason"]) for h in history] == [
        ("draft", ""),
        ("sent", ""),
        ("declined", "no_capacity"),
        ("closed", "no_capacity"),
    ]


def test_status_change_on_the_page(world, page_client):
    referral = make_referral(actor=world.case_manager, patient=world.patient)
    client = page_client(world.case_manager)
    url = reverse("casemanagement_referral_status", args=[world.patient.pk, referral.pk])
    bad = client.post(url, {"status": "completed"})
    assert bad.status_code == 400
    assert bad.context["form"].errors["status"] == [
        "A draft referral cannot become completed; it can next be: sent, closed."
    ]
    assert "it can next be: sent, closed." in bad.content.decode()
    no_reason = client.post(url, {"status": "closed"})
    assert no_reason.status_code == 400
    assert "Give a reason for closing without completion" in no_reason.content.decode()
    assert ReferralStatusChange.objects.filter(referral=referral).count() == 1
    done = client.post(url, {"status": "sent", "note": "Emailed", "follow_up_on": "2030-03-03"}, follow=True)
    assert done.status_code == 200
    body = done.content.decode()
    assert "is now sent." in body and "Emailed" in body
    referral.refresh_from_db()
    assert (referral.status, referral.follow_up_on) == ("sent", datetime.date(2030, 3, 3))


def test_page_offers_only_the_allowed_next_steps(world, page_client):
    referral = make_referral(actor=world.case_manager, patient=world.patient, steps=["sent"])
    response = page_client(world.case_manager).get(
        reverse("casemanagement_referral_detail", args=[world.patient.pk, referral.pk])
    )
    form = response.context["form"]
    offered = [value for value, _ in form.fields["status"].widget.choices if value]
    assert offered == ["accepted", "declined", "closed"]
    # and the therapist sees the history but no form
    therapist = page_client(world.therapist).get(
        reverse("casemanagement_referral_detail", args=[world.patient.pk, referral.pk])
    )
    assert therapist.status_code == 200 and therapist.context["form"] is None
    assert "Update status" not in therapist.content.decode()


def _overdue(world, patient=None, days=3):
    return make_referral(
        actor=world.case_manager,
        patient=patient or world.patient,
        resource=make_resource(actor=world.case_manager, name="Benefits Advice"),
        steps=["sent"],
        follow_up_on=timezone.localdate() - datetime.timedelta(days=days),
    )


def test_overdue_follow_ups_are_shown_prominently(world, page_client, api_client):
    overdue = _overdue(world)
    make_referral(
        actor=world.case_manager,
        patient=world.patient,
        steps=["sent"],
        resource=make_resource(actor=world.case_manager, name="Later One"),
        follow_up_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    make_referral(
        actor=world.case_manager,
        patient=world.patient,
        resource=make_resource(actor=world.case_manager, name="Done Long Ago"),
        steps=["sent", "accepted", "in_progress", "completed"],
        follow_up_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    page = page_client(world.case_manager).get(reverse("casemanagement_patient", args=[world.patient.pk]))
    assert [r.pk for r in page.context["overdue"]] == [overdue.pk]
    body = page.content.decode()
    assert "1 overdue follow-up" in body and 'class="overdue-tag">Overdue' in body

    follow_ups = page_client(world.case_manager).get(reverse("casemanagement_follow_ups"))
    assert [r.pk for r in follow_ups.context["page"]] == [overdue.pk]
    assert "Avery, Jordan" in follow_ups.content.decode()
    api = api_client(world.case_manager).get("/api/v1/follow-ups/").json()
    assert [row["id"] for row in api["results"]] == [overdue.pk]
    assert api["results"][0]["overdue"] is True


def test_follow_ups_list_only_the_callers_caseload(world, page_client):
    other_cm = UserFactory(username="connie", role=Role.CASE_MANAGER)
    other = make_patient(actor=world.admin, last_name="Elsewhere", team=[(other_cm, Role.CASE_MANAGER)])
    mine = _overdue(world)
    theirs = make_referral(
        actor=other_cm,
        patient=other,
        steps=["sent"],
        follow_up_on=timezone.localdate() - datetime.timedelta(days=9),
    )
    assert [
        r.pk
        for r in page_client(world.case_manager).get(reverse("casemanagement_follow_ups")).context["page"]
    ] == [mine.pk]
    assert [
        r.pk for r in page_client(other_cm).get(reverse("casemanagement_follow_ups")).context["page"]
    ] == [theirs.pk]


def test_service_refuses_a_resource_that_was_deactivated_meanwhile(world):
    resource = make_resource(actor=world.case_manager)
    stale_copy = type(resource).objects.get(pk=resource.pk)
    services.resource_update(actor=world.admin, resource=resource, version=1, is_active=False)
    with pytest.raises(ValidationError) as caught:
        services.referral_create(actor=world.case_manager, patient=world.patient, resource=stale_copy)
    assert caught.value.message_dict == {
        "resource": ["This resource is inactive: choose an active resource."]
    }
    assert Referral.objects.count() == 0


def test_decline_without_reason_on_the_page_writes_nothing(world, page_client):
    referral = make_referral(actor=world.case_manager, patient=world.patient, steps=["sent"])
    before = counts()
    response = page_client(world.case_manager).post(
        reverse("casemanagement_referral_status", args=[world.patient.pk, referral.pk]),
        {"status": "declined", "note": "They said no"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["reason"][0].startswith("Give a reason for declining")
    assert "Give a reason for declining" in response.content.decode()
    referral.refresh_from_db()
    assert (counts(), referral.status) == (before, "sent")
