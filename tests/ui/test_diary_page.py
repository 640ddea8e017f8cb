"""The diary page through AppTest: add, edit, delete, import, export, and what it asks the browser.

AppTest has no browser, so the browser's side of the storage bridge is played by
putting its answer in session state (``answered``), and what the page asks the
browser to store is read from the bridge component's data.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from backcare import assess, settings
from backcare.assessment.engine import knowledge_base
from backcare.diary import changes, files
from backcare.diary.entries import Entry, Vocabulary, make_entry
from backcare.ui import diary_state as shared
from backcare.ui.browser_storage import answered, state_key
from tests.diary.diary_malformed import MALFORMED, Bad
from tests.ui.app_under_test import APP, no_warning_signs, page

ROOT = Path(__file__).resolve().parents[2]
DIARY = page("diary")
STORE = state_key(shared.STORAGE_NAME)
VOCAB = Vocabulary.from_kb(knowledge_base())
TODAY = date.today()
#: What `written` returns when the page asked the browser to store nothing.
NOTHING = "nothing written"


def entry(ago: int, pain: int, activity: str = "running", note: str = "", **fields) -> Entry:
    return make_entry(
        VOCAB, day=TODAY - timedelta(days=ago), pain=pain, activity=activity, note=note, **fields
    )


def open_diary(*entries: Entry, text: str | None = None, answer: dict | None = None) -> AppTest:
    """The diary page after the browser answered with `entries` (or `text`, or `answer`)."""
    at = AppTest.from_file(APP, default_timeout=30)
    if answer is None:
        stored = text if text is not None else files.to_json(entries) if entries else None
        answer = answered(stored)
    at.session_state[STORE] = answer
    at.run()
    at.switch_page(DIARY).run()
    assert not at.exception, at.exception
    return at


def request(at: AppTest) -> dict:
    """What the page last asked of the browser bridge."""
    (bridge,) = at.get("bidi_component")
    return json.loads(bridge.proto.json)


def written(at: AppTest):
    """The diary the page asked the browser to store: entries, () when removed, or NOTHING."""
    write = request(at)["write"]
    if write is None:
        return NOTHING
    return () if write["text"] is None else files.stored_diary(write["text"], VOCAB)


def session_entries(at: AppTest) -> tuple[Entry, ...]:
    return at.session_state["diary_entries"]


def widget(widgets, prefix: str):
    """The one widget whose key starts with `prefix` (each form has its own keys)."""
    (found,) = [w for w in widgets if w.key and w.key.startswith(prefix)]
    return found


def fill(at: AppTest, form: str, *, pain=None, activity=None, note=None, day=None, comfort=None):
    if day is not None:
        widget(at.date_input, f"{form}").set_value(day)
    if pain is not None:
        widget(at.button_group, form).set_value(pain)
    if activity is not None:
        widget(at.radio, form).set_value(activity)
    if comfort is not None:
        widget(at.multiselect, form).set_value(comfort)
    if note is not None:
        widget(at.text_input, form).set_value(note)


def press(at: AppTest, label: str, key_prefix: str | None = None) -> AppTest:
    buttons = [b for b in at.button if b.label == label]
    if key_prefix is not None:
        buttons = [b for b in buttons if b.key and b.key.startswith(key_prefix)]
    buttons[0].click().run()
    assert not at.exception, at.exception
    return at


def text_of(at: AppTest) -> str:
    parts = [m.value for m in (*at.markdown, *at.title, *at.header, *at.subheader, *at.caption)]
    parts += [a.value for a in (*at.error, *at.warning, *at.info, *at.success)]
    return "\n".join(parts)


def cards(at: AppTest) -> list[str]:
    """Entry ids on screen, in order."""
    prefix = "diary_edit_button_"
    return [b.key.removeprefix(prefix) for b in at.button if b.key and b.key.startswith(prefix)]


# --- loading and where the data lives ----------------------------------------------------------


def test_nothing_of_the_diary_shows_until_the_browser_has_answered():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page(DIARY).run()
    assert [i.value for i in at.info] == ["Opening your diary…"]
    assert "No entries yet" not in text_of(at)
    assert not at.button and not at.radio  # no form, no empty list, no "delete all"
    assert request(at) == {"key": "backcare.diary", "load": True, "rev": None, "write": None}


def test_the_page_says_where_the_diary_lives():
    at = open_diary()
    caption = at.caption[0].value
    assert "only in this browser, on this device" in caption
    assert "server does not store it" in caption
    assert "No entries yet" in text_of(at)
    assert all(b.proto.disabled for b in at.get("download_button"))
    assert request(at)["load"] is False and written(at) == NOTHING


# --- adding, editing, deleting ----------------------------------------------------------------


def test_a_confirmation_stays_until_the_next_action():
    at = open_diary(entry(2, 6, entry_id="old"))
    fill(at, "diary_add", pain=5, activity="rest_day", note="calm day")
    press(at, "Add to my diary")
    # The browser confirming the save, and any other rerun it makes, keep the message.
    at.session_state[STORE] = answered(files.to_json(session_entries(at)), rev="saved")
    at.run().run()
    assert at.success[0].value.startswith("Added your entry for")
    press(at, "Edit", key_prefix="diary_edit_button_old")
    assert not at.success


def test_adding_an_entry_shows_it_and_asks_the_browser_to_store_it():
    at = open_diary()
    fill(at, "diary_add", pain=5, activity="rest_day", comfort=["ice_or_heat"], note="calm day")
    press(at, "Add to my diary")
    assert at.success[0].value.startswith("Added your entry for")
    (stored,) = written(at)
    assert (stored.date, stored.pain, stored.activity, stored.comfort_actions, stored.note) == (
        TODAY,
        5,
        "rest_day",
        ("ice_or_heat",),
        "calm day",
    )
    assert session_entries(at) == (stored,)
    assert cards(at) == [stored.id]
    assert "pain **5** of 10 · Rest day" in text_of(at)
    assert "Tried: Ice or heat" in text_of(at)
    # The form starts afresh for the next entry.
    assert widget(at.button_group, "diary_add").value is None
    assert widget(at.radio, "diary_add").value is None


def test_an_incomplete_entry_is_refused_with_the_reasons_and_nothing_is_stored():
    at = open_diary()
    press(at, "Add to my diary")
    assert at.error[0].value == (
        "The entry was not saved: the pain level is missing; the activity is missing."
    )
    assert written(at) == NOTHING and session_entries(at) == ()


def test_editing_changes_the_entry_in_place_and_keeps_its_id():
    first = entry(1, 7, note="before")
    at = open_diary(first)
    press(at, "Edit", f"diary_edit_button_{first.id}")
    assert f"Editing {first.date:%a}" in text_of(at)
    fill(at, f"diary_edit_{first.id}", pain=2, note="after", activity="stretching")
    press(at, "Save changes")
    (changed,) = written(at)
    assert (changed.id, changed.pain, changed.note, changed.activity, changed.date) == (
        first.id,
        2,
        "after",
        "stretching",
        first.date,
    )
    assert at.success[0].value.startswith("Saved your changes")


def test_cancelling_an_edit_changes_nothing():
    first = entry(1, 7, note="before")
    at = open_diary(first)
    press(at, "Edit", f"diary_edit_button_{first.id}")
    fill(at, f"diary_edit_{first.id}", pain=1)
    press(at, "Cancel")
    assert session_entries(at) == (first,) and written(at) == NOTHING
    assert cards(at) == [first.id]


def test_deleting_one_entry_asks_first():
    keep, drop = entry(2, 4, note="keep"), entry(1, 6, note="drop")
    at = open_diary(keep, drop)
    assert cards(at) == [drop.id, keep.id]  # newest first
    press(at, "Delete", f"diary_delete_button_{drop.id}")
    assert "Delete this entry?" in at.warning[0].value
    press(at, "Keep it")
    assert session_entries(at) == (keep, drop) and written(at) == NOTHING
    press(at, "Delete", f"diary_delete_button_{drop.id}")
    press(at, "Yes, delete it")
    assert written(at) == (keep,) and cards(at) == [keep.id]


def test_delete_all_asks_for_confirmation_then_removes_the_stored_diary():
    at = open_diary(entry(2, 4), entry(1, 6))
    press(at, "Delete all my diary data")
    assert "Delete all 2 entries?" in at.warning[0].value
    press(at, "Cancel")
    assert len(session_entries(at)) == 2 and written(at) == NOTHING
    press(at, "Delete all my diary data")
    press(at, "Yes, delete everything")
    assert written(at) == () and request(at)["write"]["text"] is None
    assert session_entries(at) == ()
    assert "No entries yet" in text_of(at)
    assert at.success[0].value == "Your diary was deleted from this browser."


def test_notes_are_shown_as_plain_text_never_as_markdown_or_html():
    note = "**bold** <script>alert(1)</script> [link](javascript:alert(1))"
    at = open_diary(entry(0, 3, note=note))
    assert [t.value for t in at.text] == [note]
    assert all(note not in m.value for m in at.markdown)


def test_long_diaries_come_in_pages_of_ten_newest_first():
    book = changes.replace_with(entry(ago, 3, note=f"n{ago}") for ago in range(25))
    at = open_diary(*book)
    assert len(cards(at)) == 10 and cards(at)[0] == book[-1].id
    at.pagination[0].set_value(3).run()
    assert cards(at) == [e.id for e in reversed(book[:5])]


# --- charts ---------------------------------------------------------------------------------


def test_charts_and_their_sentences_appear_once_there_are_entries():
    book = [entry(ago, 6) for ago in range(7, 14)] + [entry(ago, 3) for ago in range(7)]
    at = open_diary(*book)
    assert [t.label for t in at.tabs] == ["Pain over time", "By activity", "After comfort actions"]
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(specs) == 2  # no comfort action logged: that tab says so in words
    assert "Your average pain fell from 6 to 3 over the last two weeks." in text_of(at)
    assert "Nothing to compare yet" in text_of(at)


# --- export and import -------------------------------------------------------------------------


def test_export_buttons_offer_csv_and_json():
    at = open_diary(entry(0, 3))
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download CSV (for spreadsheets)", "Download JSON"]
    assert not any(b.proto.disabled for b in at.get("download_button"))


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].upload(name, data).run()
    assert not at.exception, at.exception
    return at


def test_a_merge_import_previews_then_adds_and_updates():
    mine = entry(3, 8, entry_id="mine")
    shared_old = entry(2, 5, entry_id="shared")
    at = open_diary(mine, shared_old)
    shared_new = entry(2, 1, entry_id="shared", note="edited elsewhere")
    fresh = entry(1, 2, entry_id="fresh")
    _upload(at, "other.csv", files.csv_bytes(changes.replace_with([shared_new, fresh]), VOCAB))
    assert "The file holds 2 entries" in text_of(at)
    (preview,) = at.table
    # Only the file's real rows, each note whole.
    assert len(preview.value) == 2 and "edited elsewhere" in list(preview.value["Note"])
    assert written(at) == NOTHING  # a preview changes nothing
    assert at.radio[-1].value == "merge"
    press(at, "Import 2 entries")
    assert written(at) == (mine, shared_new, fresh)
    assert at.success[0].value == "Done: 1 new, 1 changed, 0 already in your diary."
    assert not at.file_uploader[0].value  # the uploader is cleared for the next file


def test_a_replace_import_needs_a_tick_first():
    at = open_diary(entry(3, 8), entry(2, 5))
    incoming = changes.replace_with([entry(1, 2, note="only this")])
    _upload(at, "backup.json", files.json_bytes(incoming))
    at.radio[-1].set_value("replace").run()
    button = next(b for b in at.button if b.label == "Import 1 entry")
    assert button.disabled
    at.checkbox[0].check().run()
    press(at, "Import 1 entry")
    assert written(at) == incoming
    assert at.success[0].value == "Your diary now holds the file's 1 entries."


def test_an_empty_diary_imports_without_asking_how():
    incoming = changes.replace_with([entry(1, 2), entry(0, 4)])
    at = open_diary()
    _upload(at, "d.csv", files.csv_bytes(incoming, VOCAB))
    press(at, "Import 2 entries")
    assert written(at) == incoming


@pytest.mark.parametrize("case", MALFORMED, ids=lambda case: case.name)
def test_a_bad_file_is_explained_and_leaves_the_diary_as_it_was(case: Bad):
    book = (entry(2, 4, note="kept"), entry(1, 5))
    at = open_diary(*book)
    _upload(at, case.filename, case.data)
    assert at.error[0].value.startswith("This file was not imported, and your diary is unchanged.")
    assert case.message in at.code[0].value
    assert not any(b.label.startswith("Import ") for b in at.button)
    assert session_entries(at) == book and written(at) == NOTHING
    assert len(cards(at)) == 2


# --- what the browser holds -------------------------------------------------------------------


def test_an_unreadable_stored_diary_is_kept_until_the_person_decides():
    at = open_diary(text='{"format": "backcare-pain-diary", "version": 1, "entries": [{"pain": 99')
    assert "could not be read, so nothing has been changed" in at.error[0].value
    assert "not valid JSON" in at.code[0].value
    assert written(at) == NOTHING and not at.radio  # no form that could overwrite it
    press(at, "Delete it and start a new diary")
    assert written(at) == ()
    assert "No entries yet" in text_of(at)


def test_a_browser_that_cannot_store_is_said_plainly():
    at = open_diary(answer=answered(None, available=False))
    assert "does not let BackCare keep data on this device" in at.warning[0].value
    failed = {**answered(files.to_json([entry(0, 3)])), "save_error": "QuotaExceededError"}
    at = open_diary(answer=failed)
    assert "did not save your last change (QuotaExceededError)" in at.warning[0].value


def test_a_change_from_another_tab_replaces_this_sessions_copy():
    first = entry(1, 4, note="first")
    at = open_diary(first)
    later = changes.replace_with([first, entry(0, 2, note="from the other tab")])
    # What the bridge records when the browser reports another tab's write.
    at.session_state[STORE] = {**answered(files.to_json(later), rev="other"), "generation": 2}
    at.run()
    assert session_entries(at) == later and len(cards(at)) == 2
    assert "changed in another tab" in at.info[0].value


# --- from the results page, and in kiosk mode -------------------------------------------------


def test_the_results_page_starts_an_entry_with_todays_pain_and_activity():
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["assessment"] = assess(
        {"activity": "strength_training", "pain_now": 6, **no_warning_signs()}
    )
    at.run()
    at.switch_page(page("results")).run()
    press(at, "Add today to my pain diary")
    assert at.info[0].value == "Opening your diary…"
    at.session_state[STORE] = answered(None)
    at.switch_page(DIARY).run()  # AppTest reruns the page it last opened, not the one switched to
    assert "filled in from your assessment" in text_of(at)
    assert widget(at.button_group, "diary_add").value == 6
    assert widget(at.radio, "diary_add").value == "strength_training"
    assert widget(at.date_input, "diary_add").value == TODAY
    press(at, "Add to my diary")
    (made,) = written(at)
    assert (made.date, made.pain, made.activity) == (TODAY, 6, "strength_training")
    assert "filled in from your assessment" not in text_of(at)


@pytest.fixture
def kiosk(monkeypatch):
    monkeypatch.setenv("BACKCARE_MODE", "kiosk")
    settings.current.cache_clear()
    yield
    settings.current.cache_clear()


def test_in_kiosk_mode_the_diary_page_shows_nothing_and_reads_no_storage(kiosk):
    at = AppTest.from_file(DIARY, default_timeout=30).run()
    assert not at.exception
    assert [i.value for i in at.info] == ["The pain diary is not available on this shared device."]
    assert not at.get("bidi_component") and not at.button


def test_in_kiosk_mode_the_results_page_offers_no_diary(kiosk):
    at = AppTest.from_file(page("results"), default_timeout=30)
    at.session_state["assessment"] = assess(
        {"activity": "running", "pain_now": 3, **no_warning_signs()}
    )
    at.run()
    assert not at.exception
    assert "Add today to my pain diary" not in [b.label for b in at.button]


def test_in_personal_mode_the_results_page_offers_the_diary():
    at = AppTest.from_file(page("results"), default_timeout=30)
    at.session_state["assessment"] = assess(
        {"activity": "running", "pain_now": 3, **no_warning_signs()}
    )
    at.run()
    assert "Add today to my pain diary" in [b.label for b in at.button]
