"""Shared fixtures: the real knowledge base, a scratch copy of data/ to break, PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.profiles  # noqa: F401  (registers and loads the hypothesis profile)
from backcare.assessment.engine import default_scorer
from backcare.assessment.knowledge import DATA_DIR, KnowledgeBase
from backcare.assessment.scoring import Scorer
from deploy.postgres import PostgresMissing, TempPostgres, bin_dir, throwaway

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def scorer() -> Scorer:
    return default_scorer()


@pytest.fixture(scope="session")
def kb(scorer: Scorer) -> KnowledgeBase:
    return scorer.kb


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may damage."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture(scope="session")
def postgres() -> Iterator[TempPostgres]:
    """One throwaway PostgreSQL cluster for the whole test session (deploy/postgres.py)."""
    try:
        bin_dir()
    except PostgresMissing as missing:
        pytest.skip(str(missing))
    with throwaway() as cluster:
        yield cluster
