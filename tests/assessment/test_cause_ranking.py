"""Every cause can come first: for each one, a realistic answer set that ranks it on top."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backcare import assess
from backcare.assessment import contract

CASES: dict[str, dict] = json.loads(
    (Path(__file__).with_name("cause_cases.json")).read_text(encoding="utf-8")
)


def test_there_is_a_case_for_every_cause_in_the_knowledge_base(kb):
    assert set(CASES) == set(kb.causes)
    assert set(contract.CAUSE_IDS) <= set(CASES)


@pytest.mark.parametrize("cause_id", sorted(CASES))
def test_each_cause_ranks_first_for_its_case(cause_id):
    causes = assess(CASES[cause_id]).causes
    assert causes[0].id == cause_id, [(c.id, round(c.score, 3)) for c in causes[:3]]
    # First by a margin, not by a tie broken on file order.
    if len(causes) > 1:
        assert causes[0].score > causes[1].score
