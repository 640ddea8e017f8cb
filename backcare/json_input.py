"""A strict JSON reader for input nobody vouches for: the CLI's answers, diary imports, FHIR.

Python's own reader is lenient exactly where untrusted input hurts. A repeated
key keeps its last value, so `{"saddle_numbness": true, "saddle_numbness":
false}` silently drops a warning sign; an integer of thousands of digits raises
ValueError and one nested 100,000 deep raises RecursionError, both tracebacks;
NaN and Infinity are accepted though JSON has neither. :func:`parse` refuses
each of these with :class:`JSONInputError`, whose message is one short line
that is safe to print: control characters escaped, long values cut short.

Imports nothing of backcare, so every subsystem may use it.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata

#: Nesting deeper than this is refused before parsing (a diary needs 3, FHIR about 10).
MAX_DEPTH = 64
#: Characters a number may have: enough for any float, far below Python's 4,300-digit cap.
MAX_NUMBER_CHARS = 100
#: The longest message line, in characters.
MAX_LINE = 300
#: Characters of a value echoed in a message before it is cut short.
EXCERPT = 40
#: Unicode categories escaped in messages: controls, format characters (the bidirectional
#: overrides among them), surrogates, private use, unassigned, line and paragraph separators.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BRACKETS = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"|[\[\]{}]', re.DOTALL)


class JSONInputError(ValueError):
    """The input is not JSON this reader accepts; ``str(error)`` is one printable line."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


def escaped(text: str) -> str:
    """``text`` with every invisible or line-breaking character written as an escape."""
    if not any(unicodedata.category(c) in _HIDDEN for c in text):
        return text
    out = []
    for char in text:
        if unicodedata.category(char) not in _HIDDEN:
            out.append(char)
        elif char in _NAMED:
            out.append(_NAMED[char])
        else:
            code = ord(char)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            else:
                out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """A message as one printable line of at most ``limit`` characters."""
    line = escaped(text[:limit])
    return line if len(line) <= limit and len(text) <= limit else line[: limit - 1] + "…"


def shortened(text: str, limit: int = EXCERPT) -> str:
    """``text`` escaped, cut short with an ellipsis when the escaped text passes ``limit``.

    Counted after escaping, since one hidden character can take ten to write.
    """
    out: list[str] = []
    size = 0
    for char in text:
        piece = escaped(char)
        if size + len(piece) > limit:
            return "".join(out) + "…"
        out.append(piece)
        size += len(piece)
    return "".join(out)


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """A value quoted for a message: as JSON unless it is text, escaped, cut short."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            text = f"<{type(value).__name__}>"
    return f"'{shortened(text, limit)}'"


def decode(data: bytes, what: str = "input") -> str:
    """UTF-8 bytes (with or without a byte-order mark) as text, or JSONInputError saying why."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise JSONInputError(f"{what}: this is UTF-16 text; save it as UTF-8 and try again")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JSONInputError(
            f"{what}: not UTF-8 text (byte {exc.start + 1} cannot be read); "
            "save it as UTF-8 and try again"
        ) from None


def parse(data: str | bytes, *, max_depth: int = MAX_DEPTH, what: str = "input") -> object:
    """The JSON value in ``data``, or JSONInputError naming the first thing wrong with it.

    ``what`` names the input at the start of the message ("answers: the key …").
    """
    text = decode(data, what) if isinstance(data, bytes) else data
    try:
        _check_depth(text, max_depth)
        value = json.loads(
            text,
            object_pairs_hook=_object,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
        )
        _check_strings(value)
    except json.JSONDecodeError as exc:
        raise JSONInputError(
            f"{what}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:  # only if the caller's own stack is already deep
        raise JSONInputError(f"{what}: nested too deeply") from None
    except JSONInputError as exc:
        raise JSONInputError(f"{what}: {exc}") from None
    return value


def _check_depth(text: str, limit: int) -> None:
    """Refuse nesting deeper than ``limit`` without recursing (brackets inside strings skipped)."""
    if text.count("[") + text.count("{") <= limit:
        return
    depth = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                raise JSONInputError(f"the JSON is nested more than {limit} levels deep")
        elif token in "]}":
            depth -= 1


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    found: dict[str, object] = {}
    for key, value in pairs:
        if key in found:
            raise JSONInputError(f"the key {excerpt(key)} appears twice in one object")
        found[key] = value
    return found


def _number_text(text: str) -> None:
    if len(text) > MAX_NUMBER_CHARS:
        raise JSONInputError(
            f"a number of {len(text):,} characters is too long (at most {MAX_NUMBER_CHARS})"
        )


def _int(text: str) -> int:
    _number_text(text)
    return int(text)


def _float(text: str) -> float:
    _number_text(text)
    value = float(text)
    if not math.isfinite(value):
        raise JSONInputError(f"the number {excerpt(text)} is too large")
    return value


def _constant(name: str) -> object:
    raise JSONInputError(f"{name} is not a JSON value")


def _check_strings(value: object) -> None:
    """Refuse half of a UTF-16 surrogate pair (\\ud800): it is not text and cannot be saved."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            strings: list[str] = [item]
        elif isinstance(item, dict):
            strings = list(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
            continue
        else:
            continue
        for text in strings:
            if not text.isascii() and any(0xD800 <= ord(c) <= 0xDFFF for c in text):
                raise JSONInputError(
                    f"the text {excerpt(text)} holds an unpaired surrogate (\\ud800–\\udfff)"
                )
