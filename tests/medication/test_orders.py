"""Medication orders: only the team's psychiatrist prescribes, a change never overwrites, and bad
input is refused with a message per field and nothing written (API and pages)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from careteam.roles import Role
from medication.models import MedicationOrder
from tests.careteam.factories import UserFactory
from tests.medication.factories import make_order
from tests.patients.factories import make_patient

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def orders_url(world) -> str:
    return reverse("api_medication_order_list", args=[world.patient.pk])


def order_url(world, order) -> str:
    return reverse("api_medication_order_detail", args=[world.patient.pk, order.pk])


def sertraline(**overrides) -> dict:
    data = {
        "drug_name": "Sertraline",
        "drug_class": "ssri",
        "reason": "Clinical review",
        "dose": "50",
        "unit": "mg",
        "route": "oral",
        "frequency": "once_daily",
        "start_date": (TODAY() - 60 * DAY).isoformat(),
        "indication": "Depression",
    }
    data.update(overrides)
    return data


def written() -> tuple[int, int]:
    """Orders and medication-order audit writes: both must stay put when a request is refused."""
    return (
        MedicationOrder.objects.count(),
        AuditEvent.objects.filter(object_type="medicationorder", action__in=["create", "update"]).count(),
    )


# --- who may prescribe ---------------------------------------------------------------------


def test_psychiatrist_on_the_team_starts_an_order(world, api_client):
    response = api_client(world.psychiatrist).post(orders_url(world), sertraline(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["drug_name"] == "Sertraline" and Decimal(body["dose"]) == 50
    assert body["status"] == "active" and body["prescriber"] == world.psychiatrist.pk
    assert body["dose_display"] == "50 mg" and body["supersedes"] is None
    order = MedicationOrder.objects.get(pk=body["id"])
    assert order.patient == world.patient and order.prescriber == world.psychiatrist
    event = AuditEvent.objects.get(object_type="medicationorder", action="create")
    assert (event.actor, event.object_id, event.patient_id) == (
        world.psychiatrist,
        str(order.pk),
        world.patient.pk,
    )
    assert "Sertraline" not in str(event.changes) and "Depression" not in str(event.changes)


@pytest.mark.parametrize("role", ["therapist", "case_manager"])
def test_other_team_roles_posting_an_order_get_403_and_nothing_is_written(world, api_client, role):
    before = written()
    response = api_client(getattr(world, role)).post(orders_url(world), sertraline(), format="json")
    assert response.status_code == 403
    assert written() == before


def test_psychiatrist_not_on_the_team_gets_404_and_nothing_is_written(world, api_client):
    elsewhere = UserFactory(username="pat", role=Role.PSYCHIATRIST)
    make_patient(actor=world.admin, team=[(elsewhere, Role.PSYCHIATRIST)])
    before = written()
    response = api_client(elsewhere).post(orders_url(world), sertraline(), format="json")
    assert response.status_code == 404
    assert "Avery" not in response.content.decode()
    assert written() == before


def test_role_is_decided_before_input_is_looked_at(world, api_client):
    response = api_client(world.therapist).post(
        orders_url(world), {"reason": "Clinical review", "dose": "-1"}, format="json"
    )
    assert response.status_code == 403


def test_therapist_cannot_change_or_discontinue(world, api_client, page_client):
    order = make_order(world)
    before = written()
    theo = api_client(world.therapist)
    assert (
        theo.patch(
            order_url(world, order), {"reason": "Clinical review", "dose": "100"}, format="json"
        ).status_code
        == 403
    )
    assert (
        theo.patch(
            order_url(world, order), {"status": "discontinued", "reason": "x"}, format="json"
        ).status_code
        == 403
    )
    page = page_client(world.therapist).post(
        reverse("medication_order_discontinue", args=[world.patient.pk, order.pk]),
        {"reason": "x", "effective_date": TODAY().isoformat()},
    )
    assert page.status_code == 403
    assert written() == before
    assert MedicationOrder.objects.get(pk=order.pk).status == "active"


def test_an_order_of_another_patient_is_404(world, api_client):
    other_psychiatrist = UserFactory(username="omar", role=Role.PSYCHIATRIST)
    other = make_patient(
        actor=world.admin,
        team=[(other_psychiatrist, Role.PSYCHIATRIST), (world.psychiatrist, Role.PSYCHIATRIST)],
    )
    foreign = make_order(world, patient=other)
    priya = api_client(world.psychiatrist)
    assert priya.get(order_url(world, foreign)).status_code == 404
    assert (
        priya.patch(
            order_url(world, foreign), {"reason": "Clinical review", "dose": "100"}, format="json"
        ).status_code
        == 404
    )
    assert MedicationOrder.objects.get(pk=foreign.pk).status == "active"


# --- a change never overwrites ---------------------------------------------------------------


def test_dose_change_keeps_the_earlier_order_in_history_api(world, api_client):
    priya = api_client(world.psychiatrist)
    first = priya.post(orders_url(world), sertraline(), format="json").json()
    change_day = TODAY() - 10 * DAY
    response = priya.patch(
        f"{orders_url(world)}{first['id']}/",
        {"reason": "Clinical review", "dose": "100", "effective_date": change_day.isoformat()},
        format="json",
    )
    assert response.status_code == 200
    new = response.json()
    assert new["id"] != first["id"] and new["supersedes"] == first["id"]
    assert Decimal(new["dose"]) == 100 and new["status"] == "active"
    assert new["start_date"] == change_day.isoformat() and new["end_date"] is None
    assert (new["drug_name"], new["route"], new["frequency"]) == ("Sertraline", "oral", "once_daily")

    old = priya.get(f"{orders_url(world)}{first['id']}/").json()
    assert old["status"] == "changed" and Decimal(old["dose"]) == 50
    assert old["start_date"] == first["start_date"] and old["end_date"] == change_day.isoformat()
    assert old["superseded_by"] == new["id"]

    current = priya.get(orders_url(world), {"status": "active"}).json()
    assert [row["id"] for row in current["results"]] == [new["id"]]
    history = priya.get(orders_url(world)).json()
    assert [row["id"] for row in history["results"]] == [new["id"], first["id"]]
    # the change is audited on both orders, ids and statuses only
    update = AuditEvent.objects.get(object_type="medicationorder", action="update")
    assert update.object_id == str(first["id"])
    assert update.changes == {"status": ["active", "changed"], "superseded_by": new["id"]}
    create = AuditEvent.objects.filter(object_type="medicationorder", action="create").latest("id")
    assert create.changes == {"status": "active", "supersedes": first["id"], "changed": ["dose"]}


def test_dose_change_keeps_the_earlier_order_in_history_page(world, page_client):
    order = make_order(world)
    priya = page_client(world.psychiatrist)
    url = reverse("medication_order_change", args=[world.patient.pk, order.pk])
    form = priya.get(url)
    assert form.status_code == 200
    assert AuditEvent.objects.filter(
        actor=world.psychiatrist, action="view", object_type="medicationorder", object_id=str(order.pk)
    ).exists()
    # prefilled with the current values
    assert form.context["form"].initial["dose"] == "50"
    assert form.context["form"].initial["frequency"] == "once_daily"
    response = priya.post(
        url,
        {
            "reason": "Clinical review",
            "dose": "100",
            "unit": "mg",
            "route": "oral",
            "frequency": "once_daily",
            "effective_date": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("medication_page", args=[world.patient.pk])
    page = priya.get(response["Location"])
    assert "Sertraline changed: now 100 mg oral once daily." in page.content.decode()
    assert [o.dose for o in page.context["current"]] == [Decimal("100")]
    history = list(page.context["history"])
    assert [(o.dose, o.status) for o in history] == [(Decimal("100"), "active"), (Decimal("50"), "changed")]
    assert history[1].end_date == TODAY() and history[0].start_date == TODAY()
    body = page.content.decode()
    assert "Dose changed from 50 mg to 100 mg" in body


def test_route_and_frequency_changes_make_a_new_order_too(world, api_client):
    order = make_order(world, drug_name="Aripiprazole", drug_class="antipsychotic", dose=Decimal("10"))
    response = api_client(world.psychiatrist).patch(
        order_url(world, order),
        {"reason": "Clinical review", "dose": "400", "route": "im", "frequency": "every_4_weeks"},
        format="json",
    )
    assert response.status_code == 200
    new = MedicationOrder.objects.get(pk=response.json()["id"])
    assert (new.route, new.frequency, new.supersedes_id) == ("im", "every_4_weeks", order.pk)
    assert new.change_summary == (
        "dose changed from 10 mg to 400 mg; route changed from Oral to "
        "IM injection; frequency changed from once daily to every 4 weeks"
    )


def test_changing_an_order_that_is_no_longer_active_is_refused(world, api_client, page_client):
    """Decision: 400 on `status` (the row is locked, so two changes cannot both pass); the
    message points to the order now current."""
    order = make_order(world)
    priya = api_client(world.psychiatrist)
    newer = priya.patch(
        order_url(world, order), {"reason": "Clinical review", "dose": "75"}, format="json"
    ).json()
    before = written()
    again = priya.patch(order_url(world, order), {"reason": "Clinical review", "dose": "100"}, format="json")
    assert again.status_code == 400
    message = again.json()["status"][0]
    assert "no longer active" in message and f"order {newer['id']}" in message
    stop = priya.patch(order_url(world, order), {"status": "discontinued", "reason": "x"}, format="json")
    assert stop.status_code == 400 and "no longer active" in stop.json()["status"][0]
    page = page_client(world.psychiatrist).post(
        reverse("medication_order_change", args=[world.patient.pk, order.pk]),
        {
            "reason": "Clinical review",
            "dose": "100",
            "unit": "mg",
            "route": "oral",
            "frequency": "once_daily",
            "effective_date": TODAY().isoformat(),
        },
    )
    assert page.status_code == 400
    assert "no longer active" in page.content.decode()
    assert written() == before


def test_patch_that_changes_nothing_or_fixed_fields_is_refused(world, api_client):
    order = make_order(world)
    priya = api_client(world.psychiatrist)
    before = written()
    same = priya.patch(order_url(world, order), {"reason": "Clinical review", "dose": "50"}, format="json")
    assert same.status_code == 400 and "Nothing to change" in same.json()["non_field_errors"][0]
    empty = priya.patch(order_url(world, order), {}, format="json")
    assert empty.status_code == 400 and "non_field_errors" in empty.json()
    renamed = priya.patch(order_url(world, order), {"drug_name": "Fluoxetine"}, format="json")
    assert renamed.status_code == 400 and "start a new order" in renamed.json()["drug_name"][0]
    both = priya.patch(
        order_url(world, order), {"status": "discontinued", "reason": "x", "dose": "20"}, format="json"
    )
    assert both.status_code == 400 and "dose" in both.json()
    reactivate = priya.patch(order_url(world, order), {"status": "active"}, format="json")
    assert reactivate.status_code == 400 and "status" in reactivate.json()
    assert written() == before


# --- discontinuation -----------------------------------------------------------------------


def test_discontinue_with_reason_api(world, api_client):
    order = make_order(world)
    response = api_client(world.psychiatrist).patch(
        order_url(world, order), {"status": "discontinued", "reason": "Rash on both arms"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == order.pk and body["status"] == "discontinued"
    assert body["end_date"] == TODAY().isoformat()
    assert body["discontinuation_reason"] == "Rash on both arms"
    event = AuditEvent.objects.get(object_type="medicationorder", action="update")
    assert event.changes["status"] == ["active", "discontinued"]
    assert "Rash" not in str(event.changes)
    assert not api_client(world.therapist).get(orders_url(world), {"status": "active"}).json()["count"]


def test_discontinue_with_reason_page(world, page_client):
    order = make_order(world)
    priya = page_client(world.psychiatrist)
    response = priya.post(
        reverse("medication_order_discontinue", args=[world.patient.pk, order.pk]),
        {"reason": "Remission for 9 months", "effective_date": TODAY().isoformat()},
    )
    assert response.status_code == 302
    page = priya.get(response["Location"]).content.decode()
    assert "Sertraline discontinued." in page and "Remission for 9 months" in page
    assert MedicationOrder.objects.get(pk=order.pk).status == "discontinued"


def test_discontinue_without_reason_is_400(world, api_client, page_client):
    order = make_order(world)
    before = written()
    api = api_client(world.psychiatrist).patch(
        order_url(world, order), {"status": "discontinued"}, format="json"
    )
    assert api.status_code == 400
    assert api.json()["reason"] == ["Give the reason for discontinuing this order."]
    blank = api_client(world.psychiatrist).patch(
        order_url(world, order), {"status": "discontinued", "reason": "  "}, format="json"
    )
    assert blank.status_code == 400 and "reason" in blank.json()
    page = page_client(world.psychiatrist).post(
        reverse("medication_order_discontinue", args=[world.patient.pk, order.pk]),
        {"reason": "", "effective_date": TODAY().isoformat()},
    )
    assert page.status_code == 400
    assert page.context["form"].errors["reason"] == ["Give the reason for discontinuing this order."]
    assert "Give the reason for discontinuing this order." in page.content.decode()
    assert written() == before
    assert MedicationOrder.objects.get(pk=order.pk).status == "active"


def test_discontinue_before_the_start_or_in_the_future_is_400(world, api_client):
    order = make_order(world)
    priya = api_client(world.psychiatrist)
    before = written()
    early = priya.patch(
        order_url(world, order),
        {"status": "discontinued", "reason": "x", "effective_date": (order.start_date - DAY).isoformat()},
        format="json",
    )
    assert early.status_code == 400 and "before the order started" in early.json()["effective_date"][0]
    late = priya.patch(
        order_url(world, order),
        {"status": "discontinued", "reason": "x", "effective_date": (TODAY() + DAY).isoformat()},
        format="json",
    )
    assert late.status_code == 400 and "future" in late.json()["effective_date"][0]
    assert written() == before


# --- bad input on start ----------------------------------------------------------------------

BAD_ORDERS = [
    ({"reason": "Clinical review", "dose": "0"}, "dose", "Dose must be greater than zero."),
    ({"reason": "Clinical review", "dose": "-1"}, "dose", "Dose must be greater than zero."),
    (
        {"start_date": (TODAY() - 10 * DAY).isoformat(), "end_date": (TODAY() - 20 * DAY).isoformat()},
        "end_date",
        "The end date cannot be before the start date.",
    ),
    ({"drug_class": "tricyclic"}, "drug_class", None),
    ({"reason": "Clinical review", "unit": "drops"}, "unit", None),
    (
        {"start_date": (TODAY() + 3 * DAY).isoformat()},
        "start_date",
        "The start date cannot be in the future.",
    ),
    ({"drug_name": ""}, "drug_name", None),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_ORDERS)
def test_bad_order_is_400_with_nothing_written_api(world, api_client, overrides, field, message):
    before = written()
    response = api_client(world.psychiatrist).post(orders_url(world), sertraline(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]
    assert written() == before


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_ORDERS)
def test_bad_order_is_400_with_nothing_written_page(world, page_client, overrides, field, message):
    before = written()
    response = page_client(world.psychiatrist).post(
        reverse("medication_order_create", args=[world.patient.pk]), sertraline(**overrides)
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
        assert message in response.content.decode()
    assert written() == before


def test_bad_dose_on_a_change_is_400_api_and_page(world, api_client, page_client):
    order = make_order(world)
    before = written()
    for dose in ("0", "-1"):
        api = api_client(world.psychiatrist).patch(
            order_url(world, order), {"reason": "Clinical review", "dose": dose}, format="json"
        )
        assert api.status_code == 400 and api.json()["dose"] == ["Dose must be greater than zero."]
        page = page_client(world.psychiatrist).post(
            reverse("medication_order_change", args=[world.patient.pk, order.pk]),
            {
                "reason": "Clinical review",
                "dose": dose,
                "unit": "mg",
                "route": "oral",
                "frequency": "once_daily",
                "effective_date": TODAY().isoformat(),
            },
        )
        assert page.status_code == 400
        assert page.context["form"].errors["dose"] == ["Dose must be greater than zero."]
    early = api_client(world.psychiatrist).patch(
        order_url(world, order),
        {"reason": "Clinical review", "dose": "100", "effective_date": (order.start_date - DAY).isoformat()},
        format="json",
    )
    assert early.status_code == 400 and "effective_date" in early.json()
    assert written() == before


def test_a_second_active_order_of_the_same_drug_is_refused(world, api_client):
    make_order(world)
    before = written()
    response = api_client(world.psychiatrist).post(
        orders_url(world), sertraline(drug_name="sertraline "), format="json"
    )
    assert response.status_code == 400
    assert "already an active order for sertraline" in response.json()["drug_name"][0]
    assert written() == before


def test_unknown_status_filter_is_400(world, api_client):
    response = api_client(world.therapist).get(orders_url(world), {"status": "paused"})
    assert response.status_code == 400 and "status" in response.json()


# --- reads are audited ------------------------------------------------------------------------


def test_list_and_retrieve_are_audited(world, api_client):
    first = make_order(world)
    second = make_order(
        world,
        drug_name="Mirtazapine",
        drug_class="other_antidepressant",
        dose=Decimal("15"),
        frequency="at_bedtime",
    )
    carmen = api_client(world.case_manager)
    listed = carmen.get(orders_url(world))
    assert listed.status_code == 200 and listed.json()["count"] == 2
    rows = AuditEvent.objects.filter(actor=world.case_manager, action="list", object_type="medicationorder")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted([str(first.pk), str(second.pk)])
    assert set(rows.values_list("patient_id", flat=True)) == {world.patient.pk}
    carmen.get(order_url(world, first))
    assert AuditEvent.objects.filter(
        actor=world.case_manager, action="view", object_type="medicationorder", object_id=str(first.pk)
    ).exists()


def test_medication_page_reads_are_audited(world, page_client):
    order = make_order(world)
    response = page_client(world.therapist).get(reverse("medication_page", args=[world.patient.pk]))
    assert response.status_code == 200
    assert (
        AuditEvent.objects.filter(
            actor=world.therapist,
            action="view",
            object_type="medicationorder",
            object_id=str(order.pk),
            patient_id=world.patient.pk,
        ).count()
        == 1
    )


def test_list_is_paginated(world, api_client):
    for n in range(3):
        make_order(world, drug_name=f"Drug {n}", override_reason="A test series")
    body = api_client(world.therapist).get(orders_url(world), {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_prescribe_links_only_for_psychiatrists(world, page_client):
    make_order(world)
    url = reverse("medication_page", args=[world.patient.pk])
    theo = page_client(world.therapist).get(url).content.decode()
    priya = page_client(world.psychiatrist).get(url).content.decode()
    assert "Start an order" not in theo and ">Change<" not in theo
    assert "Start an order" in priya and ">Change<" in priya and ">Discontinue<" in priya
