"""Sharing an anonymous record from the results page, through AppTest."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from backcare import assess, settings
from backcare.analytics.record import from_assessment
from backcare.analytics.store.duckdb_store import DuckDBStore
from backcare.analytics.store.registry import close_shared
from backcare.ui.consent import THANKS
from tests.analytics.test_store import HOLDER
from tests.ui.app_under_test import APP, page

SHARE_BOX = "Share a record of this check, with no name on it"
ANSWERS = {
    "activity": "running",
    "age": 37,
    "pain_now": 5,
    "worn_shoes": True,
    "hard_surface": True,
    "fever": True,
}


@pytest.fixture
def environment(monkeypatch, tmp_path):
    def configure(**env: str) -> Path:
        for name in ("BACKCARE_MODE", "BACKCARE_SHARE_DEFAULT", "BACKCARE_SITE_ID"):
            monkeypatch.delenv(name, raising=False)
        path = Path(env.pop("BACKCARE_STORE", tmp_path / "store.duckdb"))
        monkeypatch.setenv("BACKCARE_STORE", str(path))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        settings.current.cache_clear()
        return path

    yield configure
    close_shared()
    settings.current.cache_clear()


def _results(answers: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state["assessment"] = assess(answers or ANSWERS)
    # At the urgent levels the offer waits behind "More": open it, as the person would.
    at.session_state["results-more"] = True
    at.switch_page(page("results")).run()
    assert not at.exception, at.exception
    return at


def _box(at: AppTest):
    return next(c for c in at.checkbox if c.label == SHARE_BOX)


def _share_button(at: AppTest):
    return next(b for b in at.button if b.label == "Share")


def _saved(path: Path) -> list[tuple]:
    close_shared()  # let go of the file so it can be read here
    store = DuckDBStore(path)
    try:
        return store.count_by(("week", "age_band", "activity", "pain_band", "triage", "site_id"))
    finally:
        store.close()


def test_sharing_starts_off_and_the_page_lists_exactly_what_would_be_shared(environment, kb):
    environment()
    at = _results()
    assert _box(at).value is False
    assert _share_button(at).disabled
    listing = next(m.value for m in at.markdown if "**Week:**" in m.value)
    record = from_assessment(assess(ANSWERS), site_id="default", mode="personal", day=date.today())
    assert f"**Week:** {record.week}" in listing
    assert "**Age band:** 30 to 39" in listing and "**Pain band:** 4 to 6 out of 10" in listing
    assert "**Activity:** Running" in listing
    assert f"**Warning signs that applied:** {kb.questions['fever'].text}" in listing
    assert "**Where:** your own device, not a clinic's" in listing
    assert "**Triage level:** See a doctor today" in listing
    assert "**Top possible causes:** Impact from running" in listing
    assert listing.count("\n- ") == 7  # eight fields, nothing more
    assert not at.success


def test_a_personal_server_with_a_site_name_says_it_goes_with_the_record(environment):
    environment(BACKCARE_SITE_ID="hillside-physio")
    listing = next(m.value for m in _results().markdown if "**Week:**" in m.value)
    assert "**Where:** your own device, not a clinic's (site name: hillside-physio)" in listing


def test_the_listing_is_in_words_with_no_internal_codes(environment):
    environment(BACKCARE_MODE="kiosk", BACKCARE_SITE_ID="riverside")
    # No age or pain given; two warning signs, one of them from an answer's value.
    at = _results(
        {
            "activity": "strength_training",
            "bladder_bowel_change": True,
            "pain_feels": ["shooting_down_leg"],
        }
    )
    listing = next(m.value for m in at.markdown if "**Week:**" in m.value)
    assert "**Age band:** not given" in listing and "**Pain band:** not given" in listing
    assert "**Activity:** Strength training or weightlifting" in listing
    assert "New trouble peeing" in listing and "Shooting down a leg" in listing
    assert "**Where:** this clinic's shared device (site name: riverside)" in listing
    for code in ("unknown", "bladder_bowel_change", "shooting_down_leg", "strength_training"):
        assert code not in listing, code


def test_sharing_saves_one_record_and_thanks_only_once_it_is_saved(environment):
    path = environment()
    at = _results()
    _box(at).check().run()
    _share_button(at).click().run()
    assert at.success[0].value == THANKS
    assert not any(b.label == "Share" for b in at.button)
    at.run()  # a rerun, as after any click, saves nothing more
    record = from_assessment(assess(ANSWERS), site_id="default", mode="personal", day=date.today())
    assert _saved(path) == [(record.week, "30-39", "running", "4-6", "urgent", "default", 1)]


def test_a_new_assessment_may_be_shared_again(environment):
    path = environment()
    at = _results()
    _box(at).check().run()
    _share_button(at).click().run()
    at.session_state["assessment"] = assess({**ANSWERS, "age": 52})
    at.run()
    assert not at.success and _box(at).value is False
    _box(at).check().run()
    _share_button(at).click().run()
    assert at.success[0].value == THANKS
    assert sorted(row[1] for row in _saved(path)) == ["30-39", "50-59"]


def test_unticking_means_nothing_is_shared(environment):
    path = environment()
    at = _results()
    _box(at).check().run()
    _box(at).uncheck().run()
    assert _share_button(at).disabled
    assert not at.success and _saved(path) == []


def test_a_store_that_cannot_save_shares_nothing_and_says_so(environment, tmp_path):
    held = tmp_path / "held.duckdb"
    path = environment(BACKCARE_STORE=str(held))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(held)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline().strip() == b"holding"
        at = _results()
        _box(at).check().run()
        _share_button(at).click().run()
        assert "could not be saved, so nothing was shared" in at.error[0].value
        assert "is in use by process" in at.error[0].value
        assert not at.success
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    # Once the file is free, the same person can still share.
    _share_button(at).click().run()
    assert at.success[0].value == THANKS
    assert len(_saved(path)) == 1


def test_a_clinic_kiosk_may_tick_the_box_and_says_so(environment):
    path = environment(
        BACKCARE_MODE="kiosk", BACKCARE_SHARE_DEFAULT="true", BACKCARE_SITE_ID="clinic-7"
    )
    at = _results()
    assert _box(at).value is True
    assert any("This clinic has ticked the box for you" in c.value for c in at.caption)
    _share_button(at).click().run()
    assert at.success[0].value == THANKS
    assert _saved(path)[0][-2:] == ("clinic-7", 1)
