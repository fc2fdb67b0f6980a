"""The app under its Content-Security-Policy in a real browser: the API docs render their
operations from this origin only, htmx keeps working, and the suite's CSP check (conftest.py
`page`) really sees a refused inline script."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.careteam.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username, password=PASSWORD):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_api_docs_render_their_operations_from_this_origin_only(world, live_server, page):
    base = live_server.url
    origins = set()
    page.on("request", lambda request: origins.add(urlsplit(request.url)[:2]))

    response = page.goto(f"{base}/api/docs/")
    assert page.url.startswith(f"{base}/accounts/login/")  # signed-in users only
    sign_in(page, base, "theo")
    response = page.goto(f"{base}/api/docs/")
    assert response.status == 200
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 20
    expect(page.get_by_text("/api/v1/patients/{patient_id}/", exact=True).first).to_be_visible()
    server = urlsplit(base)[:2]
    # data: (Swagger UI's inline SVG icons) is allowed by img-src; nothing else leaves the server.
    assert origins - {("data", "")} == {server}


def test_htmx_search_works_under_the_csp(world, live_server, page):
    """The patient search is an htmx request: under a CSP without eval it still swaps rows in."""
    base = live_server.url
    sign_in(page, base, "theo")
    page.goto(f"{base}/patients/")
    expect(page.get_by_role("link", name="Avery, Jordan")).to_be_visible()
    with page.expect_response(lambda r: "/patients/" in r.url and r.request.headers.get("hx-request")):
        page.get_by_label("Search by name or record number").fill("zzz-nobody")
    expect(page.get_by_text("No patients match")).to_be_visible()
    expect(page.get_by_role("link", name="Avery, Jordan")).to_have_count(0)
    # No inline <style> from htmx: the indicator classes come from app.css.
    assert page.locator("head style").count() == 0


def test_the_suite_sees_a_refused_inline_script(world, live_server, page, csp_violations):
    """What every e2e test relies on: an inline script is refused and reported."""
    base = live_server.url
    sign_in(page, base, "theo")
    expect(page.get_by_role("heading", name="My patients")).to_be_visible()
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "document.body.dataset.injected = 'yes'";
          document.head.appendChild(script);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.locator("body[data-injected]").count() == 0  # it did not run
    assert any("script-src" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # seen: this test passes
