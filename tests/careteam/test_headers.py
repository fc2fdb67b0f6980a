"""Response headers a security review checks (API.md "Sessions and tokens"): a CSP without inline
script and without other origins, Permissions-Policy, no-store on everything with patient data,
request ids the server makes unless the client's is a UUID, and API docs and schema for signed-in
users only, served from this origin."""

import re
import uuid
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from careteam.models import AuditEvent
from tests.matrix import PRINCIPALS
from tests.test_permission_matrix import MATRIX


def csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def assert_strict_csp(response) -> None:
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for values in policy.values():
        for value in values:
            assert value in ("'self'", "'none'", "data:"), f"{value} in {response['Content-Security-Policy']}"


class InlineCode(HTMLParser):
    """What a strict CSP would refuse in a page: inline scripts, <style> blocks, style=""
    attributes, on*="..." handlers and htmx's hx-on, and anything loaded from another origin."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script":
            if not names.get("src"):
                self.found.append("inline <script>")
            self._in_script = True
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name == "style" or name.startswith(("on", "hx-on")):
                self.found.append(f'<{tag} {name}="{value}">')
            # What the page loads or sends to (a link to a resource's website is neither).
            loads = name in ("src", "action", "hx-get", "hx-post") or (tag == "link" and name == "href")
            if loads and value and (urlsplit(value).netloc or value.startswith("//")):
                self.found.append(f'<{tag} {name}="{value}"> (another origin)')
        if tag == "a" and (names.get("href") or "").startswith("javascript:"):
            self.found.append("javascript: link")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("script with inline code")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_page_check_finds_inline_code():
    page = (
        '<script>alert(1)</script><style>p{}</style><p style="color:red" onclick="x()">'
        '<button hx-on:click="y()"></button><script src="https://cdn.example.org/x.js"></script>'
        '<script src="/static/ok.js"></script><img src="data:image/png;base64,AA==">'
        '<a href="https://example.org/">a resource\'s website</a>'
    )
    assert inline_code(page) == [
        "inline <script>",
        "script with inline code",
        "<style> block",
        '<p style="color:red">',
        '<p onclick="x()">',
        '<button hx-on:click="y()">',
        '<script src="https://cdn.example.org/x.js"> (another origin)',
    ]


# Every page of the permission matrix that someone may open, as the first caller who gets a 200.
PAGES = []
for name, method, kwargs, _data, status in MATRIX:
    if method != "get" or name.startswith("api_") or name == "healthz":
        continue
    principal = next((p for p in PRINCIPALS if status[p] == 200), None)
    if principal:
        PAGES.append(pytest.param(name, kwargs, principal, id=f"{name} as {principal}"))


@pytest.mark.parametrize(("name", "kwargs", "principal"), PAGES)
def test_every_page_has_the_strict_csp_and_no_inline_code(world, page_client, name, kwargs, principal):
    user = None if principal == "anonymous" else getattr(world, principal)
    response = page_client(user).get(reverse(name, kwargs=kwargs(world) if kwargs else None))
    assert response.status_code == 200
    assert_strict_csp(response)
    assert response["Cache-Control"] == "no-store"
    if response["Content-Type"].startswith("text/html"):
        assert inline_code(response.content.decode()) == []


def test_the_patient_page_with_its_chart_has_no_inline_style(world, page_client):
    from tests.therapy.factories import make_assessment

    make_assessment(actor=world.therapist, patient=world.patient, instrument="PHQ9", answers=[2] * 9)
    response = page_client(world.psychiatrist).get(reverse("patient_detail", args=[world.patient.pk]))
    html = response.content.decode()
    assert "trend-chart" in html
    assert inline_code(html) == []


def test_permissions_policy_turns_browser_features_off(world, page_client, api_client):
    for response in (
        page_client(world.therapist).get(reverse("patient_list")),
        api_client(world.therapist).get("/api/v1/patients/"),
        page_client(None).get(reverse("login")),
    ):
        features = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()"
        assert set(features.values()) == {"()"}


def test_patient_data_is_never_stored_by_a_cache(world, page_client, api_client):
    pid = world.patient.pk
    api = api_client(world.therapist)
    responses = [
        page_client(world.therapist).get(reverse("patient_detail", args=[pid])),
        page_client(world.therapist).get(reverse("patient_list")),
        api.get("/api/v1/patients/"),
        api.get(f"/api/v1/patients/{pid}/"),
        api.get(f"/api/v1/patients/{pid}/care-plan/"),
        api.post(
            f"/api/v1/patients/{pid}/flags/", {"category": "social", "severity": "routine", "message": "x"}
        ),
        api_client(world.outsider).get(f"/api/v1/patients/{pid}/"),  # the 404 too
        page_client(world.outsider).get(reverse("patient_detail", args=[pid])),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200, 201, 404, 404]
    for response in responses:
        assert response["Cache-Control"] == "no-store", response.request["PATH_INFO"]
        assert_strict_csp(response)


def test_static_files_keep_their_caching(world, client, settings):
    """whitenoise answers static files before the no-store middleware sees them."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/static/careteam/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]


# --- request ids ------------------------------------------------------------------------------


def _audit_rows_of(response) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(request_id=response["X-Request-ID"]))


def test_a_client_uuid_request_id_is_kept(world, api_client):
    sent = str(uuid.uuid4())
    response = api_client(world.therapist).get(
        f"/api/v1/patients/{world.patient.pk}/", HTTP_X_REQUEST_ID=sent
    )
    assert response["X-Request-ID"] == sent
    [row] = _audit_rows_of(response)
    assert (row.action, row.patient_id) == ("view", world.patient.pk)


def test_an_upper_case_uuid_is_kept_in_its_canonical_form(world, api_client):
    sent = str(uuid.uuid4())
    response = api_client(world.therapist).get("/api/v1/me/", HTTP_X_REQUEST_ID=sent.upper())
    assert response["X-Request-ID"] == sent


@pytest.mark.parametrize(
    "sent",
    [
        "Jordan-Avery-MRN-0001",  # a name: the old check let anything of 8-64 safe characters in
        "0123456789abcdef0123456789abcdef",  # a UUID's digits, but not the UUID form
        "{12345678-1234-1234-1234-123456789abc}",
        "12345678-1234-1234-1234-123456789abc\n",
        "x" * 200,
    ],
)
def test_a_request_id_that_is_not_a_uuid_is_replaced(world, api_client, sent):
    response = api_client(world.therapist).get(
        f"/api/v1/patients/{world.patient.pk}/", HTTP_X_REQUEST_ID=sent
    )
    assert response.status_code == 200
    made = response["X-Request-ID"]
    assert made != sent.strip()
    assert str(uuid.UUID(made)) == made
    [row] = _audit_rows_of(response)
    assert row.request_id == made
    assert not AuditEvent.objects.filter(request_id__icontains="Avery").exists()


def test_without_a_request_id_the_server_makes_one_per_request(world, page_client):
    client = page_client(world.therapist)
    first, second = (client.get(reverse("patient_list"))["X-Request-ID"] for _ in range(2))
    assert first != second
    assert str(uuid.UUID(first)) == first


# --- API docs and schema ----------------------------------------------------------------------


def test_schema_and_docs_are_for_signed_in_users_only(world, api_client, page_client):
    assert api_client(None).get(reverse("api_schema")).status_code == 401
    docs = page_client(None).get(reverse("api_docs"))
    assert docs.status_code == 302
    assert docs["Location"].startswith(reverse("login"))
    assert page_client(None).get(reverse("api_docs") + "?script=").status_code == 302
    for user in (world.therapist, world.admin):
        assert api_client(user).get(reverse("api_schema")).status_code == 200
        assert page_client(user).get(reverse("api_docs")).status_code == 200


def test_docs_page_is_served_from_this_origin(world, page_client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve the sidecar's static files in this test
    settings.WHITENOISE_AUTOREFRESH = True
    client = page_client(world.admin)
    response = client.get(reverse("api_docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert_strict_csp(response)
    assert inline_code(html) == []
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in src for src in scripts)
    for src in scripts:
        assert src.startswith("/"), src
        served = client.get(src)
        assert served.status_code == 200, src
        if "?script" in src:  # the set-up script: this view's own response, no other origin
            assert served["Content-Type"].startswith("application/javascript")
            assert "https://" not in served.content.decode() and "http://" not in served.content.decode()


def test_the_csrf_failure_page_has_no_inline_style(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.therapist)
    response = client.post(reverse("notifications_read_all"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html
    assert inline_code(html) == []
