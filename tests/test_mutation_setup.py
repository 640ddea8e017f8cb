"""`make mutate` tries a module's mutants against that module's own tests only
(quality/mutmut_shared_setup.py), which is what keeps a run inside its time box."""

from __future__ import annotations

from pathlib import Path

import pytest

from quality.mutate import sampled
from quality.mutmut_shared_setup import OWN_TESTS, owned


@pytest.mark.parametrize(
    ("test", "function", "tried"),
    [
        ("tests/diary/test_diary_files.py::test_x", "backcare.diary.files.x_to_csv", True),
        ("tests/assessment/test_scoring.py::test_x", "backcare.assessment.scoring.x__load", True),
        ("tests/assessment/test_answers.py::test_x[a]", "backcare.assessment.answers.x_f", True),
        (
            "tests/analytics/test_console_faults.py::t",
            "backcare.analytics.console.xǁConsoleǁrun",
            True,
        ),
        ("tests/analytics/test_store_faults.py::t", "backcare.analytics.store.writer.x_f", True),
        # The knowledge base is loaded for every test; only the assessment's tests judge it.
        ("tests/diary/test_diary_files.py::test_x", "backcare.assessment.scoring.x__load", False),
        ("tests/analytics/test_console.py::test_x", "backcare.assessment.scoring.x__load", False),
        # The Insights tests reach suppression through a whole store: left to `make test`.
        (
            "tests/analytics/test_insights.py::test_x",
            "backcare.analytics.suppression.x_protect",
            False,
        ),
        (
            "tests/analytics/test_suppression.py::t",
            "backcare.analytics.suppression.x_protect",
            True,
        ),
        ("tests/analytics/test_suppression.py::t", "backcare.analytics.store.base.x_check", False),
    ],
)
def test_a_mutant_is_tried_against_its_own_modules_tests(test, function, tried):
    assert owned(test, function) is tried


def test_every_owning_test_path_exists():
    root = Path(__file__).resolve().parent.parent
    for prefix in OWN_TESTS:
        folder, _, stem = prefix.rpartition("/")
        assert list((root / folder).glob(stem + "*")), prefix


def test_the_sample_is_fixed_by_name_and_near_its_share():
    names = [f"backcare.m.x_f{n // 30}__mutmut_{n % 30 + 1}" for n in range(3000)]
    chosen = [n for n in names if sampled(n, 40)]
    assert chosen == [n for n in names if sampled(n, 40)]  # the same names every run
    assert 0.36 < len(chosen) / len(names) < 0.44
    assert set(chosen) <= {n for n in names if sampled(n, 60)}  # a larger share adds to it
    assert all(sampled(n, 100) for n in names)
