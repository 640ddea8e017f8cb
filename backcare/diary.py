"""The pain diary: entries, their checks, and the CSV and JSON files a person keeps them in.

The diary lives in the person's own browser, so everything that arrives here
(what the browser had stored, a file picked for import) is untrusted text. It
is checked as a whole before anything changes: an import either yields a full,
valid list of entries or a list of every problem found ("row 3: pain 11 is
outside 0–10"), never part of a diary. No Streamlit here.

Exported CSV is meant to be opened in spreadsheets, which run cells that start
with ``=``, ``+``, ``-`` or ``@`` as formulas. Such cells (and a leading
apostrophe, so the rule can be undone exactly) get an apostrophe in front;
import removes it again, so what is exported imports back identical.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from backcare.knowledge import KnowledgeBase

REST_DAY = "rest_day"
REST_DAY_LABEL = "Rest day"
MAX_NOTE = 200
MAX_PAIN = 10
#: The largest file an import reads, in bytes (1 MB, as the upload widget counts it). A diary
#: may grow only while both its export files stay this small, so every export imports back.
MAX_FILE_BYTES = 1024 * 1024
#: About 13 years of daily entries: a cheap bound checked before any file is parsed.
MAX_ENTRIES = 5000
EARLIEST = date(2000, 1, 1)
#: Problems listed one by one before the rest are only counted.
MAX_PROBLEMS = 50

FORMAT = "backcare-pain-diary"
VERSION = 1
CSV_COLUMNS = ("id", "date", "pain", "activity", "comfort_actions", "note")
JSON_REQUIRED = ("date", "pain", "activity")
#: Leading characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_FIRST = {"\t": "a tab", "\r": "a carriage return"}
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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


def new_id() -> str:
    """A random id: entries made in two tabs or on two devices never collide."""
    return secrets.token_hex(6)


def _shown(value: object, limit: int = 30) -> str:
    """A value quoted for a message, cut short so a huge cell cannot flood it."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = "".join("�" if unicodedata.category(c) in ("Cc", "Cs") else c for c in text)
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def _check_date(value: object, today: date, problems: list[str]) -> date | None:
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            problems.append(f"date {_shown(value)} is not a real date")
            return None
    elif value is None or value == "":
        problems.append("the date is missing")
        return None
    else:
        problems.append(f"date {_shown(value)} is not in the form YYYY-MM-DD")
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
            problems.append(f"pain {_shown(value)} is not a whole number from 0 to {MAX_PAIN}")
        return None
    if not 0 <= number <= MAX_PAIN:
        problems.append(f"pain {number} is outside 0–{MAX_PAIN}")
        return None
    return number


def _check_activity(value: object, vocab: Vocabulary, problems: list[str]) -> str | None:
    if isinstance(value, str) and value.strip() in vocab.activities:
        return value.strip()
    if value is None or value == "":
        problems.append("the activity is missing")
    else:
        problems.append(f"activity {_shown(value)} is not one of: {', '.join(vocab.activities)}")
    return None


def _check_comfort(value: object, vocab: Vocabulary, problems: list[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        actions = [v.strip() for v in value.split(";") if v.strip()]
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        actions = [v.strip() for v in value]
    else:
        problems.append(f"comfort actions {_shown(value)} are not a list of action ids")
        return ()
    found = len(problems)
    for action in actions:
        if action not in vocab.comfort:
            problems.append(f"comfort action {_shown(action)} is not a known comfort action")
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
        problems.append(f"the note {_shown(value)} is not text")
        return ""
    note = value.strip()
    if len(note) > MAX_NOTE:
        problems.append(f"the note has {len(note)} characters; at most {MAX_NOTE} fit")
    elif any(unicodedata.category(c) in ("Cc", "Cs") for c in note):
        problems.append("the note contains a control character (such as a line break)")
    return note


def _check_id(value: object, problems: list[str]) -> str:
    if value is None or value == "":
        return new_id()
    if isinstance(value, str) and _ID.fullmatch(value.strip()):
        return value.strip()
    problems.append(f"id {_shown(value)} is not an entry id (1–40 letters, digits, '-' or '_')")
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


# --- changing a diary: every function returns a new tuple, ordered by date ------------------


def ordered(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """By date; entries of the same day keep the order they were made in."""
    return tuple(sorted(entries, key=lambda e: e.date))


def size_in_bytes(diary: Sequence[Entry]) -> int:
    """The larger of the two export files: what a diary must keep under MAX_FILE_BYTES."""
    return max(len(json_bytes(diary)), len(csv_bytes(diary)))


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


# --- JSON ------------------------------------------------------------------------------------


def _entry_dict(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "date": entry.date.isoformat(),
        "pain": entry.pain,
        "activity": entry.activity,
        "comfort_actions": list(entry.comfort_actions),
        "note": entry.note,
    }


def to_json(diary: Sequence[Entry]) -> str:
    """The export file and what the browser stores: one entry a line, readable and small."""
    head = json.dumps({"format": FORMAT, "version": VERSION})[:-1]
    lines = ",\n".join(json.dumps(_entry_dict(e), ensure_ascii=False) for e in diary)
    return f'{head}, "entries": [\n{lines}\n]}}\n' if diary else f'{head}, "entries": []}}\n'


def json_bytes(diary: Sequence[Entry]) -> bytes:
    return to_json(diary).encode("utf-8")


def _accept(
    entry: Entry | None,
    found: Sequence[str],
    where: str,
    entries: list[Entry],
    problems: list[str],
    seen: dict[str, str],
) -> None:
    """Record one checked row of an import: its problems, a repeated id, or the entry."""
    problems.extend(f"{where}: {p}" for p in found)
    if entry is None:
        return
    if entry.id in seen:
        problems.append(f"{where}: id '{entry.id}' already appears in {seen[entry.id]}")
    else:
        seen[entry.id] = where
    entries.append(entry)


def _finish(entries: list[Entry], problems: list[str]) -> tuple[Entry, ...]:
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"… and {len(problems) - MAX_PROBLEMS} more problems")
        raise DiaryError(shown)
    return ordered(entries)


def _too_many(count: int) -> DiaryError:
    return DiaryError([f"the file holds {count} entries; a diary keeps at most {MAX_ENTRIES}"])


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "true or false" if isinstance(value, bool) else "a number"


def from_json(text: str, vocab: Vocabulary, *, today: date | None = None) -> tuple[Entry, ...]:
    """Every entry of a diary JSON document, or DiaryError listing each bad entry."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DiaryError(
            [f"this is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]
        ) from None
    except RecursionError:
        raise DiaryError(["this JSON is nested too deeply to be a diary"]) from None
    shape = (
        'expected a JSON object with "format": "backcare-pain-diary", "version" and a list '
        'of "entries"'
    )
    if not isinstance(document, dict):
        raise DiaryError([f"{shape}; found {_json_kind(document)}"])
    if document.get("format") != FORMAT:
        raise DiaryError([f"this JSON file is not a BackCare pain diary ({shape})"])
    version = document.get("version")
    whole = isinstance(version, int) and not isinstance(version, bool)
    if whole and version > VERSION:
        raise DiaryError(
            [f"this diary was saved by a newer BackCare (version {version}); update first"]
        )
    if not whole or version != VERSION:
        raise DiaryError([f"version {_shown(version)} is not one this BackCare reads"])
    unknown = sorted(set(document) - {"format", "version", "entries"})
    if unknown:
        raise DiaryError([f"unexpected fields in the file: {', '.join(unknown)}"])
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        raise DiaryError([f'"entries" must be a list; {shape}'])
    if len(raw_entries) > MAX_ENTRIES:
        raise _too_many(len(raw_entries))

    entries: list[Entry] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    fields = set(CSV_COLUMNS)
    for number, raw in enumerate(raw_entries, start=1):
        where = f"entry {number}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: expected an object with {', '.join(CSV_COLUMNS)}")
            continue
        missing = [f for f in JSON_REQUIRED if f not in raw]
        extra = sorted(str(k) for k in set(raw) - fields)
        if missing or extra:
            if missing:
                problems.append(f"{where}: missing {', '.join(missing)}")
            if extra:
                problems.append(f"{where}: unknown fields {', '.join(extra)}")
            continue
        entry, found = check_entry(
            vocab,
            day=raw["date"],
            pain=raw["pain"],
            activity=raw["activity"],
            comfort_actions=raw.get("comfort_actions", ()),
            note=raw.get("note", ""),
            entry_id=raw.get("id"),
            today=today,
        )
        _accept(entry, found, where, entries, problems, seen)
    return _finish(entries, problems)


# --- CSV -------------------------------------------------------------------------------------


def neutralise(cell: str) -> str:
    """Make a cell safe to open in a spreadsheet; :func:`restore` undoes it exactly."""
    return _QUOTE + cell if cell.startswith((*FORMULA_STARTS, _QUOTE)) else cell


def restore(cell: str) -> str:
    return cell[1:] if cell.startswith(_QUOTE) else cell


def to_csv(diary: Sequence[Entry]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in diary:
        cells = (
            entry.id,
            entry.date.isoformat(),
            str(entry.pain),
            entry.activity,
            ";".join(entry.comfort_actions),
            entry.note,
        )
        writer.writerow([neutralise(c) for c in cells])
    return out.getvalue()


def csv_bytes(diary: Sequence[Entry]) -> bytes:
    """UTF-8 with a byte-order mark, which spreadsheets need to read accents correctly."""
    return to_csv(diary).encode("utf-8-sig")


def from_csv(text: str, vocab: Vocabulary, *, today: date | None = None) -> tuple[Entry, ...]:
    """Every row of a diary CSV (header on row 1, as a spreadsheet counts), or DiaryError."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise DiaryError(
            [f"row {reader.line_num}: this is not a readable CSV file ({exc})"]
        ) from None
    if not rows or not any(c.strip() for c in rows[0]):
        raise DiaryError(["the file has no header row"])
    header = [h.strip().lower() for h in rows[0]]
    if sorted(header) != sorted(CSV_COLUMNS):
        missing = [c for c in CSV_COLUMNS if c not in header]
        extra = [h for h in header if h not in CSV_COLUMNS]
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unexpected {', '.join(_shown(h, 20) for h in extra)}" if extra else "",
                "a column appears twice" if len(set(header)) != len(header) else "",
            )
            if part
        )
        raise DiaryError([f"row 1: expected the columns {', '.join(CSV_COLUMNS)} ({detail})"])
    body = [
        (n, cells) for n, cells in enumerate(rows[1:], start=2) if any(c.strip() for c in cells)
    ]
    if len(body) > MAX_ENTRIES:
        raise _too_many(len(body))

    entries: list[Entry] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for number, cells in body:
        where = f"row {number}"
        if len(cells) != len(header):
            problems.append(f"{where}: expected {len(header)} cells, found {len(cells)}")
            continue
        raw = dict(zip(header, cells, strict=True))
        note = raw["note"]
        if note.startswith(FORMULA_STARTS):
            # Our own export never writes such a cell; one here was typed or crafted.
            first = _FIRST.get(note[0], repr(note[0]))
            problems.append(
                f"{where}: the note starts with {first}, so a spreadsheet would run it as a "
                "formula; put an apostrophe (') in front to keep it as text"
            )
        entry, found = check_entry(
            vocab,
            day=restore(raw["date"]),
            pain=restore(raw["pain"]),
            activity=restore(raw["activity"]),
            comfort_actions=restore(raw["comfort_actions"]),
            note=restore(note),
            entry_id=restore(raw["id"]),
            today=today,
        )
        _accept(entry, found, where, entries, problems, seen)
    return _finish(entries, problems)


# --- files ------------------------------------------------------------------------------------


def _binary_kind(data: bytes) -> str | None:
    if data.startswith(b"PK\x03\x04"):
        return "a spreadsheet workbook or other zip file; save it as CSV (UTF-8) and import that"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF")):
        return "a picture or PDF, not a diary file"
    if b"\x00" in data[:4096]:
        return "not a text file; choose a CSV or JSON file exported from the diary"
    return None


def read_file(
    data: bytes, filename: str, vocab: Vocabulary, *, today: date | None = None
) -> tuple[Entry, ...]:
    """Entries from an uploaded file (CSV or JSON), checked whole; DiaryError says why not."""
    if len(data) > MAX_FILE_BYTES:
        raise DiaryError(
            [
                f"the file is {len(data) / MAX_FILE_BYTES:.1f} MB; diary files up to "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB can be imported"
            ]
        )
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise DiaryError(["the file is empty"])
    if kind := _binary_kind(data):
        raise DiaryError([f"this file is {kind}"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DiaryError(
            [
                f"the file is not UTF-8 text (byte {exc.start + 1} cannot be read); "
                "export it again, or save it as CSV UTF-8"
            ]
        ) from None
    name = filename.lower()
    is_json = name.endswith(".json") or (
        not name.endswith((".csv", ".txt")) and text.lstrip().startswith(("{", "["))
    )
    entries = (from_json if is_json else from_csv)(text, vocab, today=today)
    if not entries:
        raise DiaryError(["the file holds no diary entries"])
    return entries


def stored_diary(text: str | None, vocab: Vocabulary) -> tuple[Entry, ...]:
    """The diary the browser kept (its JSON), or an empty one when nothing is stored.

    Entries stored earlier are read with no "future" check, since the browser
    may sit in another time zone than the server.
    """
    if text is None or text == "":
        return ()
    return from_json(text, vocab, today=date.max - timedelta(days=1))


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
