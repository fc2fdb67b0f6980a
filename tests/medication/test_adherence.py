"""Adherence observations: any team member records them, on one of the patient's orders, never
for a day in the future."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from careteam.roles import Role
from medication.models import AdherenceObservation
from tests.medication.factories import make_adherence, make_order
from tests.patients.factories import make_patient

DAY = datetime.timedelta(days=1)


def url(world) -> str:
    return reverse("api_adherence_list", args=[world.patient.pk])


def written() -> tuple[int, int]:
    return (
        AdherenceObservation.objects.count(),
        AuditEvent.objects.filter(object_type="adherenceobservation", action="create").count(),
    )


@pytest.mark.parametrize("role", ["therapist", "psychiatrist", "case_manager"])
def test_any_team_member_records_adherence_api(world, api_client, role):
    order = make_order(world)
    user = getattr(world, role)
    response = api_client(user).post(
        url(world),
        {
            "order": order.pk,
            "observed_on": timezone.localdate().isoformat(),
            "status": "partial",
            "notes": "Skipped the weekend doses",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["order"], body["status"], body["observed_by"]) == (order.pk, "partial", user.pk)
    observation = AdherenceObservation.objects.get(pk=body["id"])
    assert observation.patient == world.patient and observation.observed_by == user
    event = AuditEvent.objects.get(object_type="adherenceobservation", action="create")
    assert event.actor == user and event.patient_id == world.patient.pk
    assert event.changes == {"order": order.pk, "status": "partial"}


def test_record_adherence_page(world, page_client):
    order = make_order(world)
    carmen = page_client(world.case_manager)
    form_url = reverse("medication_adherence_create", args=[world.patient.pk])
    form = carmen.get(f"{form_url}?order={order.pk}")
    assert form.status_code == 200 and form.context["form"].initial["order"] == order.pk
    response = carmen.post(
        form_url, {"order": order.pk, "status": "missed", "observed_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    page = carmen.get(response["Location"]).content.decode()
    assert "Adherence observation recorded." in page and "Missed" in page


def test_adherence_in_the_future_is_400_api_and_page(world, api_client, page_client):
    order = make_order(world)
    tomorrow = (timezone.localdate() + DAY).isoformat()
    before = written()
    api = api_client(world.therapist).post(
        url(world), {"order": order.pk, "observed_on": tomorrow, "status": "taken"}, format="json"
    )
    assert api.status_code == 400
    assert api.json()["observed_on"] == ["The observation date cannot be in the future."]
    page = page_client(world.therapist).post(
        reverse("medication_adherence_create", args=[world.patient.pk]),
        {"order": order.pk, "observed_on": tomorrow, "status": "taken"},
    )
    assert page.status_code == 400
    assert page.context["form"].errors["observed_on"] == ["The observation date cannot be in the future."]
    assert written() == before


def test_adherence_outside_the_orders_dates_is_400(world, api_client):
    order = make_order(world)
    before = written()
    early = api_client(world.therapist).post(
        url(world),
        {"order": order.pk, "observed_on": (order.start_date - DAY).isoformat(), "status": "taken"},
        format="json",
    )
    assert early.status_code == 400 and "before the order started" in early.json()["observed_on"][0]
    newer = (
        api_client(world.psychiatrist)
        .patch(
            reverse("api_medication_order_detail", args=[world.patient.pk, order.pk]),
            {
                "reason": "Clinical review",
                "dose": "100",
                "effective_date": (timezone.localdate() - 5 * DAY).isoformat(),
            },
            format="json",
        )
        .json()
    )
    before = written()
    late = api_client(world.therapist).post(
        url(world),
        {"order": order.pk, "observed_on": timezone.localdate().isoformat(), "status": "taken"},
        format="json",
    )
    assert late.status_code == 400 and "order in effect that day" in late.json()["observed_on"][0]
    assert written() == before
    ok = api_client(world.therapist).post(
        url(world),
        {"order": newer["id"], "observed_on": timezone.localdate().isoformat(), "status": "taken"},
        format="json",
    )
    assert ok.status_code == 201


def test_adherence_on_another_patients_order_is_400(world, api_client, page_client):
    other = make_patient(actor=world.admin, team=[(world.psychiatrist, Role.PSYCHIATRIST)])
    foreign = make_order(world, patient=other)
    before = written()
    api = api_client(world.therapist).post(
        url(world),
        {"order": foreign.pk, "observed_on": timezone.localdate().isoformat(), "status": "taken"},
        format="json",
    )
    assert api.status_code == 400
    assert api.json()["order"] == [f"No medication order {foreign.pk} for this patient."]
    page = page_client(world.therapist).post(
        reverse("medication_adherence_create", args=[world.patient.pk]),
        {"order": foreign.pk, "observed_on": timezone.localdate().isoformat(), "status": "taken"},
    )
    assert page.status_code == 400 and "order" in page.context["form"].errors
    assert written() == before


def test_unknown_status_is_400(world, api_client):
    order = make_order(world)
    before = written()
    response = api_client(world.therapist).post(
        url(world),
        {"order": order.pk, "observed_on": timezone.localdate().isoformat(), "status": "sometimes"},
        format="json",
    )
    assert response.status_code == 400 and "status" in response.json()
    assert written() == before


def test_list_filters_by_order_and_is_audited(world, api_client):
    sertraline = make_order(world)
    mirtazapine = make_order(
        world,
        drug_name="Mirtazapine",
        drug_class="other_antidepressant",
        dose=Decimal("15"),
        frequency="at_bedtime",
    )
    a = make_adherence(world, order=sertraline)
    b = make_adherence(world, order=mirtazapine, status="missed")
    theo = api_client(world.therapist)
    everything = theo.get(url(world)).json()
    assert {row["id"] for row in everything["results"]} == {a.pk, b.pk}
    only = theo.get(url(world), {"order": mirtazapine.pk}).json()
    assert [row["id"] for row in only["results"]] == [b.pk]
    assert theo.get(url(world), {"order": "x"}).status_code == 400
    audited = AuditEvent.objects.filter(
        actor=world.therapist, action="list", object_type="adherenceobservation"
    )
    assert sorted(audited.values_list("object_id", flat=True)) == sorted([str(a.pk), str(b.pk), str(b.pk)])
