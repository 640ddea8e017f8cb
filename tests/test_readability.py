"""Every text a person reads is at most Flesch–Kincaid grade 8 (tests/readability.py says how
each kind of string is measured). A failure names each string over the limit."""

from __future__ import annotations

from tests.readability import LIMIT, data_texts, grade, page_texts, too_hard


def test_the_grade_is_measured_offline_with_the_cmu_dictionary():
    # Known values: a plain sentence is easy, a clinical one is hard.
    assert grade("Stop if it hurts. Rest for a day or two.") < 2
    assert grade("Intervertebral osteochondrosis necessitates multidisciplinary evaluation.") > 16


def test_every_text_in_data_is_at_most_grade_8(kb):
    over = too_hard(data_texts(kb))
    assert not over, f"{len(over)} texts in data/ read above grade {LIMIT}:\n" + "\n".join(over)


def test_every_text_on_the_pages_is_at_most_grade_8():
    texts = list(page_texts())
    assert len(texts) > 20  # the pages were read, not skipped
    over = too_hard(iter(texts))
    assert not over, f"{len(over)} page texts read above grade {LIMIT}:\n" + "\n".join(over)
