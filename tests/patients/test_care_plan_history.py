"""Issue 10 in the care plan: the review date is never set in the past, a revision stores what
changed (not the whole plan), old full-snapshot revisions stay readable, the history is paged."""

import datetime

from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from patients import services
from patients.models import CarePlan, CarePlanRevision

TODAY = timezone.localdate


def plan_url(world):
    return f"/api/v1/patients/{world.patient.pk}/care-plan/"


def counts():
    return CarePlanRevision.objects.count(), AuditEvent.objects.filter(action="update").count()


def page_form(**fields):
    return {
        "problems": "",
        "therapy_interventions": "",
        "medication_interventions": "",
        "case_management_interventions": "",
        "next_review_date": "",
        "version": "1",
        **fields,
    }


def test_a_review_date_in_the_past_is_400_on_the_field_and_writes_nothing(world, api_client, page_client):
    before = counts()
    yesterday = (TODAY() - datetime.timedelta(days=1)).isoformat()
    response = api_client(world.therapist).patch(
        plan_url(world), {"next_review_date": yesterday, "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "past" in response.json()["next_review_date"][0]
    page = page_client(world.therapist).post(
        reverse("care_plan_edit", args=[world.patient.pk]), page_form(next_review_date=yesterday)
    )
    assert page.status_code == 400 and "next_review_date" in page.context["form"].errors
    far = api_client(world.therapist).patch(
        plan_url(world), {"next_review_date": "2200-01-01", "version": 1}, format="json"
    )
    assert far.status_code == 400 and "next_review_date" in far.json()
    assert counts() == before
    plan = CarePlan.objects.get(patient=world.patient)
    assert plan.next_review_date is None and plan.version == 1


def test_a_plan_whose_review_date_has_passed_can_still_be_saved(world, api_client):
    passed = TODAY() - datetime.timedelta(days=10)
    CarePlan.objects.filter(patient=world.patient).update(next_review_date=passed)  # set in the past, then
    response = api_client(world.therapist).patch(
        plan_url(world),
        {"problems": "Low mood", "next_review_date": passed.isoformat(), "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (
        api_client(world.therapist)
        .patch(plan_url(world), {"problems": "x", "version": 2}, format="json")
        .status_code
        == 200
    )
    # ... and moved to today or later.
    soon = (TODAY() + datetime.timedelta(days=30)).isoformat()
    assert (
        api_client(world.therapist)
        .patch(plan_url(world), {"next_review_date": soon, "version": 3}, format="json")
        .status_code
        == 200
    )


def test_a_revision_stores_what_changed(world, api_client):
    theo = api_client(world.therapist)
    soon = TODAY() + datetime.timedelta(days=14)
    theo.patch(
        plan_url(world),
        {"problems": "Low mood", "next_review_date": soon.isoformat(), "version": 1},
        format="json",
    )
    edit = CarePlanRevision.objects.filter(care_plan__patient=world.patient).order_by("-number").first()
    assert edit.changes == {
        "fields": {"problems": ["", "Low mood"], "next_review_date": [None, soon.isoformat()]}
    }
    assert edit.snapshot is None
    # A goal edit: the goal's changed fields only.
    goal_url = f"/api/v1/patients/{world.patient.pk}/care-plan/goals/{world.goal.pk}/"
    assert theo.patch(goal_url, {"status": "met", "version": 1}, format="json").status_code == 200
    edit = CarePlanRevision.objects.filter(care_plan__patient=world.patient).order_by("-number").first()
    assert edit.changes == {"goals": [{"id": world.goal.pk, "fields": {"status": ["active", "met"]}}]}
    # A new goal: what it was made with.
    made = theo.post(
        f"/api/v1/patients/{world.patient.pk}/care-plan/goals/",
        {"description": "Sleep", "measurable_target": "7 h", "target_date": "2027-06-01"},
        format="json",
    )
    assert made.status_code == 201
    added = CarePlanRevision.objects.filter(care_plan__patient=world.patient).order_by("-number").first()
    assert added.changes["goals"][0]["added"]["description"] == "Sleep"


def test_many_edits_stay_small(world):
    for _ in range(30):  # with many goals, each edit stores one field, not every goal again
        services.goal_create(
            actor=world.therapist,
            patient=world.patient,
            description="A long goal description " * 20,
            measurable_target="PHQ-9 < 5",
            target_date=datetime.date(2027, 6, 1),
        )
    for version in range(1, 11):
        services.care_plan_update(
            actor=world.therapist, patient=world.patient, version=version, problems=f"edit {version}"
        )
    last = CarePlanRevision.objects.filter(care_plan__patient=world.patient).order_by("-number").first()
    assert len(str(last.changes)) < 200


def test_the_history_page_shows_changes_and_old_snapshots(world, api_client, page_client):
    plan = CarePlan.objects.get(patient=world.patient)
    # A revision written before issue 10: a full snapshot, no changes.
    CarePlanRevision.objects.create(
        care_plan=plan,
        number=90,
        summary="Edited problems",
        changed_by=world.therapist,
        snapshot={
            "problems": "Old-style problems",
            "therapy_interventions": "",
            "medication_interventions": "",
            "case_management_interventions": "",
            "next_review_date": None,
            "version": 2,
            "goals": [
                {
                    "id": 1,
                    "description": "Old goal",
                    "measurable_target": "PHQ-9 < 5",
                    "target_date": "2026-01-01",
                    "status": "active",
                    "version": 1,
                }
            ],
        },
    )
    api_client(world.therapist).patch(
        plan_url(world), {"problems": "New problems", "version": 1}, format="json"
    )
    body = (
        page_client(world.therapist)
        .get(reverse("care_plan_history", args=[world.patient.pk]))
        .content.decode()
    )
    assert "Old-style problems" in body and "Old goal" in body
    assert "New problems" in body and "Plan as it then was" in body


def test_the_history_is_paginated(world, page_client):
    for version in range(1, 26):
        services.care_plan_update(
            actor=world.therapist, patient=world.patient, version=version, problems=f"edit {version}"
        )
    url = reverse("care_plan_history", args=[world.patient.pk])
    client = page_client(world.therapist)
    first = client.get(url)
    assert len(first.context["page"]) == 20 and "Page 1 of 2" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert second.status_code == 200 and len(second.context["page"]) == 27 - 20  # opened, goal, 25 edits
    assert "Care plan opened" in second.content.decode()
