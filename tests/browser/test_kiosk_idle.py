"""The kiosk wipes after the idle timeout whatever the person touched last (issue 13).

Only deliberate input (a pointer press, a key, a touch, the mouse wheel) keeps a kiosk
session alive; the scroll the browser fires by itself when the warning appears, or a
focus change, must not. One test per kind of last touch, on a server that warns after
5 s and wipes 3 s later: the welcome screen must be back within idle + countdown + 5 s
of the last touch, with nothing of the person left on the screen or in the session.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from _flow import (
    ACTIVITY,
    AGE,
    AREAS,
    HARD_SURFACE,
    PAIN,
    Person,
    QuickKiosk,
    answer_by_mouse,
    app_idle,
    assert_fresh_questionnaire,
    at_step,
    choose,
    idle_dialog,
    press,
    start_kiosk,
    tick,
    type_age,
)
from playwright.sync_api import Page, expect


def _radio(page: Page) -> list[str]:
    choose(page, ACTIVITY, "Strength training or weightlifting")
    return ["Strength training or weightlifting"]


def _pain_scale(page: Page) -> list[str]:
    scale = page.get_by_role("radiogroup", name=PAIN)
    scale.get_by_role("radio", name="7", exact=True).click()
    expect(scale.get_by_role("radio", name="7", exact=True)).to_be_checked()
    return [PAIN]


def _pills(page: Page) -> list[str]:
    pill = page.get_by_role("toolbar", name=AREAS).get_by_role("button", name="Lower back")
    pill.click()
    expect(pill).to_have_attribute("aria-pressed", "true")
    return ["Lower back"]


def _tick_box(page: Page) -> list[str]:
    choose(page, ACTIVITY, "Running")  # the surface question is asked of runners only
    press(page, "Next", to_step=2)
    press(page, "Next", to_step=3)
    tick(page, HARD_SURFACE)
    return [HARD_SURFACE]


def _number_field_with_focus(page: Page) -> list[str]:
    """Typed digits wait for the field to lose the focus; the warning taking the focus
    must not count as the person coming back."""
    field = page.get_by_role("spinbutton", name=AGE)
    field.click()
    page.keyboard.type("58")
    expect(field).to_have_value("58")
    expect(field).to_be_focused()
    return ["58"]


def _button(page: Page) -> list[str]:
    choose(page, ACTIVITY, "Stretching")
    press(page, "Next", to_step=2)
    return ["Step 2 of 4"]


def _results(page: Page, *, emergency: bool = False) -> None:
    answer_by_mouse(page, page, Person(age="61", emergency=emergency))


def _expander(page: Page) -> list[str]:
    # At an urgent level the results page folds the explanations away.
    _results(page, emergency=True)
    more = page.get_by_test_id("stExpander").filter(has_not_text="What the code says").first
    more.locator("summary").first.click()
    expect(more.locator("details").first).to_have_js_property("open", True)
    return ["Your results", "61"]


def _qr_text(page: Page) -> list[str]:
    _results(page)
    page.get_by_text("What the code says").click()
    expect(page.get_by_test_id("stText")).to_be_visible()
    return ["Your results", "Take your result with you"]


def _scroll(page: Page) -> list[str]:
    choose(page, ACTIVITY, "Running")
    main = page.get_by_test_id("stMain").bounding_box()
    assert main is not None
    page.mouse.move(main["x"] + main["width"] / 2, main["y"] + main["height"] / 2)
    before = page.get_by_test_id("stMain").evaluate("el => el.scrollTop")
    page.mouse.wheel(0, 600)
    page.wait_for_function(
        "y => document.querySelector('[data-testid=stMain]').scrollTop > y", arg=before
    )
    return ["Step 1 of 4"]


LAST_TOUCHES: dict[str, Callable[[Page], list[str]]] = {
    "radio": _radio,
    "pain scale": _pain_scale,
    "pills": _pills,
    "tick box": _tick_box,
    "number field with focus": _number_field_with_focus,
    "expander": _expander,
    "button": _button,
    "QR text expander": _qr_text,
    "scroll": _scroll,
}


@pytest.mark.parametrize("last_touch", LAST_TOUCHES)
def test_the_kiosk_wipes_whatever_was_touched_last(
    page: Page, kiosk_quick: QuickKiosk, last_touch: str
) -> None:
    start_kiosk(page, kiosk_quick.url)
    at_step(page, 1)
    traces = LAST_TOUCHES[last_touch](page)
    touched = time.monotonic()

    def left_ms() -> float:
        return max(1.0, kiosk_quick.wipe_within_ms - (time.monotonic() - touched) * 1000)

    # The warning comes and stays up (no touch ends it), then the welcome screen returns.
    expect(idle_dialog(page)).to_be_visible(timeout=left_ms())
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible(timeout=left_ms())
    app_idle(page)
    expect(idle_dialog(page)).to_have_count(0)
    shown = page.get_by_test_id("stMain").inner_text()
    for trace in traces:
        assert trace not in shown, f"{trace!r} is still on the screen after the wipe"
    assert_fresh_questionnaire(page)


def test_someone_who_keeps_answering_is_never_interrupted(
    page: Page, kiosk_quick: QuickKiosk
) -> None:
    """Taps inside a step's form run no script, so only the page's reports tell the
    server the person is there: pills and the pain scale must report like the rest."""
    start_kiosk(page, kiosk_quick.url)
    areas = page.get_by_role("toolbar", name=AREAS)
    scale = page.get_by_role("radiogroup", name=PAIN)
    taps = [
        areas.get_by_role("button", name="Lower back"),
        scale.get_by_role("radio", name="3", exact=True),
        areas.get_by_role("button", name="Neck"),
        scale.get_by_role("radio", name="5", exact=True),
    ]
    started = time.monotonic()
    # Twice the idle timeout, a tap every ~40% of it: the warning never has a reason to come.
    while time.monotonic() - started < 2 * kiosk_quick.idle_s:
        for target in taps:
            target.click()
            page.wait_for_timeout(kiosk_quick.idle_s * 400)
            expect(idle_dialog(page)).to_have_count(0, timeout=1)
    at_step(page, 1)


def test_answers_survive_back_and_next_while_the_watch_ticks(page: Page, kiosk_url: str) -> None:
    """The watch's tick once raced the run of Back: the age came back as 5 (its minimum)
    about every other time. Ticks now wait for runs; several round trips show it."""
    start_kiosk(page, kiosk_url)
    type_age(page, page, "52")
    for _ in range(4):
        press(page, "Next", to_step=2)
        press(page, "Back", to_step=1)
        page.wait_for_timeout(1500)  # a tick or two after the run
        expect(page.get_by_role("spinbutton", name=AGE)).to_have_value("52")
