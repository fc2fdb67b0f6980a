"""The shared care plan: versioned, and a stale edit never overwrites a colleague's change."""

from django.urls import reverse

from patients.models import CarePlan, CarePlanRevision, Goal


def plan_url(world):
    return f"/api/v1/patients/{world.patient.pk}/care-plan/"


def test_two_users_edit_the_same_plan_the_second_is_refused_api(world, api_client):
    theo, priya = api_client(world.therapist), api_client(world.psychiatrist)
    # Both open version 1 ...
    version = theo.get(plan_url(world)).json()["version"]
    assert priya.get(plan_url(world)).json()["version"] == version
    # ... Theo saves first ...
    first = theo.patch(
        plan_url(world), {"problems": "Depression, moderate", "version": version}, format="json"
    )
    assert first.status_code == 200 and first.json()["version"] == version + 1
    # ... Priya's save, based on the old version, is refused and changes nothing.
    second = priya.patch(plan_url(world), {"problems": "Anxiety", "version": version}, format="json")
    assert second.status_code == 409
    assert "changed by Theo Rivera since you opened it" in second.json()["detail"]
    assert second.json()["current_version"] == version + 1
    plan = CarePlan.objects.get(patient=world.patient)
    assert plan.problems == "Depression, moderate" and plan.version == version + 1


def test_stale_if_match_gets_412(world, api_client):
    theo = api_client(world.therapist)
    etag = theo.get(plan_url(world))["ETag"]
    assert (
        theo.patch(plan_url(world), {"problems": "A"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    )
    stale = theo.patch(plan_url(world), {"problems": "B"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert CarePlan.objects.get(patient=world.patient).problems == "A"


def test_edit_without_a_version_is_refused(world, api_client):
    response = api_client(world.therapist).patch(plan_url(world), {"problems": "A"}, format="json")
    assert response.status_code == 400 and "version" in response.json()
    assert CarePlan.objects.get(patient=world.patient).problems == ""


def test_two_users_edit_the_same_plan_the_second_is_refused_page(world, page_client):
    url = reverse("care_plan_edit", args=[world.patient.pk])
    form = {
        "problems": "",
        "therapy_interventions": "",
        "medication_interventions": "",
        "case_management_interventions": "",
        "next_review_date": "",
        "version": "1",
    }
    first = page_client(world.case_manager).post(url, {**form, "problems": "Housing loss"})
    assert first.status_code == 302
    second = page_client(world.therapist).post(url, {**form, "problems": "Low mood"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "Not saved." in body and "changed by Carmen Lopez" in body
    assert "Housing loss" in body  # the saved version is shown
    assert "Low mood" in body  # and the refused text is kept in the form
    assert CarePlan.objects.get(patient=world.patient).problems == "Housing loss"


def test_every_change_leaves_a_revision_saying_what_changed(world, api_client, page_client):
    theo = api_client(world.therapist)
    theo.patch(plan_url(world), {"problems": "v2 problems", "version": 1}, format="json")
    theo.patch(plan_url(world), {"problems": "v3 problems", "version": 2}, format="json")
    numbers = list(
        CarePlanRevision.objects.filter(care_plan__patient=world.patient)
        .order_by("number")
        .values_list("number", "summary")
    )
    # opened, goal added (fixture), two edits
    assert [n for n, _ in numbers] == [1, 2, 3, 4]
    assert numbers[2][1] == "Edited problems"
    # Issue 10: what changed, not a copy of the whole plan and its goals.
    revision = CarePlanRevision.objects.get(care_plan__patient=world.patient, number=3)
    assert revision.changes == {"fields": {"problems": ["", "v2 problems"]}} and revision.snapshot is None
    assert CarePlanRevision.objects.get(care_plan__patient=world.patient, number=4).changes == {
        "fields": {"problems": ["v2 problems", "v3 problems"]}
    }
    page = page_client(world.therapist).get(reverse("care_plan_history", args=[world.patient.pk]))
    assert "v2 problems" in page.content.decode() and "v3 problems" in page.content.decode()


def test_goals_have_their_own_version(world, api_client):
    url = f"/api/v1/patients/{world.patient.pk}/care-plan/goals/{world.goal.pk}/"
    theo, carmen = api_client(world.therapist), api_client(world.case_manager)
    assert theo.patch(url, {"status": "met", "version": 1}, format="json").status_code == 200
    stale = carmen.patch(url, {"status": "discontinued", "version": 1}, format="json")
    assert stale.status_code == 409
    assert Goal.objects.get(pk=world.goal.pk).status == "met"


def test_bad_goal_input_writes_nothing(world, api_client, page_client):
    url = f"/api/v1/patients/{world.patient.pk}/care-plan/goals/"
    before = Goal.objects.count(), CarePlanRevision.objects.count()
    response = api_client(world.therapist).post(
        url, {"description": "", "measurable_target": "PHQ-9 < 5", "target_date": "soon"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"description", "target_date"}
    page = page_client(world.therapist).post(
        reverse("goal_create", args=[world.patient.pk]),
        {"description": "Sleep", "measurable_target": "", "target_date": "2027-13-01", "status": "active"},
    )
    assert page.status_code == 400
    assert set(page.context["form"].errors) == {"measurable_target", "target_date"}
    assert (Goal.objects.count(), CarePlanRevision.objects.count()) == before


def test_patient_page_shows_plan_and_goals_to_the_team(world, page_client):
    body = (
        page_client(world.psychiatrist)
        .get(reverse("patient_detail", args=[world.patient.pk]))
        .content.decode()
    )
    assert "Care plan" in body and "Fewer depressive days" in body and "PHQ-9 &lt; 5" in body
