"""Diary entries: one day's pain, activity, what was tried and a note, each field checked.

The diary lives in the person's own browser, so everything that arrives here
(what the browser had stored, a file picked for import) is untrusted. An entry
exists only through :func:`make_entry` / :func:`check_entry`, which check every
field at once and name each problem ("pain 11 is outside 0–10"). No Streamlit here.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from backcare.assessment.engine import knowledge_base
from backcare.assessment.knowledge import KnowledgeBase
from backcare.json_input import excerpt as quoted

REST_DAY = "rest_day"
REST_DAY_LABEL = "Rest day"
MAX_NOTE = 200
MAX_PAIN = 10
#: About 13 years of daily entries: a cheap bound checked before any file is parsed.
MAX_ENTRIES = 5000
EARLIEST = date(2000, 1, 1)
#: Problems listed one by one before the rest are only counted.
MAX_PROBLEMS = 50
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Invisible characters that change the direction text is shown in (U+202E turns
#: "gnp.exe" into "exe.png"): a note with one could read differently from what it holds.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


class DiaryError(ValueError):
    """Input that cannot become (part of) a diary; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Entry:
    """One day's record. Built through :func:`make_entry`, which checks every field."""

    id: str
    date: date
    pain: int
    activity: str
    comfort_actions: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """The values an entry may name, with the words shown for them (from data/)."""

    activities: dict[str, str]
    comfort: dict[str, str]

    @classmethod
    def from_kb(cls, kb: KnowledgeBase) -> Vocabulary:
        """Contract activities plus a rest day; comfort actions are advice of kind comfort."""
        activities = {o.value: o.label for o in kb.questions["activity"].options}
        activities[REST_DAY] = REST_DAY_LABEL
        comfort = {a.id: a.title for a in kb.advice.values() if a.kind == "comfort"}
        return cls(activities, comfort)

    def activity_label(self, value: str) -> str:
        return self.activities.get(value, value)

    def comfort_title(self, action: str) -> str:
        return self.comfort.get(action, action)

    def activity_from(self, text: str) -> str | None:
        """The activity a file names, by its value or by the words the page shows for it."""
        return _named(text, self.activities)

    def comfort_from(self, text: str) -> str | None:
        """The comfort action a file names, by its id or by its title."""
        return _named(text, self.comfort)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The words of BackCare's own knowledge base (data/), built once."""
    return Vocabulary.from_kb(knowledge_base())


def _words(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


def _named(text: str, labels: Mapping[str, str]) -> str | None:
    """The value whose id or label ``text`` is (any case, spacing or underscores)."""
    wanted = _words(text)
    return next(
        (value for value, label in labels.items() if wanted in (_words(value), _words(label))),
        None,
    )


def new_id() -> str:
    """A random id: entries made in two tabs or on two devices never collide."""
    return secrets.token_hex(6)


def _check_date(value: object, today: date, problems: list[str]) -> date | None:
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            problems.append(f"date {quoted(value)} is not a real date")
            return None
    elif value is None or value == "":
        problems.append("the date is missing")
        return None
    else:
        problems.append(f"date {quoted(value)} is not in the form YYYY-MM-DD")
        return None
    if day > today:
        problems.append(f"date {day.isoformat()} is in the future")
    elif day < EARLIEST:
        problems.append(f"date {day.isoformat()} is before {EARLIEST.isoformat()}")
    else:
        return day
    return None


def _check_pain(value: object, problems: list[str]) -> int | None:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,6}\s*", value):
        number = int(value)
    if number is None:
        if value is None or value == "":
            problems.append("the pain level is missing")
        else:
            problems.append(f"pain {quoted(value)} is not a whole number from 0 to {MAX_PAIN}")
        return None
    if not 0 <= number <= MAX_PAIN:
        problems.append(f"pain {number} is outside 0–{MAX_PAIN}")
        return None
    return number


def _check_activity(value: object, vocab: Vocabulary, problems: list[str]) -> str | None:
    if isinstance(value, str) and (activity := vocab.activity_from(value)):
        return activity
    if value is None or value == "":
        problems.append("the activity is missing")
    else:
        choices = ", ".join(vocab.activities.values())
        problems.append(f"activity {quoted(value)} is not one of: {choices}")
    return None


def _check_comfort(value: object, vocab: Vocabulary, problems: list[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        actions = [v.strip() for v in value.split(";") if v.strip()]
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        actions = [v.strip() for v in value]
    else:
        problems.append(f"comfort actions {quoted(value)} are not a list of action ids")
        return ()
    found = len(problems)
    known = [vocab.comfort_from(action) for action in actions]
    for action, named in zip(actions, known, strict=True):
        if named is None:
            problems.append(f"comfort action {quoted(action)} is not a known comfort action")
    actions = [a for a in known if a is not None]
    if len(set(actions)) != len(actions):
        problems.append("a comfort action is listed twice")
    if len(problems) > found:
        return ()
    # The knowledge base's order, so equal entries compare equal however they were typed.
    return tuple(a for a in vocab.comfort if a in actions)


def _check_note(value: object, problems: list[str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(f"the note {quoted(value)} is not text")
        return ""
    note = value.strip()
    if len(note) > MAX_NOTE:
        problems.append(f"the note has {len(note)} characters; at most {MAX_NOTE} fit")
    elif any(unicodedata.category(c) in ("Cc", "Cs") for c in note):
        problems.append("the note contains a control character (such as a line break)")
    elif hidden := sorted({f"U+{ord(c):04X}" for c in note if c in BIDI_CONTROLS}):
        problems.append(
            f"the note contains a hidden character that flips the text's direction "
            f"({', '.join(hidden)}), so it was refused; remove it and try again"
        )
    return note


def _check_id(value: object, problems: list[str]) -> str:
    if value is None or value == "":
        return new_id()
    if isinstance(value, str) and _ID.fullmatch(value.strip()):
        return value.strip()
    problems.append(f"id {quoted(value)} is not an entry id (1–40 letters, digits, '-' or '_')")
    return ""


def check_entry(
    vocab: Vocabulary,
    *,
    day: object,
    pain: object,
    activity: object,
    comfort_actions: object = (),
    note: object = "",
    entry_id: object = None,
    today: date | None = None,
) -> tuple[Entry | None, tuple[str, ...]]:
    """Check every field at once: (entry, ()) when all is well, else (None, problems)."""
    today = today or date.today()
    problems: list[str] = []
    ident = _check_id(entry_id, problems)
    checked_day = _check_date(day, today, problems)
    level = _check_pain(pain, problems)
    what = _check_activity(activity, vocab, problems)
    actions = _check_comfort(comfort_actions, vocab, problems)
    text = _check_note(note, problems)
    if problems or checked_day is None or level is None or what is None:
        return None, tuple(problems)
    return Entry(ident, checked_day, level, what, actions, text), ()


def make_entry(vocab: Vocabulary, **fields: Any) -> Entry:
    """A checked entry (fields as :func:`check_entry`); raises DiaryError naming each problem."""
    entry, problems = check_entry(vocab, **fields)
    if entry is None:
        raise DiaryError(problems)
    return entry


def ordered(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """By date; entries of the same day keep the order they were made in."""
    return tuple(sorted(entries, key=lambda e: e.date))


def between(entries: Sequence[Entry]) -> tuple[date, date] | None:
    """First and last date, for a preview."""
    if not entries:
        return None
    return min(e.date for e in entries), max(e.date for e in entries)


def as_dicts(entries: Sequence[Entry], vocab: Vocabulary) -> list[dict[str, Any]]:
    """Rows for a preview table, in words."""
    return [
        {
            "Date": e.date,
            "Pain": e.pain,
            "Activity": vocab.activity_label(e.activity),
            "Tried": ", ".join(vocab.comfort_title(a) for a in e.comfort_actions),
            "Note": e.note,
        }
        for e in entries
    ]


def draft_from_answers(
    answers: Mapping[str, object], vocab: Vocabulary, day: date
) -> dict[str, Any]:
    """A new entry for ``day`` started from an assessment: its pain now and its activity.

    Answers the diary cannot use are left out, so the person fills them in.
    """
    pain = answers.get("pain_now")
    activity = answers.get("activity")
    return {
        "day": day,
        "pain": pain if isinstance(pain, int) and not isinstance(pain, bool) else None,
        "activity": activity
        if isinstance(activity, str) and activity in vocab.activities
        else None,
    }


def entry_fields(entry: Entry) -> Mapping[str, Any]:
    """The fields of an entry as :func:`check_entry` takes them (to edit it)."""
    return {
        "day": entry.date,
        "pain": entry.pain,
        "activity": entry.activity,
        "comfort_actions": entry.comfort_actions,
        "note": entry.note,
        "entry_id": entry.id,
    }
