"""seed_synthetic: a consistent synthetic database (run small here; the 100,000-patient run and
its timing are in bench/)."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min, Q

from careteam.models import AuditEvent, User
from casemanagement.models import OPEN_STATUSES, Referral, ReferralStatusChange
from flags.models import Flag
from medication.models import MedicationOrder
from patients import access
from patients.models import CarePlan, CareTeamMember, Patient, PatientSummary, PatientUserObjectPermission
from therapy.models import Assessment, TherapySession


@pytest.fixture
def seeded(db):
    call_command("seed_synthetic", "--patients", "200")


def test_counts_and_rows_for_every_part(seeded):
    assert Patient.objects.count() == 200
    clinicians = User.objects.filter(username__startswith="synth_")
    assert clinicians.count() == 6  # two teams of ~150 patients: therapist, psychiatrist, CM
    assert CareTeamMember.objects.count() == 600
    assert PatientUserObjectPermission.objects.count() == 1800  # 3 codenames x 3 roles x 200
    assert CarePlan.objects.count() == 200
    assert PatientSummary.objects.count() == 200
    assert TherapySession.objects.count() >= 600
    assert Assessment.objects.filter(instrument="PHQ9").exists()
    assert MedicationOrder.objects.filter(supersedes__isnull=False).exists()  # dose changes
    assert ReferralStatusChange.objects.count() > Referral.objects.count()
    assert not AuditEvent.objects.exists()


def test_a_seeded_clinician_sees_exactly_their_patients(seeded):
    theo = User.objects.get(username="synth_t_00001")
    mine = set(CareTeamMember.objects.filter(user=theo).values_list("patient_id", flat=True))
    assert len(mine) == 150
    assert set(access.team_patients(theo).values_list("pk", flat=True)) == mine
    other = User.objects.get(username="synth_p_00002")
    assert set(access.team_patients(other).values_list("pk", flat=True)).isdisjoint(mine)
    assert PatientSummary.objects.filter(patient_id__in=mine).count() == 150


def test_summaries_agree_with_the_measures(seeded):
    measures = {
        row["patient_id"]: row
        for row in Assessment.objects.filter(instrument="PHQ9")
        .values("patient_id")
        .annotate(n=Count("id"), first=Min("administered_on"), last=Max("administered_on"))
    }
    for row in PatientSummary.objects.all():
        m = measures.get(row.patient_id)
        assert row.phq9_count == (m["n"] if m else 0)
        if m:
            assert (row.phq9_baseline_on, row.phq9_latest_on) == (m["first"], m["last"])
            latest = Assessment.objects.get(
                patient_id=row.patient_id, instrument="PHQ9", administered_on=m["last"]
            )
            assert row.phq9_latest == latest.total


def test_summaries_agree_with_the_flags_and_referrals(seeded):
    """The registry's counts and due dates on the summary match the seeded records, as the
    services would have kept them."""
    flags = {
        row["patient_id"]: row
        for row in Flag.objects.exclude(status="resolved")
        .values("patient_id")
        .annotate(n=Count("id"), urgent=Count("id", filter=Q(severity="urgent")))
    }
    due: dict[int, list[str]] = {}
    for patient_id, day in (
        Referral.objects.filter(status__in=OPEN_STATUSES, follow_up_on__isnull=False)
        .order_by("follow_up_on")
        .values_list("patient_id", "follow_up_on")
    ):
        due.setdefault(patient_id, []).append(day.isoformat())
    plans = dict(CarePlan.objects.values_list("patient_id", "next_review_date"))
    assert flags and due
    for row in PatientSummary.objects.all():
        found = flags.get(row.patient_id, {"n": 0, "urgent": 0})
        assert (row.open_flags, row.urgent_flags) == (found["n"], found["urgent"])
        dates = due.get(row.patient_id, [])
        assert row.follow_up_dates == dates
        assert row.care_plan_review_on == plans[row.patient_id]
        assert row.follow_up_due_on == (datetime.date.fromisoformat(dates[0]) if dates else None)


def test_refuses_a_non_empty_database_unless_reuse(seeded):
    with pytest.raises(CommandError):
        call_command("seed_synthetic", "--patients", "10")
    call_command("seed_synthetic", "--patients", "10", "--reuse")
    assert Patient.objects.count() == 200
