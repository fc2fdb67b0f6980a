"""The medication part of the patient page: what the patient takes now, how it changed, and the
side effects still open — for the care team only."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from careteam.dates import day_text
from careteam.models import AuditEvent
from medication import services
from tests.insights.page_audit import shown
from tests.medication.factories import make_order, make_side_effect

DAY = datetime.timedelta(days=1)


def _history(world):
    today = timezone.localdate()
    first = make_order(world, start_date=today - 90 * DAY)
    current = services.medication_order_change(
        reason="Clinical review",
        actor=world.psychiatrist,
        patient=world.patient,
        order=first,
        dose=Decimal("100"),
        effective_date=today - 30 * DAY,
    )
    stopped = make_order(
        world,
        drug_name="Lorazepam",
        drug_class="anxiolytic",
        dose=Decimal("0.5"),
        frequency="as_needed",
        start_date=today - 60 * DAY,
    )
    services.medication_order_discontinue(
        actor=world.psychiatrist,
        patient=world.patient,
        order=stopped,
        reason="Tapered off",
        effective_date=today - 20 * DAY,
    )
    return first, current, stopped


def test_patient_page_shows_current_medication_changes_and_open_side_effects(world, page_client):
    first, current, stopped = _history(world)
    open_report = make_side_effect(world, order=current, symptom="Tremor in the hands")
    resolved = make_side_effect(world, order=current, symptom="Vivid dreams")
    services.side_effect_status_update(
        actor=world.therapist, patient=world.patient, report=resolved, status="resolved"
    )
    response = page_client(world.case_manager).get(reverse("patient_detail", args=[world.patient.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    section = body[body.index('id="medication-heading"') :]
    current_table = section[: section.index("Changes over time")]
    # current list: only the active order, with class, dose, route, frequency and since
    assert "Sertraline" in current_table and "100 mg" in current_table and "SSRI" in current_table
    assert "once daily" in current_table and day_text(current.start_date) in current_table
    assert "Lorazepam" not in current_table and "50 mg" not in current_table
    # the compact history, with dates
    today = timezone.localdate()
    assert f"{day_text(today - 30 * DAY)}</time> Sertraline: dose changed from 50 mg to 100 mg" in section
    assert f"{day_text(today - 90 * DAY)}</time> Sertraline started, 50 mg oral once daily" in section
    assert f"{day_text(today - 20 * DAY)}</time> Lorazepam discontinued" in section
    # open side effects only
    assert "Tremor in the hands" in section and "Vivid dreams" not in section
    assert reverse("medication_page", args=[world.patient.pk]) in section
    # what the section showed is audited (in the page's one audit row)
    orders = shown(actor=world.case_manager, patient=world.patient, kind="medicationorder")
    assert orders == {str(first.pk), str(current.pk), str(stopped.pk)}
    assert str(open_report.pk) in shown(
        actor=world.case_manager, patient=world.patient, kind="sideeffectreport"
    )


def test_admin_sees_no_medication_on_the_patient_page(world, page_client):
    make_order(world)
    body = page_client(world.admin).get(reverse("patient_detail", args=[world.patient.pk])).content.decode()
    assert "Sertraline" not in body and 'id="medication-heading"' not in body
    assert not AuditEvent.objects.filter(actor=world.admin, object_type="medicationorder").exists()


def test_only_psychiatrists_get_the_start_link(world, page_client):
    url = reverse("patient_detail", args=[world.patient.pk])
    start = reverse("medication_order_create", args=[world.patient.pk])
    assert start in page_client(world.psychiatrist).get(url).content.decode()
    assert start not in page_client(world.therapist).get(url).content.decode()
