"""Importing diary files: every bad file is refused whole, with each problem named by row."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.assessment.engine import knowledge_base
from backcare.diary import changes, files
from backcare.diary.entries import _ID, MAX_PROBLEMS, DiaryError, Vocabulary, make_entry
from tests.diary.diary_malformed import DAY, HEADER, MALFORMED, Bad
from tests.profiles import examples

VOCAB = Vocabulary.from_kb(knowledge_base())


def test_each_kind_of_bad_file_gets_its_own_message_not_a_generic_refusal():
    """What the code said for each case: a person learns what is wrong with *their* file."""
    said = {}
    for case in MALFORMED:
        with pytest.raises(DiaryError) as caught:
            files.read_file(case.data, case.filename, VOCAB)
        said[case.name] = caught.value.problems
    assert said["empty file"] == ("the file is empty",)
    assert said["only a header"] == ("the file holds no diary entries",)
    assert said["pain 11"] == ("row 3: pain 11 is outside 0–10",)
    # The same flaw gets the same words, whatever the format...
    same_flaw = {"UTF-16 with only a byte-order mark": "empty file",
                 "JSON with too many entries": "too many rows"}  # fmt: skip
    for name, twin in same_flaw.items():
        assert said[name] == said[twin]
    # ...and different flaws never share their first message.
    firsts = {problems[0] for name, problems in said.items() if name not in same_flaw}
    assert len(firsts) == len(said) - len(same_flaw), sorted(firsts)


@pytest.mark.parametrize("case", MALFORMED, ids=lambda case: case.name)
def test_a_bad_file_is_refused_with_a_clear_message(case: Bad):
    with pytest.raises(DiaryError) as caught:
        files.read_file(case.data, case.filename, VOCAB)
    found = caught.value.problems
    assert any(case.message in problem for problem in found), found
    # Each message is one short line a person can read, even for a 20 MB file.
    assert all("\n" not in p and len(p) < 300 for p in found), found


def test_every_bad_row_is_listed_and_good_rows_do_not_hide_them():
    text = (
        HEADER
        + f",{DAY},3,running,,fine\r\n"
        + f",{DAY},11,running,,\r\n"
        + "\r\n"  # a blank line still counts as a row, as a spreadsheet shows it
        + ",2024-13-01,2,yoga,,\r\n"
    )
    with pytest.raises(DiaryError) as caught:
        files.read_file(text.encode(), "d.csv", VOCAB)
    assert caught.value.problems == (
        "row 3: pain 11 is outside 0–10",
        "row 5: date '2024-13-01' is not a real date",
        "row 5: activity 'yoga' is not one of: Stretching, Running, Strength training or "
        "weightlifting, Other exercise, Rest day",
    )


def test_a_flood_of_problems_is_cut_short_with_a_count():
    text = HEADER + "".join(f",{DAY},99,running,,\r\n" for _ in range(80))
    with pytest.raises(DiaryError) as caught:
        files.read_file(text.encode(), "d.csv", VOCAB)
    found = caught.value.problems
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1] == "… and 30 more problems"


def test_a_hand_made_csv_is_read_with_headers_in_any_order_and_empty_ids_filled():
    text = "\ufeffNote,Date,Pain,Activity,Comfort_Actions,ID\r\n'=ok,2024-05-01,3,rest_day,,\r\n"
    (made,) = files.read_file(text.encode(), "hand made.csv", VOCAB)
    assert (made.note, made.activity, made.pain) == ("=ok", "rest_day", 3)
    assert _ID.fullmatch(made.id)


@pytest.mark.parametrize("name", ["diary.txt", "diary.csv", "DIARY.CSV"])
def test_a_csv_or_txt_name_means_csv_whatever_the_content(name):
    book = changes.replace_with(
        [make_entry(VOCAB, day=DAY, pain=2, activity="stretching", entry_id="x1")]
    )
    with pytest.raises(DiaryError, match="does not look like a BackCare diary export"):
        files.read_file(files.json_bytes(book), name, VOCAB)


def test_json_without_a_recognisable_name_is_sniffed():
    book = changes.replace_with(
        [make_entry(VOCAB, day=DAY, pain=2, activity="stretching", entry_id="x1")]
    )
    assert files.read_file(files.json_bytes(book), "download", VOCAB) == book
    assert files.read_file(files.csv_bytes(book, VOCAB), "download", VOCAB) == book


# --- encodings and arbitrary input (issue 13) --------------------------------------------------

BOOK = changes.replace_with(
    [
        make_entry(VOCAB, day=DAY, pain=2, activity="stretching", entry_id="x1", note="café ok"),
        make_entry(VOCAB, day="2024-05-02", pain=5, activity="running", entry_id="x2"),
    ]
)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("kind", ["csv", "json"])
def test_utf16_files_are_read_like_utf8(codec, kind):
    """Windows Notepad's "Unicode" and other editors save UTF-16, with or without a mark."""
    text = files.to_csv(BOOK, VOCAB) if kind == "csv" else files.to_json(BOOK)
    assert files.read_file(text.encode(codec), f"diary.{kind}", VOCAB) == BOOK


def test_a_note_without_hidden_direction_characters_is_kept_as_typed():
    """Letters from right-to-left scripts are fine; only the invisible controls are refused."""
    entry = make_entry(VOCAB, day=DAY, pain=2, activity="running", note="שלום and مرحبا 👨‍👩‍👧")
    assert files.read_file(files.json_bytes([entry]), "d.json", VOCAB)[0].note == entry.note


_ENTRY_VALUES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
_ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "id": _ENTRY_VALUES | st.sampled_from(["a1", "b2"]),
        "date": _ENTRY_VALUES | st.dates().map(str),
        "pain": _ENTRY_VALUES | st.integers(0, 10),
        "activity": _ENTRY_VALUES | st.sampled_from(list(VOCAB.activities)),
        "comfort_actions": st.lists(st.sampled_from(list(VOCAB.comfort)) | st.text(max_size=5)),
        "note": st.text(max_size=210),
        "mood": _ENTRY_VALUES,
    },
)
_DOCUMENT = st.fixed_dictionaries(
    {},
    optional={
        "format": st.just(files.FORMAT) | st.text(max_size=5),
        "version": st.just(files.VERSION) | _ENTRY_VALUES,
        "entries": st.lists(_ENTRY | _ENTRY_VALUES, max_size=4) | _ENTRY_VALUES,
    },
)
_JSON = st.recursive(
    _ENTRY_VALUES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=15,
)


def _read_or_refuse(data: bytes, filename: str) -> None:
    """A valid diary, or DiaryError with short one-line problems: never another exception."""
    try:
        entries = files.read_file(data, filename, VOCAB)
    except DiaryError as refused:
        assert refused.problems
        assert all("\n" not in p and len(p) < 300 for p in refused.problems), refused.problems
    else:
        assert entries and files.read_file(files.json_bytes(entries), "d.json", VOCAB) == entries


@given(_DOCUMENT | _JSON)
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_json_imports_or_is_refused_cleanly(document):
    _read_or_refuse(json.dumps(document).encode("utf-8"), "d.json")


@given(st.binary(max_size=400), st.sampled_from(["d.json", "d.csv", "download"]))
@settings(max_examples=examples(400), deadline=None)
def test_any_bytes_import_or_are_refused_cleanly(data, filename):
    _read_or_refuse(data, filename)


@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-16", "utf-16-le"]))
@settings(max_examples=examples(200), deadline=None)
def test_any_text_in_any_encoding_imports_or_is_refused_cleanly(text, codec):
    _read_or_refuse(text.encode(codec, errors="surrogatepass"), "d.csv")


def test_the_csv_holds_the_words_the_page_shows_and_reads_them_back():
    book = changes.replace_with(
        [
            make_entry(
                VOCAB,
                day=DAY,
                pain=4,
                activity="strength_training",
                comfort_actions=["rest_and_ease_off", "ice_or_heat"],
                note="sore, but better",
                entry_id="x1",
            )
        ]
    )
    text = files.to_csv(book, VOCAB)
    assert text.splitlines() == [
        'Date,"Pain (0 = none, 10 = worst)",Activity,Comfort actions tried,Note,Entry id',
        f"{DAY},4,Strength training or weightlifting,Rest and avoid what hurts; Ice or heat,"
        '"sore, but better",x1',
    ]
    assert "rest_and_ease_off" not in text and "strength_training" not in text
    assert files.read_file(files.csv_bytes(book, VOCAB), "mine.csv", VOCAB) == book


def test_an_export_from_before_the_words_still_imports():
    old = HEADER + f"x1,{DAY},4,strength_training,rest_and_ease_off;ice_or_heat,fine\r\n"
    (entry,) = files.read_file(old.encode(), "old.csv", VOCAB)
    assert (entry.id, entry.activity, entry.comfort_actions) == (
        "x1",
        "strength_training",
        ("rest_and_ease_off", "ice_or_heat"),
    )


def test_words_typed_in_a_spreadsheet_are_read_whatever_their_case():
    typed = (
        "entry id,DATE,pain,activity,comfort actions tried,note\r\n"
        f",{DAY},2,rest DAY,ice OR heat,\r\n"
    )
    (entry,) = files.read_file(typed.encode(), "typed.csv", VOCAB)
    assert (entry.activity, entry.comfort_actions) == ("rest_day", ("ice_or_heat",))


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b'{"name": "my shopping list"}', "list.json"),
        (b"[1, 2, 3]", "numbers.json"),
        (b"Name,Phone\r\nAnna,0123\r\n", "contacts.csv"),
        (b"\x89PNG\r\n" + bytes(64), "photo.csv"),
    ],
)
def test_a_file_that_is_no_diary_export_is_told_so_in_plain_words(data, name):
    with pytest.raises(DiaryError) as caught:
        files.read_file(data, name, VOCAB)
    (problem,) = caught.value.problems
    assert problem.startswith("This file does not look like a BackCare diary export: ")


def test_a_first_row_with_none_of_our_columns_names_them_once_and_nothing_of_its_own():
    """Found by the property above: an escape character and two unassigned letters as the
    only heading made a line of over 300 characters that listed every column twice."""
    with pytest.raises(DiaryError) as caught:
        files.read_file("\x1b\U00010d28\U000187f8".encode(), "d.csv", VOCAB)
    assert caught.value.problems == (
        "This file does not look like a BackCare diary export: its first row should name the "
        "columns Date, Pain (0 = none, 10 = worst), Activity, Comfort actions tried, Note, "
        "Entry id",
    )


_EXPECTED = (
    "This file does not look like a BackCare diary export: its first row should name the "
    "columns Date, Pain (0 = none, 10 = worst), Activity, Comfort actions tried, Note, Entry id"
)


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("id,date,pain,activity,comfort_actions,note,mood", " (unexpected 'mood')"),
        ("id,date,date,pain,activity,comfort_actions,note", " (a column appears twice)"),
        ("id,date,pain,activity,note", " (missing Comfort actions tried)"),
    ],
)
def test_a_first_row_with_all_our_columns_but_one_wrong_says_which(header, detail):
    """Each of the three faults alone is enough to refuse the file, and is named."""
    data = (header + "\r\n" + ",2024-05-01,2024-05-01,3,running,,\r\n").encode()
    with pytest.raises(DiaryError) as caught:
        files.read_file(data, "d.csv", VOCAB)
    assert caught.value.problems == (_EXPECTED + detail,)


@pytest.mark.parametrize(
    ("extra", "listed"), [(5, "x0, x1, x2, x3, x4"), (6, "x0, x1, x2, x3, x4 and 1 more")]
)
def test_unexpected_fields_are_listed_five_at_most(extra, listed):
    document = {"format": "backcare-pain-diary", "version": 1, "entries": []}
    document |= {f"x{i}": 1 for i in range(extra)}
    with pytest.raises(DiaryError) as caught:
        files.read_file(json.dumps(document).encode(), "d.json", VOCAB)
    assert caught.value.problems == (f"unexpected fields in the file: {listed}",)


@pytest.mark.parametrize("bad_rows", [MAX_PROBLEMS, MAX_PROBLEMS + 1])
def test_at_most_fifty_problems_are_listed_then_how_many_more(bad_rows):
    rows = "".join(",2024-05-01,11,running,,\r\n" for _ in range(bad_rows))
    data = ("id,date,pain,activity,comfort_actions,note\r\n" + rows).encode()
    with pytest.raises(DiaryError) as caught:
        files.read_file(data, "d.csv", VOCAB)
    listed = [f"row {n}: pain 11 is outside 0–10" for n in range(2, 2 + MAX_PROBLEMS)]
    more = ["… and 1 more problems"] if bad_rows > MAX_PROBLEMS else []
    assert list(caught.value.problems) == listed + more


def test_the_diary_the_browser_kept_is_read_without_the_future_check():
    """The browser may be a day ahead of the server: what it stored is read as it is."""
    assert files.stored_diary(None, VOCAB) == ()
    assert files.stored_diary("", VOCAB) == ()
    latest = make_entry(
        VOCAB, day="9999-12-30", pain=2, activity="running", entry_id="x1", today=date.max
    )
    text = files.json_bytes(changes.replace_with([latest])).decode()
    assert files.stored_diary(text, VOCAB) == (latest,)
    with pytest.raises(DiaryError, match="9999-12-30 is in the future"):
        files.read_file(text.encode(), "d.json", VOCAB)


def test_every_short_row_is_named_not_only_the_first():
    data = ("id,date,pain,activity,comfort_actions,note\r\n" + f",{DAY},3\r\n" * 2).encode()
    with pytest.raises(DiaryError) as caught:
        files.read_file(data, "d.csv", VOCAB)
    assert caught.value.problems == (
        "row 2: expected 6 cells, found 3",
        "row 3: expected 6 cells, found 3",
    )


def test_csv_text_that_still_starts_with_a_byte_order_mark_reads_the_same():
    book = changes.replace_with(
        [make_entry(VOCAB, day=DAY, pain=2, activity="stretching", entry_id="x1")]
    )
    assert files.from_csv("\ufeff" + files.to_csv(book, VOCAB), VOCAB) == book


# --- what mutation testing found unchecked (issue 18) ------------------------------------------

_SHAPE = (
    "This file does not look like a BackCare diary export: expected a JSON object with "
    '"format": "backcare-pain-diary", "version" and a list of "entries"; found '
)


def test_the_json_export_keeps_accented_letters_readable():
    """A person opening the export in an editor sees "café", not an escape code."""
    assert '"note": "café ok"' in files.to_json(BOOK)


@pytest.mark.parametrize(
    ("document", "found"),
    [
        ("[1]", "a list"),
        ('"my diary"', "a string"),
        ("null", "null"),
        ("true", "true or false"),
        ("3", "a number"),
    ],
)
def test_json_that_is_not_an_object_says_what_it_found(document, found):
    with pytest.raises(DiaryError) as caught:
        files.read_file(document.encode(), "d.json", VOCAB)
    assert caught.value.problems == (_SHAPE + found,)


def test_a_json_file_with_no_recognisable_name_starting_with_a_list_is_read_as_json():
    with pytest.raises(DiaryError) as caught:
        files.read_file(b"[1, 2, 3]", "download", VOCAB)
    assert caught.value.problems == (_SHAPE + "a list",)


def test_a_json_export_with_a_line_break_in_front_is_still_recognised():
    data = b"\r\n  " + files.json_bytes(BOOK)
    assert files.read_file(data, "download", VOCAB) == BOOK


def test_a_json_name_means_json_whatever_the_content():
    """A CSV export renamed to .json is refused as JSON, not quietly read as CSV."""
    with pytest.raises(DiaryError) as caught:
        files.read_file(files.csv_bytes(BOOK, VOCAB), "diary.json", VOCAB)
    assert caught.value.problems == (
        "this file: not valid JSON (line 1, column 1: Expecting value)",
    )


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_a_diary_of_exactly_the_most_entries_imports(kind):
    """MAX_ENTRIES is the most a diary keeps, so a file of exactly that many is fine."""
    if kind == "csv":
        data = (HEADER + f",{DAY},3,running,,\r\n" * 5000).encode()
    else:
        row = {"date": DAY, "pain": 3, "activity": "running"}
        data = json.dumps({"format": files.FORMAT, "version": 1, "entries": [row] * 5000}).encode()
    assert len(files.read_file(data, f"d.{kind}", VOCAB)) == 5000


def test_every_bad_json_entry_is_named_not_only_the_first():
    entries = ["3 pain", {"date": DAY, "activity": "running"}, {"date": DAY, "pain": 11,
               "activity": "running"}]  # fmt: skip
    data = json.dumps({"format": files.FORMAT, "version": 1, "entries": entries}).encode()
    with pytest.raises(DiaryError) as caught:
        files.read_file(data, "d.json", VOCAB)
    assert caught.value.problems == (
        "entry 1: expected an object with id, date, pain, activity, comfort_actions, note",
        "entry 2: missing pain",
        "entry 3: pain 11 is outside 0–10",
    )


def test_comfort_actions_come_back_from_a_json_file():
    data = files.json_bytes(
        [make_entry(VOCAB, day=DAY, pain=4, activity="running", entry_id="x1",
                    comfort_actions=["rest_and_ease_off", "ice_or_heat"])]
    )  # fmt: skip
    (entry,) = files.read_file(data, "d.json", VOCAB)
    assert entry.comfort_actions == ("rest_and_ease_off", "ice_or_heat")


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("id,date,pain,activity,comfort_actions,note,mood,x", " (unexpected 'mood', 'x')"),
        ("id,date,pain,activity,comfort_actions,note,a,b,c", " (unexpected 'a', 'b', and 1 more)"),
        ("id,date,pain,activity,note,mood", " (missing Comfort actions tried; unexpected 'mood')"),
        ("date,pain", ""),
    ],
)
def test_a_first_row_with_several_faults_names_them_briefly(header, detail):
    """Two odd cells are named, a third only counted; several missing columns are left to
    the expected names, and then no empty brackets follow."""
    data = (header + "\r\n" + f",{DAY},3,running,,\r\n").encode()
    with pytest.raises(DiaryError) as caught:
        files.read_file(data, "d.csv", VOCAB)
    assert caught.value.problems == (_EXPECTED + detail,)


def test_a_blank_first_row_is_named_as_such():
    data = ("\r\n" + HEADER + f",{DAY},3,running,,\r\n").encode()
    with pytest.raises(DiaryError) as caught:
        files.read_file(data, "d.csv", VOCAB)
    assert caught.value.problems == (
        "This file does not look like a BackCare diary export: its first row is empty, "
        "not the column names",
    )


def test_a_note_starting_with_a_tab_is_refused_naming_the_tab():
    data = (HEADER + f",{DAY},3,running,,\tsum\r\n").encode()
    with pytest.raises(DiaryError) as caught:
        files.read_file(data, "d.csv", VOCAB)
    assert caught.value.problems == (
        "row 2: the note starts with a tab, so a spreadsheet would run it as a formula; "
        "put an apostrophe (') in front to keep it as text",
    )


@pytest.mark.parametrize(("kind", "where"), [("csv", "row 3"), ("json", "entry 2")])
def test_an_import_checks_dates_against_the_day_it_is_given(kind, where):
    """The page passes the person's today: BOOK's second day is in the future on the first."""
    data = files.csv_bytes(BOOK, VOCAB) if kind == "csv" else files.json_bytes(BOOK)
    with pytest.raises(DiaryError) as caught:
        files.read_file(data, f"d.{kind}", VOCAB, today=date(2024, 5, 1))
    assert caught.value.problems == (f"{where}: date 2024-05-02 is in the future",)


_NOT_TEXT = (
    "This file does not look like a BackCare diary export: it is not a text file; choose a "
    "CSV or JSON file exported from the diary"
)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"PK\x03\x04" + bytes(30), "it is a spreadsheet workbook or other zip file; save it as "
         "CSV (UTF-8) and import that"),
        (b"\x89PNG\r\n\x1a\n" + bytes(8), "it is a picture or PDF, not a diary file"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "it is a picture or PDF, not a diary file"),
    ],
    ids=["workbook", "png", "pdf"],
)  # fmt: skip
def test_a_workbook_picture_or_pdf_is_named_with_what_to_do(data, said):
    with pytest.raises(DiaryError) as caught:
        files.read_file(data, "d.csv", VOCAB)
    assert caught.value.problems == (
        f"This file does not look like a BackCare diary export: {said}",
    )


@pytest.mark.parametrize(
    "data",
    [bytes(64), "id,date,pain".encode("utf-16-le")[:-1]],
    ids=["all zero bytes", "UTF-16 without a mark, odd length"],
)
def test_zero_bytes_that_are_no_utf16_text_are_not_a_text_file(data):
    """A zero-filled file (a broken download) or an odd number of bytes is not UTF-16."""
    with pytest.raises(DiaryError) as caught:
        files.read_file(data, "d.csv", VOCAB)
    assert caught.value.problems == (_NOT_TEXT,)


def test_a_file_in_another_encoding_says_which_byte_and_how_to_save_it():
    with pytest.raises(DiaryError) as caught:
        files.read_file(b"caf\xe9", "d.csv", VOCAB)
    assert caught.value.problems == (
        "the file is not UTF-8 text (byte 4 cannot be read); export it again, or save it as "
        "CSV UTF-8",
    )


@pytest.mark.parametrize("name", ["d.json", "download"])
def test_json_with_two_byte_order_marks_after_a_conversion_to_utf16_is_read(name):
    """Converting a file that starts with a mark to UTF-16 (iconv does) adds a second mark."""
    data = ("\ufeff" + files.to_json(BOOK)).encode("utf-16")
    assert files.read_file(data, name, VOCAB) == BOOK
