"""The clinician summary in Chromium: printed, it is one A4 page with only the summary on it.

Print media is emulated at A4's width at 96 dpi (794 px), and Chromium's own
PDF printer is asked for A4 pages; the page count is read from the PDF. The
FHIR download is checked as a clinic's system would: the file must validate.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from _flow import (
    ACTIVITY,
    AREAS,
    HARD_SURFACE,
    ONSET,
    PAIN,
    answer_warning_signs,
    app_idle,
    blocking_violations,
    choose,
    see_results,
    tick,
    type_age,
)
from _flow import press as press_step
from fhir.resources.R4B.bundle import Bundle
from playwright.sync_api import Page, expect

from backcare.assessment.engine import knowledge_base
from backcare.diary.entries import Vocabulary, make_entry
from backcare.diary.files import to_json
from backcare.ui import handover
from backcare.ui.diary_state import STORAGE_NAME

#: A page's first visit after the server starts may load pandas and Altair: wait as long as
#: the shared helpers wait for a script run, not the 10 s default.
FIRST_LOAD_MS = 30_000
#: A4 at 96 CSS pixels per inch.
A4_WIDTH, A4_HEIGHT = 794, 1123
PUSHED = "I went harder, further or longer than felt comfortable"
SITTING = "I sit for most of the day"
NAME = "Your name, to print on the summary (optional)"
DIARY = "Include my pain diary from the last 14 days"


def _typical_story(page: Page) -> None:
    """A 47-year-old whose back hurt right after a run: explanations, no warning sign."""
    choose(page, ACTIVITY, "Running")
    choose(page, ONSET, "Right after it")
    page.get_by_role("radiogroup", name=PAIN).get_by_role("radio", name="5").click()
    page.get_by_role("toolbar", name=AREAS).get_by_role("button", name="Lower back").click()
    type_age(page, page, "47")
    press_step(page, "Next", to_step=2)
    tick(page, PUSHED)
    press_step(page, "Next", to_step=3)
    tick(page, HARD_SURFACE)
    tick(page, SITTING)
    press_step(page, "Next", to_step=4)
    answer_warning_signs(page)
    see_results(page)


def _to_summary(page: Page) -> None:
    page.get_by_role("button", name=handover.SUMMARY_LABEL).click()
    heading = page.get_by_role("heading", name="Summary for your clinician")
    expect(heading).to_be_visible(timeout=FIRST_LOAD_MS)
    app_idle(page)


def _pdf_pages(page: Page) -> int:
    pdf = page.pdf(format="A4", print_background=True)
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _print_view(page: Page, artifacts: Path, name: str) -> None:
    """Switch to print media at A4 width, check it is one page, and keep a screenshot."""
    page.set_viewport_size({"width": A4_WIDTH, "height": A4_HEIGHT})
    page.emulate_media(media="print")
    article = page.locator("article.bc-summary")
    expect(article).to_be_visible()
    page.screenshot(path=artifacts / name, full_page=True)
    bottom = page.evaluate(
        "() => document.querySelector('article.bc-summary').getBoundingClientRect().bottom"
        " + window.scrollY"
    )
    assert bottom <= A4_HEIGHT, f"the printed summary is {bottom:.0f} px tall"
    assert _pdf_pages(page) == 1


def _visible(page: Page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => e.outerHTML.slice(0, 80))"
    )


def test_the_printed_summary_is_one_a4_page_with_only_the_summary(app: Page, artifacts_dir: Path):
    _typical_story(app)
    # The results page's explanations in full: "1. Impact from running", "2. …".
    titles = (
        app.get_by_role("heading", level=3).filter(has_text=re.compile(r"^\d\. ")).all_inner_texts()
    )
    _to_summary(app)
    app.get_by_role("textbox", name=NAME).fill("Sam Example")
    app.keyboard.press("Enter")
    expect(app.locator("article.bc-summary")).to_contain_text("Name: Sam Example")
    app_idle(app)
    app.screenshot(path=artifacts_dir / "summary-screen.png")
    assert blocking_violations(app) == []

    _print_view(app, artifacts_dir, "summary-print.png")
    article = app.locator("article.bc-summary")
    level = knowledge_base().levels["self_care"].title
    expect(article.get_by_role("heading", name=f"Triage level: {level}")).to_be_visible()
    explanations = article.locator("ol > li")
    expect(explanations).to_have_count(3)
    for rank, item in enumerate(explanations.all()):
        expect(item).to_contain_text("Because you said:")
        # The same three, in the same order, as the results page ranked them.
        assert titles[rank].split(". ", 1)[1] in item.inner_text()
    # Nothing to press or follow is printed: no menu, no button, no link, no field.
    for selector in (
        "button",
        "a",
        "input",
        "nav",
        "[data-testid=stSidebar]",
        "[data-testid=stHeader]",
    ):
        assert not _visible(app, selector), selector


def test_the_print_button_opens_the_browsers_print_dialog(app: Page):
    _typical_story(app)
    _to_summary(app)
    app.evaluate("() => { window.__printed = 0; window.print = () => window.__printed++; }")
    app.get_by_role("button", name=handover.PRINT_LABEL).click()
    assert app.evaluate("() => window.__printed") == 1


def test_the_diary_chosen_for_the_printout_still_fits_one_page(app: Page, artifacts_dir: Path):
    vocab = Vocabulary.from_kb(knowledge_base())
    today = date.today()
    actions = list(vocab.comfort)
    entries = [
        make_entry(vocab, day=today - timedelta(days=ago), pain=(ago * 3) % 11,
                   activity="running" if ago % 2 else "rest_day",
                   comfort_actions=actions[: ago % 3], note="private words", today=today)
        for ago in range(20)
    ]  # fmt: skip
    # What the diary page would have stored in this browser earlier.
    app.evaluate(
        "([k, text]) => { localStorage.setItem(k, text); localStorage.setItem(k + '.rev', 1) }",
        [STORAGE_NAME, to_json(entries)],
    )
    _typical_story(app)
    _to_summary(app)
    app.get_by_text(DIARY, exact=True).click()
    chart = app.locator("article.bc-summary img.bc-chart")
    expect(chart).to_be_visible(timeout=FIRST_LOAD_MS)
    app_idle(app)
    rows = app.locator("article.bc-summary table tbody tr")
    expect(rows).to_have_count(14)  # one entry a day, for the last fourteen days
    expect(app.locator("article.bc-summary")).not_to_contain_text("private words")
    _print_view(app, artifacts_dir, "summary-print-with-diary.png")


def _chest_pain_story(page: Page) -> None:
    choose(page, ACTIVITY, "Running")
    for step in (2, 3, 4):
        press_step(page, "Next", to_step=step)
    answer_warning_signs(page, yes=("chest_pain",))
    see_results(page)


@pytest.mark.parametrize("emergency", [False, True])
def test_the_fhir_download_is_a_valid_bundle_of_this_result(app: Page, emergency: bool):
    (_chest_pain_story if emergency else _typical_story)(app)
    if emergency:  # everything but the call to action waits behind "More"
        app.locator("summary").filter(has_text="More").click()
    with app.expect_download() as download:
        app.get_by_role("button", name=handover.FHIR_LABEL).click()
    assert download.value.suggested_filename == handover.FHIR_FILE
    text = Path(download.value.path()).read_text(encoding="utf-8")
    bundle = Bundle.model_validate_json(text)
    risk = json.loads(text)["entry"][1]["resource"]
    assert risk["extension"][0]["valueCoding"]["code"] == (
        "emergency" if emergency else "self_care"
    )
    assert bundle.entry[0].resource.status == "completed"
