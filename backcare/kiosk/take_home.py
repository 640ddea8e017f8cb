"""A short plain-text summary of a result, and the QR code that carries it home.

On a clinic's shared tablet nothing may be downloaded or sent. The person
scans a QR code instead: the summary is the code's own content, so it reaches
their phone without any server, link or account, and nothing is kept. A
phone reads a code quickly only while it stays small, so the text has a hard
byte budget; what matters most (the triage level and what to do) always goes
in first, and explanations and tips are dropped from the end until it fits.
"""

from __future__ import annotations

import io
import unicodedata

import segno

from backcare.assessment.presentation import call_line
from backcare.assessment.result import Assessment

#: Byte budget of the summary: with error correction "M" it fits a version-18
#: code (89 × 89 modules), which a phone reads from a screen at 4 px per module.
MAX_BYTES = 560
#: Below this a summary could not even say the level.
MIN_BYTES = 100
ERROR_LEVEL = "m"
HEADER = "BackCare result - not a diagnosis"
#: How many explanations and tips a summary names at most.
TOP_CAUSES = 3
TOP_TIPS = 3
ELLIPSIS = "..."
#: Unicode categories replaced by a space: controls, line and paragraph separators.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _clean(text: str) -> str:
    """One line of plain text: no control characters, runs of white space made one space.

    Scanners show control characters as codes ("<ESC>"), and a line break inside
    an item would split it across the summary's lines.
    """
    printable = "".join(" " if unicodedata.category(ch) in _HIDDEN else ch for ch in text)
    return " ".join(printable.split())


def _listing(label: str, titles: list[str]) -> list[str]:
    return [f"{label}: {'; '.join(titles)}"] if titles else []


def _shorten(text: str, max_bytes: int) -> str:
    """Cut text to at most max_bytes (UTF-8) at a word boundary, marked with an ellipsis."""
    if _size(text) <= max_bytes:
        return text
    budget = max(0, max_bytes - len(ELLIPSIS))
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + ELLIPSIS


def summary_text(assessment: Assessment, *, max_bytes: int = MAX_BYTES) -> str:
    """The result in a few plain lines: level, what to do, top explanations and tips.

    Never longer than max_bytes in UTF-8. When space runs short the last tip
    goes first, then the last explanation, in turn; the level's own advice is
    only shortened when nothing else is left to drop.
    """
    if max_bytes < MIN_BYTES:
        raise ValueError(f"max_bytes must be at least {MIN_BYTES}")
    triage = assessment.triage
    causes = [t for c in assessment.causes[:TOP_CAUSES] if (t := _clean(c.title))]
    advice = (*assessment.comfort_actions, *assessment.prevention_tips)
    tips = list(dict.fromkeys(t for a in advice if (t := _clean(a.title))))[:TOP_TIPS]
    call = call_line(triage)  # the data holds no number: the summary names the call
    head = [
        HEADER,
        _clean(triage.title),
        _clean(f"{call}. {triage.what_to_do}" if call else triage.what_to_do),
        f"How fast: {_clean(triage.how_fast)}",
    ]

    n_causes, n_tips = len(causes), len(tips)
    while True:
        lines = (
            head
            + _listing("Possible explanations", causes[:n_causes])
            + _listing("What may help", tips[:n_tips])
        )
        text = "\n".join(lines)
        if _size(text) <= max_bytes or (n_causes == 0 and n_tips == 0):
            break
        if n_tips >= n_causes and n_tips > 0:
            n_tips -= 1
        else:
            n_causes -= 1
    if _size(text) <= max_bytes:
        return text
    # No room even for the level alone: shorten its lines, never drop them.
    room = max_bytes - _size(HEADER) - 3  # three line breaks
    title = _shorten(head[1], room // 2)
    how_fast = _shorten(head[3], room // 4)
    what_to_do = _shorten(head[2], room - _size(title) - _size(how_fast))
    return "\n".join([HEADER, title, what_to_do, how_fast])


def qr_code(text: str) -> segno.QRCode:
    """A regular (not micro) QR code of text; segno picks the smallest version.

    Always UTF-8 bytes (the budget counts them too): left to itself segno writes
    text it can as ISO-8859-1, which a reader may take for Shift_JIS ("¡" came back
    from ZXing as "｡"), while valid UTF-8 is what readers recognise first.
    """
    return segno.make_qr(text, error=ERROR_LEVEL, boost_error=False, encoding="utf-8")


def qr_svg(text: str, *, scale: int = 4) -> str:
    """The code as an SVG document with a light quiet zone, for an <img> on the page."""
    buffer = io.BytesIO()
    qr_code(text).save(buffer, kind="svg", scale=scale, border=4, dark="#000", light="#fff")
    return buffer.getvalue().decode("utf-8")


def qr_png(text: str, *, scale: int = 4) -> bytes:
    """The same code as PNG bytes (what the tests decode)."""
    buffer = io.BytesIO()
    qr_code(text).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
