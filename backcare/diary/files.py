"""The diary's files: the JSON the browser stores and exports, the CSV for spreadsheets, imports.

Imports are checked as a whole before anything changes: a file either yields a
full, valid list of entries or a list of every problem found ("row 3: pain 11
is outside 0–10"), never part of a diary. JSON is read strictly
(backcare.json_input): `"pain": 11, "pain": 3` is an error, not a pain of 3.
Files saved as UTF-16 (Windows Notepad's "Unicode", Excel's "Unicode text") are
read as well as UTF-8.

Exported CSV is meant to be opened in spreadsheets, so it holds the words the
page shows (column "Activity" says "Running", comfort actions are titles), with
the entry id last for merging. Import reads those words, and also the codes of
earlier exports (columns id, date, pain, activity, comfort_actions, note), in
any column order. Spreadsheets run cells that start
with ``=``, ``+``, ``-`` or ``@`` as formulas. Such cells (and a leading
apostrophe, so the rule can be undone exactly) get an apostrophe in front;
import removes it again, so what is exported imports back identical.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from backcare.diary.entries import (
    MAX_ENTRIES,
    MAX_PROBLEMS,
    DiaryError,
    Entry,
    Vocabulary,
    check_entry,
    ordered,
    vocabulary,
)
from backcare.json_input import JSONInputError, parse, shortened
from backcare.json_input import excerpt as quoted

#: The largest file an import reads, in bytes (1 MB, as the upload widget counts it). A diary
#: may grow only while both its export files stay this small, so every export imports back.
MAX_FILE_BYTES = 1024 * 1024
FORMAT = "backcare-pain-diary"
VERSION = 1
#: An entry's fields, as the JSON names them.
FIELDS = ("id", "date", "pain", "activity", "comfort_actions", "note")
JSON_REQUIRED = ("date", "pain", "activity")
#: The CSV's columns in the words the page uses, in the order they are written.
CSV_HEADINGS = {
    "date": "Date",
    "pain": "Pain (0 = none, 10 = worst)",
    "activity": "Activity",
    "comfort_actions": "Comfort actions tried",
    "note": "Note",
    "id": "Entry id",
}
#: How a file that is not a diary export is refused; the reason follows.
NOT_AN_EXPORT = "This file does not look like a BackCare diary export"
#: Leading characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_FIRST = {"\t": "a tab", "\r": "a carriage return"}


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


def _names(keys: Sequence[str], shown: int = 5) -> str:
    """Field names from a file for a message: a few, each escaped and cut short."""
    names = ", ".join(shortened(k, 20) for k in keys[:shown])
    return names + (f" and {len(keys) - shown} more" if len(keys) > shown else "")


def from_json(text: str, vocab: Vocabulary, *, today: date | None = None) -> tuple[Entry, ...]:
    """Every entry of a diary JSON document, or DiaryError listing each bad entry."""
    try:
        document = parse(text, what="this file")
    except JSONInputError as exc:
        raise DiaryError([str(exc)]) from None
    shape = (
        'expected a JSON object with "format": "backcare-pain-diary", "version" and a list '
        'of "entries"'
    )
    if not isinstance(document, dict):
        raise DiaryError([f"{NOT_AN_EXPORT}: {shape}; found {_json_kind(document)}"])
    if document.get("format") != FORMAT:
        raise DiaryError([f"{NOT_AN_EXPORT}: {shape}"])
    version = document.get("version")
    whole = isinstance(version, int) and not isinstance(version, bool)
    if whole and version > VERSION:
        raise DiaryError(
            [f"this diary was saved by a newer BackCare (version {version}); update first"]
        )
    if version is None:
        raise DiaryError([f'the file does not say its diary version ("version": {VERSION})'])
    if not whole or version != VERSION:
        raise DiaryError([f"version {quoted(version)} is not one this BackCare reads"])
    unknown = sorted(set(document) - {"format", "version", "entries"})
    if unknown:
        raise DiaryError([f"unexpected fields in the file: {_names(unknown)}"])
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        raise DiaryError([f'"entries" must be a list; {shape}'])
    if len(raw_entries) > MAX_ENTRIES:
        raise _too_many(len(raw_entries))

    entries: list[Entry] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    fields = set(FIELDS)
    for number, raw in enumerate(raw_entries, start=1):
        where = f"entry {number}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: expected an object with {', '.join(FIELDS)}")
            continue
        missing = [f for f in JSON_REQUIRED if f not in raw]
        extra = sorted(set(raw) - fields)
        if missing or extra:
            if missing:
                problems.append(f"{where}: missing {', '.join(missing)}")
            if extra:
                problems.append(f"{where}: unknown fields {_names(extra)}")
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


def to_csv(diary: Sequence[Entry], vocab: Vocabulary) -> str:
    """The diary in the page's words: labels for activities and comfort actions."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADINGS.values())
    for entry in diary:
        cells = {
            "date": entry.date.isoformat(),
            "pain": str(entry.pain),
            "activity": vocab.activity_label(entry.activity),
            "comfort_actions": "; ".join(vocab.comfort_title(a) for a in entry.comfort_actions),
            "note": entry.note,
            "id": entry.id,
        }
        writer.writerow([neutralise(cells[field]) for field in CSV_HEADINGS])
    return out.getvalue()


def csv_bytes(diary: Sequence[Entry], vocab: Vocabulary) -> bytes:
    """UTF-8 with a byte-order mark, which spreadsheets need to read accents correctly."""
    return to_csv(diary, vocab).encode("utf-8-sig")


def _field(heading: str) -> str | None:
    """The field a CSV heading names: this export's words, or an earlier export's code."""
    words = " ".join(heading.replace("_", " ").split()).casefold()
    return next(
        (
            field
            for field, written in CSV_HEADINGS.items()
            if words in (field.replace("_", " "), written.casefold())
        ),
        None,
    )


def _columns(headings: list[str]) -> list[str]:
    """The field of each column, or DiaryError saying in plain words why these are wrong."""
    fields = [_field(h) for h in headings]
    missing = [CSV_HEADINGS[f] for f in CSV_HEADINGS if f not in fields]
    unknown = [quoted(h.strip(), 12) for h, f in zip(headings, fields, strict=True) if f is None]
    twice = len({f for f in fields if f}) != len([f for f in fields if f])
    if not (missing or unknown or twice):
        return [f for f in fields if f]
    expected = ", ".join(CSV_HEADINGS.values())
    if not any(fields):
        # Nothing in the first row is ours: listing its cells (escaped, possibly long)
        # and every column again as missing would only make the one line unreadable.
        raise DiaryError([f"{NOT_AN_EXPORT}: its first row should name the columns {expected}"])
    # The expected names already say what a row lacks: the one column missing is worth
    # naming, a longer list only makes the line unreadable. Same for cells not ours.
    shown = 2
    if len(unknown) > shown:
        unknown = [*unknown[:shown], f"and {len(unknown) - shown} more"]
    detail = "; ".join(
        part
        for part in (
            f"missing {missing[0]}" if len(missing) == 1 else "",
            f"unexpected {', '.join(unknown)}" if unknown else "",
            "a column appears twice" if twice else "",
        )
        if part
    )
    named = f"{NOT_AN_EXPORT}: its first row should name the columns {expected}"
    raise DiaryError([f"{named} ({detail})" if detail else named])


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
        raise DiaryError([f"{NOT_AN_EXPORT}: its first row is empty, not the column names"])
    header = _columns(rows[0])
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


def _utf16(data: bytes) -> str | None:
    """The codec of UTF-16 text, by its byte-order mark or, without one, by the zero
    high bytes of plain letters and digits; None for anything else."""
    if data.startswith(codecs.BOM_UTF32_LE):
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:512]
    if len(sample) < 4 or len(sample) % 2:
        return None
    low, high = (sample[0::2], sample[1::2])
    if not high.strip(b"\x00") and b"\x00" not in low:
        return "utf-16-le"
    if not low.strip(b"\x00") and b"\x00" not in high:
        return "utf-16-be"
    return None


def _text(data: bytes) -> str:
    """The file as text: UTF-8 (with or without a byte-order mark) or UTF-16."""
    if codec := _utf16(data):
        try:
            return data.decode(codec).removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise DiaryError(
                ["the file looks like UTF-16 text but cannot be read; save it as UTF-8"]
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DiaryError(
            [
                f"the file is not UTF-8 text (byte {exc.start + 1} cannot be read); "
                "export it again, or save it as CSV UTF-8"
            ]
        ) from None


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
    if _utf16(data) is None:
        if not data.removeprefix(codecs.BOM_UTF8).strip():
            raise DiaryError(["the file is empty"])
        if kind := _binary_kind(data):
            raise DiaryError([f"{NOT_AN_EXPORT}: it is {kind}"])
    text = _text(data)
    if not text.strip():
        raise DiaryError(["the file is empty"])
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


def size_in_bytes(diary: Sequence[Entry]) -> int:
    """The larger of the two export files: what a diary must keep under MAX_FILE_BYTES."""
    return max(len(json_bytes(diary)), len(csv_bytes(diary, vocabulary())))
