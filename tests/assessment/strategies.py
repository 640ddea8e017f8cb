"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from backcare.assessment.engine import knowledge_base
from backcare.assessment.knowledge import Question
from backcare.assessment.questionnaire import warning_items


def _value(question: Question) -> st.SearchStrategy:
    if question.type == "boolean":
        return st.booleans()
    if question.type == "integer":
        return st.integers(question.min, question.max)
    if question.type == "enum":
        return st.sampled_from(question.allowed)
    return st.lists(st.sampled_from(question.allowed), unique=True)


QUESTIONS = knowledge_base().questions
ANSWER_SETS = st.fixed_dictionaries({}, optional={q.id: _value(q) for q in QUESTIONS.values()})
#: Any warning-sign item the questionnaire asks, the three added in issue 12 included.
WARNING_ITEM = st.sampled_from(warning_items(knowledge_base()))
