"""The kiosk's idle rule: active, then a countdown of at least 20 s, then expired."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.kiosk.idle import idle_state, last_active_after_report
from backcare.settings import IDLE_WARNING_SECONDS


def test_the_warning_lasts_at_least_twenty_seconds():
    assert IDLE_WARNING_SECONDS >= 20  # WCAG 2.2.1


@pytest.mark.parametrize(
    ("idle", "phase", "left"),
    [
        (0, "active", 120),
        (119.2, "active", 1),
        (120, "warning", 20),
        (120.5, "warning", 20),
        (139.01, "warning", 1),
        (140, "expired", 0),
        (10_000, "expired", 0),
        (-5, "active", 120),  # a clock that stepped back counts as just active
    ],
)
def test_phases_at_the_edges(idle, phase, left):
    state = idle_state(idle, timeout=120, warning_seconds=20)
    assert (state.phase, state.seconds_left) == (phase, left)


def test_nonsense_lengths_are_refused():
    with pytest.raises(ValueError):
        idle_state(1, timeout=0)


@given(
    st.floats(0, 10_000, allow_nan=False),
    st.floats(0, 10_000, allow_nan=False),
    st.integers(2, 3_600),
)
def test_more_idleness_never_goes_back_a_phase_nor_adds_time(a, b, timeout):
    early, late = sorted((a, b))
    first, second = idle_state(early, timeout), idle_state(late, timeout)
    order = ("active", "warning", "expired")
    assert order.index(first.phase) <= order.index(second.phase)
    if first.phase == second.phase:
        assert second.seconds_left <= first.seconds_left


@given(st.floats(0, 10_000, allow_nan=False), st.integers(2, 3_600))
def test_the_countdown_never_shows_more_than_the_warning_nor_zero(idle, timeout):
    state = idle_state(idle, timeout)
    if state.phase == "warning":
        assert 1 <= state.seconds_left <= IDLE_WARNING_SECONDS
    if state.phase == "expired":
        assert idle >= timeout + IDLE_WARNING_SECONDS


@pytest.mark.parametrize(
    ("last", "ago_ms", "expected"),
    [
        (100.0, 0, 1000.0),  # input just now
        (100.0, 3000, 997.0),  # held back while a field had the focus: counts from then
        (990.0, 30_000, 990.0),  # older than what the server saw already: no change
        (None, 2000, 998.0),  # the first thing the session hears
        (100.0, -5000, 1000.0),  # a clock that stepped back: never in the future
        (100.0, "soon", 1000.0),  # not a number: just now
        (100.0, None, 1000.0),
        (100.0, True, 1000.0),
        (100.0, float("nan"), 1000.0),
        (100.0, float("inf"), 1000.0),
    ],
)
def test_a_browser_report_moves_the_mark_to_when_the_input_happened(last, ago_ms, expected):
    assert last_active_after_report(last, 1000.0, ago_ms) == expected


@given(
    st.floats(0, 1e6, allow_nan=False),
    st.floats(0, 1e6, allow_nan=False),
    st.one_of(st.floats(), st.integers(), st.none(), st.text()),
)
def test_a_report_never_moves_the_mark_back_nor_past_now(last, now, ago):
    marked = last_active_after_report(last, now, ago)
    assert marked >= last and marked <= max(last, now)
