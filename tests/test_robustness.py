"""API.md "Robustness": no request gets a 500, on any route.

Every route of the permission matrix (tests/test_permission_matrix.py, which lists every URL
pattern) is sent, by a caller the matrix lets through, the bad inputs the contract names: a JSON
body of the wrong shape (an array, a string), a NUL byte in a query-string, form or JSON
parameter, a date outside 1900-01-01 … 2100-12-31, a non-integer where a whole number goes
(``1.5``, ``"x"``), and a page past the end. Each is a 400 (404 for a page past the end) with a
message, and writes nothing: every table's row count is the same after it as just before it.
"""

import datetime
import re

import pytest
from django.urls import reverse

from careteam.api_common import (
    ModelSerializer,
    PlausibleDateField,
    PlausibleDateTimeField,
    StrictPrimaryKeyRelatedField,
)
from tests.test_permission_matrix import MATRIX, assert_wrote_nothing, row_counts

WRITES = ("post", "put", "patch")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
FAR_DATES = ("0001-01-01", "9999-12-31")


def _caller(expected: dict) -> str | None:
    """A principal for whom the matrix's valid request succeeds (so input is looked at)."""
    for principal in ("therapist", "psychiatrist", "case_manager", "admin", "outsider"):
        if expected.get(principal) is not None and 200 <= expected[principal] < 400:
            return principal
    return None


def _entries(api: bool, methods: tuple[str, ...]):
    seen = set()
    for name, method, kwargs, data, expected in MATRIX:
        if method not in methods or data == "own-credentials" or name in ("api_schema", "api_docs"):
            continue
        principal = _caller(expected)
        is_api = name.startswith("api_")
        if principal is None or is_api != api or (name, method) in seen:
            continue
        seen.add((name, method))
        yield pytest.param(name, method, kwargs, data, principal, id=f"{method.upper()} {name}")


def _request(client, method, url, body, *, json=True):
    if json:
        return getattr(client, method)(url, body, content_type="application/json")
    return getattr(client, method)(url, body)


def _bad_bodies(valid: dict) -> list[tuple[str, object]]:
    """(what, body) pairs, each of which the contract answers with a 400."""
    import json

    bodies: list[tuple[str, object]] = [
        ("a JSON array", json.dumps([valid])),
        ("an empty JSON array", "[]"),
        ("a JSON string", json.dumps("x")),
        ("a JSON number", "1"),
        ("a NUL in a key", json.dumps({**valid, "note\x00": "x"})),
    ]
    for key, value in valid.items():
        if isinstance(value, str):
            bodies.append((f"a NUL in {key}", json.dumps({**valid, key: value + "\x00"})))
            if DAY.match(value):
                for far in FAR_DATES:
                    bodies.append((f"{key}={far}", json.dumps({**valid, key: far + value[10:]})))
        if isinstance(value, int) and not isinstance(value, bool):
            for wrong in (1.5, "x", True, 10**30):
                bodies.append((f"{key}={wrong!r}", json.dumps({**valid, key: wrong})))
    if not valid:
        bodies.append(("a NUL in a value", json.dumps({"note": "\x00"})))
    return bodies


@pytest.mark.parametrize(("name", "method", "kwargs", "data", "principal"), list(_entries(True, WRITES)))
def test_api_write_refuses_bad_bodies(world, api_client, name, method, kwargs, data, principal):
    client = api_client(getattr(world, principal))
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    valid = data(world) if data is not None else {}
    for what, body in _bad_bodies(valid):
        before = row_counts()
        response = client.generic(method.upper(), url, body, content_type="application/json")
        assert response.status_code == 400, (
            f"{method.upper()} {url} with {what}: {response.status_code} {response.content[:300]!r}"
        )
        assert response.json(), f"{method.upper()} {url} with {what}: no message"
        assert_wrote_nothing(before, f"{method.upper()} {url} with {what}")


@pytest.mark.parametrize(("name", "method", "kwargs", "data", "principal"), list(_entries(True, WRITES)))
def test_api_write_refuses_nul_in_form_and_query(world, api_client, name, method, kwargs, data, principal):
    client = api_client(getattr(world, principal))
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    valid = {k: v for k, v in (data(world) if data is not None else {}).items() if v is not None}
    form = {key: f"{value}\x00" for key, value in valid.items()} or {"note": "\x00"}
    for what, response in (
        (
            "a NUL in a form field",
            client.generic(
                method.upper(), url, _urlencode(form), content_type="application/x-www-form-urlencoded"
            ),
        ),
        (
            "a NUL in the query string",
            client.generic(method.upper(), url + "?x=%00", "{}", content_type="application/json"),
        ),
    ):
        assert response.status_code == 400, f"{method.upper()} {url} with {what}: {response.status_code}"
        assert "NUL" in response.json()["detail"]
    before = row_counts()
    client.generic(
        method.upper(), url + "?x=%00", _urlencode(valid), content_type="application/x-www-form-urlencoded"
    )
    assert_wrote_nothing(before, f"{method.upper()} {url} with a NUL")


def _urlencode(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v if not isinstance(v, list | dict) else str(v) for k, v in data.items()})


@pytest.mark.parametrize(("name", "method", "kwargs", "data", "principal"), list(_entries(True, ("get",))))
def test_api_read_refuses_nul_and_pages_past_the_end(
    world, api_client, name, method, kwargs, data, principal
):
    client = api_client(getattr(world, principal))
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    before = row_counts()
    for query in ("?x=%00", "?page=%00", "?search=a%00b", "?status=%00"):
        response = client.get(url + query)
        assert response.status_code == 400, f"GET {url}{query}: {response.status_code}"
        assert "NUL" in response.json()["detail"]
    assert_wrote_nothing(before, f"GET {url} with a NUL")
    listing = client.get(url)
    assert listing.status_code == 200
    body = listing.json()
    if isinstance(body, dict) and "count" in body and "results" in body:
        past = body["count"] // 50 + 2
        for page in (str(10**20), str(past), "0", "-1", "x", "1.5"):
            before = row_counts()
            response = client.get(f"{url}?page={page}")
            assert response.status_code == 404, f"GET {url}?page={page}: {response.status_code}"
            assert response.json()["detail"]
            assert_wrote_nothing(before, f"GET {url}?page={page}")
    for query in ("?page_size=" + str(10**20), "?page=1&page_size=-1", "?before=%ff"):
        assert client.get(url + query).status_code < 500, f"GET {url}{query}"


@pytest.mark.parametrize(
    ("name", "fields"),
    [("api_patient_timeline", ("from", "to")), ("api_team_metrics", ("start", "end"))],
)
def test_filters_refuse_dates_out_of_range(world, api_client, name, fields):
    client = api_client(world.therapist)
    url = reverse(name, kwargs={"patient_id": world.patient.pk} if "patient" in name else None)
    for field in fields:
        for far in FAR_DATES:
            response = client.get(url, {field: far})
            assert response.status_code == 400, f"GET {url}?{field}={far}: {response.status_code}"
            assert "1900-01-01" in response.json()[field][0]
    assert client.get(url, {fields[0]: "1900-01-01", fields[1]: "1900-01-02"}).status_code == 200


@pytest.mark.parametrize(("name", "method", "kwargs", "data", "principal"), list(_entries(False, ("get",))))
def test_page_refuses_nul_in_query(world, page_client, name, method, kwargs, data, principal):
    client = page_client(getattr(world, principal))
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    before = row_counts()
    response = client.get(url + "?q=%00&page=%00")
    assert response.status_code == 400, f"GET {url}?q=%00: {response.status_code}"
    assert b"NUL" in response.content
    assert_wrote_nothing(before, f"GET {url}")


@pytest.mark.parametrize(("name", "method", "kwargs", "data", "principal"), list(_entries(False, ("post",))))
def test_page_form_refuses_nul(world, page_client, name, method, kwargs, data, principal):
    client = page_client(getattr(world, principal))
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    valid = data(world) if data is not None else {}
    form = {key: f"{value}\x00" for key, value in valid.items()} or {"note": "\x00"}
    before = row_counts()
    response = client.post(url, form)
    assert response.status_code == 400, f"POST {url} with a NUL: {response.status_code}"
    assert_wrote_nothing(before, f"POST {url} with a NUL")


def test_a_float_id_is_not_a_whole_number():
    field = StrictPrimaryKeyRelatedField(read_only=True)
    from careteam.api_common import strict_id

    assert [strict_id(v) for v in (1, "7", " 7 ", 2**63 - 1)] == [1, 7, 7, 2**63 - 1]
    assert [strict_id(v) for v in (1.5, 1.0, "1.5", "x", True, 0, -1, 2**63, "١", None, [1])] == [None] * 11
    assert field.read_only


def _project_serializers():
    from rest_framework import serializers

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    project = ("careteam.", "patients.", "flags.", "therapy.", "medication.", "casemanagement.", "insights.")
    return sorted(
        {
            cls
            for cls in walk(serializers.Serializer)
            if cls.__module__.startswith(project) and cls.__module__.endswith(".serializers")
        },
        key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
    )


def test_every_serializer_takes_plausible_dates_and_strict_ids(world):
    """The central rules reach every serializer that takes input (<app>/serializers.py; those
    declared in a view module only render): a ModelSerializer is the project's (its model dates
    and related ids are the strict fields), and no writable field is DRF's plain date, date-time
    or primary-key field."""
    from rest_framework import serializers

    import careteam.api  # noqa: F401
    import casemanagement.api  # noqa: F401  (the serializers' modules are imported by the views)
    import flags.api  # noqa: F401
    import insights.api  # noqa: F401
    import medication.api  # noqa: F401
    import patients.api  # noqa: F401
    import therapy.api  # noqa: F401

    found = _project_serializers()
    assert len(found) > 20
    loose = []
    for cls in found:
        if issubclass(cls, serializers.ModelSerializer) and not issubclass(cls, ModelSerializer):
            loose.append(f"{cls.__module__}.{cls.__qualname__} is not a careteam.api_common.ModelSerializer")
            continue
        try:
            fields = cls().fields
        except Exception:  # noqa: BLE001, S112  (one that needs context is checked through the API tests)
            continue
        for field_name, field in fields.items():
            if field.read_only:
                continue
            checks = (
                (serializers.DateTimeField, PlausibleDateTimeField),
                (serializers.DateField, PlausibleDateField),
                (serializers.PrimaryKeyRelatedField, StrictPrimaryKeyRelatedField),
            )
            for plain, strict in checks:
                if isinstance(field, plain) and not isinstance(field, strict):
                    loose.append(
                        f"{cls.__module__}.{cls.__qualname__}.{field_name} is a {type(field).__name__}"
                    )
    assert not loose, "\n".join(loose)


def test_plausible_date_field_bounds():
    field = PlausibleDateField()
    assert field.run_validation("1900-01-01") == datetime.date(1900, 1, 1)
    assert field.run_validation("2100-12-31") == datetime.date(2100, 12, 31)
    from rest_framework.exceptions import ValidationError

    for far in ("1899-12-31", "2101-01-01", *FAR_DATES):
        with pytest.raises(ValidationError):
            field.run_validation(far)


def test_creating_staff_with_is_active_is_not_a_500(world, api_client):
    """Found by tests/test_schemathesis.py: is_active on create reached staff_create (a 500)."""
    client = api_client(world.admin)
    new = {"username": "new1", "role": "therapist", "password": "Plenty-Long-Pass-7"}
    before = row_counts()
    refused = client.post("/api/v1/staff/", {**new, "is_active": False}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"is_active": ["A new account is active: deactivate it once it is created."]}
    assert_wrote_nothing(before, "POST /api/v1/staff/ with is_active false")
    created = client.post("/api/v1/staff/", {**new, "is_active": True}, format="json")
    assert created.status_code == 201 and created.json()["is_active"] is True
