"""The PHQ-9 / GAD-7 page form (issue 12): one message for unanswered items, an error summary
that links to each field with an error, the running total and band rendered from
therapy.scoring, and the self-harm warning on a re-displayed form. Refused input writes nothing."""

import datetime
import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from flags.models import Flag
from therapy import scoring
from therapy.forms import missing_answers_message
from therapy.models import Assessment

pytestmark = pytest.mark.django_db


def page_url(world, instrument="phq9"):
    return reverse("therapy_assessment_create", args=[world.patient.pk, instrument])


def counts():
    return (
        Assessment.objects.count(),
        Flag.objects.count(),
        AuditEvent.objects.filter(action="create").count(),
    )


def answers(items=9, **changes):
    data = {f"item_{n}": "1" for n in range(1, items + 1)}
    data["administered_on"] = ""
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


class Page(HTMLParser):
    """Elements by id, the error summary's links and text, radios by name."""

    def __init__(self, body: str) -> None:
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self.radios: dict[str, list[dict]] = {}
        self.summary_links: list[tuple[str, str]] = []
        self.summary_roles: list[str | None] = []
        self._in_summary = 0
        self._link: str | None = None
        self._link_text = ""
        self.tags: list[tuple[str, dict]] = []
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        a["_tag"] = tag
        self.tags.append((tag, a))
        if "id" in a:
            self.by_id[a["id"]] = a
        if tag == "input" and a.get("type") == "radio":
            self.radios.setdefault(a["name"], []).append(a)
        if self._in_summary and tag == "div":
            self._in_summary += 1
        if "error-summary" in (a.get("class") or "").split():
            self._in_summary = 1
            self.summary_roles.append(a.get("role"))
        if self._in_summary and tag == "a":
            self._link, self._link_text = a["href"], ""

    def handle_endtag(self, tag):
        if self._in_summary and tag == "a" and self._link is not None:
            self.summary_links.append((self._link, self._link_text.strip()))
            self._link = None
        if self._in_summary and tag == "div":
            self._in_summary -= 1

    def handle_data(self, data):
        if self._link is not None:
            self._link_text += data


def test_the_one_message_names_the_unanswered_items():
    assert missing_answers_message([4]) == "Answer every question: 1 is unanswered (item 4)."
    assert missing_answers_message([3, 7]) == "Answer every question: 2 are unanswered (items 3 and 7)."
    assert missing_answers_message([1, 2, 5]) == "Answer every question: 3 are unanswered (items 1, 2 and 5)."


def test_missing_answers_are_one_message_and_write_nothing(world, page_client):
    before = counts()
    response = page_client(world.therapist).post(page_url(world), answers(item_3=None, item_7=None))
    assert response.status_code == 400
    message = "Answer every question: 2 are unanswered (items 3 and 7)."
    assert response.context["form"].errors == {"__all__": [message]}
    body = response.content.decode()
    assert "This field is required." not in body
    assert body.count(message) == 1
    assert counts() == before


def test_an_empty_form_is_one_message_naming_every_item(world, page_client):
    before = counts()
    response = page_client(world.case_manager).post(page_url(world, "gad7"), {"administered_on": ""})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "__all__": ["Answer every question: 7 are unanswered (items 1, 2, 3, 4, 5, 6 and 7)."]
    }
    assert "This field is required." not in response.content.decode()
    assert counts() == before


def test_the_error_summary_links_to_the_first_unanswered_item_and_marks_each_invalid(world, page_client):
    response = page_client(world.therapist).post(page_url(world), answers(item_3=None, item_7=None))
    page = Page(response.content.decode())
    assert page.summary_roles == ["alert"]
    assert page.summary_links == [("#id_item_3", "Answer every question: 2 are unanswered (items 3 and 7).")]
    assert page.by_id["id_item_3"]["_tag"] == "fieldset"  # the link's target is the item's group
    for name, radios in page.radios.items():
        invalid = {r.get("aria-invalid") for r in radios}
        assert invalid == ({"true"} if name in ("item_3", "item_7") else {None}), name
    # the answers given are kept
    assert {r["value"] for r in page.radios["item_1"] if "checked" in r} == {"1"}


def test_the_error_summary_links_to_each_field_with_an_error(world, page_client):
    before = counts()
    response = page_client(world.therapist).post(page_url(world), answers(item_2=None, item_6="4"))
    assert response.status_code == 400
    assert counts() == before
    page = Page(response.content.decode())
    assert page.summary_links[0] == ("#id_item_2", "Answer every question: 1 is unanswered (item 2).")
    assert page.summary_links[1][0] == "#id_item_6"
    assert "Select a valid choice. 4 is not one of the available choices." in page.summary_links[1][1]
    assert len(page.summary_links) == 2
    assert page.by_id["id_item_2"]["_tag"] == page.by_id["id_item_6"]["_tag"] == "fieldset"


def test_the_error_summary_links_to_a_date_the_service_refused(world, page_client):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    before = counts()
    response = page_client(world.therapist).post(page_url(world), answers(administered_on=tomorrow))
    assert response.status_code == 400
    assert counts() == before
    page = Page(response.content.decode())
    assert page.summary_links == [
        ("#id_administered_on", "Completed on: The date it was completed cannot be in the future.")
    ]
    assert page.by_id["id_administered_on"]["_tag"] == "input"
    assert page.by_id["id_administered_on"].get("aria-invalid") == "true"


def test_a_fresh_form_has_no_error_summary(world, page_client):
    page = Page(page_client(world.therapist).get(page_url(world)).content.decode())
    assert page.summary_roles == [] and page.summary_links == []


def test_the_grid_gets_its_bands_from_scoring_and_its_script_from_static(world, page_client):
    for code, slug in ((scoring.PHQ9, "phq9"), (scoring.GAD7, "gad7")):
        page = Page(page_client(world.therapist).get(page_url(world, slug)).content.decode())
        form = next(a for tag, a in page.tags if tag == "form" and "data-measure-form" in a)
        assert json.loads(form["data-bands"]) == [
            {"low": b.low, "high": b.high, "severity": b.severity, "label": b.label}
            for b in scoring.INSTRUMENTS[code].bands
        ]
        assert form["data-max-total"] == str(scoring.INSTRUMENTS[code].max_total)
        scripts = [a for tag, a in page.tags if tag == "script"]
        assert any(a.get("src", "").endswith("careteam/measure-form.js") for a in scripts)
        # each answer is its own radio, labelled by its answer, in one group per item
        assert len(page.radios) == len(scoring.INSTRUMENTS[code].items)
        assert all(len(radios) == 4 for radios in page.radios.values())


def test_a_redisplayed_form_shows_the_running_total_and_the_self_harm_warning(world, page_client):
    client = page_client(world.therapist)
    response = client.post(page_url(world), answers(item_1=None, item_2="3", item_9="2"))
    assert response.status_code == 400
    body = response.content.decode()
    # 3 + 2 + six items at 1 = 11 of 27, moderate, 8 of 9 answered
    assert "<strong data-measure-total>11</strong> of 27" in body
    assert "<strong data-measure-band>Moderate</strong>" in body
    assert "(8 of 9 answered)" in body
    warning = Page(body).by_id["self-harm-warning"]
    assert "hidden" not in warning
    assert "an urgent safety flag goes to the patient's care team" in body
    assert Flag.objects.count() == 0  # nothing saved, no flag yet

    quiet = Page(client.post(page_url(world), answers(item_1=None, item_9="0")).content.decode())
    assert "hidden" in quiet.by_id["self-harm-warning"]
    assert "self-harm-warning" not in Page(client.get(page_url(world, "gad7")).content.decode()).by_id
