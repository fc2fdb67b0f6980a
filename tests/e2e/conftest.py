"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import shutil

import pytest

# Sync Playwright runs an event loop in this thread; Django's ORM calls from the test are safe
# here because the test and the live server only share the test database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (make test does this)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-dev-shm-usage",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


# Every page reports what its Content-Security-Policy refused (the event carries no page data
# beyond the directive and the blocked address). Init scripts run outside the page's CSP.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""
# What Chromium writes to the console when a policy refuses something, or a header is wrong.
POLICY_MESSAGES = (
    "Content Security Policy",
    "Content-Security-Policy",
    "CSP violation",
    "Permissions-Policy",
)


@pytest.fixture
def csp_violations():
    """What the browser refused under the CSP (or complained about in Permissions-Policy), and
    script errors, during one test: the `page` fixture fails the test unless it stays empty."""
    return []


@pytest.fixture
def page(browser, csp_violations):
    """A fresh browser context and page. The whole e2e suite runs under the app's real CSP: a
    test during which the browser refused an inline script or style, a resource from another
    origin or an eval (htmx's included), or a page threw a script error, fails."""
    context = browser.new_context()
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)

    def on_console(message) -> None:
        if message.type in ("error", "warning") and any(m in message.text for m in POLICY_MESSAGES):
            csp_violations.append(f"{message.type}: {message.text} (at {page.url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: csp_violations.append(f"pageerror: {error} (at {page.url})"))
    yield page
    context.close()
    if csp_violations:
        pytest.fail("the browser reported:\n" + "\n".join(csp_violations), pytrace=False)
