"""Changing a diary: add, edit, delete, merge or replace; each returns a new tuple by date.

A diary may only grow while it still fits the limits an export must keep
(entries and file size), so whatever the person has can always be exported and
imported back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backcare.diary.entries import MAX_ENTRIES, DiaryError, Entry, ordered
from backcare.diary.files import MAX_FILE_BYTES, size_in_bytes


def _checked_size(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    if len(entries) > MAX_ENTRIES:
        raise DiaryError(
            [f"a diary keeps at most {MAX_ENTRIES} entries; this would make {len(entries)}"]
        )
    if size_in_bytes(entries) > MAX_FILE_BYTES:
        raise DiaryError(
            [
                "the diary would no longer fit in one 1 MB file; export it and delete "
                "older entries first"
            ]
        )
    return entries


def add(diary: Sequence[Entry], entry: Entry) -> tuple[Entry, ...]:
    if any(e.id == entry.id for e in diary):
        raise DiaryError([f"an entry with id '{entry.id}' is already in the diary"])
    return _checked_size(ordered([*diary, entry]))


def update(diary: Sequence[Entry], entry: Entry) -> tuple[Entry, ...]:
    """Replace the entry with the same id; the edited entry keeps its place within its day."""
    if not any(e.id == entry.id for e in diary):
        raise DiaryError(["that entry is no longer in the diary"])
    return ordered(entry if e.id == entry.id else e for e in diary)


def delete(diary: Sequence[Entry], entry_id: str) -> tuple[Entry, ...]:
    return tuple(e for e in diary if e.id != entry_id)


@dataclass(frozen=True)
class MergePlan:
    """What merging a file would do, shown before anything changes."""

    result: tuple[Entry, ...]
    added: int
    updated: int
    unchanged: int


def plan_merge(diary: Sequence[Entry], incoming: Sequence[Entry]) -> MergePlan:
    """Entries from the file join the diary; one with an id already there replaces it."""
    by_id = {e.id: e for e in diary}
    added = updated = unchanged = 0
    for entry in incoming:
        old = by_id.get(entry.id)
        if old is None:
            added += 1
        elif old == entry:
            unchanged += 1
        else:
            updated += 1
    incoming_ids = {e.id for e in incoming}
    kept = [e for e in diary if e.id not in incoming_ids]
    return MergePlan(_checked_size(ordered([*kept, *incoming])), added, updated, unchanged)


def replace_with(incoming: Sequence[Entry]) -> tuple[Entry, ...]:
    return _checked_size(ordered(incoming))
