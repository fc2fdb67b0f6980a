"""Recording PHQ-9 and GAD-7: any team member, item by item on the page; refused input writes
nothing and says which item is wrong."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from tests.therapy.factories import make_assessment
from therapy.models import Assessment


def api_url(world):
    return f"/api/v1/patients/{world.patient.pk}/assessments/"


def page_url(world, instrument="phq9"):
    return reverse("therapy_assessment_create", args=[world.patient.pk, instrument])


def counts():
    return Assessment.objects.count(), AuditEvent.objects.filter(action="create").count()


@pytest.mark.parametrize("who", ["therapist", "psychiatrist", "case_manager"])
def test_any_team_member_records_a_phq9(world, api_client, who):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = api_client(getattr(world, who)).post(
        api_url(world),
        {
            "instrument": "PHQ9",
            "answers": [2, 2, 1, 1, 2, 1, 2, 1, 0],
            "administered_on": yesterday.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["total"], body["severity"], body["severity_label"]) == (12, "moderate", "Moderate")
    assessment = Assessment.objects.get(pk=body["id"])
    assert assessment.recorded_by == getattr(world, who)
    assert assessment.administered_on == yesterday
    event = AuditEvent.objects.get(object_type="assessment", object_id=str(assessment.pk), action="create")
    assert event.patient_id == world.patient.pk and event.changes == {"instrument": "PHQ9"}


def test_the_date_defaults_to_today(world, api_client):
    response = api_client(world.therapist).post(
        api_url(world), {"instrument": "GAD7", "answers": [0] * 7}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["administered_on"] == timezone.localdate().isoformat()


TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
BAD_API_INPUT = [
    ({"instrument": "PHQ9", "answers": [1] * 8}, "answers", "PHQ-9 has 9 items: got 8 answers."),
    ({"instrument": "GAD7", "answers": [1] * 9}, "answers", "GAD-7 has 7 items: got 9 answers."),
    ({"instrument": "PHQ9", "answers": [1, 1, 1, 1, 4, 1, 1, 1, 1]}, "answers", "Item 5: 4 is outside 0–3."),
    ({"instrument": "GAD7", "answers": [1, -1, 1, 1, 1, 1, 1]}, "answers", "Item 2: -1 is outside 0–3."),
    (
        {"instrument": "GAD7", "answers": [1, 1, 1, "x", 1, 1, 1]},
        "answers",
        "Item 4: the answer must be a whole number from 0 to 3.",
    ),
    (
        {"instrument": "PHQ9", "answers": "111111111"},
        "answers",
        "Send the answers as a list of numbers from 0 to 3.",
    ),
    (
        {"instrument": "PHQ9", "answers": [0] * 9, "administered_on": TOMORROW},
        "administered_on",
        "The date it was completed cannot be in the future.",
    ),
    ({"instrument": "BDI", "answers": [0] * 9}, "instrument", "not a valid choice"),
    ({"answers": [0] * 9}, "instrument", "This field is required."),
]


@pytest.mark.parametrize(("payload", "field", "message"), BAD_API_INPUT)
def test_bad_input_on_the_api_is_400_and_writes_nothing(world, api_client, payload, field, message):
    before = counts()
    response = api_client(world.therapist).post(api_url(world), payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert any(message in error for error in errors[field]), errors
    assert counts() == before


def test_every_wrong_item_is_named(world, api_client):
    response = api_client(world.therapist).post(
        api_url(world), {"instrument": "GAD7", "answers": [4, 0, 0, 9, 0, 0, 0, 1]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["answers"] == [
        "GAD-7 has 7 items: got 8 answers.",
        "Item 1: 4 is outside 0–3.",
        "Item 4: 9 is outside 0–3.",
    ]


def phq9_form(**changes):
    data = {f"item_{n}": "1" for n in range(1, 10)}
    data["administered_on"] = ""
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_page_asks_item_by_item(world, page_client):
    body = page_client(world.case_manager).get(page_url(world)).content.decode()
    assert body.count('type="radio"') == 9 * 4
    assert "Little interest or pleasure in doing things" in body
    assert "Thoughts that you would be better off dead" in body
    for label in ("Not at all", "Several days", "More than half the days", "Nearly every day"):
        assert label in body
    gad7 = page_client(world.case_manager).get(page_url(world, "gad7")).content.decode()
    assert gad7.count('type="radio"') == 7 * 4 and "Trouble relaxing" in gad7


def test_unknown_questionnaire_is_404(world, page_client):
    assert page_client(world.therapist).get(page_url(world, "bdi")).status_code == 404


def test_the_page_records_and_shows_score_and_band(world, page_client):
    answers = {
        "item_1": "3",
        "item_2": "3",
        "item_3": "2",
        "item_4": "2",
        "item_5": "1",
        "item_6": "1",
        "item_7": "2",
        "item_8": "1",
        "item_9": "1",
    }  # 16
    response = page_client(world.psychiatrist).post(page_url(world), phq9_form(**answers), follow=True)
    assert response.status_code == 200
    assessment = Assessment.objects.get()
    assert (assessment.total, assessment.severity) == (16, "moderately-severe")
    assert assessment.answers == [3, 3, 2, 2, 1, 1, 2, 1, 1]
    body = response.content.decode()
    assert "PHQ-9 recorded." in body
    assert "<strong>16</strong> of 27" in body and "Moderately severe" in body
    # item 9 above 0 is called out
    assert "Item 9 (thoughts of death or self-harm) was answered above 0" in body


BAD_PAGE_INPUT = [
    # a missing answer is one message for the form, naming the item (issue 12), not the field's own
    ({"item_4": None}, "__all__", "Answer every question: 1 is unanswered (item 4)."),
    ({"item_6": "4"}, "item_6", "Select a valid choice. 4 is not one of the available choices."),
    ({"item_2": "-1"}, "item_2", "Select a valid choice."),
    ({"administered_on": TOMORROW}, "administered_on", "The date it was completed cannot be in the future."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_PAGE_INPUT)
def test_bad_input_on_the_page_is_400_and_writes_nothing(world, page_client, change, field, message):
    before = counts()
    response = page_client(world.therapist).post(page_url(world), phq9_form(**change))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert message in response.content.decode()
    assert counts() == before


def test_list_is_newest_first_and_filters_by_instrument(world, api_client):
    old = make_assessment(actor=world.therapist, patient=world.patient, days_ago=30)
    new = make_assessment(actor=world.therapist, patient=world.patient, days_ago=1)
    gad = make_assessment(actor=world.therapist, patient=world.patient, instrument="GAD7", days_ago=10)
    api = api_client(world.case_manager)
    body = api.get(api_url(world)).json()
    assert body["count"] == 3 and [r["id"] for r in body["results"]] == [new.pk, gad.pk, old.pk]
    assert [r["id"] for r in api.get(api_url(world) + "?instrument=PHQ9").json()["results"]] == [
        new.pk,
        old.pk,
    ]
    bad = api.get(api_url(world) + "?instrument=BDI")
    assert bad.status_code == 400 and "instrument" in bad.json()
    reads = AuditEvent.objects.filter(action="list", object_type="assessment", actor=world.case_manager)
    assert {e.object_id for e in reads} == {str(old.pk), str(new.pk), str(gad.pk)}


def test_another_patients_assessment_is_not_found(world, api_client, page_client):
    theirs = make_assessment(actor=world.outsider, patient=world.other_patient)
    response = api_client(world.therapist).get(f"{api_url(world)}{theirs.pk}/")
    assert response.status_code == 404
    page = reverse("therapy_assessment_detail", args=[world.patient.pk, theirs.pk])
    assert page_client(world.therapist).get(page).status_code == 404


def test_outsider_cannot_record_a_measure_bola(world, api_client, page_client):
    before = counts()
    response = api_client(world.outsider).post(
        api_url(world), {"instrument": "PHQ9", "answers": [0] * 9}, format="json"
    )
    assert response.status_code == 404
    assert page_client(world.outsider).post(page_url(world), phq9_form()).status_code == 404
    assert page_client(world.admin).post(page_url(world), phq9_form()).status_code == 404
    assert counts() == before
