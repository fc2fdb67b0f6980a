"""Care-team membership is the source of truth for access, and changes take effect at once."""

from django.urls import reverse

from careteam.models import AuditEvent
from patients.models import CareTeamMember, PatientUserObjectPermission


def test_joining_grants_and_leaving_revokes_object_permissions(world, api_client):
    admin = api_client(world.admin)
    response = admin.post(
        f"/api/v1/patients/{world.patient.pk}/care-team/",
        {"user": world.newcomer.pk, "role": "therapist"},
        format="json",
    )
    assert response.status_code == 201
    perms = set(
        PatientUserObjectPermission.objects.filter(
            user=world.newcomer, content_object=world.patient
        ).values_list("permission__codename", flat=True)
    )
    assert perms == {"view_patient", "change_patient", "edit_careplan"}
    assert (
        api_client(world.newcomer).get(f"/api/v1/patients/{world.patient.pk}/care-plan/").status_code == 200
    )

    member_id = response.json()["id"]
    assert admin.delete(f"/api/v1/patients/{world.patient.pk}/care-team/{member_id}/").status_code == 204
    assert not PatientUserObjectPermission.objects.filter(user=world.newcomer).exists()
    actions = list(
        AuditEvent.objects.filter(object_type="careteammember", object_id=str(member_id)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["grant", "revoke"]


def test_removal_takes_effect_on_the_next_request(world, page_client, api_client):
    browser = page_client(world.psychiatrist)
    api = api_client(world.psychiatrist)
    detail = reverse("patient_detail", args=[world.patient.pk])
    assert browser.get(detail).status_code == 200
    assert api.get(f"/api/v1/patients/{world.patient.pk}/").status_code == 200

    member = world.member(world.psychiatrist)
    response = page_client(world.admin).post(reverse("care_team_remove", args=[world.patient.pk, member.pk]))
    assert response.status_code == 302

    assert browser.get(detail).status_code == 404
    assert api.get(f"/api/v1/patients/{world.patient.pk}/").status_code == 404
    assert api.get(f"/api/v1/patients/{world.patient.pk}/care-plan/").status_code == 404
    assert api.get("/api/v1/patients/").json()["count"] == 0


def test_admin_adds_member_on_the_patient_page(world, page_client):
    client = page_client(world.admin)
    response = client.post(
        reverse("care_team_add", args=[world.patient.pk]),
        {"user": world.newcomer.pk, "role": "therapist"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Nick New joined the care team." in response.content.decode()
    assert CareTeamMember.objects.filter(patient=world.patient, user=world.newcomer).exists()


def test_bad_care_team_input_writes_nothing(world, api_client):
    admin = api_client(world.admin)
    url = f"/api/v1/patients/{world.patient.pk}/care-team/"
    before = CareTeamMember.objects.count(), PatientUserObjectPermission.objects.count()
    cases = [
        ({"user": world.newcomer.pk, "role": "surgeon"}, "role"),
        ({"user": world.newcomer.pk, "role": "psychiatrist"}, "role"),  # a therapist
        ({"user": 999999, "role": "therapist"}, "user"),
        ({"user": world.therapist.pk, "role": "therapist"}, "user"),  # already on the team
        ({"user": world.admin.pk, "role": "therapist"}, "role"),  # admins are not clinicians
        ({"role": "therapist"}, "user"),
    ]
    for payload, field in cases:
        response = admin.post(url, payload, format="json")
        assert response.status_code == 400, payload
        assert field in response.json(), (payload, response.json())
    assert (CareTeamMember.objects.count(), PatientUserObjectPermission.objects.count()) == before


def test_member_of_another_patient_is_not_found(world, api_client):
    other_member = world.other_patient.team_members.get()
    response = api_client(world.admin).delete(
        f"/api/v1/patients/{world.patient.pk}/care-team/{other_member.pk}/"
    )
    assert response.status_code == 404
    assert CareTeamMember.objects.filter(pk=other_member.pk).exists()


def test_outsider_cannot_touch_another_teams_patient_bola(world, api_client):
    """The database is unchanged after an outsider's attempts (status and rows both checked);
    each attempt leaves only its "denied" audit row."""
    api = api_client(world.outsider)
    before = (
        AuditEvent.objects.exclude(action__in=["view", "list", "denied"]).count(),
        CareTeamMember.objects.count(),
        world.patient.care_plan.version,
    )
    assert (
        api.patch(f"/api/v1/patients/{world.patient.pk}/", {"phone": "1"}, format="json").status_code == 404
    )
    assert (
        api.patch(
            f"/api/v1/patients/{world.patient.pk}/care-plan/", {"problems": "x", "version": 1}, format="json"
        ).status_code
        == 404
    )
    assert (
        api.post(
            f"/api/v1/patients/{world.patient.pk}/care-team/",
            {"user": world.outsider.pk, "role": "therapist"},
            format="json",
        ).status_code
        == 404
    )
    world.patient.care_plan.refresh_from_db()
    denied = AuditEvent.objects.filter(action="denied", actor=world.outsider, patient_id=world.patient.pk)
    assert denied.count() == 3
    after = (
        AuditEvent.objects.exclude(action__in=["view", "list", "denied"]).count(),
        CareTeamMember.objects.count(),
        world.patient.care_plan.version,
    )
    assert after == before
    world.patient.refresh_from_db()
    assert world.patient.phone == ""
