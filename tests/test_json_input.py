"""The strict JSON reader: what Python's json module lets through silently, refused in one line."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.json_input import (
    MAX_DEPTH,
    MAX_LINE,
    JSONInputError,
    escaped,
    excerpt,
    one_line,
    parse,
)
from tests.profiles import examples

#: Anything json.dumps writes, nested a little.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


def _refused(data: str | bytes) -> str:
    with pytest.raises(JSONInputError) as caught:
        parse(data)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    assert len(message) <= MAX_LINE
    return message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"saddle_numbness": true, "saddle_numbness": false}', "'saddle_numbness' appears twice"),
        ('{"a": {"pain": 11, "pain": 3}}', "'pain' appears twice"),
        ('[{"x": 1}, {"y": 1, "y": 1}]', "'y' appears twice"),
    ],
)
def test_a_key_given_twice_is_an_error_naming_it(text, fragment):
    assert fragment in _refused(text)


def test_the_same_key_in_two_different_objects_is_fine():
    assert parse('[{"a": 1}, {"a": 2}]') == [{"a": 1}, {"a": 2}]


def test_an_integer_of_thousands_of_digits_is_refused_without_a_traceback():
    message = _refused("1" * 5000)
    assert "5,000 characters is too long" in message
    assert "too long" in _refused('{"age": -' + "9" * 4400 + "}")
    assert "too long" in _refused("0." + "1" * 200)


def test_a_number_too_large_for_a_float_is_refused():
    assert "too large" in _refused('{"pain": 1e999}')


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant):
    assert f"{constant} is not a JSON value" in _refused(f'{{"x": {constant}}}')


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_nesting_100000_deep_is_refused_cleanly(opening):
    closing = "]" if opening == "[" else "}"
    assert "nested more than" in _refused(opening * 100_000 + "1" + closing * 100_000)


def test_nesting_up_to_the_limit_parses_and_brackets_inside_strings_do_not_count():
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse(deep) is not None
    assert parse(json.dumps(["[{" * 1000])) == ["[{" * 1000]
    assert "nested more than" in _refused("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


def test_an_unpaired_surrogate_is_refused_and_a_pair_is_read():
    assert "unpaired surrogate" in _refused('{"note": "\\ud800"}')
    assert "unpaired surrogate" in _refused('{"\\udfff": 1}')
    assert parse('"\\ud83d\\ude00"') == "\U0001f600"


def test_bytes_must_be_utf8_and_utf16_is_named():
    assert parse(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}
    assert "byte 8 cannot be read" in _refused(b'{"a": "\xff"}')
    assert "this is UTF-16 text; save it as UTF-8" in _refused('{"a": 1}'.encode("utf-16"))


def test_a_ten_megabyte_input_gives_a_short_message():
    message = _refused('{"' + "k" * 10_000_000 + '\n": 1, "x": }')
    assert message.startswith("input: not valid JSON")
    message = _refused('{"' + "k\\n" * 1_000_000 + '": 1, "' + "k\\n" * 1_000_000 + '": 2}')
    assert "appears twice" in message and "\\n" in message


def test_messages_escape_control_and_bidirectional_characters():
    assert escaped("a\nb\u202ec\x07") == "a\\nb\\u202ec\\x07"
    assert excerpt("x" * 100) == "'" + "x" * 40 + "…'"
    assert excerpt({"a": [1, 2]}) == "'{\"a\": [1, 2]}'"
    line = one_line("line one\nline two " + "y" * 1000)
    assert line.startswith("line one\\nline two ") and len(line) == MAX_LINE
    assert line.endswith("…")


@given(JSON_VALUES)
@settings(max_examples=examples(200), deadline=None)
def test_whatever_json_dumps_writes_reads_back_equal(value):
    assert parse(json.dumps(value)) == value
    assert parse(json.dumps(value).encode("utf-8")) == value


@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
@settings(max_examples=examples(500), deadline=None)
def test_arbitrary_bytes_give_a_value_or_one_clean_line(data):
    try:
        parse(data)
    except JSONInputError as exc:
        assert "\n" not in str(exc) and len(str(exc)) <= MAX_LINE
