"""The batch scoring written with pandas: the baseline for `Scorer.score_many`.

It reads the same encoded answers (backcare.batch_sql.FactBits) and applies
the same rules column by column, as a pandas user would: one boolean Series
per rule, a noisy-OR per cause, a stable sort for the ranking, np.select for
the level. bench_batch checks that it returns exactly what DuckDB returns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from backcare.assessment.batch import FactBits
from backcare.assessment.knowledge import ENTRY_ROLES, KnowledgeBase, Match
from backcare.assessment.scoring import NO_SIGN_LEVEL, TOP_CAUSES


def _matches(answers: pd.DataFrame, bits: FactBits, kb: KnowledgeBase, match: Match) -> pd.Series:
    if kb.questions[match.item].type == "integer":
        column = answers[match.item]
        low = match.min if match.min is not None else -np.inf
        high = match.max if match.max is not None else np.inf
        return column.between(low, high).fillna(False).astype(bool)
    word, mask = bits.word_and_mask(match.item, match.value or "")
    return (answers[f"facts_{word}"] & mask) != 0


def score(answers: pd.DataFrame, kb: KnowledgeBase, bits: FactBits) -> pd.DataFrame:
    """level, top_causes and warning_signs per row, like `Scorer.score_many`."""
    causes = list(kb.causes)
    miss = pd.DataFrame(0.0, index=answers.index, columns=causes)
    against = pd.DataFrame(0.0, index=answers.index, columns=causes)
    entry = pd.DataFrame(False, index=answers.index, columns=causes)
    for evidence in kb.evidence:
        hit = _matches(answers, bits, kb, evidence.match)
        (miss if evidence.supports else against)[evidence.cause] += hit * np.log1p(-evidence.weight)
        if evidence.role in ENTRY_ROLES:
            entry[evidence.cause] |= hit
    # A cause without a specific answer (or diagnosis) is not listed: score 0.
    scores = ((1 - np.exp(miss)) * np.exp(against)).round(12).where(entry, 0.0).to_numpy()
    # A stable sort keeps causes.csv order among equal scores, as the SQL does.
    order = np.argsort(-scores, axis=1, kind="stable")[:, :TOP_CAUSES]
    best = np.take_along_axis(scores, order, axis=1)
    names = np.array(causes, dtype=object)
    top_causes = [list(names[row[found]]) for row, found in zip(order, best > 0, strict=True)]
    signs = sorted(kb.warning_signs, key=lambda sign: sign.id)
    fired = pd.DataFrame({s.id: _matches(answers, bits, kb, s.match) for s in signs})
    levels = [level for level in kb.levels if any(s.level == level for s in signs)]
    level = np.select(
        [fired[[s.id for s in signs if s.level == lv]].any(axis=1) for lv in levels],
        levels,
        default=NO_SIGN_LEVEL,
    )
    sign_names = np.array(fired.columns, dtype=object)
    warning_signs = [list(sign_names[row]) for row in fired.to_numpy()]
    return pd.DataFrame(
        {"level": level, "top_causes": top_causes, "warning_signs": warning_signs},
        index=answers.index,
    )
