"""The take-home summary: what it says, that it fits its budget, and that its QR code reads back."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from backcare import assess
from backcare.assessment.result import AdviceItem, Assessment, RankedCause, Triage
from backcare.kiosk.take_home import (
    HEADER,
    MAX_BYTES,
    MIN_BYTES,
    TOP_CAUSES,
    TOP_TIPS,
    qr_code,
    qr_png,
    qr_svg,
    summary_text,
)
from tests.kiosk.qr_reading import decode, png_modules, svg_modules
from tests.profiles import examples

RUNNER = {
    "activity": "running",
    "onset": "right_after",
    "pain_now": 4,
    "pain_feels": ["dull_ache"],
    "worn_shoes": True,
    "hard_surface": True,
}
#: The largest code the budget allows (see summary.MAX_BYTES).
MAX_VERSION = 18


def _decode(png: bytes) -> str:
    # QR only: scanning for every format can "find" a Codabar inside the QR's pattern.
    image = Image.open(io.BytesIO(png))
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(results) == 1, f"expected one code, found {len(results)}"
    return results[0].text


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _one_line(text: str) -> str:
    """How the summary writes an item: runs of white space become one space."""
    return " ".join(text.split())


def _line(text: str, label: str) -> list[str]:
    found = [line for line in text.splitlines() if line.startswith(f"{label}: ")]
    return found[0].removeprefix(f"{label}: ").split("; ") if found else []


def test_a_runner_gets_level_advice_explanations_and_tips_in_rank_order():
    result = assess(RUNNER)
    text = summary_text(result)
    lines = text.splitlines()
    assert lines[:4] == [
        HEADER,
        result.triage.title,
        result.triage.what_to_do,
        f"How fast: {result.triage.how_fast}",
    ]
    assert _line(text, "Possible explanations") == [c.title for c in result.causes[:TOP_CAUSES]]
    tips = [a.title for a in (*result.comfort_actions, *result.prevention_tips)]
    assert _line(text, "What may help") == tips[:TOP_TIPS]
    assert "Impact from running" in _line(text, "Possible explanations")
    assert _size(text) <= MAX_BYTES


def test_an_emergency_summary_leads_with_the_emergency_advice():
    result = assess({"saddle_numbness": True, "activity": "strength_training"})
    text = summary_text(result)
    assert text.splitlines()[1] == "Get emergency help now"
    assert "999" in text.splitlines()[2]


def test_no_explanations_means_no_empty_line_for_them():
    text = summary_text(assess({}))
    assert "Possible explanations" not in text
    assert _line(text, "What may help")


@pytest.mark.parametrize(
    "answers",
    [RUNNER, {"chest_pain": True, "heavy_lifting": True}, {}, {"fever": True, "smoker": True}],
)
def test_the_qr_code_decodes_back_to_the_summary(answers):
    text = summary_text(assess(answers))
    assert qr_code(text).version <= MAX_VERSION
    assert _decode(qr_png(text)) == text


def test_the_svg_is_the_same_code_as_the_png():
    """Both drawings read back module by module (tests/kiosk/qr_reading.py, not segno), and
    ZXing reads the text literally."""
    text = "BackCare result - not a diagnosis\nLook after it yourself for now\nÄrger? 5 € ✓"
    drawn = svg_modules(qr_svg(text, scale=2))
    assert drawn == png_modules(qr_png(text, scale=3), 3)
    assert len(drawn) == 8 + 4 * qr_code(text).version + 17  # a quiet zone of 4 each side
    assert decode(drawn) == text


def test_the_summary_svg_reads_back_as_the_summary():
    decoded = decode(svg_modules(qr_svg(summary_text(assess(RUNNER)))))
    assert decoded.splitlines()[:2] == [
        "BackCare result - not a diagnosis",
        "Look after it yourself for now",
    ]
    assert decoded.splitlines()[-2:] == [
        "Possible explanations: Impact from running",
        "What may help: Take a few days off running; Rest and avoid what hurts; Keep moving gently",
    ]


def test_a_budget_too_small_to_say_anything_is_refused():
    with pytest.raises(ValueError, match="at least"):
        summary_text(assess(RUNNER), max_bytes=MIN_BYTES - 1)


# --- properties over made-up assessments with any text the knowledge base might one day hold

_words = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp"), blacklist_characters=";\n\r"
        ),
        min_size=1,
        max_size=120,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def assessments(draw) -> Assessment:
    triage = Triage(
        level="self_care",
        title=draw(_words),
        what_to_do=draw(st.text(min_size=1, max_size=800).filter(str.strip)),
        how_fast=draw(_words),
        reasons=(),
        sources=(),
    )
    causes = tuple(
        RankedCause(f"c{i}", title, "", 0.5, (), ())
        for i, title in enumerate(draw(st.lists(_words, max_size=6)))
    )
    tips = tuple(
        AdviceItem(f"a{i}", title, "", (), (), True)
        for i, title in enumerate(draw(st.lists(_words, max_size=6, unique=True)))
    )
    split = draw(st.integers(0, len(tips)))
    return Assessment({}, triage, causes, tips[:split], tips[split:])


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow])
@given(assessments(), st.integers(MIN_BYTES, 1200))
def test_a_summary_never_exceeds_its_budget_and_keeps_the_level(result, budget):
    text = summary_text(result, max_bytes=budget)
    assert _size(text) <= budget
    assert text.startswith(HEADER)
    assert len(text.splitlines()) in (4, 5, 6)
    title = _one_line(result.triage.title)
    if _size(title) <= (budget - _size(HEADER) - 3) // 2:  # the share a title always keeps
        assert text.splitlines()[1] == title
    # Whatever is named is the top of each list, in order: items are dropped from the end.
    named_causes = _line(text, "Possible explanations")
    assert named_causes == [_one_line(c.title) for c in result.causes[: len(named_causes)]]
    named_tips = _line(text, "What may help")
    all_tips = [_one_line(a.title) for a in (*result.comfort_actions, *result.prevention_tips)]
    assert named_tips == all_tips[: len(named_tips)]


@settings(max_examples=examples(25), deadline=None)
@given(assessments())
def test_any_summary_within_the_default_budget_reads_back_from_its_code(result):
    text = summary_text(result)
    assert qr_code(text).version <= MAX_VERSION
    assert _decode(qr_png(text)) == text
