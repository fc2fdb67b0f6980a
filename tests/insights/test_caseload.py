"""The caseload registry: one row per patient on the caller's care teams, the treatment status of
API.md at every threshold, filters, sorting, the default "needs attention first" order, and the
page agreeing with the API."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from careteam.roles import Role
from flags import services as flags
from patients import services as patient_services
from patients.models import CarePlan, PatientSummary
from tests.casemanagement.factories import make_referral
from tests.patients.factories import make_patient
from therapy import services as therapy_services

API = "/api/v1/caseload/"


def theos_patient(world, **names):
    return make_patient(
        actor=world.admin,
        team=[(world.therapist, Role.THERAPIST), (world.psychiatrist, Role.PSYCHIATRIST)],
        **names,
    )


def with_summary(world, *, baseline, latest, count=2, **names):
    """A patient whose PHQ-9 summary is set directly (arithmetic cases PHQ-9 cannot reach)."""
    patient = theos_patient(world, **names)
    today = timezone.localdate()
    PatientSummary.objects.update_or_create(
        patient=patient,
        defaults={
            "phq9_baseline": baseline,
            "phq9_latest": latest,
            "phq9_count": count,
            "phq9_baseline_on": today - datetime.timedelta(weeks=6),
            "phq9_latest_on": today,
        },
    )
    return patient


def set_review_date(world, patient, day):
    """The care plan's next review date, set as a clinician sets it (the service). A date now
    past is set on that day, when it was not yet past (a review date is never set in the past)."""
    plan = CarePlan.objects.get(patient=patient)
    on_the_day = datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(min(on_the_day, timezone.now()), tick=False):
        patient_services.care_plan_update(
            actor=world.therapist, patient=patient, version=plan.version, next_review_date=day
        )


def phq9_answers(total: int) -> list[int]:
    """Nine answers adding up to ``total`` (item 9, self-harm, stays 0: total <= 24)."""
    answers = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    return answers + [0] * (9 - len(answers))


def record_phq9(world, patient, totals, *, weeks_apart=2):
    today = timezone.localdate()
    for i, total in enumerate(totals):
        therapy_services.assessment_record(
            actor=world.therapist,
            patient=patient,
            instrument="PHQ9",
            answers=phq9_answers(total),
            administered_on=today - datetime.timedelta(weeks=weeks_apart * (len(totals) - 1 - i)),
        )


def rows_by_patient(client, url=API):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {row["patient"]: row for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("baseline", "latest", "status", "pct"),
    [
        (100, 76, "not-improving", -24.0),
        (100, 75, "partial-response", -25.0),
        (100, 51, "partial-response", -49.0),
        (100, 50, "response", -50.0),
        (10, 12, "not-improving", 20.0),
        (10, 5, "response", -50.0),
        (10, 4, "remission", -60.0),
        (5, 5, "not-improving", 0.0),
        (6, 4, "remission", -33.3),
    ],
)
def test_status_at_each_threshold(world, api_client, baseline, latest, status, pct):
    patient = with_summary(world, baseline=baseline, latest=latest)
    row = rows_by_patient(api_client(world.therapist))[patient.pk]
    assert row["treatment_status"] == status
    assert row["phq9_baseline"] == baseline and row["phq9_latest"] == latest
    assert row["phq9_change_pct"] == pct
    assert row["phq9_change"] == latest - baseline


@pytest.mark.parametrize(
    ("totals", "status"),
    [
        ([20, 15], "partial-response"),  # 25% down
        ([20, 16], "not-improving"),  # 20% down
        ([20, 10], "response"),  # 50% down
        ([20, 11], "partial-response"),  # 45% down
        ([16, 12], "partial-response"),  # 25% down
        ([16, 13], "not-improving"),  # 18.75% down
        ([16, 8], "response"),  # 50% down
        ([20, 5], "response"),  # PHQ-9 5 is not remission
        ([20, 4], "remission"),  # PHQ-9 4 is
        ([12, 14, 9], "partial-response"),  # latest against the first, not the highest
    ],
)
def test_status_from_real_phq9_records(world, api_client, totals, status):
    patient = theos_patient(world)
    record_phq9(world, patient, totals)
    row = rows_by_patient(api_client(world.psychiatrist))[patient.pk]
    assert row["treatment_status"] == status
    assert (row["phq9_baseline"], row["phq9_latest"]) == (totals[0], totals[-1])
    assert row["weeks_in_treatment"] == 2 * (len(totals) - 1)


def test_one_measure_is_baseline_only_and_none_is_no_data(world, api_client):
    one = theos_patient(world)
    record_phq9(world, one, [14])
    rows = rows_by_patient(api_client(world.therapist))
    assert rows[one.pk]["treatment_status"] == "baseline-only"
    assert rows[one.pk]["phq9_latest"] == 14 and rows[one.pk]["weeks_in_treatment"] == 0
    assert rows[world.patient.pk]["treatment_status"] == "no-data"
    assert rows[world.patient.pk]["phq9_latest"] is None
    assert rows[world.patient.pk]["phq9_change_pct"] is None
    assert rows[world.patient.pk]["weeks_in_treatment"] is None


def test_row_shows_gad7_contact_flags_and_overdue(world, api_client):
    therapy_services.assessment_record(
        actor=world.therapist, patient=world.patient, instrument="GAD7", answers=[2] * 7
    )
    flags.flag_raise(
        actor=world.therapist,
        patient=world.patient,
        category="safety",
        severity="urgent",
        message="Said goodbye to friends",
    )
    flags.flag_raise(
        actor=world.therapist,
        patient=world.patient,
        category="other",
        severity="routine",
        message="Moving house",
    )
    resolved = flags.flag_raise(
        actor=world.therapist, patient=world.patient, category="other", severity="urgent", message="Old"
    )
    flags.flag_resolve(actor=world.therapist, flag=resolved, note="Done")
    set_review_date(world, world.patient, timezone.localdate() - datetime.timedelta(days=1))
    three_days_ago = timezone.localdate() - datetime.timedelta(days=3)
    make_referral(actor=world.case_manager, patient=world.patient, follow_up_on=three_days_ago)
    make_referral(
        actor=world.case_manager,
        patient=world.patient,
        follow_up_on=three_days_ago,
        steps=[("closed", "unreachable")],
    )
    from casemanagement.services import contact_record

    contact_record(
        actor=world.case_manager,
        patient=world.patient,
        contacted_at=timezone.now() - datetime.timedelta(hours=2),
        channel="phone",
        outcome="reached",
        notes="",
    )

    row = rows_by_patient(api_client(world.case_manager))[world.patient.pk]
    assert row["gad7_latest"] == 14 and row["gad7_latest_on"] == timezone.localdate().isoformat()
    assert row["open_flags"] == 2 and row["urgent_flags"] == 1
    assert row["overdue"] == 2  # the care-plan review date and the open referral's follow-up
    assert row["last_contact"] is not None
    assert row["patient_name"] == "Jordan Avery"


def test_outsider_sees_nothing_of_another_team(world, api_client, page_client):
    record_phq9(world, world.patient, [20, 18])
    flags.flag_raise(
        actor=world.therapist, patient=world.patient, category="safety", severity="urgent", message="Risk"
    )
    rows = rows_by_patient(api_client(world.outsider))
    assert list(rows) == [world.other_patient.pk]
    body = page_client(world.outsider).get(reverse("caseload")).content.decode()
    assert "Avery" not in body and "Hidden" in body


def test_default_order_puts_who_needs_attention_first(world, api_client, page_client):
    remission = with_summary(world, baseline=20, latest=3, last_name="Aremission")
    partial = with_summary(world, baseline=20, latest=14, last_name="Bpartial")
    stuck = with_summary(world, baseline=20, latest=19, last_name="Cstuck")
    overdue = with_summary(world, baseline=20, latest=8, last_name="Doverdue")
    set_review_date(world, overdue, timezone.localdate() - datetime.timedelta(days=2))
    urgent = with_summary(world, baseline=20, latest=2, last_name="Eurgent")
    flags.flag_raise(
        actor=world.therapist, patient=urgent, category="social", severity="urgent", message="Eviction"
    )
    routine = with_summary(world, baseline=20, latest=9, last_name="Froutine")
    flags.flag_raise(
        actor=world.therapist, patient=routine, category="other", severity="routine", message="Call back"
    )
    baseline_only = with_summary(world, baseline=12, latest=12, count=1, last_name="Gbase")

    order = [row["patient"] for row in api_client(world.therapist).get(API).json()["results"]]
    assert order == [
        urgent.pk,
        stuck.pk,
        overdue.pk,
        routine.pk,
        partial.pk,
        baseline_only.pk,
        world.patient.pk,
        remission.pk,
    ]
    # The page shows the same rows in the same order, with the same statuses.
    response = page_client(world.therapist).get(reverse("caseload"))
    assert [row.pk for row in response.context["rows"]] == order
    api_rows = api_client(world.therapist).get(API).json()["results"]
    assert [row.treatment_status for row in response.context["rows"]] == [
        row["treatment_status"] for row in api_rows
    ]
    assert "Urgent flags still open" in response.content.decode()


def test_sorting_and_filters(world, api_client, page_client):
    a = with_summary(world, baseline=20, latest=19, last_name="Alpha")
    b = with_summary(world, baseline=20, latest=8, last_name="Bravo")
    c = with_summary(world, baseline=10, latest=3, last_name="Charlie")
    flags.flag_raise(actor=world.therapist, patient=c, category="safety", severity="urgent", message="Risk")
    client = api_client(world.therapist)

    def ids(query):
        response = client.get(API + query)
        assert response.status_code == 200, response.content
        return [row["patient"] for row in response.json()["results"]]

    assert ids("?ordering=name") == [a.pk, world.patient.pk, b.pk, c.pk]  # Avery after Alpha
    assert ids("?ordering=-name") == [c.pk, b.pk, world.patient.pk, a.pk]
    assert ids("?ordering=-phq9_latest") == [a.pk, b.pk, c.pk, world.patient.pk]
    assert ids("?ordering=change")[:3] == [c.pk, b.pk, a.pk]  # -70%, -60%, -5%
    assert ids("?ordering=-open_flags")[0] == c.pk
    assert ids("?status=not-improving") == [a.pk]
    assert ids("?status=no-data") == [world.patient.pk]
    assert ids("?urgent=true") == [c.pk]
    assert c.pk not in ids("?urgent=false")
    assert ids("?overdue=true") == []
    # The page filters the same way.
    page = page_client(world.therapist).get(reverse("caseload") + "?status=not-improving")
    assert [row.pk for row in page.context["rows"]] == [a.pk]
    assert "Alpha" in page.content.decode() and "Bravo" not in page.content.decode()


def test_bad_filters_are_400_with_a_message_per_field(world, api_client, page_client):
    response = api_client(world.therapist).get(API + "?status=cured&ordering=shoe_size&urgent=maybe")
    assert response.status_code == 400
    assert set(response.json()) == {"status", "ordering", "urgent"}
    page = page_client(world.therapist).get(reverse("caseload") + "?status=cured")
    assert page.status_code == 400
    assert "Select a valid choice" in page.content.decode()


def test_pagination_and_audit(world, api_client):
    for _ in range(3):
        theos_patient(world)
    response = api_client(world.therapist).get(API + "?page_size=2&ordering=name")
    body = response.json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    read = AuditEvent.objects.filter(actor=world.therapist, object_type="caseload", action="list")
    assert sorted(read.values_list("patient_id", flat=True)) == sorted(
        row["patient"] for row in body["results"]
    )
    assert all(event.changes == {} for event in read)


def test_admin_is_refused_clinical_data(world, api_client, page_client):
    assert api_client(world.admin).get(API).status_code == 403
    assert page_client(world.admin).get(reverse("caseload")).status_code == 403
    assert api_client(None).get(API).status_code == 401


def test_page_links_to_the_patient_and_sorts_by_column(world, page_client):
    record_phq9(world, world.patient, [18, 9])
    body = page_client(world.psychiatrist).get(reverse("caseload") + "?ordering=name").content.decode()
    assert reverse("patient_detail", args=[world.patient.pk]) in body
    assert 'aria-sort="ascending"' in body and "ordering=-name" in body
    assert "Response" in body and "-9 points (-50%)" in body


def test_the_registry_table_escapes_what_it_shows(world, page_client):
    theos_patient(world, first_name="<b>Bold</b>", last_name="O'Brien & <i>Co</i>")
    body = page_client(world.therapist).get(reverse("caseload")).content.decode()
    assert "O&#x27;Brien &amp; &lt;i&gt;Co&lt;/i&gt;, &lt;b&gt;Bold&lt;/b&gt;" in body
    assert "<i>Co</i>" not in body and "<b>Bold</b>" not in body
