"""Records for the insights tests: a plain maker, and a hypothesis strategy for random stores."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import strategies as st

from backcare.analytics.insights import Vocabulary
from backcare.analytics.record import AnonymousRecord
from backcare.analytics.store.duckdb_store import DuckDBStore

BASE = AnonymousRecord(
    week="2026-W10",
    age_band="30-39",
    activity="running",
    pain_band="4-6",
    triage="self_care",
    top_causes=("running_impact",),
    warning_signs=(),
    site_id="clinic-a",
    mode="kiosk",
)
LEVEL_ORDER = ("emergency", "urgent", "see_doctor", "self_care")
#: The day the tests publish on: June 2026 is still open, January to May are over.
TODAY = date(2026, 6, 15)
#: Weeks of January (W01–W05), February (W06–W09), March (W10–W13) and June (W24, open).
WEEKS = ("2026-W01", "2026-W02", "2026-W03", "2026-W06", "2026-W10", "2026-W24")
#: Causes for generated records; a record naming the last is at least "see a doctor".
CAUSES = ("running_impact", "muscle_strain", "tight_muscles", "underlying_condition")


def record(**changes: object) -> AnonymousRecord:
    return replace(BASE, **changes)


def triage_for(signs: tuple[str, ...], vocab: Vocabulary, extra_see_doctor: bool) -> str:
    """The level the assessment would give: the most urgent sign, as in the real scoring."""
    levels = {vocab.sign_levels.get(s, "see_doctor") for s in signs}
    if extra_see_doctor:
        levels.add("see_doctor")
    return next((level for level in LEVEL_ORDER if level in levels), "self_care")


@st.composite
def records(draw: st.DrawFn, vocab: Vocabulary) -> AnonymousRecord:
    """One record from a small world, so that small and hidden counts are common."""
    emergency = [s for s, lvl in vocab.sign_levels.items() if lvl == "emergency"][:2]
    urgent = [s for s, lvl in vocab.sign_levels.items() if lvl == "urgent"][:2]
    sign_pool = [*emergency, *urgent, "severe_pain"]
    chosen = draw(
        st.one_of(st.just([]), st.lists(st.sampled_from(sign_pool), unique=True, max_size=2))
    )
    signs = tuple(sorted(chosen))
    band = draw(st.sampled_from(["0-9", "20-29", "30-39", "40-49", "110-119", "unknown"]))
    causes = tuple(draw(st.lists(st.sampled_from(CAUSES), unique=True, max_size=3)))
    # Children always get at least "see a doctor", as the real scoring says, and so does
    # anyone whose causes include a condition a doctor diagnosed.
    extra = (
        band == "0-9"
        or "underlying_condition" in causes
        or (draw(st.booleans()) and draw(st.booleans()))
    )
    return AnonymousRecord(
        week=draw(st.sampled_from(WEEKS)),
        age_band=band,
        activity=draw(st.sampled_from(["running", "stretching", "strength_training", "unknown"])),
        pain_band=draw(st.sampled_from(["0", "1-3", "4-6", "7-10"])),
        triage=triage_for(signs, vocab, extra),
        top_causes=causes,
        warning_signs=signs,
        site_id=draw(st.sampled_from(["clinic-a", "clinic-a", "clinic-b", "rare-site"])),
        mode="kiosk",
    )


def memory_store(items: list[AnonymousRecord]) -> DuckDBStore:
    store = DuckDBStore(":memory:")
    store.submit_many(items)
    return store
