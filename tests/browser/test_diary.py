"""The pain diary in a real browser: kept in localStorage, charted, deleted, notes as text.

Every test gets a fresh browser context, so its localStorage starts empty. Diaries
that a test needs up front are written into localStorage the way the page itself
writes them (backcare.diary.files.to_json), before the diary page is opened.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

from _diary import STORAGE_KEY, Wait, diary, open_diary, seed
from _flow import drawn
from playwright.sync_api import Locator, Page, expect

from backcare.diary.entries import make_entry, vocabulary
from backcare.diary.files import to_json

SCRIPT_NOTE = "<script>alert(1)</script>"
PAIN = "Pain (0 = none, 10 = worst)"
ACTIVITY = "What did you do that day?"
NOTE = "Note (optional, up to 200 characters)"
EMPTY = "No entries yet."


# --- doing things the way a person would ----------------------------------------------------


def entry_cards(page: Page) -> Locator:
    return page.locator("[class*='st-key-diary_entry_']")


def add_entry(
    page: Page, wait_idle: Wait, *, day: date, pain: int, activity: str, note: str
) -> None:
    form = page.locator(".st-key-diary_add_box")
    day_field = form.get_by_role("spinbutton", name="day, Date")
    day_field.click()
    page.keyboard.type(f"{day:%d%m%Y}")
    expect(form.get_by_role("spinbutton", name="year, Date")).to_have_attribute(
        "aria-valuenow", str(day.year)
    )
    expect(day_field).to_have_attribute("aria-valuenow", str(day.day))
    scale = form.get_by_role("radiogroup", name=PAIN).get_by_role("radio", name=str(pain))
    scale.click()
    expect(scale).to_have_attribute("aria-checked", "true")
    form.get_by_role("radiogroup", name=ACTIVITY).get_by_text(activity, exact=True).click()
    expect(form.get_by_role("radio", name=activity)).to_be_checked()
    form.get_by_role("textbox", name=NOTE).fill(note)
    form.get_by_role("button", name="Add to my diary").click()
    expect(page.get_by_test_id("stText").get_by_text(note, exact=True)).to_be_visible()
    wait_idle(page)


def screenshot_whole_page(page: Page, path: Path) -> None:
    """The app scrolls inside stMain: grow the window to its height for one picture."""
    size = page.viewport_size
    assert size is not None
    height = page.get_by_test_id("stMain").evaluate("el => el.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        page.screenshot(path=path)
    finally:
        page.set_viewport_size(size)


def stored_notes(page: Page) -> list[str]:
    text = page.evaluate("key => localStorage.getItem(key)", STORAGE_KEY)
    return [] if text is None else [e["note"] for e in json.loads(text)["entries"]]


# --- the tests ------------------------------------------------------------------------------


def test_three_entries_survive_a_reload_and_a_new_tab(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    open_diary(page, app_url, wait_idle)
    expect(page.get_by_text(EMPTY)).to_be_visible()
    today = date.today()
    added = [
        (today - timedelta(days=2), 7, "Running", "stiff after the long run"),
        (today - timedelta(days=1), 5, "Rest day", "walked a little"),
        (today, 3, "Stretching", "much easier today"),
    ]
    for day, pain, activity, note in added:
        add_entry(page, wait_idle, day=day, pain=pain, activity=activity, note=note)
    expect(entry_cards(page)).to_have_count(3)
    notes = [note for *_, note in added]
    assert sorted(stored_notes(page)) == sorted(notes)

    page.reload()
    expect(entry_cards(page)).to_have_count(3)
    for note in notes:
        expect(page.get_by_test_id("stText").get_by_text(note, exact=True)).to_be_visible()

    other = page.context.new_page()
    open_diary(other, app_url, wait_idle)
    expect(entry_cards(other)).to_have_count(3)
    # Newest first: the entry from today heads the list.
    expect(entry_cards(other).first.get_by_test_id("stText")).to_have_text(notes[-1])


def test_a_confirmation_is_still_there_three_seconds_after_adding(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    open_diary(page, app_url, wait_idle)
    add_entry(page, wait_idle, day=date.today(), pain=4, activity="Running", note="easy jog")
    confirmation = page.get_by_text("Added your entry for", exact=False)
    expect(confirmation).to_be_visible()
    page.wait_for_timeout(3000)  # the browser has long confirmed the save by now
    expect(confirmation).to_be_visible()
    # The next action replaces it.
    page.get_by_role("button", name="Edit").first.click()
    expect(confirmation).to_have_count(0)


def test_the_date_axis_has_one_tick_a_day_and_no_dot_is_cut_off(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    seed(page, app_url, diary(3))
    open_diary(page, app_url, wait_idle)
    chart = page.get_by_test_id("stVegaLiteChart").first
    drawn(chart)
    # Vega's x axis is the first axis group; its labels are the dates.
    labels = chart.locator("g.mark-text.role-axis-label").first.locator("text")
    expect(labels).to_have_count(3)
    # A screen reader hears the chart's one sentence, not each tick label.
    expect(chart).to_have_attribute("aria-label", re.compile("average pain"))
    expect(chart.locator("g.role-axis").first).to_have_attribute("aria-hidden", "true")
    dates = labels.evaluate_all("els => els.map((e) => e.textContent)")
    assert len(set(dates)) == len(dates) == 3, dates
    # The plot's own frame is the first background path; the dots are the symbol marks.
    dots = chart.locator("g.mark-symbol.role-mark path")
    expect(dots).to_have_count(3)
    # Vega draws again when the column settles to its width: measure once both agree.
    wait_idle(page)
    all_dots_inside = """(chart) => {
        const frame = chart.querySelector("path.background").getBoundingClientRect();
        const dots = [...chart.querySelectorAll("g.mark-symbol.role-mark path")];
        return dots.length === 3 && frame.width > 0 && dots.every((dot) => {
            const box = dot.getBoundingClientRect();
            return frame.left <= box.left && box.right <= frame.right;
        });
    }"""
    page.wait_for_function(all_dots_inside, arg=chart.element_handle(), timeout=10_000)


def test_the_charts_render_with_a_sentence_under_them(
    page: Page, app_url: str, wait_idle: Wait, artifacts_dir: Path
) -> None:
    seed(page, app_url, diary(14))
    open_diary(page, app_url, wait_idle)
    chart = page.get_by_test_id("stVegaLiteChart").first
    expect(chart.locator("canvas, svg").first).to_be_visible()
    expect(page.get_by_text("Your average pain fell from", exact=False)).to_be_visible()
    screenshot_whole_page(page, artifacts_dir / "diary.png")

    page.get_by_role("tab", name="By activity").click()
    by_activity = page.get_by_role("tabpanel", name="By activity")
    expect(
        by_activity.get_by_test_id("stVegaLiteChart").locator("canvas, svg").first
    ).to_be_visible()
    expect(by_activity.get_by_text("have the highest average pain", exact=False)).to_be_visible()


def test_delete_all_asks_first_then_empties_thediary(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    seed(page, app_url, diary(3))
    open_diary(page, app_url, wait_idle)
    expect(entry_cards(page)).to_have_count(3)

    page.get_by_role("button", name="Delete all my diary data").click()
    expect(page.get_by_text("This cannot be undone", exact=False)).to_be_visible()
    expect(entry_cards(page)).to_have_count(3)  # nothing happens before the confirmation
    page.get_by_role("button", name="Yes, delete everything").click()

    expect(page.get_by_text(EMPTY)).to_be_visible()
    expect(entry_cards(page)).to_have_count(0)
    page.wait_for_function("key => localStorage.getItem(key) === null", arg=STORAGE_KEY)
    page.reload()
    expect(page.get_by_text(EMPTY)).to_be_visible()
    expect(entry_cards(page)).to_have_count(0)


def test_a_script_in_a_note_is_shown_as_text_and_never_runs(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_diary(page, app_url, wait_idle)
    add_entry(page, wait_idle, day=date.today(), pain=4, activity="Running", note=SCRIPT_NOTE)

    for _ in range(2):  # as typed, then as read back from the browser's storage
        shown = page.get_by_test_id("stText").get_by_text(SCRIPT_NOTE, exact=True)
        expect(shown).to_be_visible()
        expect(page.locator("script", has_text="alert(1)")).to_have_count(0)
        page.reload()
        expect(entry_cards(page)).to_have_count(1)
    assert dialogs == []


def test_a_diary_that_loads_late_never_shows_as_empty_first(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    seed(page, app_url, diary(3))
    # Watch every change to the page from its first moment for the empty-diary text.
    watch = """
        window.__sawEmpty = false;
        new MutationObserver(() => {
          if (document.body && document.body.textContent.includes(EMPTY)) {
            window.__sawEmpty = true;
          }
        }).observe(document, {childList: true, subtree: true, characterData: true});
    """
    page.add_init_script(watch.replace("EMPTY", json.dumps(EMPTY)))
    open_diary(page, app_url, wait_idle)
    expect(entry_cards(page)).to_have_count(3)
    assert page.evaluate("window.__sawEmpty") is False


def test_an_entry_added_in_one_tab_appears_in_another_open_tab(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    open_diary(page, app_url, wait_idle)
    other = page.context.new_page()
    open_diary(other, app_url, wait_idle)
    expect(other.get_by_text(EMPTY)).to_be_visible()

    add_entry(page, wait_idle, day=date.today(), pain=6, activity="Running", note="from tab one")
    expect(other.get_by_test_id("stText").get_by_text("from tab one", exact=True)).to_be_visible()
    expect(entry_cards(other)).to_have_count(1)


def test_a_file_over_the_size_limit_is_refused_and_changes_nothing(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    seed(page, app_url, diary(2))
    open_diary(page, app_url, wait_idle)
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploader.set_input_files(
        {"name": "huge.csv", "mimeType": "text/csv", "buffer": b"x" * (2 * 1024 * 1024)}
    )
    # Streamlit's uploader refuses it in the browser, before any byte reaches the server.
    expect(
        page.get_by_test_id("stFileUploader").get_by_text(re.compile(r"1(\.0)? ?MB or smaller"))
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Import \d+ entr"))).to_have_count(0)
    expect(entry_cards(page)).to_have_count(2)
    assert stored_notes(page) == ["day 1", "day 2"]


def test_a_kiosk_never_shows_a_diary_even_one_left_in_its_browser(
    page: Page, kiosk_url: str
) -> None:
    seed(page, kiosk_url, diary(3))
    page.goto(f"{kiosk_url}/diary")
    # A kiosk's idle watch reruns every second, so "idle" never lasts long: wait for the
    # first moment the page has finished a run, then look.
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-connection-state", "CONNECTED"
    )
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stApp"]')
                   ?.getAttribute("data-test-script-state") === "notRunning"
                 && document.querySelector('[data-testid="stHeading"]') !== null"""
    )
    expect(page.get_by_role("heading", name="Add an entry")).to_have_count(0)
    expect(page.get_by_text("day 1", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Pain diary")).to_have_count(0)


def test_an_exported_csv_is_spreadsheet_safe_and_imports_back_identical(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    book = tuple(
        make_entry(
            vocabulary(),
            day=date.today() - timedelta(days=ago),
            pain=ago,
            activity="strength_training",
            comfort_actions=["ice_or_heat"] if ago else [],
            note=note,
        )
        for ago, note in ((2, "=SUM(1+1)"), (1, "+44 call the physio"), (0, "plain words"))
    )
    seed(page, app_url, book)
    open_diary(page, app_url, wait_idle)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV (for spreadsheets)").click()
    saved = Path(download.value.path())
    text = saved.read_bytes().decode("utf-8")
    # What a spreadsheet shows: the page's words, not codes.
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == [
        "Date", "Pain (0 = none, 10 = worst)", "Activity", "Comfort actions tried", "Note",
        "Entry id",
    ]  # fmt: skip
    assert {row[2] for row in rows[1:]} == {"Strength training or weightlifting"}
    assert {row[3] for row in rows[1:]} == {"Ice or heat", ""}
    assert "strength_training" not in text and "ice_or_heat" not in text
    assert "'=SUM(1+1)" in text and "'+44 call the physio" in text

    page.get_by_role("button", name="Delete all my diary data").click()
    page.get_by_role("button", name="Yes, delete everything").click()
    expect(page.get_by_text(EMPTY)).to_be_visible()
    wait_idle(page)

    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        {"name": "backup.csv", "mimeType": "text/csv", "buffer": saved.read_bytes()}
    )
    expect(page.get_by_text("The file holds 3 entries", exact=False)).to_be_visible()
    # The preview is a table of the file's real rows, with each note whole.
    preview = page.get_by_test_id("stTable")
    expect(preview.locator("tbody tr")).to_have_count(3)
    expect(preview.get_by_text("+44 call the physio", exact=True)).to_be_visible()
    page.get_by_role("button", name="Import 3 entries").click()
    expect(entry_cards(page)).to_have_count(3)
    expect(page.get_by_test_id("stText").get_by_text("=SUM(1+1)", exact=True)).to_be_visible()
    page.wait_for_function(
        "([key, text]) => localStorage.getItem(key) === text", arg=[STORAGE_KEY, to_json(book)]
    )


def test_a_full_browser_storage_is_reported_and_the_entry_kept_for_the_session(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    page.add_init_script(
        """Storage.prototype.setItem = function () {
             throw new DOMException("no room left", "QuotaExceededError");
           };"""
    )
    open_diary(page, app_url, wait_idle)
    add_entry(page, wait_idle, day=date.today(), pain=5, activity="Running", note="kept for now")
    expect(page.get_by_text("did not save your last change (QuotaExceededError)")).to_be_visible()
    expect(entry_cards(page)).to_have_count(1)
    assert stored_notes(page) == []


def test_a_browser_that_blocks_storage_still_opens_the_diary_and_says_so(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    page.add_init_script(
        """Object.defineProperty(window, "localStorage", {
             get() { throw new DOMException("blocked", "SecurityError"); },
           });"""
    )
    open_diary(page, app_url, wait_idle)
    expect(page.get_by_text("does not let BackCare keep data on this device")).to_be_visible()
    expect(page.get_by_text(EMPTY)).to_be_visible()


def test_at_200_percent_text_the_entry_buttons_keep_their_words(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    seed(page, app_url, diary(2))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})  # 200 %
    open_diary(page, app_url, wait_idle)
    for label in ("Edit", "Delete"):
        button = entry_cards(page).first.get_by_role("button", name=label)
        expect(button).to_be_visible()
        words = button.get_by_text(label, exact=True)
        # The whole word is drawn: nothing of it is cut off by the button.
        assert words.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), label


def test_on_a_320_px_screen_the_legend_fits_inside_the_chart(
    page: Page, app_url: str, wait_idle: Wait
) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    seed(page, app_url, diary(6))
    open_diary(page, app_url, wait_idle)
    chart = page.get_by_test_id("stVegaLiteChart").first
    drawn(chart)
    expect(chart.locator("g.role-legend")).to_be_visible()
    frame = chart.bounding_box()
    legend = chart.locator("g.role-legend").bounding_box()
    assert frame is not None and legend is not None
    assert legend["x"] >= frame["x"] - 1
    assert legend["x"] + legend["width"] <= frame["x"] + frame["width"] + 1, (legend, frame)
    assert frame["x"] + frame["width"] <= 320
