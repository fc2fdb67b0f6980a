"""Prescribing safety (API.md "Medication safety"): Priya is warned — and refused with 400 —
when a drug is outside the formulary, a daily dose is above its maximum, Jordan already takes a
drug of the same class, or Jordan is allergic to the drug or its class; with an override reason
the order is made and the reason shows wherever the order does."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from medication import formulary, services
from medication.models import MedicationOrder
from tests.medication.factories import make_order
from tests.medication.test_orders import written

DAY = datetime.timedelta(days=1)


def orders_url(world):
    return reverse("api_medication_order_list", args=[world.patient.pk])


def order_url(world, order):
    return reverse("api_medication_order_detail", args=[world.patient.pk, order.pk])


def body(**overrides):
    data = {
        "drug_name": "Sertraline",
        "dose": "50",
        "unit": "mg",
        "route": "oral",
        "frequency": "once_daily",
        "start_date": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def allergy(world, substance, reaction="Hives", severity="moderate"):
    return services.allergy_record(
        actor=world.therapist,
        patient=world.patient,
        substance=substance,
        reaction=reaction,
        severity=severity,
    )


# --- the formulary ------------------------------------------------------------------------------


def test_the_formulary_has_the_common_psychiatric_drugs_with_their_sources():
    drugs = formulary.drugs()
    assert len(drugs) >= 40
    classes = {drug.drug_class for drug in drugs}
    assert {"ssri", "snri", "other_antidepressant", "antipsychotic", "mood_stabilizer"} <= classes
    assert {"anxiolytic", "stimulant", "hypnotic"} <= classes
    assert classes <= set(MedicationOrder.DrugClass.values)
    assert all(drug.source.startswith("FDA label") and drug.unit == "mg" for drug in drugs)
    assert formulary.lookup(" sertraline ").max_daily_dose == Decimal("200")
    assert formulary.lookup("Nothingazole") is None


def test_formulary_api_for_any_clinician_searchable_and_paginated(world, api_client):
    whole = api_client(world.outsider).get("/api/v1/formulary/")
    assert whole.status_code == 200
    assert whole.json()["count"] == len(formulary.drugs())
    assert set(whole.json()["results"][0]) == {"name", "drug_class", "max_daily_dose", "unit", "source"}
    found = api_client(world.therapist).get("/api/v1/formulary/?search=PINE").json()["results"]
    assert {drug["name"] for drug in found} >= {"Quetiapine", "Olanzapine", "Clozapine", "Mirtazapine"}
    assert all("pine" in drug["name"].lower() for drug in found)
    page = api_client(world.therapist).get("/api/v1/formulary/?page_size=10&page=2").json()
    assert len(page["results"]) == 10 and page["previous"]
    assert api_client(world.admin).get("/api/v1/formulary/").status_code == 403
    assert api_client(None).get("/api/v1/formulary/").status_code == 401


def test_the_order_form_offers_the_formulary_and_shows_the_allergies(world, page_client):
    allergy(world, "Penicillin", reaction="Anaphylaxis", severity="severe")
    page = page_client(world.psychiatrist).get(reverse("medication_order_create", args=[world.patient.pk]))
    html = page.content.decode()
    assert 'list="formulary-drugs"' in html and '<datalist id="formulary-drugs">' in html
    assert '<option value="Sertraline">' in html and '<option value="Zolpidem">' in html
    assert "Penicillin" in html and "Anaphylaxis" in html
    assert 'name="override_reason"' in html


# --- the checks, each refused without and made with an override ------------------------------


@pytest.mark.parametrize(
    ("setup", "data", "field", "message"),
    [
        (None, body(drug_name="Nothingazole", drug_class="other"), "drug_name", "not in the formulary"),
        (
            None,
            body(dose="150", frequency="twice_daily"),
            "dose",
            "daily dose (300 mg) is above the usual maximum",
        ),
        (None, body(dose="0.25", unit="g", frequency="once_daily"), "dose", "daily dose (250 mg)"),
        ("fluoxetine", body(), "drug_name", "already takes another SSRI: Fluoxetine"),
        ("allergy-drug", body(), "drug_name", "allergy or intolerance to sertraline"),
        ("allergy-class", body(), "drug_name", "allergy or intolerance to SSRIs"),
    ],
)
def test_a_safety_warning_refuses_the_order_unless_overridden(world, api_client, setup, data, field, message):
    if setup == "fluoxetine":
        make_order(world, drug_name="Fluoxetine", dose=Decimal("20"))
    elif setup == "allergy-drug":
        allergy(world, "sertraline")
    elif setup == "allergy-class":
        allergy(world, "SSRIs")
    priya = api_client(world.psychiatrist)
    before = written()
    refused = priya.post(orders_url(world), data, format="json")
    assert refused.status_code == 400
    assert any(message in text for text in refused.json()[field]), refused.json()
    assert "give an override reason" in refused.json()[field][0]
    blank = priya.post(orders_url(world), {**data, "override_reason": "   "}, format="json")
    assert blank.status_code == 400
    assert written() == before
    made = priya.post(
        orders_url(world),
        {**data, "override_reason": "Discussed with the patient; benefits outweigh"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["override_reason"] == "Discussed with the patient; benefits outweigh"
    order = MedicationOrder.objects.get(pk=made.json()["id"])
    assert order.override_reason == "Discussed with the patient; benefits outweigh"
    assert priya.get(order_url(world, order)).json()["override_reason"] == order.override_reason


def test_within_the_maximum_a_formulary_drug_needs_no_override_and_takes_its_class(world, api_client):
    made = api_client(world.psychiatrist).post(
        orders_url(world), body(dose="100", frequency="twice_daily"), format="json"
    )
    assert made.status_code == 201
    assert made.json()["drug_class"] == "ssri" and made.json()["override_reason"] == ""
    wrong = api_client(world.psychiatrist).post(
        orders_url(world), body(drug_name="Quetiapine", drug_class="ssri"), format="json"
    )
    assert wrong.status_code == 400 and "Antipsychotic" in wrong.json()["drug_class"][0]
    unclassed = api_client(world.psychiatrist).post(
        orders_url(world), body(drug_name="Nothingazole", override_reason="Trial drug"), format="json"
    )
    assert unclassed.status_code == 400 and "drug_class" in unclassed.json()


def test_weekly_injection_counts_a_seventh_of_a_dose_a_day(world, api_client):
    made = api_client(world.psychiatrist).post(
        orders_url(world),
        body(drug_name="Haloperidol", dose="350", route="im", frequency="weekly"),
        format="json",
    )
    assert made.status_code == 201  # 50 mg a day, under 100


def test_a_change_needs_a_reason_and_is_dose_and_allergy_checked(world, api_client, page_client):
    order = make_order(world)
    priya = api_client(world.psychiatrist)
    before = written()
    no_reason = priya.patch(order_url(world, order), {"dose": "100"}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["reason"] == ["Give the reason for this change."]
    too_much = priya.patch(order_url(world, order), {"dose": "250", "reason": "No response"}, format="json")
    assert too_much.status_code == 400 and "above the usual maximum" in too_much.json()["dose"][0]
    assert written() == before
    changed = priya.patch(
        order_url(world, order),
        {"dose": "250", "reason": "No response", "override_reason": "Specialist advice, levels monitored"},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["change_reason"] == "No response"
    assert changed.json()["override_reason"] == "Specialist advice, levels monitored"
    page = page_client(world.therapist).get(reverse("medication_page", args=[world.patient.pk]))
    assert "Override: Specialist advice, levels monitored" in page.content.decode()
    # an allergy recorded since: the next change is checked against it
    allergy(world, "Sertraline")
    current = MedicationOrder.objects.get(pk=changed.json()["id"])
    again = priya.patch(order_url(world, current), {"dose": "200", "reason": "Lower"}, format="json")
    assert again.status_code == 400 and "allergy" in again.json()["drug_name"][0]


def test_the_page_shows_the_warning_and_an_override_makes_the_order(world, page_client):
    make_order(world, drug_name="Fluoxetine", dose=Decimal("20"))
    priya = page_client(world.psychiatrist)
    url = reverse("medication_order_create", args=[world.patient.pk])
    form = body(indication="Depression")
    before = written()
    refused = priya.post(url, form)
    assert refused.status_code == 400
    assert "already takes another SSRI: Fluoxetine" in refused.content.decode()
    assert written() == before
    made = priya.post(url, {**form, "override_reason": "Cross-taper from fluoxetine"})
    assert made.status_code == 302
    page = priya.get(made["Location"]).content.decode()
    assert "Sertraline 50 mg oral once daily started." in page
    assert "Override: Cross-taper from fluoxetine" in page
    order = MedicationOrder.objects.get(drug_name="Sertraline")
    detail = priya.get(reverse("medication_order_change", args=[world.patient.pk, order.pk])).content.decode()
    assert "Override reason" in detail and "Cross-taper from fluoxetine" in detail
