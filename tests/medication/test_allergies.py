"""Allergies and intolerances: any member of Jordan's team records them; they show on the
medication page and on the prescribing form; bad input is 400 with nothing written."""

from django.urls import reverse

from medication.models import Allergy
from tests.medication.test_orders import written


def url(world):
    return reverse("api_allergy_list", args=[world.patient.pk])


def test_the_case_manager_records_an_allergy_and_the_team_sees_it(world, api_client, page_client):
    made = api_client(world.case_manager).post(
        url(world), {"substance": "Lamotrigine", "reaction": "Rash", "severity": "severe"}, format="json"
    )
    assert made.status_code == 201
    assert made.json()["recorded_by"] == world.case_manager.pk
    listed = api_client(world.psychiatrist).get(url(world)).json()
    assert listed["count"] == 1 and listed["results"][0]["substance"] == "Lamotrigine"
    page = (
        page_client(world.therapist).get(reverse("medication_page", args=[world.patient.pk])).content.decode()
    )
    assert "Allergies and intolerances" in page and "Lamotrigine" in page and "Severe" in page
    assert api_client(world.outsider).get(url(world)).status_code == 404


def test_bad_allergy_input_is_400_and_writes_nothing(world, api_client, page_client):
    before = written()
    for data, field in [
        ({"substance": "", "reaction": "Rash", "severity": "mild"}, "substance"),
        ({"substance": "x" * 121, "reaction": "Rash", "severity": "mild"}, "substance"),
        ({"substance": "SSRI", "reaction": "r" * 201, "severity": "mild"}, "reaction"),
        ({"substance": "SSRI", "reaction": "Rash", "severity": "deadly"}, "severity"),
    ]:
        response = api_client(world.therapist).post(url(world), data, format="json")
        assert response.status_code == 400 and field in response.json(), (data, response.json())
        page = page_client(world.therapist).post(
            reverse("medication_allergy_create", args=[world.patient.pk]), data
        )
        assert page.status_code == 400 and field in page.context["form"].errors
    assert written() == before
    assert not Allergy.objects.exists()


def test_the_page_form_records_an_allergy(world, page_client):
    theo = page_client(world.therapist)
    response = theo.post(
        reverse("medication_allergy_create", args=[world.patient.pk]),
        {"substance": "SSRI", "reaction": "Serotonin syndrome", "severity": "severe"},
    )
    assert response.status_code == 302
    page = theo.get(response["Location"]).content.decode()
    assert "Allergy to SSRI recorded." in page and "Serotonin syndrome" in page
