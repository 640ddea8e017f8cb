"""Sources are named as a person can recognise them, and nothing calls an article a "seed"."""

from __future__ import annotations

import re
from pathlib import Path

from tests.readability import ROOT

PLACEHOLDER = re.compile(r"\bseed\b|article\s*\d|source\s*\d", re.IGNORECASE)


def _readable_files() -> list[Path]:
    return [
        *sorted((ROOT / "data").glob("*.csv")),
        *sorted((ROOT / "pages").glob("*.py")),
        *sorted((ROOT / "backcare" / "ui").rglob("*.py")),
    ]


def test_no_text_a_person_reads_calls_an_article_a_seed_or_a_number():
    for path in _readable_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not PLACEHOLDER.search(line), f"{path.relative_to(ROOT)}:{number}: {line}"


def test_every_source_has_a_real_name_and_a_plain_address_or_none(kb):
    for source in kb.sources.values():
        assert source.title and source.publisher
        assert source.url == "" or re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}/\S*", source.url)
        if source.kind == "article":
            assert source.url == ""  # the articles' addresses are not known: none is invented


def test_every_source_is_cited_and_every_warning_sign_rests_on_a_guideline(kb):
    cited = {
        s
        for row in (
            *kb.causes.values(),
            *kb.evidence,
            *kb.warning_signs,
            *kb.advice.values(),
            *kb.levels.values(),
        )
        for s in row.sources
    }
    assert cited == set(kb.sources)
    for sign in kb.warning_signs:
        if sign.level in ("emergency", "urgent"):
            assert any(kb.sources[s].kind == "guideline" for s in sign.sources), sign.id


def test_the_about_page_lists_guideline_pages_under_a_fitting_heading():
    about = (ROOT / "pages" / "about.py").read_text(encoding="utf-8")
    assert "Guidelines for warning signs" not in about  # they back advice and causes too
