"""Helpers the browser tests share: answering the
questionnaire by mouse or by keyboard alone, waiting for Streamlit, and running axe.

Works on a Page or on a FrameLocator (an app embedded in an iframe), since both
find elements the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import FrameLocator, Locator, Page, expect

from backcare.assessment.engine import knowledge_base
from backcare.assessment.knowledge import WarningGroup
from backcare.assessment.questionnaire import warning_items
from backcare.ui.warning_step import FOLLOW_UP_TITLE, group_label

STEPS = 4
AGE = "How old are you?"
ACTIVITY = "What were you doing when the pain began?"
ONSET = "When did the pain start?"
PAIN = "How bad is the pain right now?"
AREAS = "Where does it hurt?"
FEELS = "What does the pain feel like?"
WARM_UP = "Did you warm up before you started?"
HARD_SURFACE = "I mostly run on hard surfaces or downhill"
#: The warning sign that makes any result an emergency (an item id; its words are in data/).
SADDLE = "saddle_numbness"
STILL_HERE = "I'm still here"
#: axe impact levels the issue forbids.
BLOCKING = ("serious", "critical")

Where = Page | FrameLocator


def app_idle(where: Where, timeout: float = 30_000) -> None:
    """Connected, and no script run in progress (Streamlit's own test attributes)."""
    app = where.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)


def drawn(chart: Locator) -> None:
    """Wait until Vega has drawn ``chart``, then bring it into view.

    Charts can be drawn after the page first goes idle: a diary kept in the browser arrives
    then and is drawn on the rerun it starts. ``scroll_into_view_if_needed`` resolves its
    locator once: called too early, it held an empty chart element that never got a size and
    waited on it for 30 s (3 runs in 6 of the diary's 320 px test). ``expect`` resolves the
    locator again on every try.
    """
    expect(chart.locator("svg.marks")).to_be_visible()
    chart.scroll_into_view_if_needed()


def step_caption(where: Where, number: int) -> Locator:
    return where.get_by_test_id("stProgress").get_by_text(f"Step {number} of {STEPS}:")


def at_step(where: Where, number: int) -> None:
    expect(step_caption(where, number)).to_be_visible()
    app_idle(where)


@dataclass(frozen=True)
class QuickKiosk:
    """A kiosk server with a short idle timeout and countdown (conftest's kiosk_quick)."""

    url: str
    idle_s: int
    warning_s: int

    @property
    def wipe_within_ms(self) -> float:
        """The promise: after the last touch, idle + countdown + 5 s at most."""
        return (self.idle_s + self.warning_s + 5) * 1000


def idle_dialog(page: Page) -> Locator:
    """The kiosk's "are you still there?" warning: a modal dialog."""
    return page.get_by_role("dialog", name="Are you still there?")


#: Tag the element that has the focus, then ask whether it has it again.
MARK_FOCUS = "() => document.activeElement.setAttribute('data-test-had-focus', '')"
FOCUS_IS_MARKED = (
    "() => document.activeElement !== document.body"
    " && document.activeElement.hasAttribute('data-test-had-focus')"
)


def start_kiosk(page: Page, url: str) -> None:
    """Open a kiosk on its welcome screen and press Start."""
    page.goto(url)
    start = page.get_by_role("button", name="Start", exact=True)
    expect(start).to_be_visible()
    app_idle(page)
    start.click()
    at_step(page, 1)


def assert_fresh_questionnaire(page: Page) -> None:
    """From the kiosk's welcome screen, start again: no step shows anything of the last
    person (so nothing of them is left in the session either)."""
    page.get_by_role("button", name="Start", exact=True).click()
    at_step(page, 1)
    expect(page.get_by_role("spinbutton", name=AGE)).to_have_value("")
    expect(page.get_by_role("radio", checked=True)).to_have_count(0)
    expect(page.get_by_role("toolbar", name=AREAS).locator("[aria-pressed=true]")).to_have_count(0)
    for step in (2, 3, 4):
        press(page, "Next", to_step=step)
        expect(page.get_by_role("checkbox", checked=True)).to_have_count(0)
        expect(page.get_by_role("radio", checked=True)).to_have_count(0)


# --- by mouse (clicks on what a person sees) -------------------------------------------------


def choose(where: Where, question: str, option: str) -> None:
    group = where.get_by_role("radiogroup", name=question, exact=True)
    group.get_by_text(option, exact=True).click()
    expect(group.get_by_role("radio", name=option, exact=True)).to_be_checked()


def type_age(where: Where, page: Page, age: str) -> None:
    field = where.get_by_role("spinbutton", name=AGE)
    field.click()
    page.keyboard.type(age)
    page.keyboard.press("Tab")
    expect(field).to_have_value(age)


def tick(where: Where, statement: str) -> None:
    where.get_by_test_id("stCheckbox").get_by_text(statement, exact=True).click()
    expect(where.get_by_role("checkbox", name=statement)).to_be_checked()


def pick(where: Where, question: str, option: str, *, kind: str = "toolbar") -> None:
    """A pill (a toolbar of toggle buttons) or a number on a scale (a radio group of buttons)."""
    group = where.get_by_role(kind, name=question)  # type: ignore[arg-type]
    if kind == "toolbar":
        pill = group.get_by_role("button", name=option, exact=True)
        pill.click()
        expect(pill).to_have_attribute("aria-pressed", "true")
    else:
        button = group.get_by_role("radio", name=option, exact=True)
        button.click()
        expect(button).to_have_attribute("aria-checked", "true")


def warning_signs() -> dict[str, str]:
    """Each warning-sign item and the question a person reads for it, in page order."""
    kb = knowledge_base()
    return {item: kb.questions[item].text for item in warning_items(kb)}


def warning_groups_for(yes: tuple[str, ...]) -> list[tuple[WarningGroup, bool]]:
    """Each warning group, and whether a person with the signs in ``yes`` answers it Yes."""
    return [(g, bool(set(g.signs) & set(yes))) for g in knowledge_base().warning_groups]


def at_follow_up(where: Where) -> None:
    """On the follow-up page ("Which of these apply to you?") after a group's Yes."""
    heading = where.get_by_role("heading", name=FOLLOW_UP_TITLE, exact=True)
    expect(heading).to_be_visible()
    app_idle(where)


def answer_warning_signs(where: Where, *, yes: tuple[str, ...] = ()) -> None:
    """Step 4: "Yes" for each group holding a sign in ``yes``, "No" for the others; after a
    Yes, "See my results" opens the follow-up, where each of those groups' signs is answered
    ("Yes" for the signs in ``yes``). The caller then presses "See my results"."""
    groups = warning_groups_for(yes)
    for group, said_yes in groups:
        choose(where, group_label(group), "Yes" if said_yes else "No")
    if not yes:
        return
    where.get_by_role("button", name="See my results").click()
    at_follow_up(where)
    kb = knowledge_base()
    for group, said_yes in groups:
        for item in group.signs if said_yes else ():
            choose(where, kb.questions[item].text, "Yes" if item in yes else "No")


def press(where: Where, button: str, *, to_step: int) -> None:
    where.get_by_role("button", name=button, exact=True).click()
    at_step(where, to_step)


def see_results(where: Where) -> None:
    where.get_by_role("button", name="See my results").click()
    expect(where.get_by_role("heading", name="Your results", exact=True)).to_be_visible()
    app_idle(where)


@dataclass(frozen=True)
class Person:
    """What one person answers: a 47-year-old runner, with or without the emergency sign."""

    age: str = "47"
    activity: str = "Running"
    emergency: bool = False


def answer_by_mouse(where: Where, page: Page, person: Person) -> None:
    """From step 1 to the results page, clicking as a person would."""
    choose(where, ACTIVITY, person.activity)
    type_age(where, page, person.age)
    press(where, "Next", to_step=2)
    press(where, "Next", to_step=3)
    tick(where, HARD_SURFACE)
    press(where, "Next", to_step=4)
    answer_warning_signs(where, yes=(SADDLE,) if person.emergency else ())
    see_results(where)


# --- by keyboard alone -------------------------------------------------------------------------

_HAS_FOCUS = "el => el === document.activeElement || el.contains(document.activeElement)"


def has_focus(target: Locator) -> bool:
    return bool(target.evaluate(_HAS_FOCUS))


def tab_to(page: Page, target: Locator, *, limit: int = 80) -> None:
    """Press Tab until the keyboard focus is on (or inside) target."""
    expect(target).to_be_visible()
    for _ in range(limit):
        if has_focus(target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


def _move_within(page: Page, group: Locator, target: Locator, key: str, *, limit: int = 15) -> None:
    """Tab into a group, then move with an arrow key until target has the focus."""
    tab_to(page, group)
    for _ in range(limit):
        if has_focus(target):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {target}")


def kb_choose(page: Page, question: str, option: str, *, arrow: str = "ArrowDown") -> None:
    """A radio group: arrows move (and select); Space selects the option in focus."""
    group = page.get_by_role("radiogroup", name=question)
    radio = group.get_by_role("radio", name=option, exact=True)
    _move_within(page, group, radio, arrow)
    if not radio.is_checked():
        page.keyboard.press("Space")
    expect(radio).to_be_checked()


def kb_scale(page: Page, question: str, value: str) -> None:
    """Streamlit's segmented control: a radio group of buttons."""
    group = page.get_by_role("radiogroup", name=question)
    button = group.get_by_role("radio", name=value, exact=True)
    _move_within(page, group, button, "ArrowRight")
    if button.get_attribute("aria-checked") != "true":
        page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-checked", "true")


def kb_pill(page: Page, question: str, option: str) -> None:
    """Streamlit's pills: a toolbar of toggle buttons; arrows move, Space toggles."""
    toolbar = page.get_by_role("toolbar", name=question)
    pill = toolbar.get_by_role("button", name=option, exact=True)
    _move_within(page, toolbar, pill, "ArrowRight")
    page.keyboard.press("Space")
    expect(pill).to_have_attribute("aria-pressed", "true")


def kb_type(page: Page, label: str, text: str) -> None:
    field = page.get_by_role("spinbutton", name=label)
    tab_to(page, field)
    page.keyboard.type(text)
    expect(field).to_have_value(text)


def kb_tick(page: Page, statement: str) -> None:
    box = page.get_by_role("checkbox", name=statement)
    tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def _kb_yes_no(page: Page, name: str, yes: bool) -> None:
    """One Yes/No radio group with nothing chosen: Tab lands on "Yes"; Space takes it, or the
    right arrow moves to "No" and takes that."""
    group = page.get_by_role("radiogroup", name=name, exact=True)
    tab_to(page, group)
    page.keyboard.press("Space" if yes else "ArrowRight")
    answer = "Yes" if yes else "No"
    expect(group.get_by_role("radio", name=answer, exact=True)).to_be_checked()


def kb_warning_signs(page: Page, *, yes: tuple[str, ...] = ()) -> None:
    """The warning-sign step by keyboard: each group's Yes/No, then, after a Yes, "See my
    results" and each sign of the groups answered Yes. The caller presses "See my results"."""
    groups = warning_groups_for(yes)
    for group, said_yes in groups:
        _kb_yes_no(page, group_label(group), said_yes)
    if not yes:
        return
    kb_press(page, "See my results")
    at_follow_up(page)
    # Arrived as at every step change: the focus on the new heading, which is in view.
    heading = page.get_by_role("heading", name=FOLLOW_UP_TITLE, exact=True)
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()
    kb = knowledge_base()
    for group, said_yes in groups:
        for item in group.signs if said_yes else ():
            _kb_yes_no(page, kb.questions[item].text, item in yes)


def kb_press(page: Page, button: str, *, key: str = "Enter") -> None:
    target = page.get_by_role("button", name=button, exact=True)
    tab_to(page, target)
    page.keyboard.press(key)


# --- axe-core ------------------------------------------------------------------------------


def _line(violation: dict) -> str:
    targets = [node["target"] for node in violation["nodes"][:3]]
    return f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}"


def axe_findings(page: Page) -> tuple[list[str], list[str]]:
    """axe-core's serious and critical violations, and its moderate ones, one line each."""
    violations = Axe().run(page).response["violations"]
    blocking = [_line(v) for v in violations if v["impact"] in BLOCKING]
    moderate = [_line(v) for v in violations if v["impact"] == "moderate"]
    return blocking, moderate


def blocking_violations(page: Page) -> list[str]:
    """Serious and critical axe-core violations on the page, one readable line each."""
    return axe_findings(page)[0]
