"""Every refused request on a patient path leaves one "denied" audit row (API.md "Sessions and
tokens"): the caller, the patient's id, the status and the route, ids only. The permission
matrix checks the same on every route; these tell the story with named people."""

import json

import pytest
from django.db import connection
from django.urls import reverse

from careteam.models import AuditEvent
from patients.models import Patient


def denied(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, **filters))


def test_outsider_404_on_an_existing_patient_leaves_one_row_with_ids_only(world, api_client):
    """Olivia probes Jordan's record, with Jordan's name in the query string and the body."""
    url = reverse("api_patient_detail", kwargs={"patient_id": world.patient.pk})
    response = api_client(world.outsider).patch(
        f"{url}?search={world.patient.last_name}", {"phone": world.patient.last_name}, format="json"
    )
    assert response.status_code == 404

    rows = denied()
    assert len(rows) == 1
    row = rows[0]
    assert row.actor == world.outsider
    assert (row.object_type, row.object_id, row.patient_id) == (
        "patient",
        str(world.patient.pk),
        world.patient.pk,
    )
    assert row.changes == {"status": 404, "method": "PATCH", "route": "api_patient_detail"}
    assert row.request_id == response["X-Request-ID"]
    stored = json.dumps([row.object_type, row.object_id, row.request_id, row.changes])
    for phi in (world.patient.last_name, world.patient.first_name, world.patient.record_number, "search"):
        assert phi not in stored
    # The refusal itself changed nothing.
    world.patient.refresh_from_db()
    assert world.patient.phone == ""


def test_outsider_404_on_a_page_is_audited_too(world, page_client):
    response = page_client(world.outsider).get(
        reverse("patient_detail", kwargs={"patient_id": world.patient.pk})
    )
    assert response.status_code == 404
    [row] = denied()
    assert (row.actor, row.patient_id) == (world.outsider, world.patient.pk)
    assert row.changes == {"status": 404, "method": "GET", "route": "patient_detail"}


def test_404_for_a_patient_that_does_not_exist_writes_nothing(world, api_client, page_client):
    missing = (Patient.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    before = AuditEvent.objects.count()
    assert api_client(world.outsider).get(f"/api/v1/patients/{missing}/").status_code == 404
    assert page_client(world.therapist).get(reverse("patient_detail", args=[missing])).status_code == 404
    assert AuditEvent.objects.count() == before


def test_403_for_the_wrong_role_on_the_team_leaves_one_row(world, api_client):
    """Theo is on Jordan's team, but only an admin assigns the care team."""
    response = api_client(world.therapist).post(
        reverse("api_care_team", kwargs={"patient_id": world.patient.pk}),
        {"user": world.newcomer.pk, "role": "therapist"},
        format="json",
    )
    assert response.status_code == 403
    [row] = denied()
    assert (row.actor, row.patient_id) == (world.therapist, world.patient.pk)
    assert row.changes == {"status": 403, "method": "POST", "route": "api_care_team"}
    assert not world.patient.team_members.filter(user=world.newcomer).exists()


def test_a_team_members_404_on_their_own_patient_is_not_a_refusal(world, api_client):
    """A page past the end of Jordan's flags is not there; Theo was not refused anything."""
    url = reverse("api_patient_flags", kwargs={"patient_id": world.patient.pk})
    assert api_client(world.therapist).get(f"{url}?page=99").status_code == 404
    assert denied() == []


def test_anonymous_callers_are_sent_to_sign_in_and_leave_no_row(world, api_client, page_client):
    assert api_client(None).get(f"/api/v1/patients/{world.patient.pk}/").status_code == 401
    assert page_client(None).get(reverse("patient_detail", args=[world.patient.pk])).status_code == 302
    assert denied() == []


@pytest.fixture
def atomic_requests():
    """Each view in a transaction of its own (ATOMIC_REQUESTS), rolled back when it raises."""
    saved = connection.settings_dict.get("ATOMIC_REQUESTS", False)
    connection.settings_dict["ATOMIC_REQUESTS"] = True
    yield
    connection.settings_dict["ATOMIC_REQUESTS"] = saved


def test_the_row_is_kept_when_the_views_transaction_rolls_back(world, page_client, atomic_requests):
    """The page view raises PermissionDenied inside its transaction; the row is written after
    the rollback, outside it."""
    response = page_client(world.therapist).post(
        reverse("care_team_add", kwargs={"patient_id": world.patient.pk}),
        {"user": world.newcomer.pk, "role": "therapist"},
    )
    assert response.status_code == 403
    [row] = denied()
    assert (row.actor, row.patient_id, row.changes["status"]) == (world.therapist, world.patient.pk, 403)
