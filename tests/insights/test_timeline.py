"""The patient timeline: every component's events in one list, newest first, paged by cursor."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careteam.dates import day_text
from careteam.models import AuditEvent
from casemanagement.models import NeedAssessment
from flags import services as flags
from insights.entries import Cursor, start_of_day
from insights.timeline import patient_timeline
from medication import services as medication_services
from medication.models import AdherenceObservation
from tests.casemanagement.factories import make_need, make_referral, make_resource
from tests.flags.factories import delivered_flag
from tests.medication.factories import make_adherence, make_order, make_side_effect
from tests.therapy.factories import make_assessment, make_session
from therapy import services as therapy_services
from therapy.models import Assessment, TherapySession
from therapy.services import psychotherapy_note_create

SECRET = "Dreams about the lighthouse keeper"


def _days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def history(world):
    return _history(world)


def _history(w):
    """Something from every component, on distinct days."""
    order = make_order(w, start_date=_days_ago(40))
    changed = medication_services.medication_order_change(
        reason="Clinical review",
        actor=w.psychiatrist,
        patient=w.patient,
        order=order,
        effective_date=_days_ago(20),
        dose=Decimal("100"),
    )
    medication_services.medication_order_discontinue(
        actor=w.psychiatrist,
        patient=w.patient,
        order=changed,
        reason="Remission",
        effective_date=_days_ago(3),
    )
    make_side_effect(w, order=changed, onset_date=_days_ago(18), symptom="Tremor")
    make_adherence(w, order=changed, observed_on=_days_ago(15), status="partial")
    make_session(actor=w.therapist, patient=w.patient, days_ago=12, attendance="no_show")
    make_assessment(actor=w.therapist, patient=w.patient, days_ago=10)
    make_need(actor=w.case_manager, patient=w.patient, domain="housing", days_ago=9)
    make_referral(actor=w.case_manager, patient=w.patient, steps=["sent"])
    flag = delivered_flag(
        patient=w.patient, by=w.therapist, category="social", message="Landlord threatens eviction"
    )
    flags.flag_acknowledge(actor=w.case_manager, flag=flag)
    return w


def _api(api_client, user, patient, **params):
    return api_client(user).get(reverse("api_patient_timeline", kwargs={"patient_id": patient.pk}), params)


def test_every_component_appears_newest_first(history, page_client, api_client):
    w = history
    body = _api(api_client, w.psychiatrist, w.patient, page_size=200).json()
    entries = body["results"]
    kinds = {e["kind"] for e in entries}
    assert kinds >= {
        "therapy_session",
        "measure",
        "medication_start",
        "medication_change",
        "medication_stop",
        "side_effect",
        "adherence",
        "need_assessment",
        "referral_created",
        "referral_status",
        "flag_raised",
        "flag_acknowledged",
        "care_plan_revision",
    }
    assert {e["component"] for e in entries} == {
        "therapy",
        "medication",
        "case_management",
        "care_plan",
        "flags",
    }
    times = [datetime.datetime.fromisoformat(e["at"]) for e in entries]
    assert times == sorted(times, reverse=True)
    # the dated events, oldest last
    dated = [
        e["kind"]
        for e in entries
        if e["kind"]
        in {
            "medication_stop",
            "measure",
            "therapy_session",
            "adherence",
            "side_effect",
            "medication_change",
            "medication_start",
        }
    ]
    assert dated == [
        "medication_stop",
        "measure",
        "therapy_session",
        "adherence",
        "side_effect",
        "medication_change",
        "medication_start",
    ]
    by_kind = {e["kind"]: e for e in entries}
    assert by_kind["medication_start"]["title"].startswith("Sertraline started, 50 mg")
    assert "dose changed from 50 mg to 100 mg" in by_kind["medication_change"]["title"]
    assert by_kind["measure"]["title"] == f"PHQ-9 of {day_text(_days_ago(10))}: 12, moderate"
    assert by_kind["measure"]["date_only"] is True
    assert by_kind["therapy_session"]["title"].endswith("(in person): no-show")
    assert by_kind["therapy_session"]["date_only"] is False
    assert by_kind["measure"]["at"] == start_of_day(_days_ago(10)).isoformat().replace("+00:00", "Z")
    # flag messages are free text: the title says what kind of flag, not what was written
    assert "eviction" not in str(entries)
    # every entry links to a page that the reader can open
    client = page_client(w.psychiatrist)
    for entry in entries:
        assert client.get(entry["url"]).status_code == 200, entry


def test_page_shows_entries_with_links(history, page_client):
    w = history
    response = page_client(w.case_manager).get(
        reverse("patient_timeline", kwargs={"patient_id": w.patient.pk})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"PHQ-9 of {day_text(_days_ago(10))}: 12, moderate" in html
    assert "Sertraline stopped" in html
    referral = w.patient.referrals.get()
    assert (
        reverse(
            "casemanagement_referral_detail", kwargs={"patient_id": w.patient.pk, "referral_id": referral.pk}
        )
        in html
    )
    assert 'type="checkbox" name="component" value="therapy" checked' in html
    assert (
        AuditEvent.objects.filter(
            actor=w.case_manager, object_type="timeline", object_id=str(w.patient.pk), patient_id=w.patient.pk
        ).count()
        == 1
    )


def test_filter_by_component(history, page_client, api_client):
    w = history
    entries = _api(api_client, w.therapist, w.patient, component=["medication", "flags"]).json()["results"]
    assert (
        AuditEvent.objects.filter(actor=w.therapist, object_type="timeline", patient_id=w.patient.pk).count()
        == 1
    )
    assert entries and {e["component"] for e in entries} == {"medication", "flags"}
    html = (
        page_client(w.therapist)
        .get(reverse("patient_timeline", kwargs={"patient_id": w.patient.pk}), {"component": "therapy"})
        .content.decode()
    )
    assert "PHQ-9 of " in html and "Sertraline" not in html
    assert 'value="medication" checked' not in html


def test_filter_by_date_range(history, api_client):
    w = history
    entries = _api(
        api_client,
        w.therapist,
        w.patient,
        **{"from": _days_ago(18).isoformat(), "to": _days_ago(10).isoformat()},
    ).json()["results"]
    assert [e["kind"] for e in entries] == ["measure", "therapy_session", "adherence", "side_effect"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
        ({"component": "psychotherapy_notes"}, "component"),
        ({"before": "not-a-cursor"}, "before"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_bad_filters_are_400_with_a_message(world, page_client, api_client, params, field):
    response = _api(api_client, world.therapist, world.patient, **params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    page = page_client(world.therapist).get(
        reverse("patient_timeline", kwargs={"patient_id": world.patient.pk}), params
    )
    assert page.status_code == 400
    assert f'id="{field}_error"' in page.content.decode()
    assert not AuditEvent.objects.filter(object_type="timeline").exists()


def test_psychotherapy_notes_never_appear(history, page_client, api_client):
    w = history
    note = psychotherapy_note_create(actor=w.therapist, patient=w.patient, text=SECRET)
    note_url = reverse(
        "therapy_psychotherapy_note_detail", kwargs={"patient_id": w.patient.pk, "note_id": note.pk}
    )
    for user in (w.therapist, w.psychiatrist, w.case_manager):  # the author too
        api_body = _api(api_client, user, w.patient, page_size=200).content.decode()
        page = (
            page_client(user)
            .get(reverse("patient_timeline", kwargs={"patient_id": w.patient.pk}))
            .content.decode()
        )
        for body in (api_body, page):
            assert SECRET not in body
            assert "psychotherapy" not in body.lower()
            assert note_url not in body
    kinds = {e.kind for e in patient_timeline(patient=w.patient, limit=200).entries}
    assert not any("note" in kind for kind in kinds)


def test_outsider_and_admin_get_404_and_see_nothing(history, page_client, api_client):
    w = history
    for user in (w.outsider, w.admin):
        response = _api(api_client, user, w.patient)
        assert response.status_code == 404
        assert "Sertraline" not in response.content.decode()
        page = page_client(user).get(reverse("patient_timeline", kwargs={"patient_id": w.patient.pk}))
        assert page.status_code == 404
        assert b"Sertraline" not in page.content
    assert not AuditEvent.objects.filter(object_type="timeline").exists()
    # and the outsider's own patient shows none of Jordan's record
    mine = _api(api_client, w.outsider, w.other_patient, page_size=200).json()["results"]
    assert "Sertraline" not in str(mine)


def _bulk(world, n: int, *, day: datetime.date | None = None) -> None:
    """n records of each of several kinds, straight into the tables (fast); with ``day``, all on
    that day (ties the cursor must break)."""
    w = world
    order = w.patient.medication_orders.first() or make_order(w, start_date=_days_ago(800))
    now = timezone.now()
    TherapySession.objects.bulk_create(
        TherapySession(
            patient=w.patient,
            therapist=w.therapist,
            starts_at=start_of_day(day) if day else now - datetime.timedelta(hours=i + 1),
            modality="cbt",
            mode="video",
            duration_minutes=50,
            attendance="attended",
        )
        for i in range(n)
    )
    Assessment.objects.bulk_create(
        Assessment(
            patient=w.patient,
            instrument="PHQ9",
            answers=[1] * 9,
            total=9,
            severity="mild",
            administered_on=day or _days_ago(i % 700),
            recorded_by=w.therapist,
        )
        for i in range(n)
    )
    NeedAssessment.objects.bulk_create(
        NeedAssessment(
            patient=w.patient,
            domain="food",
            priority="low",
            assessed_on=day or _days_ago(i % 700),
            assessed_by=w.case_manager,
        )
        for i in range(n)
    )
    AdherenceObservation.objects.bulk_create(
        AdherenceObservation(
            patient=w.patient,
            order=order,
            observed_on=day or _days_ago(i % 700),
            status="taken",
            observed_by=w.case_manager,
        )
        for i in range(n)
    )


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Pacific/Auckland"])
def test_cursor_pages_give_every_entry_exactly_once(world, settings, api_client, zone):
    settings.TIME_ZONE = zone  # days become local midnights: the cursor must agree
    w = world
    _history(w)
    _bulk(w, 7, day=_days_ago(5))  # 28 entries at the very same moment
    _bulk(w, 5)
    client_user = w.psychiatrist
    everything = _api(api_client, client_user, w.patient, page_size=200).json()
    assert everything["next"] is None
    expected = everything["results"]
    assert len(expected) > 50
    pages, seen = 0, []
    url = reverse("api_patient_timeline", kwargs={"patient_id": w.patient.pk}) + "?page_size=4"
    client = api_client(client_user)
    while url:
        body = client.get(url).json()
        assert len(body["results"]) <= 4
        seen += body["results"]
        url = body["next"]
        pages += 1
        assert pages < 100
    assert seen == expected
    assert len({(e["kind"], e["url"], e["at"], e["title"]) for e in seen}) <= len(seen)


def test_older_link_on_the_page(history, page_client):
    w = history
    client = page_client(w.therapist)
    url = reverse("patient_timeline", kwargs={"patient_id": w.patient.pk})
    first = client.get(url, {"page_size": 3, "component": "medication"})
    assert first.status_code == 200
    older = first.context["older_url"]
    assert older and "component=medication" in older and "before=" in older
    second = client.get(url + older)
    assert second.status_code == 200
    firsts = [e.title for e in first.context["entries"]]
    seconds = [e.title for e in second.context["entries"]]
    assert len(firsts) == 3 and seconds and not set(firsts) & set(seconds)
    assert "Newest" in second.content.decode()


def test_cursor_round_trip():
    cursor = Cursor(at=timezone.now(), source="therapy.session", id=42)
    assert Cursor.decode(cursor.encode()) == cursor
    with pytest.raises(ValueError):
        Cursor.decode("MjAyNnwxfDI")


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("api", [False, True])
def test_same_query_count_for_5_and_500_records(history, page_client, api_client, api):
    w = history
    client = api_client(w.therapist) if api else page_client(w.therapist)
    name = "api_patient_timeline" if api else "patient_timeline"
    url = reverse(name, kwargs={"patient_id": w.patient.pk})
    _bulk(w, 5)
    small = _queries(client, url)
    _bulk(w, 495)
    large = _queries(client, url)
    assert large == small, f"{small} queries for 5 records, {large} for 500"
    body = client.get(url)
    rows = body.json()["results"] if api else body.context["entries"]
    assert len(rows) == 50
    # a later page costs the same as the first
    older = body.json()["next"] if api else url + body.context["older_url"]
    assert _queries(client, older) == small


def test_the_timeline_escapes_what_it_shows(world, page_client):
    resource = make_resource(actor=world.case_manager, name="<img src=x onerror=alert(1)> Shelter")
    make_referral(actor=world.case_manager, patient=world.patient, resource=resource)
    body = (
        page_client(world.therapist)
        .get(reverse("patient_timeline", args=[world.patient.pk]))
        .content.decode()
    )
    assert "Referral to &lt;img src=x onerror=alert(1)&gt; Shelter created" in body
    assert "<img src=x" not in body


def test_records_are_named_by_what_they_are_and_date_only_events_show_no_time(world, page_client):
    """The timeline names each record in words ("PHQ-9 of 3 Dec 2026: 14, moderate"), writes
    every date one way (3 Dec 2026; with a time: 4 Dec 2026, 14:05) and a day-only record
    without a time (no "00:00")."""
    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, 0, tzinfo=datetime.UTC), tick=False):
        therapy_services.assessment_record(
            actor=world.therapist,
            patient=world.patient,
            instrument="PHQ9",
            answers=[2, 2, 2, 2, 2, 2, 1, 1, 0],
            administered_on=datetime.date(2026, 12, 3),
        )
        therapy_services.therapy_session_create(
            actor=world.therapist,
            patient=world.patient,
            course_id=None,
            starts_at=datetime.datetime(2026, 12, 4, 14, 5, tzinfo=datetime.UTC),
            mode="video",
            duration_minutes=50,
            modality="cbt",
            attendance="no_show",
            alliance_rating=None,
        )
        make_need(actor=world.case_manager, patient=world.patient, domain="housing", days_ago=1)
        body = (
            page_client(world.therapist)
            .get(reverse("patient_timeline", args=[world.patient.pk]))
            .content.decode()
        )
    assert "PHQ-9 of 3 Dec 2026: 14, moderate" in body
    assert "CBT session of 4 Dec 2026 (video): no-show" in body
    assert "Housing need of 4 Dec 2026: high priority, open" in body
    # the session has a time; the day-only PHQ-9 has none, and no entry shows midnight
    assert '<time datetime="2026-12-04T14:05:00+00:00">4 Dec 2026, 14:05</time>' in body
    assert '<time datetime="2026-12-03">3 Dec 2026</time>' in body
    assert "00:00" not in body.replace("+00:00", "")
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", body)  # no ISO-looking dates left
    assert "assessment #" not in body.lower()
