"""Diary files that must be refused, each with the words its message must contain.

Shared by the core tests (tests/test_diary_files.py) and the page tests
(tests/test_diary_page.py), so every bad file is tried both ways.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import NamedTuple

HEADER = "id,date,pain,activity,comfort_actions,note\r\n"
#: A day safely in the past, whatever day the tests run.
DAY = "2024-05-01"
FUTURE = (date.today() + timedelta(days=40)).isoformat()


class Bad(NamedTuple):
    name: str
    filename: str
    data: bytes
    message: str


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\r\n" for r in rows)).encode("utf-8")


def _json(document: object) -> bytes:
    return json.dumps(document).encode("utf-8")


def _diary_json(*entries: dict) -> bytes:
    return _json({"format": "backcare-pain-diary", "version": 1, "entries": list(entries)})


_DIARY_HEAD = b'{"format": "backcare-pain-diary", "version": 1, "entries": ['


def _ok(**fields) -> dict:
    return {"date": DAY, "pain": 3, "activity": "running", **fields}


_junk = random.Random(3).randbytes(4096)

MALFORMED: tuple[Bad, ...] = (
    Bad("date in another format", "d.csv", _csv(",01/05/2024,3,running,,"),
        "row 2: date '01/05/2024' is not in the form YYYY-MM-DD"),
    Bad("date that does not exist", "d.csv", _csv(",2024-02-30,3,running,,"),
        "row 2: date '2024-02-30' is not a real date"),
    Bad("date in the future", "d.csv", _csv(f",{FUTURE},3,running,,"),
        f"row 2: date {FUTURE} is in the future"),
    Bad("pain 11", "d.csv", _csv(f",{DAY},3,running,,", f",{DAY},11,running,,"),
        "row 3: pain 11 is outside 0–10"),
    Bad("pain in words", "d.csv", _csv(f",{DAY},five,running,,"),
        "row 2: pain 'five' is not a whole number from 0 to 10"),
    Bad("unknown activity", "d.csv", _csv(f",{DAY},3,swimming,,"),
        "row 2: activity 'swimming' is not one of"),
    Bad("unknown comfort action", "d.csv", _csv(f",{DAY},3,running,hot_tub,"),
        "row 2: comfort action 'hot_tub' is not a known comfort action"),
    Bad("wrong columns", "d.csv", b"date,pain,mood\r\n2024-05-01,3,fine\r\n",
        "This file does not look like a BackCare diary export: its first row should name "
        "the columns Date, Pain (0 = none, 10 = worst), Activity, Comfort actions tried, Note, "
        "Entry id (unexpected 'mood')"),
    Bad("a row with missing cells", "d.csv", _csv(f",{DAY},3"),
        "row 2: expected 6 cells, found 3"),
    Bad("empty file", "d.csv", b"", "the file is empty"),
    Bad("only a header", "d.csv", HEADER.encode(), "the file holds no diary entries"),
    Bad("20 MB file", "d.csv", HEADER.encode() + b"x" * (20 * 1024 * 1024),
        "the file is 20.0 MB; diary files up to 1 MB can be imported"),
    Bad("binary junk", "d.csv", b"\x00\x01" + _junk, "not a text file"),
    Bad("a spreadsheet workbook", "d.csv", b"PK\x03\x04" + _junk[:200],
        "spreadsheet workbook"),
    Bad("not UTF-8", "d.csv", _csv(f",{DAY},3,running,,").replace(b",,", b",,caf\xe9"),
        "the file is not UTF-8 text"),
    Bad("formula cell in a note", "d.csv",
        _csv(f',{DAY},3,running,,"=HYPERLINK(""http://x"",""click"")"'),
        "row 2: the note starts with '=', so a spreadsheet would run it as a formula"),
    Bad("formula cells elsewhere", "d.csv",
        _csv(",=TODAY(),3,running,,", f",{DAY},3,@SUM(A1),,+1"),
        "row 3: the note starts with '+'"),
    Bad("note too long", "d.csv", _csv(f",{DAY},3,running,," + "n" * 201),
        "row 2: the note has 201 characters; at most 200 fit"),
    Bad("duplicate ids", "d.csv", _csv(f"abc,{DAY},3,running,,", f"abc,{DAY},4,running,,"),
        "row 3: id 'abc' already appears in row 2"),
    Bad("an unfinished quote", "d.csv", _csv(f',{DAY},3,running,,"never closed'),
        "not a readable CSV file"),
    Bad("too many rows", "d.csv", _csv(*[f",{DAY},3,running,,"] * 5001),
        "the file holds 5001 entries; a diary keeps at most 5000"),
    Bad("JSON that is a list", "d.json", _json([_ok()]),
        'expected a JSON object with "format": "backcare-pain-diary"'),
    Bad("JSON of something else", "d.json", _json({"name": "my shopping"}),
        "This file does not look like a BackCare diary export"),
    Bad("broken JSON", "d.json", b'{"format": "backcare-pain-diary", ',
        "this file: not valid JSON (line 1"),
    Bad("JSON from a newer version", "d.json",
        _json({"format": "backcare-pain-diary", "version": 9, "entries": []}),
        "saved by a newer BackCare (version 9)"),
    Bad("JSON from version 0", "d.json",
        _json({"format": "backcare-pain-diary", "version": 0, "entries": [_ok()]}),
        "version '0' is not one this BackCare reads"),
    Bad("JSON with no version", "d.json",
        _json({"format": "backcare-pain-diary", "entries": [_ok()]}),
        'the file does not say its diary version ("version": 1)'),
    Bad("JSON version as text", "d.json",
        _json({"format": "backcare-pain-diary", "version": "1", "entries": [_ok()]}),
        "version '1' is not one this BackCare reads"),
    Bad("JSON with too many entries", "d.json", _diary_json(*[_ok()] * 5001),
        "the file holds 5001 entries; a diary keeps at most 5000"),
    Bad("JSON entry that is not an object", "d.json", _diary_json(_ok(), "3 pain"),
        "entry 2: expected an object with id, date, pain, activity, comfort_actions, note"),
    Bad("CSV without its header row", "d.csv", f",{DAY},3,running,,\r\n".encode(),
        "This file does not look like a BackCare diary export: its first row should name "
        "the columns Date"),
    Bad("JSON entries not a list", "d.json",
        _json({"format": "backcare-pain-diary", "version": 1, "entries": {"a": 1}}),
        '"entries" must be a list'),
    Bad("JSON entry without pain", "d.json", _diary_json({"date": DAY, "activity": "running"}),
        "entry 1: missing pain"),
    Bad("JSON entry with an unknown field", "d.json", _diary_json(_ok(mood="fine")),
        "entry 1: unknown fields mood"),
    Bad("JSON pain with a fraction", "d.json", _diary_json(_ok(), _ok(pain=5.5)),
        "entry 2: pain '5.5' is not a whole number"),
    Bad("JSON note with a control character", "d.json", _diary_json(_ok(note="bell\u0007")),
        "entry 1: the note contains a control character"),
    # Input that used to end in a traceback or silently change meaning (issue 13).
    Bad("JSON pain given twice", "d.json",
        _DIARY_HEAD + b'{"date": "2024-05-01", "pain": 11, "pain": 3, "activity": "running"}]}',
        "this file: the key 'pain' appears twice in one object"),
    Bad("JSON format given twice", "d.json",
        b'{"format": "x", "format": "backcare-pain-diary", "version": 1, "entries": []}',
        "the key 'format' appears twice"),
    Bad("JSON pain of 5,000 digits", "d.json",
        _DIARY_HEAD + b'{"date": "2024-05-01", "pain": ' + b"3" * 5000 + b"}]}",
        "a number of 5,000 characters is too long"),
    Bad("JSON nested 100,000 deep", "d.json",
        _DIARY_HEAD + b"[" * 100_000 + b"]" * 100_000 + b"]}",
        "nested more than 64 levels deep"),
    Bad("JSON pain NaN", "d.json", _DIARY_HEAD + b'{"pain": NaN}]}', "NaN is not a JSON value"),
    Bad("JSON with a long multi-line field name", "d.json",
        _diary_json(_ok(**{"mo\nod" * 100_000: 1})),
        "entry 1: unknown fields mo\\nodmo\\nodmo\\nodmo…"),
    Bad("JSON with many unknown top-level fields", "d.json",
        _json({"format": "backcare-pain-diary", "version": 1, "entries": [],
               **{f"extra{n}": n for n in range(5000)}}),
        "unexpected fields in the file: extra0, extra1, extra10, extra100, extra1000 and 4995"),
    Bad("JSON note that flips the text direction", "d.json",
        _diary_json(_ok(note="gnp.\u202eexe")),
        "entry 1: the note contains a hidden character that flips the text's direction (U+202E)"),
    Bad("CSV note that flips the text direction", "d.csv",
        _csv(f",{DAY},3,running,,left\u2067right"),
        "row 2: the note contains a hidden character that flips the text's direction (U+2067)"),
    Bad("UTF-16 text that is cut off", "d.csv", HEADER.encode("utf-16") + b"\x00\xd8",
        "looks like UTF-16 text but cannot be read; save it as UTF-8"),
    Bad("UTF-16 with only a byte-order mark", "d.csv", b"\xff\xfe", "the file is empty"),
)  # fmt: skip
