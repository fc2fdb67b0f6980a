"""The audit log page: a table of when / who / what / which record, its changes in words (never
a Python dict), filtered with the same form as the API, paged, one date format."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from careteam import audit
from careteam.audit_text import changes_text, record_text
from careteam.models import AuditEvent
from patients.services import patient_update

AUDIT = reverse("audit_log")
AT = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=datetime.UTC)


def _row_texts(body: str) -> str:
    return body.split('<tbody id="audit-rows">', 1)[1].split("</tbody>", 1)[0]


def test_the_audit_log_is_a_table_of_who_what_which_record_when_in_words(world, page_client):
    with time_machine.travel(AT, tick=False):
        patient_update(actor=world.therapist, patient=world.patient, phone="555-0199", status="discharged")
        audit.record(
            actor=world.therapist,
            action=audit.Action.VIEW,
            object_type="assessment",
            object_id=25,
            patient_id=world.patient.pk,
            changes={"break_glass": 3},
        )
        audit.record(
            actor=world.case_manager,
            action=audit.Action.DENIED,
            object_type="patient",
            object_id=world.patient.pk,
            patient_id=world.patient.pk,
            changes={"status": 404, "method": "GET", "route": "therapy_overview"},
        )
    response = page_client(world.admin).get(AUDIT)
    assert response.status_code == 200
    body = response.content.decode()
    headers = body.split("<thead>", 1)[1].split("</thead>", 1)[0]
    for column in ("When", "Who", "What", "Which record", "Patient", "Details"):
        assert f'<th scope="col">{column}</th>' in headers
    rows = _row_texts(body)
    assert "status: active → discharged" in rows
    assert "fields changed: phone" in rows
    assert "Assessment 25" in rows and "break-glass grant 3" in rows
    # (PostgreSQL's jsonb keeps keys in its own order: each part on its own)
    assert "refused: 404" in rows and "method: GET" in rows and "route: therapy overview" in rows
    assert "Theo" in rows and "Access refused" in rows and "Updated" in rows
    assert '<time datetime="2026-12-03T14:05:00+00:00">3 Dec 2026, 14:05</time>' in rows
    # never a Python dict, nor ISO dates as text
    assert "{" not in rows and "&#x27;" not in rows and "2026-12-03 14:05" not in rows
    # the phone number itself is not in the log
    assert "555-0199" not in body


def test_the_audit_log_filters_by_action_patient_and_dates(world, page_client):
    with time_machine.travel(AT, tick=False):
        audit.record(
            actor=world.therapist,
            action=audit.Action.REVIEW,
            object_type="psychiatricreview",
            object_id=world.patient.pk,
            patient_id=world.patient.pk,
            changes={"reviewed": True},
        )
    client = page_client(world.admin)
    rows = _row_texts(client.get(AUDIT, {"action": "review", "patient": world.patient.pk}).content.decode())
    assert "Psychiatric review" in rows and "reviewed" in rows
    assert rows.count("<tr>") == 1
    outside = client.get(AUDIT, {"action": "review", "since": "2026-12-04"})
    assert outside.status_code == 200 and "No audit entries match" in outside.content.decode()
    inside = client.get(AUDIT, {"action": "review", "since": "2026-12-03", "until": "2026-12-03"})
    assert list(inside.context["page"]) == list(AuditEvent.objects.filter(action="review"))
    bad = client.get(AUDIT, {"patient": "x"})
    assert bad.status_code == 400 and "Enter a whole number." in bad.content.decode()


@pytest.mark.parametrize(
    ("changes", "action", "text"),
    [
        ({"status": ["active", "discharged"]}, "update", "status: active → discharged"),
        ({"phone": "changed", "email": "changed"}, "update", "fields changed: phone, email"),
        (
            {"fields": ["goals", "review_date"], "version": 4},
            "update",
            "fields changed: goals, review date; version: 4",
        ),
        ({"break_glass": 3}, "view", "break-glass grant 3"),
        ({"status": 403, "method": "POST", "route": "x"}, "denied", "refused: 403; method: POST; route: x"),
        ({"refused": "not found for this user"}, "view", "refused: not found for this user"),
        ({"role": [None, "therapist"]}, "create", "role: none → therapist"),
        ({"goals": [{"id": 5, "added": {"title": "t"}}]}, "update", "goal 5 added"),
        ({"goals": [{"id": 5, "fields": {"target": [1, 2]}}]}, "update", "goal 5: target: 1 → 2"),
        ({"method": "session", "mfa": False}, "sign_in", "method: session; not mfa"),
        ({}, "view", ""),
    ],
)
def test_changes_read_as_words(changes, action, text):
    assert changes_text(changes, action=action) == text


def test_records_are_named_by_type_and_id():
    assert record_text("therapysession", "12") == "Therapy session 12"
    assert record_text("something_new", "7") == "Something new 7"
