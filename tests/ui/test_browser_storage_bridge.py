"""The browser-storage bridge's callbacks, outside Chromium: what each answer of the page's
JavaScript does to the session's copy (Playwright drives the real thing in
tests/browser/test_diary.py). Session state is a plain dict here: the seam the callbacks
read and write."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from backcare.ui import browser_storage
from backcare.ui.browser_storage import BrowserText, state_key

WIDGET = "browser_text_diary"


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> dict:
    state: dict = {}
    monkeypatch.setattr(browser_storage, "st", SimpleNamespace(session_state=state))
    return state


def _typed(session: dict, text: str | None) -> tuple[BrowserText, str]:
    """A loaded diary on which the person has just saved ``text``; its pending revision."""
    bridge = BrowserText("diary")
    session[state_key("diary")] = browser_storage.answered("old", rev="r0")
    bridge.save(text)
    return bridge, session[state_key("diary")]["pending"]["rev"]


def test_a_first_answer_loads_the_text(session):
    session[WIDGET] = {"loaded": {"text": "2024-05-01,3", "rev": "r1", "error": None}}
    BrowserText("diary")._on_loaded()
    state = session[state_key("diary")]
    assert (state["loaded"], state["text"], state["rev"]) == (True, "2024-05-01,3", "r1")
    assert (state["generation"], state["available"]) == (1, True)


def test_a_browser_that_refuses_storage_is_known_as_unavailable(session):
    session[WIDGET] = {"loaded": {"text": None, "rev": None, "error": "unavailable"}}
    BrowserText("diary")._on_loaded()
    state = session[state_key("diary")]
    assert (state["loaded"], state["text"], state["available"]) == (True, None, False)


@pytest.mark.parametrize("answer", [None, "loaded", 5, ["text"]])
def test_an_answer_that_is_no_object_changes_nothing(session, answer):
    session[WIDGET] = {"loaded": answer, "saved": answer}
    BrowserText("diary")._on_loaded()
    BrowserText("diary")._on_saved()
    assert state_key("diary") not in session


def test_a_stored_value_that_is_no_text_reads_as_nothing_stored(session):
    session[WIDGET] = {"loaded": {"text": 5, "rev": 7, "error": None}}
    BrowserText("diary")._on_loaded()
    state = session[state_key("diary")]
    assert (state["text"], state["rev"]) == (None, None)


def test_a_confirmed_write_becomes_the_known_revision(session):
    bridge, rev = _typed(session, "new")
    session[WIDGET] = {"saved": {"rev": rev, "error": None}}
    bridge._on_saved()
    state = session[state_key("diary")]
    assert (state["text"], state["rev"]) == ("new", rev)
    assert (state["pending"], state["save_error"]) == (None, None)


def test_a_full_browser_keeps_the_text_for_the_session_and_says_why(session):
    bridge, rev = _typed(session, "new")
    session[WIDGET] = {"saved": {"rev": rev, "error": "QuotaExceededError"}}
    bridge._on_saved()
    state = session[state_key("diary")]
    assert state["text"] == "new", "what the person typed is kept for the session"
    assert (state["pending"], state["save_error"]) == (None, "QuotaExceededError")
    assert state["rev"] == "r0"  # the browser still holds the old revision


def test_the_answer_to_an_older_write_leaves_the_newer_one_pending(session):
    bridge, rev = _typed(session, "new")
    session[WIDGET] = {"saved": {"rev": "an-older-write", "error": None}}
    bridge._on_saved()
    state = session[state_key("diary")]
    assert state["pending"] == {"rev": rev, "text": "new"}
    assert state["rev"] == "r0"


def test_a_removed_text_leaves_no_revision(session):
    bridge, rev = _typed(session, None)
    session[WIDGET] = {"saved": {"rev": rev, "error": None}}
    bridge._on_saved()
    state = session[state_key("diary")]
    assert (state["text"], state["rev"], state["pending"]) == (None, None, None)


def test_what_another_tab_wrote_wins_over_a_write_not_yet_sent(session):
    bridge, _ = _typed(session, "mine")
    session[WIDGET] = {"loaded": {"text": "theirs", "rev": "r9", "error": None}}
    bridge._on_loaded()
    state = session[state_key("diary")]
    assert (state["text"], state["rev"], state["pending"]) == ("theirs", "r9", None)
    assert state["generation"] == 2
