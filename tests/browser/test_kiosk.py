"""Kiosk mode in a real browser: the idle warning and wipe, Finish, the QR code, the locked
flow and the touch targets. Servers run with BACKCARE_MODE=kiosk (see conftest.py).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import zxingcpp
from _flow import (
    ACTIVITY,
    AGE,
    FOCUS_IS_MARKED,
    MARK_FOCUS,
    STILL_HERE,
    WARM_UP,
    Person,
    QuickKiosk,
    answer_by_mouse,
    app_idle,
    assert_fresh_questionnaire,
    choose,
    has_focus,
    idle_dialog,
    press,
    start_kiosk,
    type_age,
)
from _targets import KIOSK_MINIMUM, small_targets
from PIL import Image
from playwright.sync_api import Locator, Page, expect

QR_ALT = "QR code that holds a short summary of your result"


def _welcome(page: Page) -> Locator:
    return page.get_by_role("button", name="Start", exact=True)


def _page_text(page: Page) -> str:
    return page.get_by_test_id("stMain").inner_text()


def test_walking_away_brings_a_countdown_then_wipes_everything(
    page: Page, kiosk_quick: QuickKiosk, artifacts_dir: Path
) -> None:
    start_kiosk(page, kiosk_quick.url)
    answer_by_mouse(page, page, Person(age="47"))
    expect(page.get_by_text("Impact from running").first).to_be_visible()

    # Nobody touches anything: a modal dialog comes, takes the focus, and counts down.
    dialog = idle_dialog(page)
    expect(dialog).to_be_visible(timeout=kiosk_quick.wipe_within_ms)
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(dialog).to_have_accessible_description(re.compile("your answers will be cleared"))
    still_here = dialog.get_by_role("button", name=STILL_HERE)
    assert has_focus(still_here)
    expect(still_here).to_be_in_viewport()
    countdown = dialog.get_by_text(re.compile(r"^Clearing in \d+ seconds?\.$"))
    expect(countdown).to_be_visible()
    first = int(re.findall(r"\d+", countdown.inner_text())[0])
    assert first <= kiosk_quick.warning_s
    expect(countdown).not_to_have_text(countdown.inner_text())  # it ticks
    page.screenshot(path=artifacts_dir / "kiosk-idle-warning.png")

    # ...and when it runs out, the welcome screen is back with nothing of the person.
    expect(_welcome(page)).to_be_visible(timeout=kiosk_quick.wipe_within_ms)
    app_idle(page)
    expect(dialog).to_have_count(0)
    text = _page_text(page)
    for trace in ("Your results", "Impact from running", "47", "Running"):
        assert trace not in text, f"{trace!r} is still on the screen after the wipe"
    assert_fresh_questionnaire(page)


def test_im_still_here_keeps_the_session_and_gives_the_focus_back(
    page: Page, kiosk_quick: QuickKiosk
) -> None:
    start_kiosk(page, kiosk_quick.url)
    choose(page, ACTIVITY, "Stretching")
    type_age(page, page, "52")
    press(page, "Next", to_step=2)
    choose(page, WARM_UP, "Not sure")
    page.evaluate(MARK_FOCUS)
    assert page.evaluate(FOCUS_IS_MARKED), "the radio the person chose should have the focus"

    # The dialog takes the focus, and Tab and Shift+Tab go nowhere else.
    dialog = idle_dialog(page)
    expect(dialog).to_be_visible(timeout=kiosk_quick.wipe_within_ms)
    still_here = dialog.get_by_role("button", name=STILL_HERE)
    assert has_focus(still_here)
    for key in ("Tab", "Shift+Tab", "Tab"):
        page.keyboard.press(key)
        assert has_focus(still_here), f"{key} left the dialog"
    expect(dialog).to_be_visible()  # moving round it is no answer

    # A plain tap on its button (no force: it stands still) keeps the session and gives
    # the focus back to the radio.
    still_here.click()
    expect(dialog).to_have_count(0)
    assert page.evaluate(FOCUS_IS_MARKED)

    # Escape answers the next warning the same way.
    expect(dialog).to_be_visible(timeout=kiosk_quick.wipe_within_ms)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert page.evaluate(FOCUS_IS_MARKED)

    # Still on step 2, and the answers of step 1 are all there.
    expect(page.get_by_test_id("stProgress").get_by_text("Step 2 of 4:")).to_be_visible()
    press(page, "Back", to_step=1)
    expect(page.get_by_role("spinbutton", name=AGE)).to_have_value("52")
    activity = page.get_by_role("radiogroup", name=ACTIVITY)
    expect(activity.get_by_role("radio", name="Stretching")).to_be_checked()


def test_finish_wipes_at_once_and_the_qr_code_reads_back(
    page: Page, kiosk_url: str, artifacts_dir: Path
) -> None:
    start_kiosk(page, kiosk_url)
    answer_by_mouse(page, page, Person(age="47"))

    code = page.get_by_role("img", name=QR_ALT)
    code.scroll_into_view_if_needed()
    expect(code).to_be_visible()
    shown = Image.open(io.BytesIO(code.screenshot()))
    found = zxingcpp.read_barcodes(shown, formats=zxingcpp.BarcodeFormat.QRCode)
    decoded = [result.text for result in found]
    page.get_by_text("What the code says").click()
    summary = page.get_by_test_id("stText")
    expect(summary).to_be_visible()
    assert decoded == [summary.inner_text()]
    assert decoded[0].splitlines()[1] == "Look after it yourself for now"
    assert "Impact from running" in decoded[0]
    page.screenshot(path=artifacts_dir / "kiosk-results-code.png")

    page.get_by_role("button", name="Finish").click()
    expect(_welcome(page)).to_be_visible()
    app_idle(page)
    assert "Your results" not in _page_text(page)
    assert_fresh_questionnaire(page)


def test_the_url_cannot_open_other_pages_or_leave_kiosk_mode(page: Page, kiosk_url: str) -> None:
    for address in (
        "/?mode=personal",
        "/?kiosk=false&embed=false",
        "/diary",
        "/insights",
        "/diary?mode=personal",
    ):
        page.goto(kiosk_url + address)
        expect(_welcome(page)).to_be_visible()
        app_idle(page)
        expect(page.get_by_test_id("stSidebar")).to_have_count(0)
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        expect(page.get_by_role("heading", name="Pain diary")).to_have_count(0)


def test_no_menu_toolbar_or_streamlit_chrome(page: Page, kiosk_url: str) -> None:
    start_kiosk(page, kiosk_url)
    for absent in ("stSidebar", "stSidebarNav"):
        expect(page.get_by_test_id(absent)).to_have_count(0)
    for hidden in ("stHeader", "stToolbar", "stMainMenu", "stStatusWidget"):
        expect(page.get_by_test_id(hidden)).to_be_hidden()


def test_a_fresh_server_routes_even_its_first_request(page: Page, kiosk_fresh_url: str) -> None:
    """A fresh server's first request, for a page deep in the flow, gets the kiosk's shell:
    no sidebar, Streamlit's header hidden (test_first_request.py watches every URL)."""
    page.goto(kiosk_fresh_url + "/results")
    expect(page.get_by_text("There are no results yet")).to_be_visible()
    app_idle(page)
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    expect(page.get_by_test_id("stHeader")).to_be_hidden()  # the kiosk style is applied


# --- touch targets and text size --------------------------------------------------------------


def test_touch_targets_are_at_least_44_px_and_text_is_larger(page: Page, kiosk_url: str) -> None:
    """Every state's targets are measured in test_accessibility.py; here, the kiosk's sizes
    follow the device's own text size (rem), and the main buttons are larger still."""
    page.goto(kiosk_url)
    expect(_welcome(page)).to_be_visible()
    app_idle(page)
    assert small_targets(page, KIOSK_MINIMUM, spacing=False)[0] == []
    start = _welcome(page).bounding_box()
    assert start is not None and start["height"] >= 64, "Start should be larger still"
    body = page.get_by_test_id("stMain").locator("p").first
    assert float(body.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 18
    # A person who sets a larger default text size gets larger text and targets too.
    root = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    assert page.evaluate(root) == 20  # 125 % of the browser's 16 px
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 24, "fixed": 20}})
    page.wait_for_function(f"() => ({root})() === 30")
    taller = _welcome(page).bounding_box()
    assert taller is not None and taller["height"] > start["height"]
