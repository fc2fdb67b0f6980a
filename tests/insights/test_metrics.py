"""Team metrics: every figure against values worked out by hand on a small caseload.

Jordan, Sam and Lee are on Theo/Priya/Carmen's team. Robin (Olivia's patient) has records that
would change every figure if they leaked in. Period: 2026-01-01 to 2026-03-31.
"""

import datetime

import pytest
from django.urls import reverse

from careteam.models import AuditEvent
from careteam.roles import Role
from casemanagement.models import CommunityResource, Referral, ReferralStatusChange
from flags.models import Flag, FlagAcknowledgement
from medication.models import AdherenceObservation, MedicationOrder
from tests.patients.factories import make_patient
from therapy import scoring
from therapy.models import Assessment, TherapySession

UTC = datetime.UTC
PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


def at(month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, tzinfo=UTC)


def sessions(patient, therapist, *rows):
    for when, attendance in rows:
        TherapySession.objects.create(
            patient=patient,
            therapist=therapist,
            starts_at=when,
            modality="cbt",
            mode="video",
            duration_minutes=50,
            attendance=attendance,
            alliance_rating=7 if attendance == "attended" else None,
        )


def measure(patient, by, instrument, total, on):
    items = 9 if instrument == scoring.PHQ9 else 7
    answers = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    answers += [0] * (items - len(answers))
    Assessment.objects.create(
        patient=patient,
        instrument=instrument,
        answers=answers,
        total=total,
        severity=scoring.severity_for(instrument, total),
        administered_on=on,
        recorded_by=by,
    )


def adherence(patient, by, *rows):
    order = MedicationOrder.objects.create(
        patient=patient,
        drug_name="Sertraline",
        drug_class="ssri",
        dose=50,
        unit="mg",
        route="oral",
        frequency="once_daily",
        start_date=datetime.date(2025, 12, 1),
        prescriber=by,
    )
    for on, status in rows:
        AdherenceObservation.objects.create(
            patient=patient, order=order, observed_on=on, status=status, observed_by=by
        )


def referral(patient, by, resource, path, *, reason="", start):
    final = path[-1]
    ref = Referral.objects.create(
        patient=patient,
        resource=resource,
        status=final,
        reason=reason if final in ("declined", "closed") else "",
        created_by=by,
        created_at=start,
    )
    for i, status in enumerate(path):
        ReferralStatusChange.objects.create(
            referral=ref,
            from_status=path[i - 1] if i else "",
            to_status=status,
            reason=reason if i == len(path) - 1 and status in ("declined", "closed") else "",
            changed_by=by,
            changed_at=start + datetime.timedelta(days=i),
        )
    return ref


def flag(patient, by, raised, *acks):
    f = Flag.objects.create(
        patient=patient,
        raised_by=by,
        category="social",
        severity="routine",
        message="Housing changed",
        created_at=raised,
    )
    for user, hours in acks:
        FlagAcknowledgement.objects.create(flag=f, user=user, at=raised + datetime.timedelta(hours=hours))
    return f


@pytest.fixture
def caseload(world):
    w = world
    team = [
        (w.therapist, Role.THERAPIST),
        (w.psychiatrist, Role.PSYCHIATRIST),
        (w.case_manager, Role.CASE_MANAGER),
    ]
    sam = make_patient(actor=w.admin, first_name="Sam", last_name="Brooks", team=team)
    lee = make_patient(actor=w.admin, first_name="Lee", last_name="Chen", team=team)
    jordan, robin = w.patient, w.other_patient
    t, o = w.therapist, w.outsider
    # Sessions: counted 3 attended of 5 (clinic cancellations, scheduled, out of period: no).
    sessions(
        jordan,
        t,
        (at(1, 5), "attended"),
        (at(1, 19), "attended"),
        (at(2, 2), "no_show"),
        (at(12, 1) - datetime.timedelta(days=366), "attended"),
    )
    sessions(
        sam,
        t,
        (at(1, 6), "attended"),
        (at(1, 20), "cancelled_by_patient"),
        (at(2, 3), "cancelled_by_clinic"),
        (at(3, 30), "scheduled"),
    )
    sessions(robin, o, (at(1, 7), "no_show"), (at(1, 21), "no_show"), (at(2, 4), "no_show"))
    # Adherence: 3 taken of 6 (partial is not taken; 2025 observation out of the period).
    p = w.psychiatrist
    adherence(
        jordan,
        p,
        (datetime.date(2026, 1, 10), "taken"),
        (datetime.date(2026, 1, 17), "taken"),
        (datetime.date(2026, 1, 24), "partial"),
    )
    adherence(sam, p, (datetime.date(2026, 2, 10), "missed"))
    adherence(
        lee,
        p,
        (datetime.date(2026, 3, 10), "taken"),
        (datetime.date(2026, 3, 17), "partial"),
        (datetime.date(2025, 12, 20), "taken"),
    )
    adherence(robin, o, (datetime.date(2026, 2, 1), "missed"), (datetime.date(2026, 2, 8), "missed"))
    # Referrals ending in the period: 5, of which 2 completed (one closed after completion).
    cm = w.case_manager
    res = CommunityResource.objects.create(name="Food bank", category="food")
    referral(jordan, cm, res, ["draft", "sent", "accepted", "in_progress", "completed"], start=at(1, 10))
    referral(jordan, cm, res, ["sent", "declined"], reason="no_capacity", start=at(1, 12))
    referral(sam, cm, res, ["sent", "completed", "closed"], start=at(2, 1))
    referral(sam, cm, res, ["sent", "closed"], reason="unreachable", start=at(2, 5))
    referral(lee, cm, res, ["sent", "declined"], reason="no_capacity", start=at(3, 1))
    referral(lee, cm, res, ["sent", "completed"], start=at(11, 1) - datetime.timedelta(days=365))
    referral(lee, cm, res, ["draft", "sent"], start=at(3, 5))
    referral(robin, o, res, ["sent", "declined"], reason="not_eligible", start=at(2, 1))
    referral(robin, o, res, ["sent", "declined"], reason="not_eligible", start=at(2, 3))
    # Flags raised in the period: first acknowledgements after 2 h and 6 h, one not acknowledged.
    flag(jordan, t, at(2, 1), (cm, 2), (p, 5))
    flag(sam, cm, at(2, 10, 8), (t, 6))
    flag(lee, p, at(3, 1))
    flag(jordan, t, at(12, 1) - datetime.timedelta(days=365), (cm, 1))
    flag(robin, o, at(2, 1), (o, 100))
    # Measures. Last 30 days of the period: 2026-03-02 to 03-31 (Jordan and Lee; Sam's is 03-01).
    measure(jordan, t, scoring.PHQ9, 20, datetime.date(2026, 1, 5))
    measure(jordan, t, scoring.PHQ9, 12, datetime.date(2026, 2, 5))
    measure(jordan, t, scoring.PHQ9, 8, datetime.date(2026, 3, 10))  # 20 -> 8: response
    measure(sam, t, scoring.PHQ9, 10, datetime.date(2026, 1, 10))
    measure(sam, t, scoring.PHQ9, 4, datetime.date(2026, 3, 1))  # 10 -> 4: remission
    measure(lee, t, scoring.PHQ9, 15, datetime.date(2026, 2, 1))  # one PHQ-9 only
    measure(lee, t, scoring.GAD7, 9, datetime.date(2026, 3, 20))
    measure(robin, o, scoring.PHQ9, 20, datetime.date(2026, 3, 5))
    measure(robin, o, scoring.PHQ9, 2, datetime.date(2026, 3, 25))
    return w


def get_figures(api_client, user, **params):
    response = api_client(user).get(reverse("api_team_metrics"), {**PERIOD, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_every_figure_matches_the_hand_count(caseload, api_client):
    data = get_figures(api_client, caseload.therapist)
    f = data["figures"]
    assert data["patients"] == 3
    assert (f["attendance_rate"]["numerator"], f["attendance_rate"]["denominator"]) == (3, 5)
    assert f["attendance_rate"]["value"] == 0.6
    assert (f["adherence_rate"]["numerator"], f["adherence_rate"]["denominator"]) == (3, 6)
    assert f["adherence_rate"]["value"] == 0.5
    assert (f["referral_completion_rate"]["numerator"], f["referral_completion_rate"]["denominator"]) == (
        2,
        5,
    )
    assert f["referral_failure_reasons"]["value"] == [
        {"reason": "No capacity", "count": 2},
        {"reason": "Unreachable", "count": 1},
    ]
    assert f["flag_ack_median_hours"]["value"] == 4.0
    assert (f["flag_ack_median_hours"]["numerator"], f["flag_ack_median_hours"]["denominator"]) == (2, 3)
    assert (f["measured_recently"]["numerator"], f["measured_recently"]["denominator"]) == (2, 3)
    assert f["measured_recently"]["value"] == 0.6667
    # Sam (10 -> 4) is in remission and counts as a responder too (a 60% drop).
    assert (f["response_rate"]["numerator"], f["response_rate"]["denominator"]) == (2, 2)
    assert (f["remission_rate"]["numerator"], f["remission_rate"]["denominator"]) == (1, 2)


def test_outsiders_patients_never_count(caseload, api_client):
    f = get_figures(api_client, caseload.outsider)["figures"]
    assert (f["attendance_rate"]["numerator"], f["attendance_rate"]["denominator"]) == (0, 3)
    assert f["referral_failure_reasons"]["value"] == [{"reason": "Not eligible", "count": 2}]
    assert f["flag_ack_median_hours"]["value"] == 100.0
    # A colleague's figures hold only the patients the caller shares with them.
    shared = get_figures(api_client, caseload.psychiatrist, clinician=caseload.therapist.pk)
    assert shared["patients"] == 3
    assert shared["figures"]["attendance_rate"]["denominator"] == 5


def test_admin_sees_any_clinicians_aggregates(caseload, api_client):
    # Fewer than 5 patients, none on the admin's teams: every figure is suppressed (issue 10;
    # tests/insights/test_metrics_suppression.py shows an admin the figures of 5 or more).
    data = get_figures(api_client, caseload.admin, clinician=caseload.outsider.pk)
    assert data["patients"] == 1
    assert data["figures"]["adherence_rate"]["denominator"] is None
    assert data["figures"]["adherence_rate"]["suppressed"] is True
    everyone = get_figures(api_client, caseload.admin)
    assert everyone["patients"] == 4
    assert everyone["figures"]["attendance_rate"]["denominator"] is None
    assert everyone["figures"]["attendance_rate"]["suppressed"] is True


def test_default_period_is_the_last_90_days(caseload, api_client):
    response = api_client(caseload.therapist).get(reverse("api_team_metrics"))
    data = response.json()
    end = datetime.date.fromisoformat(data["end"])
    assert (end - datetime.date.fromisoformat(data["start"])).days == 89


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-13-01"}, "start"),
        ({"end": "yesterday"}, "end"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "end"),
        ({"clinician": "abc"}, "clinician"),
        ({"clinician": "999999"}, "clinician"),
    ],
)
def test_bad_input_is_400_per_field(caseload, api_client, page_client, params, field):
    before = AuditEvent.objects.count()
    response = api_client(caseload.therapist).get(reverse("api_team_metrics"), params)
    assert response.status_code == 400
    assert field in response.json()
    page = page_client(caseload.therapist).get(reverse("team_metrics"), params)
    assert page.status_code == 400
    assert AuditEvent.objects.count() == before


def test_clinician_outside_the_callers_teams_is_refused(caseload, api_client):
    response = api_client(caseload.therapist).get(
        reverse("api_team_metrics"), {"clinician": caseload.outsider.pk}
    )
    assert response.status_code == 400
    assert "clinician" in response.json()
    assert "No clinician" in response.json()["clinician"][0]


def test_page_shows_figures_definitions_and_chart(caseload, page_client):
    response = page_client(caseload.therapist).get(reverse("team_metrics"), PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert "Session attendance" in html and "60%" in html and "3 of 5" in html
    assert "Partial" in html  # the adherence definition is on the page
    assert "No capacity: 2" in html
    assert "4.0 h" in html
    assert "Jordan" not in html and "Robin" not in html


def test_read_is_audited_with_ids_only(caseload, api_client):
    get_figures(api_client, caseload.therapist)
    event = AuditEvent.objects.filter(object_type="team_metrics").get()
    assert event.actor == caseload.therapist
    assert event.changes == {"start": "2026-01-01", "end": "2026-03-31", "patients": 3}


def test_fixed_number_of_queries_for_5_or_50_patients(world, api_client, django_assert_num_queries):
    w = world
    client = api_client(w.therapist)
    team = [(w.therapist, Role.THERAPIST)]

    def add(n):
        for _ in range(n):
            p = make_patient(actor=w.admin, team=team)
            sessions(p, w.therapist, (at(1, 5), "attended"))
            measure(p, w.therapist, scoring.PHQ9, 12, datetime.date(2026, 1, 5))
            measure(p, w.therapist, scoring.PHQ9, 4, datetime.date(2026, 3, 5))

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("api_team_metrics"), PERIOD).status_code == 200
        return len(ctx.captured_queries)

    add(4)
    few = count_queries()
    add(45)
    data = client.get(reverse("api_team_metrics"), PERIOD).json()
    assert data["patients"] == 50
    assert data["figures"]["remission_rate"]["numerator"] == 49
    assert count_queries() == few


def test_phq9_outcomes_use_the_treatment_baseline_and_count_remitters_as_responders(world, api_client):
    """Worked out by hand (period 2026-01-01 to 2026-03-31); the baseline is the first counted
    PHQ-9 ever, the latest the last counted one up to the period's end, which must be in it.

    A: 20 (2025-10-01) -> 14 -> 9     response (55% below 20), improved (< 10)
       (from the period's first, 14 -> 9, it would not be a response)
    B: 12 -> 4                        remission, response (67%), improved
    C: 8 -> 8                         improved (< 10) only
    D: 18 -> 15 (3 on 2026-04-10 is after the period)   nothing
    E: 16 (2025-11-01), 4 entered in error              not eligible (one counted PHQ-9)
    F: 5 entered in error (2025-06-01), 20 -> 9         response (55% below 20), improved
    G: 15 (2025-09-01) -> 6 (2025-12-01), none in the period    not eligible
    Eligible 5 (A B C D F): response 3 (A B F), remission 1 (B), improvement 4 (A B C F).
    """
    w = world
    team = [(w.therapist, Role.THERAPIST)]
    t = w.therapist
    d = datetime.date
    patients = {name: make_patient(actor=w.admin, team=team) for name in "ABCDEFG"}
    plan = {
        "A": [(20, d(2025, 10, 1)), (14, d(2026, 2, 1)), (9, d(2026, 3, 15))],
        "B": [(12, d(2026, 1, 10)), (4, d(2026, 3, 1))],
        "C": [(8, d(2026, 1, 5)), (8, d(2026, 3, 20))],
        "D": [(18, d(2026, 1, 5)), (15, d(2026, 2, 20)), (3, d(2026, 4, 10))],
        "E": [(16, d(2025, 11, 1)), (4, d(2026, 2, 1))],
        "F": [(5, d(2025, 6, 1)), (20, d(2026, 1, 5)), (9, d(2026, 3, 1))],
        "G": [(15, d(2025, 9, 1)), (6, d(2025, 12, 1))],
    }
    for name, rows in plan.items():
        for total, on in rows:
            measure(patients[name], t, scoring.PHQ9, total, on)
    in_error = {("E", d(2026, 2, 1)), ("F", d(2025, 6, 1))}
    for name, on in in_error:
        Assessment.objects.filter(patient=patients[name], administered_on=on).update(
            entered_in_error_at=at(3, 31), entered_in_error_by=t, entered_in_error_reason="Wrong patient."
        )
    # A session entered in error counts in no attendance figure either.
    sessions(patients["A"], t, (at(2, 1), "attended"), (at(2, 8), "no_show"))
    TherapySession.objects.filter(patient=patients["A"], attendance="no_show").update(
        entered_in_error_at=at(3, 31), entered_in_error_by=t, entered_in_error_reason="Wrong patient."
    )

    data = get_figures(api_client, t)
    f = data["figures"]

    assert data["patients"] == 8  # Jordan and A-G
    assert (f["response_rate"]["numerator"], f["response_rate"]["denominator"]) == (3, 5)
    assert (f["remission_rate"]["numerator"], f["remission_rate"]["denominator"]) == (1, 5)
    assert (f["improvement_rate"]["numerator"], f["improvement_rate"]["denominator"]) == (4, 5)
    assert (f["attendance_rate"]["numerator"], f["attendance_rate"]["denominator"]) == (1, 1)
    assert "treatment baseline" in f["response_rate"]["definition"]
    assert "below 10" in f["improvement_rate"]["definition"]
