"""Every URL pattern, every kind of caller.

For each route and method: each role on the patient's team, the admin, a clinician outside the
team and an anonymous caller, with the status the design says. Writes send valid input, so a 2xx
or redirect means the action really happened, and a 403/404 is decided before any input
is looked at. A route missing here fails test_every_route_is_in_the_matrix.

A refused request (400, 401, 403, 404, or an anonymous caller sent to sign in) must also have
written nothing: the row count of every model's table is the same after it as just before it,
except the few rows named in rows_a_refusal_may_write.
"""

import datetime
import functools
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model, Q
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from flags.models import Notification
from tests.accounts.matrix import ANONYMOUS_REDIRECTED_ELSEWHERE
from tests.accounts.matrix import MATRIX as ACCOUNTS_MATRIX
from tests.careteam.factories import PASSWORD, UserFactory
from tests.casemanagement.matrix import MATRIX as CASEMANAGEMENT_MATRIX
from tests.emergency.matrix import MATRIX as EMERGENCY_MATRIX
from tests.flags.factories import delivered_flag
from tests.insights.matrix_caseload import MATRIX as CASELOAD_MATRIX
from tests.insights.matrix_metrics import MATRIX as METRICS_MATRIX
from tests.insights.matrix_timeline import MATRIX as TIMELINE_MATRIX
from tests.matrix import API_ANON, PAGE_ANON, PRINCIPALS, expect
from tests.medication.matrix import MATRIX as MEDICATION_MATRIX
from tests.therapy.matrix import MATRIX as THERAPY_MATRIX


def flag_kwargs(w):
    """A side-effect flag Theo raised: sent to Priya (must act) and Carmen (informed)."""
    return {"flag_id": delivered_flag(patient=w.patient, by=w.therapist).pk}


def priya_notification_kwargs(w):
    flag = delivered_flag(patient=w.patient, by=w.therapist)
    note = Notification.objects.get(flag=flag, recipient=w.psychiatrist, channel="in_app")
    return {"notification_id": note.pk}


def patient_kwargs(w):
    return {"patient_id": w.patient.pk}


def patient_form(w):
    return {
        "first_name": "Jordan",
        "last_name": "Avery",
        "date_of_birth": "1988-04-12",
        "record_number": w.patient.record_number,
        "status": "active",
        "phone": "555-0199",
    }


def new_patient(w):
    return {
        "first_name": "New",
        "last_name": "Person",
        "date_of_birth": "1990-02-03",
        "record_number": "MRN-NEW-1",
        "status": "active",
    }


def new_staff(w):
    return {
        "username": "newbie",
        "first_name": "New",
        "last_name": "Bie",
        "email": "",
        "role": "therapist",
        "password": "Plenty-Long-Pass-7",
    }


def staff_edit_form(w):
    return {
        "username": w.newcomer.username,
        "first_name": "Nicholas",
        "last_name": "New",
        "email": "",
        "role": "therapist",
        "is_active": "on",
    }


def care_plan_form(w):
    return {
        "problems": "Low mood",
        "therapy_interventions": "CBT",
        "version": "1",
        "medication_interventions": "",
        "case_management_interventions": "",
        # Ahead of today: a review date is never set in the past.
        "next_review_date": (timezone.localdate() + datetime.timedelta(days=45)).isoformat(),
    }


def goal_form(w):
    return {
        "description": "Sleep better",
        "measurable_target": "7 h a night",
        "target_date": "2027-02-01",
        "status": "active",
    }


def goal_edit_form(w):
    return {**goal_form(w), "version": str(w.goal.version)}


# (url name, method, kwargs builder, data builder, expectations)
MATRIX = [
    # --- pages ------------------------------------------------------------------------------
    ("home", "get", None, None, expect(team=302, admin=302, outsider=302, anonymous=PAGE_ANON)),
    ("healthz", "get", None, None, expect(team=200, admin=200, outsider=200, anonymous=200)),
    ("login", "get", None, None, expect(team=302, admin=302, outsider=302, anonymous=200)),
    ("logout", "post", None, None, expect(team=302, admin=302, outsider=302, anonymous=302)),
    ("patient_list", "get", None, None, expect(team=200, admin=200, outsider=200, anonymous=PAGE_ANON)),
    # The search: the term in the POST body, not the URL; it writes only the read audit.
    (
        "patient_list",
        "post",
        None,
        lambda w: {"q": "Avery"},
        expect(team=200, admin=200, outsider=200, anonymous=PAGE_ANON),
    ),
    (
        "patient_create",
        "get",
        None,
        None,
        expect(team=403, case_manager=200, admin=200, outsider=403, anonymous=PAGE_ANON),
    ),
    (
        "patient_create",
        "post",
        None,
        new_patient,
        expect(team=403, case_manager=302, admin=302, outsider=403, anonymous=PAGE_ANON),
    ),
    (
        "patient_detail",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=200, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "patient_edit",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=200, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "patient_edit",
        "post",
        patient_kwargs,
        patient_form,
        expect(team=302, admin=302, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "care_team_add",
        "post",
        patient_kwargs,
        lambda w: {"user": w.newcomer.pk, "role": "therapist"},
        expect(team=403, admin=302, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "care_team_remove",
        "post",
        lambda w: {"patient_id": w.patient.pk, "member_id": w.member(w.case_manager).pk},
        None,
        expect(team=403, admin=302, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "care_plan_edit",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "care_plan_edit",
        "post",
        patient_kwargs,
        care_plan_form,
        expect(team=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "care_plan_history",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "goal_create",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "goal_create",
        "post",
        patient_kwargs,
        goal_form,
        expect(team=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "goal_edit",
        "get",
        lambda w: {"patient_id": w.patient.pk, "goal_id": w.goal.pk},
        None,
        expect(team=200, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "goal_edit",
        "post",
        lambda w: {"patient_id": w.patient.pk, "goal_id": w.goal.pk},
        goal_edit_form,
        expect(team=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    ("staff_list", "get", None, None, expect(team=403, admin=200, outsider=403, anonymous=PAGE_ANON)),
    ("staff_create", "get", None, None, expect(team=403, admin=200, outsider=403, anonymous=PAGE_ANON)),
    ("staff_create", "post", None, new_staff, expect(team=403, admin=302, outsider=403, anonymous=PAGE_ANON)),
    (
        "staff_edit",
        "get",
        lambda w: {"staff_id": w.newcomer.pk},
        None,
        expect(team=403, admin=200, outsider=403, anonymous=PAGE_ANON),
    ),
    (
        "staff_edit",
        "post",
        lambda w: {"staff_id": w.newcomer.pk},
        staff_edit_form,
        expect(team=403, admin=302, outsider=403, anonymous=PAGE_ANON),
    ),
    ("audit_log", "get", None, None, expect(team=403, admin=200, outsider=403, anonymous=PAGE_ANON)),
    # --- API --------------------------------------------------------------------------------
    ("api_schema", "get", None, None, expect(team=200, admin=200, outsider=200, anonymous=API_ANON)),
    ("api_docs", "get", None, None, expect(team=200, admin=200, outsider=200, anonymous=PAGE_ANON)),
    ("api_token", "post", None, "own-credentials", expect(team=200, admin=200, outsider=200, anonymous=400)),
    ("api_me", "get", None, None, expect(team=200, admin=200, outsider=200, anonymous=API_ANON)),
    ("api_staff_list", "get", None, None, expect(team=403, admin=200, outsider=403, anonymous=API_ANON)),
    (
        "api_staff_list",
        "post",
        None,
        new_staff,
        expect(team=403, admin=201, outsider=403, anonymous=API_ANON),
    ),
    (
        "api_staff_detail",
        "get",
        lambda w: {"staff_id": w.newcomer.pk},
        None,
        expect(team=403, admin=200, outsider=403, anonymous=API_ANON),
    ),
    (
        "api_staff_detail",
        "patch",
        lambda w: {"staff_id": w.newcomer.pk},
        lambda w: {"first_name": "Nicholas"},
        expect(team=403, admin=200, outsider=403, anonymous=API_ANON),
    ),
    ("api_audit_list", "get", None, None, expect(team=403, admin=200, outsider=403, anonymous=API_ANON)),
    ("api_patient_list", "get", None, None, expect(team=200, admin=200, outsider=200, anonymous=API_ANON)),
    (
        "api_patient_list",
        "post",
        None,
        new_patient,
        expect(team=403, case_manager=201, admin=201, outsider=403, anonymous=API_ANON),
    ),
    (
        "api_patient_detail",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=200, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_patient_detail",
        "patch",
        patient_kwargs,
        lambda w: {"phone": "555-0100"},
        expect(team=200, admin=200, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_care_team",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=200, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_care_team",
        "post",
        patient_kwargs,
        lambda w: {"user": w.newcomer.pk, "role": "therapist"},
        expect(team=403, admin=201, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_care_team_member",
        "delete",
        lambda w: {"patient_id": w.patient.pk, "member_id": w.member(w.case_manager).pk},
        None,
        expect(team=403, admin=204, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_care_plan",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_care_plan",
        "patch",
        patient_kwargs,
        lambda w: {"problems": "Low mood", "version": 1},
        expect(team=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_goal_list",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_goal_list",
        "post",
        patient_kwargs,
        goal_form,
        expect(team=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_goal_detail",
        "get",
        lambda w: {"patient_id": w.patient.pk, "goal_id": w.goal.pk},
        None,
        expect(team=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_goal_detail",
        "patch",
        lambda w: {"patient_id": w.patient.pk, "goal_id": w.goal.pk},
        lambda w: {"status": "met", "version": w.goal.version},
        expect(team=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "notifications_inbox",
        "get",
        None,
        None,
        expect(team=200, admin=200, outsider=200, anonymous=PAGE_ANON),
    ),
    (
        "notifications_unread_count",
        "get",
        None,
        None,  # anonymous: htmx is sent to sign-in
        expect(team=200, admin=200, outsider=200, anonymous=204),
    ),
    (
        "notification_read",
        "post",
        priya_notification_kwargs,
        None,
        expect(team=404, psychiatrist=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "notifications_read_all",
        "post",
        None,
        None,
        expect(team=302, admin=302, outsider=302, anonymous=PAGE_ANON),
    ),
    (
        "notification_preferences",
        "get",
        None,
        None,
        expect(team=200, admin=200, outsider=200, anonymous=PAGE_ANON),
    ),
    (
        "notification_preferences",
        "post",
        None,
        lambda w: {"email_notifications": "all"},
        expect(team=302, admin=302, outsider=302, anonymous=PAGE_ANON),
    ),
    (
        "flag_create",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "flag_create",
        "post",
        patient_kwargs,
        lambda w: {"category": "missed_sessions", "severity": "routine", "message": "Two no-shows"},
        expect(team=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    ("flag_detail", "get", flag_kwargs, None, expect(team=200, admin=404, outsider=404, anonymous=PAGE_ANON)),
    (
        "flag_acknowledge",
        "post",
        flag_kwargs,
        None,
        expect(team=302, therapist=403, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "flag_resolve",
        "post",
        flag_kwargs,
        lambda w: {"note": "Dose reduced"},
        expect(team=302, admin=404, outsider=404, anonymous=PAGE_ANON),
    ),
    (
        "api_patient_flags",
        "get",
        patient_kwargs,
        None,
        expect(team=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_patient_flags",
        "post",
        patient_kwargs,
        lambda w: {"category": "social", "severity": "urgent", "message": "Eviction notice"},
        expect(team=201, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_flag_detail",
        "get",
        flag_kwargs,
        None,
        expect(team=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_flag_acknowledge",
        "post",
        flag_kwargs,
        None,
        expect(team=200, therapist=403, admin=404, outsider=404, anonymous=API_ANON),
    ),
    (
        "api_flag_resolve",
        "post",
        flag_kwargs,
        lambda w: {"note": "Dose reduced"},
        expect(team=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    ("api_notifications", "get", None, None, expect(team=200, admin=200, outsider=200, anonymous=API_ANON)),
    (
        "api_notifications_read_all",
        "post",
        None,
        None,
        expect(team=200, admin=200, outsider=200, anonymous=API_ANON),
    ),
    (
        "api_notification_read",
        "post",
        priya_notification_kwargs,
        None,
        expect(team=404, psychiatrist=200, admin=404, outsider=404, anonymous=API_ANON),
    ),
    *ACCOUNTS_MATRIX,
    *THERAPY_MATRIX,
    *MEDICATION_MATRIX,
    *CASEMANAGEMENT_MATRIX,
    *CASELOAD_MATRIX,
    *TIMELINE_MATRIX,
    *METRICS_MATRIX,
    *EMERGENCY_MATRIX,
]


# --- a refused request writes nothing ---------------------------------------------------------
# A refusal is decided before any input is used, so apart from the rows below it leaves every
# table as it was. Row counts see inserts and deletes; an update shows only through the audit
# row that the services write with it.
REFUSALS = {400, 401, 403, 404}


def _htmx_sent_to_sign_in(response) -> bool:
    """htmx polls answer an anonymous caller 204 with HX-Redirect to the sign-in page."""
    return response.get("HX-Redirect", "").startswith(reverse("login"))


def rows_a_refusal_may_write() -> dict:
    """Model -> the rows of its table that a refused request legitimately writes (None: any).

    Models are imported here, when a test runs, and tables are taken from their Meta, so the list
    follows a model that moves to another app."""
    from axes.models import AccessAttempt

    from careteam.models import AuditEvent

    return {
        # django-axes counts failed sign-ins per username and address, which is what the lockout
        # is made of: the token endpoint's 400 for wrong credentials must write one.
        AccessAttempt: None,
        # Audit rows that record the refusal itself, and only those (an audit row is how a
        # refused update would show here): patients.middleware writes one "denied" row for a 403,
        # or a 404 on an existing patient, on a patient path (test_permission_matrix checks it
        # is exactly one, with ids only); therapy's psychotherapy_note_open audits every attempt to
        # open a note, a refused one (404: another author's note) with changes={"refused": ...},
        # so that probing colleagues' notes leaves a trace.
        AuditEvent: Q(action=AuditEvent.Action.DENIED) | Q(changes__has_key="refused"),
    }


@functools.cache
def _count_sql(vendor: str) -> tuple[list[str], str, list[Any]]:
    """One statement with one COUNT per table of every installed model (taken from the app
    registry, M2M through tables included) except the rows above. A proxy shares its concrete
    model's table; an unmanaged model may have no table in the test database. Built once per
    database backend (``vendor``): the models do not change during a run."""
    allowed = {model._meta.db_table: rows for model, rows in rows_a_refusal_may_write().items()}
    models: dict[str, type[Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            models.setdefault(model._meta.db_table, model)
    tables: list[str] = []
    counts: list[str] = []
    params: list[Any] = []
    for table, model in sorted(models.items()):
        if table in allowed and allowed[table] is None:
            continue
        if table in allowed:
            rows = model._base_manager.exclude(allowed[table]).order_by().values("pk")
            sql, rows_params = rows.query.sql_with_params()
            counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608
            params.extend(rows_params)
        else:
            counts.append(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(table)})")  # noqa: S608
        tables.append(table)
    # Table names come from the models' Meta and values are parameters: nothing from input.
    return tables, "SELECT " + ", ".join(counts), params


def row_counts() -> dict[str, int]:
    """Rows per counted table, in one round trip: the matrix takes two snapshots per case."""
    tables, sql, params = _count_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def assert_wrote_nothing(before: dict[str, int], what: str) -> None:
    after = row_counts()
    changed = {table: after[table] - count for table, count in before.items() if after[table] != count}
    assert not changed, f"{what} was refused but wrote rows: " + ", ".join(
        f"{table} {delta:+d}" for table, delta in sorted(changed.items())
    )


def _route_names(resolver=None, prefix="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _route_names(pattern)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"every route needs a name to be in the matrix: {pattern}"
            names.add(pattern.name)
    return names


def test_every_route_is_in_the_matrix():
    covered = {name for name, *_ in MATRIX}
    missing = _route_names() - covered
    assert not missing, f"routes without a permission-matrix entry: {sorted(missing)}"
    assert covered <= _route_names(), f"matrix names unknown routes: {covered - _route_names()}"


CASES = [
    pytest.param(
        name, method, kwargs, data, principal, status[principal], id=f"{method.upper()} {name} as {principal}"
    )
    for name, method, kwargs, data, status in MATRIX
    for principal in PRINCIPALS
]


@pytest.mark.parametrize(("name", "method", "kwargs", "data", "principal", "expected"), CASES)
def test_permission_matrix(world, page_client, api_client, name, method, kwargs, data, principal, expected):
    user = None if principal == "anonymous" else getattr(world, principal)
    url_kwargs = kwargs(world) if kwargs else None
    url = reverse(name, kwargs=url_kwargs)
    is_api = url.startswith("/api/v1/")
    client = (api_client if is_api and name != "api_token" else page_client)(user)
    # Builders create their records through services before the snapshot, so only what the
    # request itself writes is counted.
    if data == "own-credentials":
        payload = (
            {"username": user.username, "password": PASSWORD}
            if user
            else {"username": "nobody", "password": "wrong"}
        )
    else:
        payload = data(world) if data is not None else None
    before = row_counts()
    denied_before = _denied_ids()
    if data == "own-credentials":
        response = client.post(url, payload, content_type="application/json")
    elif data is None:
        response = getattr(client, method)(url)
    elif is_api:
        response = getattr(client, method)(url, payload, format="json")
    else:
        response = getattr(client, method)(url, payload)
    assert response.status_code == expected, (
        f"{method.upper()} {url} as {principal}: {response.status_code}, expected {expected}. "
        f"{getattr(response, 'content', b'')[:300]!r}"
    )
    sent_to_sign_in = (
        expected == PAGE_ANON
        and principal == "anonymous"
        and name not in ("logout", "home", *ANONYMOUS_REDIRECTED_ELSEWHERE)
    )
    if sent_to_sign_in:
        assert response["Location"].startswith(reverse("login"))
    if expected == 404 and is_api:
        # The body says nothing about the patient.
        body = response.content.decode()
        assert world.patient.last_name not in body and world.patient.record_number not in body
    if response.status_code in REFUSALS or sent_to_sign_in or _htmx_sent_to_sign_in(response):
        assert_wrote_nothing(before, f"{method.upper()} {url} as {principal} ({response.status_code})")
    assert_denied_audited(
        _denied_ids() - denied_before,
        user=user,
        patient_id=(url_kwargs or {}).get("patient_id"),
        status=response.status_code,
        name=name,
        method=method,
    )


def _denied_ids() -> set[int]:
    from careteam.models import AuditEvent

    return set(AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).values_list("pk", flat=True))


def assert_denied_audited(new_ids: set[int], *, user, patient_id, status, name, method) -> None:
    """A 403 on a patient path, or a 404 there for a caller not on the patient's care team,
    leaves exactly one "denied" row naming the caller and the patient, with ids only; any other
    response leaves none."""
    from careteam.models import AuditEvent
    from patients.models import CareTeamMember

    on_team = CareTeamMember.objects.filter(patient_id=patient_id, user=user).exists() if user else False
    refused = (
        user is not None and patient_id is not None and (status == 403 or (status == 404 and not on_team))
    )
    rows = list(AuditEvent.objects.filter(pk__in=new_ids))
    if not refused:
        assert not rows, f"{method.upper()} {name} ({status}) wrote denied rows: {rows}"
        return
    assert len(rows) == 1, f"{method.upper()} {name} ({status}): {len(rows)} denied rows, expected 1"
    row = rows[0]
    assert (row.actor_id, row.patient_id, row.object_type, row.object_id) == (
        user.pk,
        patient_id,
        "patient",
        str(patient_id),
    )
    assert row.changes == {"status": status, "method": method.upper(), "route": name}
    assert row.request_id


def test_the_write_check_sees_writes(world):
    """The check above is not a no-op: it names each table whose count moved, and by how much."""
    from axes.models import AccessAttempt

    from careteam.models import AuditEvent

    user_table = get_user_model()._meta.db_table
    before = row_counts()
    assert_wrote_nothing(before, "nothing")
    # Every installed model's table, auto-created M2M tables too, less the one excluded whole.
    assert len(before) > 30
    assert {
        user_table,
        AuditEvent._meta.db_table,
        get_user_model().groups.through._meta.db_table,
    } <= before.keys()
    assert AccessAttempt._meta.db_table not in before

    UserFactory.create(username="extra")
    world.goal.delete()
    with pytest.raises(AssertionError) as refused:
        assert_wrote_nothing(before, "GET /x/ as outsider (404)")
    message = str(refused.value)
    assert f"{user_table} +1" in message
    assert f"{type(world.goal)._meta.db_table} -1" in message
    assert message.startswith("GET /x/ as outsider (404) was refused but wrote rows:")


def test_the_write_check_allows_only_the_refusal_rows(world):
    """An audit row recording a refusal is allowed; any other audit row is a write."""
    from careteam import audit
    from careteam.models import AuditEvent

    before = row_counts()
    audit.record(
        actor=world.outsider,
        action=audit.Action.VIEW,
        object_type="psychotherapynote",
        object_id=1,
        patient_id=world.patient.pk,
        changes={"refused": "not found"},
    )
    audit.record(
        actor=world.outsider,
        action=audit.Action.DENIED,
        object_type="patient",
        object_id=world.patient.pk,
        patient_id=world.patient.pk,
        changes={"status": 404, "method": "GET", "route": "patient_detail"},
    )
    assert_wrote_nothing(before, "a refusal audited as such")
    audit.record(
        actor=world.outsider,
        action=audit.Action.VIEW,
        object_type="patient",
        object_id=world.patient.pk,
        patient_id=world.patient.pk,
    )
    with pytest.raises(AssertionError) as refused:
        assert_wrote_nothing(before, "GET as outsider")
    changed = str(refused.value).split("wrote rows: ", 1)[1].splitlines()[0]
    assert changed == f"{AuditEvent._meta.db_table} +1"
