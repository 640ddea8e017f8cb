"""Diaries for browser tests: made as the page makes them, stored where the page keeps them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from backcare.diary.entries import Entry, make_entry, vocabulary
from backcare.diary.files import to_json

STORAGE_KEY = "backcare.diary"

Wait = Callable[[Page], None]


def diary(days: int) -> tuple[Entry, ...]:
    """A diary of `days` daily entries ending today, pain easing as the days pass."""
    today = date.today()
    activities = ["running", "rest_day", "stretching"]
    return tuple(
        make_entry(
            vocabulary(),
            day=today - timedelta(days=days - 1 - i),
            pain=max(0, 8 - i // 2),
            activity=activities[i % 3],
            comfort_actions=["ice_or_heat"] if i % 2 else [],
            note=f"day {i + 1}",
        )
        for i in range(days)
    )


def open_diary(page: Page, app_url: str, wait_idle: Wait) -> None:
    page.goto(f"{app_url}/diary")
    expect(page.get_by_role("heading", name="Add an entry")).to_be_visible()
    wait_idle(page)


def seed(page: Page, app_url: str, entries: tuple[Entry, ...]) -> None:
    """Store a diary in this browser's localStorage, as an earlier visit would have."""
    page.goto(app_url)
    page.evaluate(
        """([key, text]) => {
          localStorage.setItem(key, text);
          localStorage.setItem(key + ".rev", "seed");
        }""",
        [STORAGE_KEY, to_json(entries)],
    )
