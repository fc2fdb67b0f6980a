"""Theo (therapist) fills in Jordan Avery's PHQ-9 in the answer grid: the total and band follow
his clicks, item 9 above 0 warns him before he saves, a missing answer is one message (and
nothing is saved), a full form saves the total and band the page showed, and on a phone the grid
is one column with no sideways scroll. Under the app's real CSP (the `page` fixture fails on a
violation): the live total is static JS from careteam/static."""

import re

import pytest
from playwright.sync_api import expect

from flags.models import Flag
from tests.careteam.factories import PASSWORD
from therapy.models import Assessment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANSWERS = ("Not at all", "Several days", "More than half the days", "Nearly every day")


def sign_in(page, live_server, username="theo"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def open_phq9(page, live_server, world):
    page.goto(f"{live_server.url}/patients/{world.patient.pk}/therapy/assessments/new/phq9/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a PHQ-9")


def answer(page, item, points):
    page.get_by_role("group", name=re.compile(rf"^{item}\. ")).get_by_role(
        "radio", name=ANSWERS[points], exact=True
    ).check()


def total(page):
    return page.locator("#measure-total")


def test_the_total_and_band_follow_the_answers(world, live_server, page):
    sign_in(page, live_server)
    open_phq9(page, live_server, world)
    expect(total(page)).to_have_text(re.compile(r"Total 0 of 27 · None to minimal \(0 of 9 answered\)"))
    answer(page, 1, 3)
    answer(page, 2, 2)
    expect(total(page)).to_contain_text("Total 5 of 27 · Mild")
    expect(total(page)).to_contain_text("(2 of 9 answered)")
    answer(page, 3, 3)
    answer(page, 4, 2)
    expect(total(page)).to_contain_text("Total 10 of 27 · Moderate")
    answer(page, 4, 0)  # a changed answer replaces the old one
    expect(total(page)).to_contain_text("Total 8 of 27 · Mild")
    for item in (4, 5, 6, 7, 8):
        answer(page, item, 3)
    expect(total(page)).to_contain_text("Total 23 of 27 · Severe")
    answer(page, 9, 0)
    expect(total(page)).to_contain_text("(9 of 9 answered)")


def test_the_grid_is_operable_by_keyboard(world, live_server, page):
    sign_in(page, live_server)
    open_phq9(page, live_server, world)
    first = page.get_by_role("group", name=re.compile(r"^1\. ")).get_by_role("radio", name="Not at all")
    first.focus()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    page.keyboard.press("ArrowRight")  # moves within item 1's group and ticks the next answer
    expect(
        page.get_by_role("group", name=re.compile(r"^1\. ")).get_by_role("radio", name="Several days")
    ).to_be_checked()
    expect(total(page)).to_contain_text("Total 1 of 27")
    page.keyboard.press("Tab")  # on to item 2's group
    page.keyboard.press("Space")
    expect(
        page.get_by_role("group", name=re.compile(r"^2\. ")).get_by_role("radio", name="Not at all")
    ).to_be_checked()


def test_item_9_above_0_warns_before_saving(world, live_server, page):
    sign_in(page, live_server)
    open_phq9(page, live_server, world)
    warning = page.locator("#self-harm-warning")
    expect(warning).to_be_hidden()
    answer(page, 9, 1)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("an urgent safety flag goes to the patient's care team")
    assert Assessment.objects.count() == 0 and Flag.objects.count() == 0  # nothing saved yet
    answer(page, 9, 0)
    expect(warning).to_be_hidden()
    answer(page, 9, 3)
    expect(warning).to_be_visible()


def test_a_missing_answer_is_one_message_and_saves_nothing(world, live_server, page):
    sign_in(page, live_server)
    open_phq9(page, live_server, world)
    for item in range(1, 10):
        if item not in (3, 7):
            answer(page, item, 1)
    answer(page, 9, 2)
    page.get_by_role("button", name="Save PHQ-9").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Answer every question: 2 are unanswered (items 3 and 7).")
    expect(summary).to_be_focused()  # keyboard and screen-reader users start at what to fix
    expect(page.get_by_text("This field is required.")).to_have_count(0)
    expect(page.get_by_text("Answer every question")).to_have_count(1)
    assert Assessment.objects.count() == 0 and Flag.objects.count() == 0
    # what was answered stays answered, the total says so, and the warning is still up
    expect(total(page)).to_contain_text("Total 8 of 27 · Mild")
    expect(total(page)).to_contain_text("(7 of 9 answered)")
    expect(page.locator("#self-harm-warning")).to_be_visible()
    # the unanswered items are marked invalid; the summary's link goes to the first of them
    item3 = page.get_by_role("group", name=re.compile(r"^3\. "))
    expect(item3.get_by_role("radio", name="Not at all")).to_have_attribute("aria-invalid", "true")
    expect(
        page.get_by_role("group", name=re.compile(r"^1\. ")).get_by_role("radio", name="Not at all")
    ).not_to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"#id_item_3$"))

    answer(page, 3, 0)
    answer(page, 7, 0)
    page.get_by_role("button", name="Save PHQ-9").click()
    expect(page.get_by_text("PHQ-9 recorded.")).to_be_visible()
    assert Assessment.objects.count() == 1


def test_a_full_form_saves_the_total_and_band_it_showed(world, live_server, page):
    sign_in(page, live_server)
    open_phq9(page, live_server, world)
    points = [3, 3, 2, 2, 1, 1, 2, 1, 0]  # 15: moderately severe
    for item, value in enumerate(points, start=1):
        answer(page, item, value)
    expect(total(page)).to_contain_text("Total 15 of 27 · Moderately severe")
    expect(page.locator("#self-harm-warning")).to_be_hidden()
    page.get_by_role("button", name="Save PHQ-9").click()

    expect(page.get_by_text("PHQ-9 recorded.")).to_be_visible()
    result = page.get_by_label("Result")
    expect(result).to_contain_text("15 of 27")
    expect(result).to_contain_text("Moderately severe")
    assessment = Assessment.objects.get()
    assert (assessment.total, assessment.severity, assessment.answers) == (15, "moderately-severe", points)
    assert Flag.objects.filter(category=Flag.Category.SAFETY).count() == 0


def test_a_saved_item_9_above_0_raises_the_safety_flag_the_warning_announced(world, live_server, page):
    sign_in(page, live_server)
    open_phq9(page, live_server, world)
    for item in range(1, 10):
        answer(page, item, 1)
    expect(page.locator("#self-harm-warning")).to_be_visible()
    page.get_by_role("button", name="Save PHQ-9").click()
    expect(page.get_by_text("PHQ-9 recorded.")).to_be_visible()
    flag = Flag.objects.get(category=Flag.Category.SAFETY)
    assert flag.severity == Flag.Severity.URGENT


@pytest.mark.parametrize("instrument", ["phq9", "gad7"])
def test_on_a_phone_the_grid_is_one_column_with_no_sideways_scroll(world, live_server, page, instrument):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/patients/{world.patient.pk}/therapy/assessments/new/{instrument}/")
    first = page.get_by_role("group", name=re.compile(r"^1\. "))
    labels = [first.get_by_text(text, exact=True) for text in ANSWERS]
    for label in labels:
        expect(label).to_be_visible()  # the answers' own words, not column headers
    # stacked: each answer below the one before, all within the item's width
    boxes = [label.bounding_box() for label in labels]
    assert all(b is not None for b in boxes)
    assert [b["y"] for b in boxes] == sorted(b["y"] for b in boxes)
    assert len({round(b["y"]) for b in boxes}) == 4
    answer_total = page.locator("#measure-total")
    expect(answer_total).to_be_visible()
    widths = page.evaluate(
        "() => ({doc: document.documentElement.scrollWidth, view: window.innerWidth,"
        " form: document.querySelector('form[data-measure-form]').scrollWidth})"
    )
    assert widths["form"] <= widths["view"], widths
    assert widths["doc"] <= widths["view"], widths


def test_on_a_desktop_the_answers_are_columns_of_one_row_per_item(world, live_server, page):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server)
    open_phq9(page, live_server, world)
    first = page.get_by_role("group", name=re.compile(r"^1\. "))
    radios = [first.get_by_role("radio", name=text, exact=True) for text in ANSWERS]
    boxes = [r.bounding_box() for r in radios]
    assert all(b is not None for b in boxes)
    assert len({round(b["y"]) for b in boxes}) == 1  # one row
    xs = [b["x"] for b in boxes]
    assert xs == sorted(xs) and len(set(xs)) == 4
    # each column sits under its header
    headers = page.locator(".measure-head span")
    for n, box in enumerate(boxes, start=1):
        head = headers.nth(n).bounding_box()
        assert head is not None and head["x"] <= box["x"] <= head["x"] + head["width"]
    # the grid is compact: the whole PHQ-9 fits in about one desktop screen
    height = page.evaluate("() => document.querySelector('.measure-grid').getBoundingClientRect().height")
    assert height < 900, height
