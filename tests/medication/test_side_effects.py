"""Side-effect reports: any team member reports one against one of the patient's orders, and any
team member acknowledges and resolves it; status only moves forward."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from careteam.roles import Role
from medication import services
from medication.models import SideEffectReport
from tests.medication.factories import make_order, make_side_effect
from tests.patients.factories import make_patient

DAY = datetime.timedelta(days=1)


def url(world) -> str:
    return reverse("api_side_effect_list", args=[world.patient.pk])


def detail_url(world, report) -> str:
    return reverse("api_side_effect_detail", args=[world.patient.pk, report.pk])


def report_data(order, **overrides) -> dict:
    data = {
        "order": order.pk,
        "symptom": "Nausea after morning dose",
        "severity": "moderate",
        "onset_date": (order.start_date + DAY).isoformat(),
        "notes": "Eats little at lunch",
    }
    data.update(overrides)
    return data


def written() -> tuple[int, int]:
    return (
        SideEffectReport.objects.count(),
        AuditEvent.objects.filter(object_type="sideeffectreport", action__in=["create", "update"]).count(),
    )


def test_therapist_reports_a_side_effect_api(world, api_client):
    order = make_order(world)
    response = api_client(world.therapist).post(url(world), report_data(order), format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["severity"], body["reported_by"]) == ("open", "moderate", world.therapist.pk)
    report = SideEffectReport.objects.get(pk=body["id"])
    assert report.patient == world.patient and report.order == order
    event = AuditEvent.objects.get(object_type="sideeffectreport", action="create")
    assert event.changes == {"order": order.pk, "severity": "moderate", "status": "open"}
    assert "Nausea" not in str(event.changes)


def test_report_a_side_effect_page(world, page_client):
    order = make_order(world)
    carmen = page_client(world.case_manager)
    response = carmen.post(
        reverse("medication_side_effect_create", args=[world.patient.pk]),
        report_data(order, symptom="Dry mouth", severity="mild"),
    )
    assert response.status_code == 302
    page = carmen.get(response["Location"]).content.decode()
    assert "Side effect reported." in page and "Dry mouth" in page


def test_side_effect_on_another_patients_order_is_400(world, api_client, page_client):
    other = make_patient(
        actor=world.admin, team=[(world.psychiatrist, Role.PSYCHIATRIST), (world.therapist, Role.THERAPIST)]
    )
    foreign = make_order(world, patient=other)
    before = written()
    api = api_client(world.therapist).post(url(world), report_data(foreign), format="json")
    assert api.status_code == 400
    assert api.json()["order"] == [f"No medication order {foreign.pk} for this patient."]
    page = page_client(world.therapist).post(
        reverse("medication_side_effect_create", args=[world.patient.pk]), report_data(foreign)
    )
    assert page.status_code == 400 and "order" in page.context["form"].errors
    assert written() == before
    # and the service itself refuses it, whoever calls it
    with pytest.raises(ValidationError) as refused:
        services.side_effect_report(
            actor=world.therapist,
            patient=world.patient,
            order=foreign,
            symptom="Nausea",
            severity="mild",
            onset_date=foreign.start_date,
        )
    assert refused.value.message_dict["order"] == ["Choose one of this patient's medication orders."]
    assert written() == before


BAD_REPORTS = [
    (
        lambda order: {"onset_date": (timezone.localdate() + DAY).isoformat()},
        "onset_date",
        "The onset date cannot be in the future.",
    ),
    (lambda order: {"onset_date": (order.start_date - DAY).isoformat()}, "onset_date", None),
    (lambda order: {"severity": "catastrophic"}, "severity", None),
    (lambda order: {"symptom": ""}, "symptom", None),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_REPORTS)
def test_bad_report_is_400_with_nothing_written(world, api_client, page_client, overrides, field, message):
    order = make_order(world)
    before = written()
    data = report_data(order, **overrides(order))
    api = api_client(world.therapist).post(url(world), data, format="json")
    assert api.status_code == 400 and field in api.json()
    page = page_client(world.therapist).post(
        reverse("medication_side_effect_create", args=[world.patient.pk]), data
    )
    assert page.status_code == 400 and field in page.context["form"].errors
    if message:
        assert api.json()[field] == [message]
        assert page.context["form"].errors[field] == [message]
    assert written() == before


def test_acknowledge_then_resolve_api(world, api_client):
    report = make_side_effect(world)
    ack = api_client(world.psychiatrist).patch(
        detail_url(world, report), {"status": "acknowledged"}, format="json"
    )
    assert ack.status_code == 200
    assert ack.json()["status"] == "acknowledged"
    assert ack.json()["acknowledged_by"] == world.psychiatrist.pk
    done = api_client(world.case_manager).patch(
        detail_url(world, report), {"status": "resolved"}, format="json"
    )
    assert done.status_code == 200 and done.json()["resolved_by"] == world.case_manager.pk
    changes = list(
        AuditEvent.objects.filter(object_type="sideeffectreport", action="update")
        .order_by("id")
        .values_list("changes", flat=True)
    )
    assert changes == [{"status": ["open", "acknowledged"]}, {"status": ["acknowledged", "resolved"]}]


def test_status_only_moves_forward(world, api_client):
    report = make_side_effect(world)
    theo = api_client(world.therapist)
    assert theo.patch(detail_url(world, report), {"status": "resolved"}, format="json").status_code == 200
    before = written()
    for status in ("acknowledged", "resolved", "open", "bogus"):
        response = theo.patch(detail_url(world, report), {"status": status}, format="json")
        assert response.status_code == 400 and "status" in response.json()
    assert written() == before
    assert SideEffectReport.objects.get(pk=report.pk).status == "resolved"


def test_acknowledge_and_resolve_from_the_page(world, page_client):
    report = make_side_effect(world, symptom="Headache")
    priya = page_client(world.psychiatrist)
    status_url = reverse("medication_side_effect_status", args=[world.patient.pk, report.pk])
    page = priya.get(reverse("medication_page", args=[world.patient.pk])).content.decode()
    assert 'aria-label="Acknowledge Headache"' in page and 'aria-label="Resolve Headache"' in page
    response = priya.post(status_url, {"status": "acknowledged"})
    assert response.status_code == 302
    assert "Side effect marked acknowledged." in priya.get(response["Location"]).content.decode()
    again = priya.post(status_url, {"status": "acknowledged"})
    assert again.status_code == 400
    assert "This report is already acknowledged." in again.content.decode()
    assert priya.post(status_url, {"status": "resolved"}).status_code == 302
    assert SideEffectReport.objects.get(pk=report.pk).status == "resolved"


def test_report_of_another_patient_is_404(world, api_client, page_client):
    other = make_patient(
        actor=world.admin, team=[(world.psychiatrist, Role.PSYCHIATRIST), (world.therapist, Role.THERAPIST)]
    )
    foreign = make_side_effect(world, order=make_order(world, patient=other))
    theo = api_client(world.therapist)
    assert theo.get(detail_url(world, foreign)).status_code == 404
    assert theo.patch(detail_url(world, foreign), {"status": "resolved"}, format="json").status_code == 404
    page = page_client(world.therapist).post(
        reverse("medication_side_effect_status", args=[world.patient.pk, foreign.pk]), {"status": "resolved"}
    )
    assert page.status_code == 404
    assert SideEffectReport.objects.get(pk=foreign.pk).status == "open"


def test_list_filter_and_read_audit(world, api_client):
    open_report = make_side_effect(world)
    resolved = make_side_effect(world, order=open_report.order, symptom="Insomnia")
    services.side_effect_status_update(
        actor=world.therapist, patient=world.patient, report=resolved, status="resolved"
    )
    carmen = api_client(world.case_manager)
    only_open = carmen.get(url(world), {"status": "open"}).json()
    assert [row["id"] for row in only_open["results"]] == [open_report.pk]
    assert carmen.get(url(world), {"status": "closed"}).status_code == 400
    carmen.get(detail_url(world, resolved))
    audited = AuditEvent.objects.filter(actor=world.case_manager, object_type="sideeffectreport")
    assert list(audited.filter(action="list").values_list("object_id", flat=True)) == [str(open_report.pk)]
    assert audited.filter(action="view", object_id=str(resolved.pk)).count() == 1


def test_resolving_a_side_effect_resolves_its_flag_and_the_flag_links_to_its_status_page(
    world, api_client, page_client
):
    from flags import sources
    from flags.models import Flag

    report = make_side_effect(world)
    flag = Flag.objects.get(source_type="sideeffectreport", source_id=report.pk)
    status_page = reverse("medication_side_effect_status", args=[world.patient.pk, report.pk])
    assert sources.record_url("sideeffectreport", report.pk, world.patient.pk) == status_page
    assert page_client(world.psychiatrist).get(status_page).status_code == 200
    # The flag's page offers to resolve the report (which resolves the flag as well).
    flag_page = page_client(world.psychiatrist).get(reverse("flag_detail", args=[flag.pk])).content.decode()
    assert 'id="resolve-the-report"' in flag_page and f'href="{status_page}"' in flag_page
    ack = api_client(world.psychiatrist).patch(
        detail_url(world, report), {"status": "acknowledged"}, format="json"
    )
    assert ack.status_code == 200
    flag.refresh_from_db()
    assert flag.status != "resolved"
    done = page_client(world.case_manager).post(status_page, {"status": "resolved"})
    assert done.status_code == 302
    flag.refresh_from_db()
    assert flag.status == "resolved"
