"""The psychiatric review list: patients enter it through a clinical-change flag (raised by a
colleague or by the 10-weeks-without-50%-improvement rule) and leave it when the psychiatrist on
the team marks the review done."""

import datetime

from django.urls import reverse
from django.utils import timezone

from careteam.dates import day_text
from careteam.models import AuditEvent
from flags import services as flags
from flags.models import Flag
from patients.models import PatientSummary
from therapy import services as therapy_services

API = "/api/v1/psychiatric-review/"


def done_url(patient) -> str:
    return f"/api/v1/patients/{patient.pk}/psychiatric-review/"


def review_flag(world, patient=None) -> Flag:
    return flags.flag_raise(
        actor=world.therapist,
        patient=patient or world.patient,
        category="clinical_change",
        severity="routine",
        message="Low mood is back",
    )


def listed(client, query: str = "") -> dict[int, dict]:
    response = client.get(API + query)
    assert response.status_code == 200, response.content
    return {row["patient"]: row for row in response.json()["results"]}


def test_a_clinical_change_flag_puts_the_patient_on_everyones_list(world, api_client):
    review_flag(world)
    for user in (world.therapist, world.psychiatrist, world.case_manager):
        row = listed(api_client(user))[world.patient.pk]
        assert row["review_since"] == timezone.localdate().isoformat()
        assert row["reviewed"] is False and row["reviewed_at"] is None
    assert listed(api_client(world.outsider)) == {}


def test_the_ten_week_rule_puts_the_patient_on_the_list(world, api_client):
    today = timezone.localdate()
    for total, weeks_ago in ((18, 11), (15, 0)):  # 11 weeks, down only 17%
        therapy_services.assessment_record(
            actor=world.therapist,
            patient=world.patient,
            instrument="PHQ9",
            answers=[3] * (total // 3) + [0] * (9 - total // 3),
            administered_on=today - datetime.timedelta(weeks=weeks_ago),
        )
    row = listed(api_client(world.psychiatrist))[world.patient.pk]
    assert row["treatment_status"] == "not-improving"
    assert (row["phq9_baseline"], row["phq9_latest"]) == (18, 15)


def test_psychiatrist_marks_the_review_done(world, api_client):
    flag = review_flag(world)
    other = review_flag(world)
    response = api_client(world.psychiatrist).post(done_url(world.patient))
    assert response.status_code == 200, response.content
    assert response.json()["reviewed"] is True
    assert response.json()["reviewed_by"] == world.psychiatrist.pk
    assert listed(api_client(world.psychiatrist)) == {}
    reviewed = listed(api_client(world.therapist), "?show=reviewed")[world.patient.pk]
    assert reviewed["reviewed"] is True
    for f in (flag, other):
        f.refresh_from_db()
        assert f.status == "resolved" and f.resolution_note == "Psychiatric review done"
        assert f.resolved_by == world.psychiatrist
    assert AuditEvent.objects.filter(
        object_type="psychiatricreview", action="update", patient_id=world.patient.pk
    ).exists()


def test_other_roles_on_the_team_may_not_mark_it_done(world, api_client, page_client):
    flag = review_flag(world)
    for user in (world.therapist, world.case_manager):
        assert api_client(user).post(done_url(world.patient)).status_code == 403
        assert (
            page_client(user).post(reverse("psychiatric_review_done", args=[world.patient.pk])).status_code
            == 403
        )
    flag.refresh_from_db()
    assert flag.status != "resolved"
    assert world.patient.pk in listed(api_client(world.psychiatrist))


def test_outsider_gets_404_and_nothing_changes(world, api_client, page_client):
    """BOLA: a clinician of another team cannot close Jordan's review, nor see it."""
    review_flag(world)
    response = api_client(world.outsider).post(done_url(world.patient))
    assert response.status_code == 404 and "Avery" not in response.content.decode()
    assert (
        page_client(world.outsider)
        .post(reverse("psychiatric_review_done", args=[world.patient.pk]))
        .status_code
        == 404
    )
    page = page_client(world.outsider).get(reverse("psychiatric_review_list"))
    assert "Avery" not in page.content.decode()
    assert PatientSummary.objects.get(patient=world.patient).reviewed_at is None
    assert not Flag.objects.filter(status="resolved").exists()


def test_not_on_the_list_is_400(world, api_client):
    response = api_client(world.psychiatrist).post(done_url(world.patient))
    assert response.status_code == 400
    assert "patient" in response.json()


def test_review_list_page_flow(world, page_client):
    review_flag(world)
    client = page_client(world.psychiatrist)
    page = client.get(reverse("psychiatric_review_list"))
    body = page.content.decode()
    assert page.status_code == 200 and "Avery, Jordan" in body and "Mark review done" in body
    assert day_text(timezone.localdate()) in body  # one date format (careteam/dates.py)
    # The therapist sees the list, without the button.
    theo = page_client(world.therapist).get(reverse("psychiatric_review_list")).content.decode()
    assert "Avery, Jordan" in theo and "Mark review done" not in theo
    response = client.post(reverse("psychiatric_review_done", args=[world.patient.pk]), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("psychiatric_review_list")
    assert "Psychiatric review of Jordan Avery marked done." in body
    assert "Nobody is waiting for a psychiatric review." in body
    reviewed = client.get(reverse("psychiatric_review_list") + "?show=reviewed").content.decode()
    assert "Avery, Jordan" in reviewed and "Priya Shah" in reviewed


def test_a_new_flag_after_an_earlier_review_puts_the_patient_back(world, api_client):
    review_flag(world)
    PatientSummary.objects.filter(patient=world.patient).update(
        review_since=timezone.localdate() - datetime.timedelta(days=40),
        reviewed_at=timezone.now() - datetime.timedelta(days=30),
    )
    assert listed(api_client(world.psychiatrist)) == {}
    review_flag(world)
    assert world.patient.pk in listed(api_client(world.psychiatrist))


def test_bad_show_is_400(world, api_client):
    response = api_client(world.therapist).get(API + "?show=everything")
    assert response.status_code == 400 and "show" in response.json()
