"""Accessibility in every state a person can reach, in both modes and both colour schemes.

One walk per mode and colour scheme goes through the app as a person would:
each questionnaire step with answers chosen, every result level with its folds
open, the diary empty and full (each chart), About, and the "not available"
page at /insights in personal mode; the welcome, steps and results in a kiosk.
At each state it records:

* axe-core's findings (serious and critical fail; moderate ones are printed);
* the contrast of every control's outline against what is behind it (WCAG 1.4.11);
* every target's size (at least 24 px in personal mode, 44 px in a kiosk);
* the focus ring of each control reached with Tab on the questionnaire's steps.

The Insights sign-in and charts are checked in test_analyst_insights.py; the
kiosk's idle warning in the kiosk tests. The keyboard-only test is below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from _contrast import focus_ring, weak_outlines
from _diary import diary, seed
from _flow import (
    ACTIVITY,
    AREAS,
    FEELS,
    HARD_SURFACE,
    ONSET,
    PAIN,
    STILL_HERE,
    WARM_UP,
    QuickKiosk,
    answer_warning_signs,
    app_idle,
    at_step,
    axe_findings,
    blocking_violations,
    choose,
    has_focus,
    idle_dialog,
    kb_choose,
    kb_pill,
    kb_press,
    kb_scale,
    kb_tick,
    kb_type,
    kb_warning_signs,
    pick,
    press,
    see_results,
    start_kiosk,
    tab_to,
    tick,
    type_age,
)
from _targets import KIOSK_MINIMUM, PERSONAL_MINIMUM, small_targets
from playwright.sync_api import Browser, Page, expect

from backcare.assessment.questionnaire import pages
from backcare.ui.warning_step import FOLLOW_UP_TITLE

MODES = ("personal", "kiosk")
SCHEMES = ("light", "dark")
#: The warning sign answered "Yes" for each result level (None: every sign "No").
LEVEL_SIGNS = {
    "self care": None,
    "see a doctor": "leg_numbness",
    "urgent": "fever",
    "emergency": "saddle_numbness",
}
#: A new page on a busy two-core machine may take this long to draw.
LOAD_MS = 30_000
#: Tab presses that reach every control of one step, with room to spare.
TABS_PER_STEP = 60


@dataclass
class Audit:
    """What one walk found, state by state."""

    blocking: dict[str, list[str]] = field(default_factory=dict)
    moderate: dict[str, list[str]] = field(default_factory=dict)
    outlines: dict[str, list[str]] = field(default_factory=dict)
    targets: dict[str, list[str]] = field(default_factory=dict)
    rings: dict[str, list[str]] = field(default_factory=dict)
    states: list[str] = field(default_factory=list)

    def record(self, page: Page, state: str, *, minimum: int) -> None:
        app_idle(page)
        self.states.append(state)
        blocking, moderate = axe_findings(page)
        self.blocking[state], self.moderate[state] = blocking, moderate
        # Outlines at rest: no pointer over a control and nothing focused (the focused look
        # is the focus ring's, measured by tab_through).
        page.mouse.move(0, 0)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        weak, measured = weak_outlines(page)
        assert measured or state.startswith(("about", "insights", "diary empty")), state
        self.outlines[state] = [str(w) for w in weak]
        small, _ = small_targets(page, minimum, spacing=False)
        self.targets[state] = [str(s) for s in small]

    def tab_through(self, page: Page, state: str) -> None:
        """Tab through a step's controls and check each focus ring; focus goes back after."""
        weak = []
        seen: set[str] = set()
        for _ in range(TABS_PER_STEP):
            page.keyboard.press("Tab")
            ring = focus_ring(page)
            if ring is None or ring["name"] in seen:
                continue
            seen.add(ring["name"])
            if not ring["ok"]:
                weak.append(f"{ring['tag']} {ring['name']!r}: {ring['ratio']}:1 {ring['rings']}")
            if ring["name"] in ("Next", "See my results"):
                break
        self.rings[state] = weak

    def problems(self, found: dict[str, list[str]]) -> str:
        """One line per problem, under the state it was found in ("" when there is none)."""
        return "\n".join(f"{state}: {item}" for state, items in found.items() for item in items)


# --- the walks ---------------------------------------------------------------------------------


def _back_to_the_groups(page: Page) -> None:
    """Back in the questionnaire after a result: from the follow-up page to the groups."""
    if page.get_by_role("heading", name=FOLLOW_UP_TITLE, exact=True).count():
        press(page, "Back", to_step=4)


def _follow_up_once(page: Page, audit: Audit | None, minimum: int) -> None:
    """The first time the follow-up page is reached, answered, record and tab through it."""
    state = "step 4, which of these, answered"
    if audit is None or state in audit.states:
        return
    if page.get_by_role("heading", name=FOLLOW_UP_TITLE, exact=True).count():
        audit.record(page, state, minimum=minimum)
        audit.tab_through(page, state)


def _answer_steps(
    page: Page,
    audit: Audit | None,
    minimum: int,
    sign: str | None,
    follow_up: Audit | None = None,
) -> None:
    """Steps 1 to 4 with answers chosen (as a runner with a hard surface), then the results.

    ``follow_up`` records the follow-up page the first time a sign leads to it."""
    at_step(page, 1)
    choose(page, ACTIVITY, "Running")
    choose(page, ONSET, "Right after it")
    pick(page, PAIN, "6", kind="radiogroup")
    pick(page, AREAS, "Lower back")
    pick(page, FEELS, "Sharp")
    type_age(page, page, "38")
    if audit is not None:
        audit.record(page, "step 1, answered", minimum=minimum)
        audit.tab_through(page, "step 1")
    press(page, "Next", to_step=2)
    choose(page, WARM_UP, "No")
    if audit is not None:
        audit.record(page, "step 2, answered", minimum=minimum)
        audit.tab_through(page, "step 2")
    press(page, "Next", to_step=3)
    tick(page, HARD_SURFACE)
    if audit is not None:
        audit.record(page, "step 3, answered", minimum=minimum)
        audit.tab_through(page, "step 3")
    press(page, "Next", to_step=4)
    answer_warning_signs(page, yes=() if sign is None else (sign,))
    if audit is not None:
        audit.record(page, "step 4, answered", minimum=minimum)
        audit.tab_through(page, "step 4")
    _follow_up_once(page, follow_up, minimum)
    see_results(page)


def _open_folds(page: Page) -> None:
    """Open every fold on the results page, one by one (each draws its contents)."""
    folds = page.get_by_test_id("stExpander").locator("summary")
    for n in range(folds.count()):
        folds.nth(n).click()
        app_idle(page)


def _results(page: Page, audit: Audit, level: str, minimum: int) -> None:
    audit.record(page, f"results: {level}", minimum=minimum)
    _open_folds(page)
    audit.record(page, f"results: {level}, folds open", minimum=minimum)


def _walk_personal(page: Page, url: str, audit: Audit) -> None:
    minimum = PERSONAL_MINIMUM
    page.goto(url)
    first = True
    for level, sign in LEVEL_SIGNS.items():
        if first:
            _answer_steps(page, audit, minimum, sign)
            first = False
        else:
            # The menu's Assessment keeps the answers: back at the last step, change the signs.
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Check your back").click()
            at_step(page, 4)
            _back_to_the_groups(page)
            answer_warning_signs(page, yes=() if sign is None else (sign,))
            _follow_up_once(page, audit, minimum)
            see_results(page)
        _results(page, audit, level, minimum)

    page.goto(f"{url}/diary")
    expect(page.get_by_text("No entries yet.")).to_be_visible(timeout=LOAD_MS)
    audit.record(page, "diary empty", minimum=minimum)
    seed(page, url, diary(10))
    page.goto(f"{url}/diary")
    expect(page.get_by_test_id("stVegaLiteChart").first.locator("svg")).to_be_visible(
        timeout=LOAD_MS
    )
    audit.record(page, "diary full: pain over time", minimum=minimum)
    for tab in ("By activity", "After comfort actions"):
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tabpanel", name=tab)).to_be_visible()
        audit.record(page, f"diary full: {tab.lower()}", minimum=minimum)

    page.goto(f"{url}/about")
    expect(page.get_by_role("heading", name="About BackCare")).to_be_visible()
    audit.record(page, "about", minimum=minimum)
    page.goto(f"{url}/insights")
    expect(page.get_by_role("heading", name="Not available here")).to_be_visible()
    audit.record(page, "insights (not available here)", minimum=minimum)


def _walk_kiosk(page: Page, url: str, audit: Audit) -> None:
    minimum = KIOSK_MINIMUM
    page.goto(url)
    start = page.get_by_role("button", name="Start", exact=True)
    expect(start).to_be_visible()
    audit.record(page, "welcome", minimum=minimum)
    page.get_by_role("button", name="About BackCare").click()
    expect(page.get_by_role("heading", name="About BackCare")).to_be_visible()
    audit.record(page, "about", minimum=minimum)
    page.get_by_role("button", name="Back to the start").click()
    first = True
    for level, sign in LEVEL_SIGNS.items():
        start_kiosk(page, url)
        _answer_steps(page, audit if first else None, minimum, sign, follow_up=audit)
        first = False
        _results(page, audit, level, minimum)
        page.get_by_role("button", name="Finish").click()
        expect(start).to_be_visible()


def _walk(browser: Browser, mode: str, scheme: str, url: str) -> Audit:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        audit = Audit()
        (_walk_kiosk if mode == "kiosk" else _walk_personal)(page, url, audit)
        return audit
    finally:
        context.close()


@pytest.fixture(scope="module")
def audits(browser: Browser, app_url: str, kiosk_url: str) -> Callable[[str, str], Audit]:
    """Each (mode, scheme) is walked once; the tests below read what the walk found."""
    done: dict[tuple[str, str], Audit] = {}

    def audit(mode: str, scheme: str) -> Audit:
        if (mode, scheme) not in done:
            url = kiosk_url if mode == "kiosk" else app_url
            done[mode, scheme] = _walk(browser, mode, scheme, url)
        return done[mode, scheme]

    return audit


# --- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("mode", MODES)
def test_every_state_passes_axe(audits, mode: str, scheme: str) -> None:
    audit = audits(mode, scheme)
    assert len(audit.states) >= (8 if mode == "kiosk" else 16), audit.states
    assert "step 4, which of these, answered" in audit.states, audit.states
    if moderate := audit.problems(audit.moderate):
        print(f"\n{mode}/{scheme}, moderate findings:\n{moderate}")
    assert not (found := audit.problems(audit.blocking)), found
    # Heading levels in order on every page: axe calls a skipped level moderate; it may not be.
    assert "heading-order" not in moderate, moderate


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("mode", MODES)
def test_control_outlines_and_focus_rings_have_3_to_1_contrast(audits, mode, scheme) -> None:
    audit = audits(mode, scheme)
    assert not (found := audit.problems(audit.outlines)), found
    assert audit.rings, "no step was tabbed through"
    assert not (found := audit.problems(audit.rings)), found


@pytest.mark.parametrize("mode", MODES)
def test_every_target_is_large_enough(audits, mode: str) -> None:
    """44 x 44 px in a kiosk (WCAG 2.5.5), 24 x 24 px in personal mode (2.5.8)."""
    audit = audits(mode, "light")
    assert not (found := audit.problems(audit.targets)), found


# --- the keyboard alone ------------------------------------------------------------------------


class Keys:
    """Counts what is pressed (a typed text counts one press per character)."""

    def __init__(self, page: Page) -> None:
        self.count = 0
        keyboard = page.keyboard
        press_key, type_text = keyboard.press, keyboard.type

        def press(key: str, **options) -> None:
            self.count += 1
            press_key(key, **options)

        def type_(text: str, **options) -> None:
            self.count += len(text)
            type_text(text, **options)

        keyboard.press, keyboard.type = press, type_  # type: ignore[method-assign]


def _arrived(page: Page, heading: str) -> None:
    """After a step change: focus on the new heading (not <body>), and the heading in view."""
    target = page.get_by_role("heading", name=heading, exact=True)
    expect(target).to_be_focused()
    expect(target).to_be_in_viewport()


def _steps_by_keyboard(page: Page, titles: Iterator[str], sign: str | None) -> None:
    _arrived(page, next(titles))
    kb_choose(page, ACTIVITY, "Running")
    kb_choose(page, ONSET, "During the activity")  # the first option: Space selects it
    kb_scale(page, PAIN, "6")
    kb_pill(page, AREAS, "Lower back")
    kb_pill(page, FEELS, "Sharp")
    kb_type(page, "How old are you?", "38")
    kb_press(page, "Next")
    at_step(page, 2)
    _arrived(page, next(titles))
    kb_choose(page, WARM_UP, "No", arrow="ArrowRight")
    kb_press(page, "Next", key="Space")
    at_step(page, 3)
    _arrived(page, next(titles))
    kb_tick(page, HARD_SURFACE)
    kb_press(page, "Next")
    at_step(page, 4)
    _arrived(page, next(titles))
    kb_warning_signs(page, yes=() if sign is None else (sign,))
    kb_press(page, "See my results")
    expect(page.get_by_role("heading", name="Your results", exact=True)).to_be_visible()
    app_idle(page)
    _arrived(page, "Your results")


#: The keyboard walks: no warning sign (every group "No"), and the emergency sign (its
#: group "Yes", then each sign of that group on the follow-up page).
KEYBOARD_SIGNS = {"no sign": None, "emergency sign": LEVEL_SIGNS["emergency"]}


@pytest.mark.parametrize("signs", list(KEYBOARD_SIGNS))
@pytest.mark.parametrize("mode", MODES)
def test_the_whole_assessment_works_with_the_keyboard_alone(
    page: Page, app_url: str, kiosk_url: str, mode: str, signs: str, kb
) -> None:
    keys = Keys(page)
    if mode == "kiosk":
        page.goto(kiosk_url)
        start = page.get_by_role("button", name="Start", exact=True)
        expect(start).to_be_visible()
        app_idle(page)
        tab_to(page, start)
        page.keyboard.press("Enter")
        at_step(page, 1)
    else:
        page.goto(app_url)
        at_step(page, 1)
    sign = KEYBOARD_SIGNS[signs]
    _steps_by_keyboard(page, iter(p.step.title for p in pages(kb)), sign)
    print(f"{mode}, {signs}: {keys.count} key presses from the first step to the results")
    if sign is None:
        expect(page.get_by_role("status").filter(has_text="Look after it yourself")).to_be_visible()
    else:
        banner = page.get_by_role("alert").filter(has_text="Get emergency help now")
        expect(banner).to_be_visible()
        # The rest waits behind "More": open it with the keyboard too.
        more = page.locator("summary").filter(has_text="More")
        tab_to(page, more)
        page.keyboard.press("Enter")
        expect(page.get_by_role("button", name="Share")).to_be_visible()
    if mode == "kiosk":
        kb_press(page, "Finish")
        expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()


def test_the_idle_warning_is_a_modal_dialog_that_passes_axe(
    page: Page, kiosk_quick: QuickKiosk
) -> None:
    """Announced as it takes the focus: its name, then what it is about."""
    start_kiosk(page, kiosk_quick.url)
    dialog = idle_dialog(page)
    expect(dialog).to_be_visible(timeout=kiosk_quick.wipe_within_ms)
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(dialog).to_have_accessible_description(
        "For your privacy, your answers will be cleared from this device soon."
    )
    assert has_focus(dialog.get_by_role("button", name=STILL_HERE))
    assert blocking_violations(page) == []
