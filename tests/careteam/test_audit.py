"""Every read and write of a patient's record is audited, with ids only."""

import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from careteam.models import AuditEvent
from careteam.roles import Role
from tests.patients.factories import make_patient

CANARY_FIRST, CANARY_LAST = "Zebediah", "Quuxcanary"


@pytest.fixture
def canary(world):

    return make_patient(
        actor=world.admin,
        first_name=CANARY_FIRST,
        last_name=CANARY_LAST,
        record_number="MRN-CANARY-77",
        phone="555-7777",
        email="zebediah@example.org",
        address="1 Canary Lane",
        team=[(world.therapist, Role.THERAPIST)],
    )


def _rows_for(patient_id, since_id):
    return list(AuditEvent.objects.filter(patient_id=patient_id, id__gt=since_id).order_by("id"))


def test_each_read_and_write_leaves_a_row_with_actor_and_object(world, canary, api_client, page_client):
    pid = canary.pk
    theo_api, theo_page = api_client(world.therapist), page_client(world.therapist)
    steps = [
        (lambda: theo_api.get(f"/api/v1/patients/{pid}/"), ("view", "patient", str(pid))),
        (lambda: theo_api.get("/api/v1/patients/"), ("list", "patient", str(pid))),
        (lambda: theo_page.get(reverse("patient_detail", args=[pid])), ("view", "patient", str(pid))),
        (lambda: theo_page.get(reverse("patient_list")), ("list", "patient", str(pid))),
        (
            lambda: theo_api.get(f"/api/v1/patients/{pid}/care-plan/"),
            ("view", "careplan", str(canary.care_plan.pk)),
        ),
        (lambda: theo_page.get(reverse("patient_edit", args=[pid])), ("view", "patient", str(pid))),
        (
            lambda: theo_page.get(reverse("care_plan_edit", args=[pid])),
            ("view", "careplan", str(canary.care_plan.pk)),
        ),
        (lambda: theo_api.get(f"/api/v1/patients/{pid}/care-team/"), ("view", "careteam", str(pid))),
        (
            lambda: theo_api.patch(f"/api/v1/patients/{pid}/", {"phone": "555-0000"}, format="json"),
            ("update", "patient", str(pid)),
        ),
        (
            lambda: theo_api.patch(
                f"/api/v1/patients/{pid}/care-plan/", {"problems": "Grief", "version": 1}, format="json"
            ),
            ("update", "careplan", str(canary.care_plan.pk)),
        ),
        (
            lambda: theo_api.post(
                f"/api/v1/patients/{pid}/care-plan/goals/",
                {
                    "description": "Walk daily",
                    "measurable_target": "5 days/week",
                    "target_date": "2027-01-01",
                },
                format="json",
            ),
            ("create", "goal", None),
        ),
    ]
    for call, (action, object_type, object_id) in steps:
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        response = call()
        assert response.status_code in (200, 201), response.status_code
        rows = [
            r
            for r in _rows_for(pid, last)
            if (r.action, r.object_type) == (action, object_type)
            and (object_id is None or r.object_id == object_id)
        ]
        # (A page may record more reads besides, e.g. the components' sections of the patient
        # page; the row for this record must be among them.)
        assert len(rows) == 1, f"expected one audit row for {action} {object_type} {object_id}"
        assert rows[0].actor == world.therapist
        assert rows[0].request_id  # ties the row to the request


def test_no_audit_row_holds_patient_data(world, canary, api_client, page_client):
    pid = canary.pk
    theo = api_client(world.therapist)
    theo.get(f"/api/v1/patients/{pid}/")
    theo.patch(
        f"/api/v1/patients/{pid}/", {"first_name": "Zebediahh", "address": "2 Canary Rd"}, format="json"
    )
    api_client(world.admin).patch(f"/api/v1/patients/{pid}/", {"last_name": "Quuxcanaryy"}, format="json")
    page_client(world.admin).get(reverse("audit_log"))
    dump = json.dumps(
        [
            [row.action, row.object_type, row.object_id, row.request_id, row.changes, str(row)]
            for row in AuditEvent.objects.all()
        ]
    )
    for secret in (CANARY_FIRST, CANARY_LAST, "MRN-CANARY-77", "555-7777", "Canary Lane", "zebediah@"):
        assert secret.lower() not in dump.lower()
    assert AuditEvent.objects.filter(patient_id=pid, action="update").count() == 2


def test_admin_filters_the_audit_log(world, page_client, api_client):
    api_client(world.therapist).get(f"/api/v1/patients/{world.patient.pk}/")
    client = page_client(world.admin)
    response = client.get(reverse("audit_log"), {"actor": world.therapist.pk, "action": "view"})
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert rows and all(r.actor == world.therapist and r.action == "view" for r in rows)
    api = api_client(world.admin).get(f"/api/v1/audit/?patient={world.patient.pk}&action=view")
    assert api.status_code == 200
    assert {r["patient_id"] for r in api.json()["results"]} == {world.patient.pk}
    bad = client.get(reverse("audit_log"), {"since": "2027-01-02", "until": "2027-01-01"})
    assert bad.status_code == 400 and "The end date is before the start date." in bad.content.decode()


def test_audit_log_is_not_editable_through_the_application(world, api_client):
    event = AuditEvent.objects.first()
    api = api_client(world.admin)
    assert api.patch(f"/api/v1/audit/{event.pk}/", {"action": "x"}, format="json").status_code == 404
    assert api.delete("/api/v1/audit/").status_code == 405
    assert api.post("/api/v1/audit/", {}, format="json").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_update_and_delete_of_audit_rows(world):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (CI runs this on PostgreSQL)")

    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == event.action
