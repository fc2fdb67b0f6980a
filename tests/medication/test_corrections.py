"""Entered in error (API.md "Corrections"): Priya marks an order she wrote for the wrong
patient, Carmen an adherence observation she recorded, Theo a side effect he reported. The
record stays in lists and the timeline, marked, and counts nowhere; flags a rule raised from it
are resolved. Others on the team get 403, outsiders 404, and a missing reason 400."""

import datetime

from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from flags.models import Flag
from insights.components import medication as component
from medication import selectors
from medication.models import AdherenceObservation, MedicationOrder, SideEffectReport
from tests.medication.factories import make_adherence, make_order, make_side_effect

DAY = datetime.timedelta(days=1)
WHY = {"reason": "Entered on the wrong patient"}


def eie(world, collection, record_id):
    return f"/api/v1/patients/{world.patient.pk}/{collection}/{record_id}/entered-in-error/"


def marks():
    return AuditEvent.objects.filter(action="entered_in_error").count()


def test_psychiatrist_marks_an_order_entered_in_error(world, api_client, page_client):
    order = make_order(world)
    for who in (world.therapist, world.case_manager):
        assert (
            api_client(who).post(eie(world, "medication-orders", order.pk), WHY, format="json").status_code
            == 403
        )
    assert (
        api_client(world.outsider)
        .post(eie(world, "medication-orders", order.pk), WHY, format="json")
        .status_code
        == 404
    )
    blank = api_client(world.psychiatrist).post(
        eie(world, "medication-orders", order.pk), {"reason": " "}, format="json"
    )
    assert blank.status_code == 400 and "reason" in blank.json()
    assert (
        api_client(world.psychiatrist)
        .post(eie(world, "medication-orders", order.pk), {}, format="json")
        .status_code
        == 400
    )
    assert marks() == 0 and not MedicationOrder.objects.get(pk=order.pk).entered_in_error

    done = api_client(world.psychiatrist).post(eie(world, "medication-orders", order.pk), WHY, format="json")
    assert done.status_code == 200
    assert done.json()["entered_in_error"] is True
    assert done.json()["entered_in_error_reason"] == WHY["reason"]
    assert AuditEvent.objects.filter(
        action="entered_in_error",
        object_type="medicationorder",
        object_id=str(order.pk),
        actor=world.psychiatrist,
    ).exists()
    # not current, not a chart marker; in the history and the timeline, marked
    assert list(selectors.current_orders(patient=world.patient)) == []
    assert component.medication_changes(world.patient.pk) == []
    entries = component.timeline_entries(
        patient_id=world.patient.pk, since=None, until=None, before=None, limit=10
    )
    assert [(e.kind, e.entered_in_error) for e in entries] == [("medication_start", True)]
    page = (
        page_client(world.therapist).get(reverse("medication_page", args=[world.patient.pk])).content.decode()
    )
    assert 'class="entered-in-error"' in page and "<del>Sertraline</del>" in page
    assert '<strong class="in-error">Entered in error</strong>' in page
    # it cannot be changed, and the same drug can be prescribed afresh
    again = api_client(world.psychiatrist).patch(
        reverse("api_medication_order_detail", args=[world.patient.pk, order.pk]),
        {"dose": "100", "reason": "x"},
        format="json",
    )
    assert again.status_code == 400
    assert make_order(world).pk != order.pk
    twice = api_client(world.psychiatrist).post(eie(world, "medication-orders", order.pk), WHY, format="json")
    assert twice.status_code == 400


def test_a_missed_dose_flag_is_resolved_when_its_observation_was_in_error(world, api_client, settings):
    settings.NON_ADHERENCE_FLAG_AFTER = 2
    order = make_order(world)
    first = make_adherence(world, order=order, status="missed", observed_on=order.start_date + DAY)
    second = make_adherence(world, order=order, status="missed", observed_on=order.start_date + 2 * DAY)
    flag = Flag.objects.get(category="non_adherence")
    assert flag.status != "resolved"
    theo = api_client(world.therapist)
    assert theo.post(eie(world, "adherence", second.pk), WHY, format="json").status_code == 403
    assert (
        api_client(world.outsider).post(eie(world, "adherence", second.pk), WHY, format="json").status_code
        == 404
    )
    assert (
        api_client(world.case_manager).post(eie(world, "adherence", second.pk), {}, format="json").status_code
        == 400
    )
    assert marks() == 0
    done = api_client(world.case_manager).post(eie(world, "adherence", second.pk), WHY, format="json")
    assert done.status_code == 200 and done.json()["entered_in_error"] is True
    flag.refresh_from_db()
    assert flag.status == "resolved"
    # a new miss after the erroneous one does not make a run with it
    make_adherence(world, order=order, status="missed", observed_on=order.start_date + 3 * DAY)
    assert Flag.objects.filter(category="non_adherence").exclude(status="resolved").count() == 1
    assert first.pk  # the earlier miss still counts: first + third make the run
    # the figure leaves it out
    start, end = order.start_date, timezone.localdate()
    rate = component.team_metrics(patient_ids=[world.patient.pk], start=start, end=end)["adherence_rate"]
    assert rate["denominator"] == 2


def test_the_reporter_marks_a_side_effect_in_error_and_its_flag_is_resolved(world, api_client, page_client):
    report = make_side_effect(world)  # reported by Theo
    flag = Flag.objects.get(source_type="sideeffectreport", source_id=report.pk)
    for who in (world.psychiatrist, world.case_manager):
        assert (
            api_client(who).post(eie(world, "side-effects", report.pk), WHY, format="json").status_code == 403
        )
    assert (
        api_client(world.outsider).post(eie(world, "side-effects", report.pk), WHY, format="json").status_code
        == 404
    )
    blank = api_client(world.therapist).post(eie(world, "side-effects", report.pk), {}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()
    assert marks() == 0 and not SideEffectReport.objects.get(pk=report.pk).entered_in_error
    done = api_client(world.therapist).post(eie(world, "side-effects", report.pk), WHY, format="json")
    assert done.status_code == 200 and done.json()["entered_in_error"] is True
    flag.refresh_from_db()
    assert flag.status == "resolved"
    assert SideEffectReport.objects.get(pk=report.pk).entered_in_error
    assert list(selectors.unresolved_side_effects(patient=world.patient)) == []
    listed = api_client(world.psychiatrist).get(f"/api/v1/patients/{world.patient.pk}/side-effects/").json()
    assert [r["entered_in_error"] for r in listed["results"]] == [True]
    page = (
        page_client(world.therapist).get(reverse("medication_page", args=[world.patient.pk])).content.decode()
    )
    assert f'id="side-effect-{report.pk}" class="entered-in-error"' in page


def test_an_order_in_error_leaves_the_adherence_figure(world):
    order = make_order(world)
    make_adherence(world, order=order, status="taken")
    order.entered_in_error_at = timezone.now()
    order.save(update_fields=["entered_in_error_at"])
    start, end = order.start_date, timezone.localdate()
    rate = component.team_metrics(patient_ids=[world.patient.pk], start=start, end=end)["adherence_rate"]
    assert rate["denominator"] == 0
    assert AdherenceObservation.objects.count() == 1


def test_the_medication_page_marks_an_order_entered_in_error(world, page_client):
    """The psychiatrist does it in the browser too: a link, a form with the reason, and the
    order struck through and labelled; without a reason, 400 and nothing written."""
    from django.urls import reverse

    from medication.models import MedicationOrder

    order = make_order(world)
    page = reverse("medication_page", args=[world.patient.pk])
    form_url = reverse("medication_order_entered_in_error", args=[world.patient.pk, order.pk])
    priya = page_client(world.psychiatrist)
    assert form_url in priya.get(page).content.decode()
    assert form_url not in page_client(world.therapist).get(page).content.decode()
    refused = priya.post(form_url, {"reason": ""})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    assert not MedicationOrder.objects.get(pk=order.pk).entered_in_error
    done = priya.post(form_url, {"reason": "Prescribed for the wrong patient"})
    assert done.status_code == 302
    assert (
        MedicationOrder.objects.get(pk=order.pk).entered_in_error_reason == "Prescribed for the wrong patient"
    )
    body = priya.get(page).content.decode()
    assert 'class="entered-in-error"' in body and "Entered in error: Prescribed for the wrong patient" in body
