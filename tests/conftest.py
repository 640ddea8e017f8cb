"""Shared fixtures: the real knowledge base, and a scratch copy of data/ to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backcare.assessment.engine import default_scorer
from backcare.assessment.knowledge import DATA_DIR, KnowledgeBase
from backcare.assessment.scoring import Scorer

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
