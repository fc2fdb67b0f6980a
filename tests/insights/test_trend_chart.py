"""The PHQ-9/GAD-7 trend chart on the patient page: server-side SVG with severity bands,
medication changes on the time axis and a text description, for the care team only."""

import datetime
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from medication import services as medication_services
from tests.medication.factories import make_order
from therapy import services as therapy_services


def record(world, instrument, total, days_ago):
    size = 9 if instrument == "PHQ9" else 7
    answers = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    therapy_services.assessment_record(
        actor=world.therapist,
        patient=world.patient,
        instrument=instrument,
        answers=answers + [0] * (size - len(answers)),
        administered_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def chart_html(client, patient) -> str:
    body = client.get(reverse("patient_detail", args=[patient.pk])).content.decode()
    match = re.search(r"<svg.*?</svg>", body, re.S)
    return match.group(0) if match else ""


def test_no_measures_yet_still_draws_bands_and_says_so(world, page_client):
    svg = chart_html(page_client(world.therapist), world.patient)
    assert svg, "the chart is on the patient page"
    assert svg.count("data-band=") == 5
    assert "No PHQ-9 or GAD-7 recorded yet" in svg
    assert "<title" in svg and "<desc" in svg
    assert "<polyline" not in svg


def test_one_measure_is_one_dot(world, page_client):
    record(world, "PHQ9", 12, 0)
    svg = chart_html(page_client(world.psychiatrist), world.patient)
    assert 'data-series="PHQ9"' in svg and svg.count("<circle") == 1
    assert f"PHQ-9 12 on {timezone.localdate().isoformat()}" in svg
    assert "PHQ-9: one measure, 12" in svg


def test_many_measures_with_medication_changes(world, page_client):
    for total, days in ((21, 70), (17, 56), (13, 42), (9, 14)):
        record(world, "PHQ9", total, days)
    for total, days in ((15, 70), (10, 14)):
        record(world, "GAD7", total, days)
    order = make_order(world, start_date=timezone.localdate() - datetime.timedelta(days=60))
    medication_services.medication_order_change(
        reason="Clinical review",
        actor=world.psychiatrist,
        patient=world.patient,
        order=order,
        dose=Decimal("100"),
        effective_date=timezone.localdate() - datetime.timedelta(days=30),
    )
    svg = chart_html(page_client(world.case_manager), world.patient)
    phq9 = re.search(r'data-series="PHQ9">\s*<polyline points="([^"]+)"', svg).group(1)
    assert len(phq9.split()) == 4
    ys = [float(point.split(",")[1]) for point in phq9.split()]
    assert ys == sorted(ys), "falling scores go down the chart (larger y)"
    assert 'data-series="GAD7"' in svg
    assert svg.count('class="medication-marker"') == 2
    assert "Sertraline 50 mg started" in svg
    assert "dose changed from 50 mg to 100 mg" in svg
    assert "PHQ-9: 4 measures, from 21" in svg and "to 9 on" in svg
    assert "Severe" in svg and "None to minimal" in svg


def test_chart_is_for_the_care_team_only(world, page_client):
    record(world, "PHQ9", 12, 0)
    # The admin sees the demographics page, not the chart.
    body = page_client(world.admin).get(reverse("patient_detail", args=[world.patient.pk])).content.decode()
    assert "measure-trend" not in body and "<svg" not in body
    assert (
        page_client(world.outsider).get(reverse("patient_detail", args=[world.patient.pk])).status_code == 404
    )


def test_chart_offers_the_review_to_the_psychiatrist_when_waiting(world, page_client):
    from flags import services as flags

    flags.flag_raise(
        actor=world.therapist,
        patient=world.patient,
        category="clinical_change",
        severity="routine",
        message="Not improving",
    )
    body = (
        page_client(world.psychiatrist)
        .get(reverse("patient_detail", args=[world.patient.pk]))
        .content.decode()
    )
    assert "Waiting for psychiatric review since" in body
    assert reverse("psychiatric_review_done", args=[world.patient.pk]) in body
    theo = (
        page_client(world.therapist).get(reverse("patient_detail", args=[world.patient.pk])).content.decode()
    )
    assert "Waiting for psychiatric review since" in theo
    assert reverse("psychiatric_review_done", args=[world.patient.pk]) not in theo
