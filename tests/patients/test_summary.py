"""The per-patient summary and the treatment-status rule of API.md, in SQL (a generated column)
and in Python."""

import datetime

import pytest

from patients import summary
from patients.models import PatientSummary
from patients.treatment import treatment_status_of

D = datetime.date(2026, 1, 5)


@pytest.mark.parametrize(
    ("count", "baseline", "latest", "status"),
    [
        (0, None, None, "no-data"),
        (1, 20, 20, "baseline-only"),
        (2, 20, 4, "remission"),  # PHQ-9 4: remission
        (2, 20, 5, "response"),  # PHQ-9 5 is not remission; a 75% drop
        (2, 20, 10, "response"),  # exactly 50%
        (2, 20, 11, "partial-response"),  # 45%
        (2, 20, 15, "partial-response"),  # exactly 25%
        (2, 20, 16, "not-improving"),  # 20%
        (2, 17, 13, "not-improving"),  # 23.5%
        (2, 100, 51, "partial-response"),  # 49% (arithmetic only: scores stop at 27)
        (2, 100, 76, "not-improving"),  # 24%
        (2, 10, 12, "not-improving"),  # a rise
    ],
)
def test_treatment_status_at_every_threshold(world, count, baseline, latest, status):
    assert treatment_status_of(count=count, baseline=baseline, latest=latest) == status
    PatientSummary.objects.update_or_create(
        patient=world.patient,
        defaults={"phq9_count": count, "phq9_baseline": baseline, "phq9_latest": latest},
    )
    # The database's generated column follows the same rule.
    assert PatientSummary.objects.get(patient=world.patient).treatment_status == status


def test_measures_keep_baseline_and_latest_by_date(world):
    pid = world.patient.pk
    summary.measure_recorded(
        patient_id=pid, instrument="PHQ9", total=18, administered_on=D + datetime.timedelta(days=14)
    )
    summary.measure_recorded(patient_id=pid, instrument="PHQ9", total=20, administered_on=D)
    summary.measure_recorded(
        patient_id=pid, instrument="PHQ9", total=9, administered_on=D + datetime.timedelta(days=70)
    )
    row = PatientSummary.objects.get(patient_id=pid)
    assert (row.phq9_baseline, row.phq9_baseline_on, row.phq9_latest, row.phq9_count) == (20, D, 9, 3)
    assert row.gad7_count == 0


def test_review_list_entry_and_done(world):
    pid = world.patient.pk
    summary.review_enter(patient_id=pid, on=D)
    waiting = PatientSummary.objects.filter(summary.awaiting_review())
    assert list(waiting.values_list("patient_id", flat=True)) == [pid]
    summary.review_mark_done(actor=world.psychiatrist, patient_id=pid)
    assert not PatientSummary.objects.filter(summary.awaiting_review()).exists()


def test_a_new_review_flag_after_a_review_puts_the_patient_back_the_same_day(world):
    pid = world.patient.pk
    summary.review_enter(patient_id=pid)
    summary.review_mark_done(actor=world.psychiatrist, patient_id=pid)
    summary.review_enter(patient_id=pid)
    assert PatientSummary.objects.filter(summary.awaiting_review(), patient_id=pid).exists()
