"""The questionnaire as a person uses it: clicks and keys in a real browser, then the results.

Each test starts a fresh Streamlit session (a new browser context) on the first step.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from _flow import (
    SADDLE,
    answer_warning_signs,
    app_idle,
    at_follow_up,
    at_step,
    choose,
    start_kiosk,
)
from playwright.sync_api import Browser, Locator, Page, expect

from backcare.assessment.questionnaire import pages
from backcare.ui.warning_step import FOLLOW_UP_TITLE, group_label

ROOT = Path(__file__).resolve().parents[2]
STEPS = 4
AGE = "How old are you?"
ACTIVITY = "What were you doing when the pain began?"
ONSET = "When did the pain start?"
AREAS = "Where does it hurt?"
FEELS = "What does the pain feel like?"


def _cause_title(cause_id: str) -> str:
    with (ROOT / "data" / "causes.csv").open(newline="", encoding="utf-8") as f:
        return next(row["title"] for row in csv.DictReader(f) if row["id"] == cause_id)


# --- doing things the way a person would ----------------------------------------------------


def type_number(page: Page, question: str, value: str) -> None:
    field = page.get_by_role("spinbutton", name=question)
    field.click()
    page.keyboard.type(value)
    page.keyboard.press("Tab")
    expect(field).to_have_value(value)


def pick_pill(page: Page, question: str, option: str) -> None:
    pill = page.get_by_role("toolbar", name=question).get_by_role("button", name=option)
    pill.click()
    expect(pill).to_have_attribute("aria-pressed", "true")


def tick(page: Page, statement: str) -> None:
    """Tick a checklist line by clicking its text, as a person would."""
    page.get_by_test_id("stCheckbox").get_by_text(statement, exact=True).click()
    expect(page.get_by_role("checkbox", name=statement)).to_be_checked()


def step_caption(page: Page, number: int) -> Locator:
    return page.get_by_test_id("stProgress").get_by_text(f"Step {number} of {STEPS}:")


def press(page: Page, button: str, wait_idle: Callable[[Page], None], *, to_step: int) -> None:
    """Submit the step's form with a button and wait for the step it leads to."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(step_caption(page, to_step)).to_be_visible()
    wait_idle(page)


def see_results(page: Page, wait_idle: Callable[[Page], None]) -> None:
    page.get_by_role("button", name="See my results").click()
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    wait_idle(page)


def screenshot_as_seen(page: Page, artifacts: Path, name: str) -> None:
    """Screenshot the window as the person sees it on arrival, without scrolling."""
    page.screenshot(path=artifacts / name)


def screenshot_whole_page(page: Page, artifacts: Path, name: str) -> None:
    """Screenshot everything: the app scrolls inside stMain, so grow the window to fit it."""
    size = page.viewport_size
    assert size is not None
    height = page.get_by_test_id("stMain").evaluate("el => el.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        page.screenshot(path=artifacts / name)
    finally:
        page.set_viewport_size(size)


# --- the tests ------------------------------------------------------------------------------


def _a_runner_on_step_one(page: Page) -> None:
    """A 38-year-old runner whose lower back hurt right after the run."""
    choose(page, ACTIVITY, "Running")
    choose(page, ONSET, "Right after it")
    type_number(page, AGE, "38")
    pick_pill(page, AREAS, "Lower back")


def test_runner_without_warning_signs_gets_self_care_first(
    app: Page, wait_idle: Callable[[Page], None], artifacts_dir: Path
) -> None:
    page = app
    _a_runner_on_step_one(page)
    pick_pill(page, FEELS, "Dull ache")
    press(page, "Next", wait_idle, to_step=2)

    tick(page, "I went harder, further or longer than felt comfortable")
    press(page, "Next", wait_idle, to_step=3)

    tick(page, "I run in worn-out shoes or shoes with little cushioning or arch support")
    tick(page, "I mostly run on hard surfaces or downhill")
    press(page, "Next", wait_idle, to_step=4)

    expect(page.get_by_role("button", name="See my results")).to_be_visible()
    answer_warning_signs(page)
    see_results(page, wait_idle)

    banner = page.get_by_test_id("stAlertContainer").filter(
        has_text="Look after it yourself for now"
    )
    expect(banner).to_have_count(1)
    # st.success renders role="status" (only error/warning get role="alert" in 1.67).
    expect(banner).to_have_attribute("role", "status")
    explanations = page.get_by_role("heading", name="Possible explanations")
    expect(explanations).to_be_visible()
    banner_box, explanations_box = banner.bounding_box(), explanations.bounding_box()
    assert banner_box is not None and explanations_box is not None
    assert banner_box["y"] + banner_box["height"] <= explanations_box["y"], (
        "the triage banner must come before the possible explanations"
    )
    # ...and first in the DOM too, not just placed above by layout.
    assert banner.evaluate(
        "(b, h) => !!(b.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING)",
        explanations.element_handle(),
    )

    # Causes are numbered subheadings: "1. Impact from running", "2. ...".
    ranked = page.get_by_role("heading", level=3).filter(has_text=re.compile(r"^\d+\. "))
    expect(ranked.first).to_be_visible()
    titles = [t.strip() for t in ranked.all_inner_texts()]
    running = _cause_title("running_impact")
    top_three = [re.sub(r"^\d+\.\s*", "", t) for t in titles[:3]]
    assert running in top_three, f"{running!r} is not among the first three causes: {titles}"

    expect(page.get_by_text("Because you said").first).to_be_visible()
    expect(page.get_by_role("heading", name="What may ease it now")).to_be_visible()
    expect(page.get_by_role("heading", name="Preventing it next time")).to_be_visible()
    expect(page.get_by_text("does not diagnose", exact=False).first).to_be_visible()

    screenshot_as_seen(page, artifacts_dir, "results-self-care.png")
    screenshot_whole_page(page, artifacts_dir, "results-self-care-full.png")


def test_emergency_sign_puts_emergency_alert_at_the_top(
    app: Page, wait_idle: Callable[[Page], None], artifacts_dir: Path
) -> None:
    page = app
    choose(page, ACTIVITY, "Strength training or weightlifting")
    type_number(page, AGE, "45")
    press(page, "Next", wait_idle, to_step=2)
    press(page, "Next", wait_idle, to_step=3)
    press(page, "Next", wait_idle, to_step=4)
    answer_warning_signs(page, yes=(SADDLE,))
    see_results(page, wait_idle)

    alert = page.get_by_role("alert").filter(has_text="Get emergency help now").first
    expect(alert).to_be_visible()
    expect(alert).to_be_in_viewport()
    box = alert.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert box["y"] < viewport["height"] / 2, (
        f"the emergency alert starts at y={box['y']:.0f}, below half the window"
    )
    screenshot_as_seen(page, artifacts_dir, "results-emergency.png")


def test_back_and_next_keep_answers(app: Page, wait_idle: Callable[[Page], None]) -> None:
    page = app
    choose(page, ACTIVITY, "Stretching")
    type_number(page, AGE, "52")  # ends with Tab, which moves focus on to "Next"
    # Keyboard only: the disabled "Back" is skipped, so Enter on the focused "Next" submits.
    expect(page.get_by_role("button", name="Next", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(step_caption(page, 2)).to_be_visible()
    wait_idle(page)
    tick(page, "I bounced or made sudden jerky movements")
    press(page, "Back", wait_idle, to_step=1)

    expect(page.get_by_role("spinbutton", name=AGE)).to_have_value("52")
    activity = page.get_by_role("radiogroup", name=ACTIVITY)
    expect(activity.get_by_role("radio", name="Stretching")).to_be_checked()

    press(page, "Next", wait_idle, to_step=2)
    expect(
        page.get_by_role("checkbox", name="I bounced or made sudden jerky movements")
    ).to_be_checked()


def test_start_again_returns_to_an_empty_first_step(
    app: Page, wait_idle: Callable[[Page], None]
) -> None:
    page = app
    choose(page, ACTIVITY, "Running")
    type_number(page, AGE, "38")
    press(page, "Next", wait_idle, to_step=2)
    press(page, "Next", wait_idle, to_step=3)
    press(page, "Next", wait_idle, to_step=4)
    answer_warning_signs(page)
    see_results(page, wait_idle)

    page.get_by_role("button", name="Start again").click()
    expect(step_caption(page, 1)).to_be_visible()
    wait_idle(page)

    expect(page.get_by_role("spinbutton", name=AGE)).to_have_value("")
    for question in (ACTIVITY, ONSET):
        expect(
            page.get_by_role("radiogroup", name=question).get_by_role("radio", checked=True)
        ).to_have_count(0)


# --- where a step change lands, and the results on a phone -----------------------------------

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _open_at(browser: Browser, url: str, viewport: dict, *, kiosk: bool) -> Page:
    page = browser.new_context(viewport=viewport).new_page()
    if kiosk:
        start_kiosk(page, url)
    else:
        page.goto(url)
        at_step(page, 1)
    return page


@pytest.mark.parametrize("where", ["desktop", "phone", "kiosk"])
def test_after_each_next_the_new_step_opens_at_its_top(
    browser: Browser, app_url: str, kiosk_url: str, kb, where: str
) -> None:
    viewport = PHONE if where == "phone" else DESKTOP
    page = _open_at(
        browser, kiosk_url if where == "kiosk" else app_url, viewport, kiosk=where == "kiosk"
    )
    try:
        titles = [p.step.title for p in pages(kb)]
        for number in range(2, len(titles) + 1):
            # A person who has read the step to its end presses Next at the bottom.
            page.get_by_test_id("stMain").evaluate("el => el.scrollTo(0, el.scrollHeight)")
            page.get_by_role("button", name="Next", exact=True).click()
            at_step(page, number)
            heading = page.get_by_role("heading", name=titles[number - 1], exact=True)
            expect(heading).to_be_in_viewport()
            expect(step_caption(page, number)).to_be_in_viewport()
            expect(heading).to_be_focused()
    finally:
        page.context.close()


def test_the_pain_scale_stays_on_one_row_on_a_phone(browser: Browser, app_url: str) -> None:
    page = _open_at(browser, app_url, PHONE, kiosk=False)
    try:
        scale = page.get_by_role("radiogroup", name="How bad is the pain right now?")
        expect(scale.get_by_role("radio")).to_have_count(11)
        rows = "els => new Set(els.map((el) => Math.round(el.getBoundingClientRect().top))).size"
        # Styles may arrive a moment after the buttons: wait for one row, at most the timeout.
        scale.get_by_role("radio").first.wait_for()
        page.wait_for_function(
            f"() => ({rows})([...document.querySelectorAll("
            "'[aria-label=\"How bad is the pain right now?\"] [role=radio]')]) === 1"
        )
        widths = scale.get_by_role("radio").evaluate_all(
            "els => els.map((el) => el.getBoundingClientRect().width)"
        )
        assert min(widths) >= 24, widths  # each still a comfortable target
    finally:
        page.context.close()


def _phone_results(browser: Browser, app_url: str, *, emergency: bool) -> Page:
    """On a phone: a runner who pushed on with tired, tight muscles (more than three causes
    fit), with every warning sign "No", or the emergency one "Yes"."""
    page = _open_at(browser, app_url, PHONE, kiosk=False)
    _a_runner_on_step_one(page)
    press(page, "Next", app_idle, to_step=2)
    tick(page, "I went harder, further or longer than felt comfortable")
    tick(page, "My back muscles were already tired before I started")
    press(page, "Next", app_idle, to_step=3)
    tick(page, "I run in worn-out shoes or shoes with little cushioning or arch support")
    tick(page, "My back, hips or the backs of my thighs usually feel tight")
    press(page, "Next", app_idle, to_step=4)
    answer_warning_signs(page, yes=(SADDLE,) if emergency else ())
    see_results(page, app_idle)
    return page


def test_on_a_phone_a_benign_runner_sees_the_decision_and_three_explanations_early(
    browser: Browser, app_url: str, artifacts_dir: Path
) -> None:
    page = _phone_results(browser, app_url, emergency=False)
    try:
        main = page.get_by_test_id("stMain")
        top = "el => el.getBoundingClientRect().top + el.closest('[data-testid=stMain]').scrollTop"
        banner = page.get_by_role("status").filter(has_text="Look after it yourself for now")
        expect(banner).to_be_in_viewport()
        folds = page.get_by_test_id("stExpander")
        expect(folds.first).to_contain_text("Other possible explanations")
        first_fold = folds.first.evaluate(top)
        cards = page.get_by_role("heading", level=3).filter(has_text=re.compile(r"^[123]\. "))
        expect(cards).to_have_count(3)
        assert all(y < first_fold for y in cards.evaluate_all(f"els => els.map({top})"))
        # Everything before the first fold fits in three phone screens.
        assert first_fold <= 3 * PHONE["height"], f"the first fold starts at {first_fold:.0f} px"
        assert "%" not in main.inner_text()
        screenshot_as_seen(page, artifacts_dir, "results-phone-self-care.png")
    finally:
        page.context.close()


def test_on_a_phone_an_emergency_offers_nothing_but_the_call_before_more(
    browser: Browser, app_url: str, artifacts_dir: Path
) -> None:
    page = _phone_results(browser, app_url, emergency=True)
    try:
        alert = page.get_by_role("alert").filter(has_text="Get emergency help now")
        expect(alert).to_be_in_viewport()
        call = page.get_by_role("link", name=re.compile(r"^Call 999"))
        expect(call).to_be_visible()
        expect(call).to_have_attribute("href", "tel:999")
        # The call is the largest thing on the page: nothing has larger text.
        sizes = page.get_by_test_id("stMain").evaluate(
            """main => [...main.querySelectorAll('h1, h2, h3, p, a, span')]
                 .filter((el) => el.getClientRects().length)
                 .map((el) => parseFloat(getComputedStyle(el).fontSize))"""
        )
        call_size = call.locator("p").first.evaluate(
            "el => parseFloat(getComputedStyle(el).fontSize)"
        )
        assert call_size >= max(sizes), (call_size, max(sizes))
        for absent in ("Share", "Add today to my pain diary"):
            expect(page.get_by_role("button", name=absent)).to_have_count(0)
        expect(page.get_by_role("checkbox")).to_have_count(0)
        screenshot_as_seen(page, artifacts_dir, "results-phone-emergency.png")
        page.locator("summary").filter(has_text="More").click()
        expect(page.get_by_role("button", name="Add today to my pain diary")).to_be_visible()
    finally:
        page.context.close()


# --- help under each question, and warning signs left out ------------------------------------


def test_help_is_a_caption_under_the_question_that_its_control_is_described_by(
    app: Page, kb
) -> None:
    page = app
    for item, role in (
        ("age", "spinbutton"),
        ("pain_now", "radiogroup"),
        ("activity", "radiogroup"),
    ):
        question = kb.questions[item]
        control = page.get_by_role(role, name=question.text, exact=True)  # type: ignore[arg-type]
        expect(control).to_have_accessible_description(question.help)
        expect(page.get_by_test_id("stCaptionContainer").get_by_text(question.help)).to_be_visible()
    # No "?" tooltip buttons: the help is on the page, not behind an extra tab stop.
    expect(page.get_by_test_id("stTooltipIcon")).to_have_count(0)


def test_see_my_results_with_groups_left_out_names_them_and_focuses_the_first(
    app: Page, wait_idle: Callable[[Page], None], kb
) -> None:
    page = app
    for step in (2, 3, 4):
        press(page, "Next", wait_idle, to_step=step)
    first, answered, *_ = kb.warning_groups
    choose(page, group_label(answered), "No")  # one answered, the others left out
    page.get_by_role("button", name="See my results").click()
    message = page.get_by_role("alert").filter(has_text="Please answer Yes or No for every group")
    expect(message).to_be_visible()
    wait_idle(page)
    left = len(kb.warning_groups) - 1
    expect(message).to_contain_text(f"{left} groups of warning signs are not answered yet")
    expect(message).to_contain_text(first.title)
    expect(message).not_to_contain_text(answered.title)
    # No result, and the keyboard focus is on the first group left out, in view.
    expect(page.get_by_role("heading", name="Your results")).to_have_count(0)
    group = page.get_by_role("radiogroup", name=group_label(first), exact=True)
    expect(group.get_by_role("radio").first).to_be_focused()
    expect(group).to_be_in_viewport()
    # Its signs are on the page in plain words, not behind a tooltip.
    for sign in first.signs:
        expect(page.get_by_text(kb.questions[sign].text, exact=False).first).to_be_visible()


def _group_with(kb, sign: str):
    return next(g for g in kb.warning_groups if sign in g.signs)


@pytest.mark.parametrize("where", ["desktop", "phone", "kiosk"])
def test_a_yes_group_opens_which_of_these_at_its_top_and_waits_for_each_sign(
    browser: Browser, app_url: str, kiosk_url: str, kb, where: str
) -> None:
    """Group Yes: the follow-up opens at its top with the focus on its heading; with a sign
    left out, "See my results" names it and takes the focus there; Back keeps every answer;
    one sign Yes gives that sign's level."""
    viewport = PHONE if where == "phone" else DESKTOP
    page = _open_at(
        browser, kiosk_url if where == "kiosk" else app_url, viewport, kiosk=where == "kiosk"
    )
    try:
        for number in (2, 3, 4):
            press(page, "Next", app_idle, to_step=number)
        group = _group_with(kb, "fever")
        for other in kb.warning_groups:
            choose(page, group_label(other), "Yes" if other == group else "No")
        page.get_by_test_id("stMain").evaluate("el => el.scrollTo(0, el.scrollHeight)")
        page.get_by_role("button", name="See my results").click()
        at_follow_up(page)
        heading = page.get_by_role("heading", name=FOLLOW_UP_TITLE, exact=True)
        expect(heading).to_be_focused()
        expect(heading).to_be_in_viewport()
        expect(step_caption(page, 4)).to_be_in_viewport()
        expect(page.get_by_role("radiogroup")).to_have_count(len(group.signs))

        choose(page, kb.questions["fever"].text, "Yes")
        page.get_by_role("button", name="See my results").click()
        message = page.get_by_role("alert").filter(has_text="Please answer every warning sign")
        expect(message).to_be_visible()
        app_idle(page)
        expect(page.get_by_role("heading", name="Your results")).to_have_count(0)
        first_left = kb.questions[next(s for s in group.signs if s != "fever")].text
        expect(message).to_contain_text(first_left)
        left = page.get_by_role("radiogroup", name=first_left, exact=True)
        expect(left.get_by_role("radio").first).to_be_focused()

        press(page, "Back", app_idle, to_step=4)
        chosen = page.get_by_role("radiogroup", name=group_label(group), exact=True)
        expect(chosen.get_by_role("radio", name="Yes", exact=True)).to_be_checked()
        page.get_by_role("button", name="See my results").click()
        at_follow_up(page)
        fever = page.get_by_role("radiogroup", name=kb.questions["fever"].text, exact=True)
        expect(fever.get_by_role("radio", name="Yes", exact=True)).to_be_checked()
        for sign in group.signs:
            if sign != "fever":
                choose(page, kb.questions[sign].text, "No")
        see_results(page, app_idle)
        expect(
            page.get_by_test_id("stAlertContainer").filter(has_text="See a doctor today")
        ).to_be_visible()
    finally:
        page.context.close()
