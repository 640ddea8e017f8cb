"""The printable summary page and the results page's way to it, through AppTest.

Print layout is for the browser tests; here: what the page holds, who can
reach it (a kiosk only when the clinic turns printing on), the name that
stays on the printout, the diary the person chooses to add, and the FHIR file.
"""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from fhir.resources.R4B.bundle import Bundle
from streamlit.testing.v1 import AppTest

from backcare import assess
from backcare.assessment.engine import knowledge_base
from backcare.diary import files
from backcare.diary.entries import Vocabulary, make_entry
from backcare.settings import current
from backcare.ui import handover
from backcare.ui.browser_storage import answered, state_key
from backcare.ui.diary_state import STORAGE_NAME, today
from tests.imports_probe import loaded_after
from tests.ui.app_under_test import APP, page
from tests.ui.test_kiosk_pages import kiosk  # noqa: F401 (the fixture: kiosk mode for a test)

STORY = {
    "activity": "running",
    "onset": "right_after",
    "pain_now": 5,
    "age": 47,
    "pain_areas": ["lower_back"],
    "pain_feels": ["dull_ache", "stiffness"],
    "warmed_up": False,
    "pushed_past_limit": True,
    "hard_surface": True,
    "long_sitting": True,
    "fever": True,
}
NAME_FIELD = "Your name, to print on the summary (optional)"
DIARY_BOX = "Include my pain diary from the last 14 days"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _summary_text(at: AppTest) -> str:
    (article,) = [h for h in at.get("html") if "<article" in h.proto.body]
    parser = _Text()
    parser.feed(article.proto.body)
    return " ".join(" ".join(parser.parts).split())


def _results(answers: dict = STORY, *, stored: str | None = None) -> AppTest:
    """The results page of these answers, as if the questionnaire had just been finished."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["assessment"] = assess(answers)
    at.session_state["results-more"] = True  # at the urgent levels the offer is behind "More"
    if stored is not None:
        at.session_state[state_key(STORAGE_NAME)] = answered(stored)
    at.run()
    at.switch_page(page("results")).run()
    assert not at.exception, at.exception
    return at


def _open_summary(at: AppTest) -> AppTest:
    at.button(key="handover-summary").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Summary for your clinician"
    # AppTest reruns the page it was told about, not one the script switched to.
    at.switch_page(page("summary")).run()
    return at


def test_results_offer_the_summary_and_the_fhir_file_at_home():
    at = _results()
    assert [b.proto.label for b in at.get("download_button")] == [handover.FHIR_LABEL]
    bundle = Bundle.model_validate_json(handover.fhir_json(assess(STORY)))
    assert bundle.entry[0].resource.get_resource_type() == "QuestionnaireResponse"
    _open_summary(at)


def test_the_summary_shows_the_level_the_explanations_and_the_answers():
    result = assess(STORY)
    at = _open_summary(_results())
    assert at.title[0].value == "Summary for your clinician"
    text = _summary_text(at)
    assert f"Triage level: {result.triage.title}" in text
    assert result.triage.what_to_do in text
    for cause in result.causes[:3]:
        assert cause.title in text
    assert len(result.causes) > 3 and result.causes[3].title not in text
    assert knowledge_base().questions["fever"].text in text
    assert "What were you doing when the pain began? Running" in text
    assert "Name:" not in text
    assert "Pain diary" not in text
    buttons = [h.proto.body for h in at.get("html") if "<button" in h.proto.body]
    assert (
        len(buttons) == 1 and "window.print()" in buttons[0] and handover.PRINT_LABEL in buttons[0]
    )


def test_a_typed_name_is_on_the_printout_only():
    at = _open_summary(_results())
    next(t for t in at.text_input if t.label == NAME_FIELD).input("  Sam   Example ").run()
    assert "Name: Sam Example" in _summary_text(at)
    # The result itself never learns the name, so nothing else can carry it.
    assert "Sam" not in json.dumps(at.session_state["assessment"].to_dict())
    assert b"Sam" not in handover.fhir_json(at.session_state["assessment"])


def test_the_diary_is_added_only_when_the_person_chooses():
    vocab = Vocabulary.from_kb(knowledge_base())
    day = today()
    entries = [
        make_entry(vocab, day=day - timedelta(days=ago), pain=pain, activity="running",
                   note="private words", today=day)
        for ago, pain in ((1, 6), (9, 3), (30, 8))
    ]  # fmt: skip
    at = _open_summary(_results(stored=files.to_json(entries)))
    assert "Pain diary" not in _summary_text(at)
    next(c for c in at.checkbox if c.label == DIARY_BOX).check().run()
    text = _summary_text(at)
    assert "Pain diary" in text
    assert "private words" not in text
    days = [f"{(day - timedelta(days=ago)).day} {day - timedelta(days=ago):%b}" for ago in (1, 9)]
    assert all(d in text for d in days)


def test_a_diary_this_browser_cannot_read_is_left_off_with_a_reason():
    at = _open_summary(_results(stored="{not json"))
    next(c for c in at.checkbox if c.label == DIARY_BOX).check().run()
    assert "could not be read" in at.caption[0].value
    assert "Pain diary" not in _summary_text(at)


def test_the_summary_without_a_result_points_to_the_questionnaire():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(page("summary")).run()
    assert "no result to summarise yet" in at.info[0].value
    assert not [h for h in at.get("html") if "<article" in h.proto.body]


@pytest.mark.usefixtures("kiosk")
@pytest.mark.parametrize(("printing", "offered"), [("false", False), ("true", True)])
def test_a_kiosk_offers_the_summary_only_when_printing_is_on(monkeypatch, printing, offered):
    monkeypatch.setenv("BACKCARE_KIOSK_PRINT", printing)
    current.cache_clear()
    at = _results()
    assert (handover.SUMMARY_LABEL in [b.label for b in at.button]) is offered
    assert not at.get("download_button")  # a kiosk never offers a download
    if offered:
        _open_summary(at)
        assert not [c for c in at.checkbox if c.label == DIARY_BOX]  # no diary in a kiosk
        assert "Triage level:" in _summary_text(at)


def test_the_results_page_helper_loads_neither_fhir_models_nor_chart_libraries():
    """The results page stays quick: FHIR and the diary's charts load only when used."""
    heavy = ("fhir.resources", "pandas", "altair")
    assert loaded_after("import backcare.ui.handover", heavy) == []
