"""The figures the registry reads from patients.PatientSummary stay true as people work: open and
urgent flags, the earliest open follow-up date, the treatment status; and the migrations that
added them fill them in for the records already there."""

import datetime
import importlib

import time_machine
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from casemanagement import services as cm_services
from flags import services as flags
from insights.api import CaseloadRowSerializer
from patients import services as patient_services
from patients.models import CarePlan, PatientSummary
from tests.casemanagement.factories import make_referral
from tests.flags.factories import delivered_flag

API = "/api/v1/caseload/"


def summary_of(patient) -> PatientSummary:
    return PatientSummary.objects.get(patient=patient)


def caseload_row(client, patient, query=""):
    response = client.get(API + query)
    assert response.status_code == 200, response.content
    return {row["patient"]: row for row in response.json()["results"]}.get(patient.pk)


def test_a_registered_patient_starts_with_an_empty_summary(world):
    row = summary_of(world.patient)
    assert (row.treatment_status, row.open_flags, row.urgent_flags, row.follow_up_due_on) == (
        "no-data",
        0,
        0,
        None,
    )


def test_flag_counts_follow_raising_acknowledging_and_resolving(world, api_client):
    client = api_client(world.therapist)
    urgent = delivered_flag(
        patient=world.patient,
        by=world.therapist,
        category="safety",
        severity="urgent",
        message="Talked about ending it",
    )
    routine = flags.flag_raise(
        actor=world.case_manager,
        patient=world.patient,
        category="social",
        severity="routine",
        message="Lost the flat",
    )
    assert (summary_of(world.patient).open_flags, summary_of(world.patient).urgent_flags) == (2, 1)
    flags.flag_acknowledge(actor=world.psychiatrist, flag=urgent)  # acknowledged is still open
    row = caseload_row(client, world.patient)
    assert (row["open_flags"], row["urgent_flags"]) == (2, 1)
    assert caseload_row(client, world.patient, "?urgent=true") is not None

    flags.flag_resolve(actor=world.psychiatrist, flag=urgent, note="Safety plan agreed")
    row = caseload_row(client, world.patient)
    assert (row["open_flags"], row["urgent_flags"]) == (1, 0)
    assert caseload_row(client, world.patient, "?urgent=true") is None
    flags.flag_resolve(actor=world.case_manager, flag=routine, note="Housed")
    assert (summary_of(world.patient).open_flags, summary_of(world.patient).urgent_flags) == (0, 0)


def test_overdue_follows_the_open_referrals(world, api_client):
    client = api_client(world.case_manager)
    today = timezone.localdate()
    make_referral(
        actor=world.case_manager, patient=world.patient, follow_up_on=today + datetime.timedelta(days=5)
    )
    late = make_referral(
        actor=world.case_manager, patient=world.patient, follow_up_on=today - datetime.timedelta(days=2)
    )
    assert summary_of(world.patient).follow_up_due_on == today - datetime.timedelta(days=2)
    assert caseload_row(client, world.patient)["overdue"] == 1
    assert caseload_row(client, world.patient, "?overdue=true") is not None

    cm_services.referral_status_change(
        actor=world.case_manager, referral=late, status="closed", reason="unreachable"
    )
    assert summary_of(world.patient).follow_up_due_on == today + datetime.timedelta(days=5)
    assert caseload_row(client, world.patient)["overdue"] == 0
    assert caseload_row(client, world.patient, "?overdue=true") is None
    assert caseload_row(client, world.patient, "?overdue=false") is not None


def test_overdue_follows_the_care_plans_review_date(world, api_client):
    client = api_client(world.therapist)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    plan = CarePlan.objects.get(patient=world.patient)
    # Set yesterday, for yesterday (a review date is never set in the past).
    with time_machine.travel(timezone.now() - datetime.timedelta(days=1), tick=False):
        patient_services.care_plan_update(
            actor=world.therapist, patient=world.patient, version=plan.version, next_review_date=yesterday
        )
    assert summary_of(world.patient).care_plan_review_on == yesterday
    assert caseload_row(client, world.patient)["overdue"] == 1
    assert caseload_row(client, world.patient, "?overdue=true") is not None
    patient_services.care_plan_update(
        actor=world.therapist,
        patient=world.patient,
        version=plan.version + 1,
        next_review_date=yesterday + datetime.timedelta(days=30),
    )
    assert caseload_row(client, world.patient)["overdue"] == 0
    assert caseload_row(client, world.patient, "?overdue=true") is None


def test_the_api_row_has_every_field_the_schema_names(world, api_client):
    row = caseload_row(api_client(world.therapist), world.patient)
    assert set(row) == set(CaseloadRowSerializer().fields)


def test_migrations_fill_in_the_figures_for_existing_records(world):
    """The backfills of careteam 0006 and casemanagement 0003, run on figures that are wrong or
    missing, put back what the records say."""
    today = timezone.localdate()
    flags.flag_raise(
        actor=world.therapist, patient=world.patient, category="safety", severity="urgent", message="Risk"
    )
    make_referral(
        actor=world.case_manager, patient=world.patient, follow_up_on=today - datetime.timedelta(days=1)
    )
    CarePlan.objects.filter(patient=world.patient).update(next_review_date=today)
    PatientSummary.objects.filter(patient=world.patient).update(
        open_flags=0, urgent_flags=0, follow_up_due_on=None, follow_up_dates=[], care_plan_review_on=None
    )
    PatientSummary.objects.filter(patient=world.other_patient).delete()

    # Each backfill runs with the models as they were at its migration (PatientSummary was in
    # careteam then; the tables are the same).
    importlib.import_module("careteam.migrations.0006_summary_flags_follow_up_status").backfill(
        state_apps("careteam", "0006_summary_flags_follow_up_status"), None
    )
    importlib.import_module("casemanagement.migrations.0003_summary_follow_up_due").backfill(
        state_apps("casemanagement", "0003_summary_follow_up_due"), None
    )

    row = summary_of(world.patient)
    assert (row.open_flags, row.urgent_flags) == (1, 1)
    assert row.follow_up_due_on == today - datetime.timedelta(days=1)
    assert row.follow_up_dates == [(today - datetime.timedelta(days=1)).isoformat()]
    assert row.care_plan_review_on == today
    assert summary_of(world.other_patient).treatment_status == "no-data"


def state_apps(app_label, migration):
    """The app registry as it stood right after ``migration``."""
    loader = MigrationLoader(connection)
    return loader.project_state((app_label, migration), at_end=True).apps
