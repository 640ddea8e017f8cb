"""Warning signs asked in groups: a group's No answers its signs, a Yes asks each one.

Whatever a person answers for the groups and on the follow-up page, the per-sign
answers the assessment receives never hold a sign the person did not answer, never
lose a sign they answered Yes, and give the triage a flat Yes/No per sign would.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import assess
from backcare.assessment.engine import knowledge_base
from backcare.assessment.questionnaire import (
    follow_up_groups,
    sign_answers,
    unanswered_groups,
    warning_items,
)
from tests.profiles import examples

KB = knowledge_base()
GROUP_IDS = tuple(g.id for g in KB.warning_groups)
SIGNS = warning_items(KB)

#: Some groups answered (Yes or No), some not.
GROUP_ANSWERS = st.fixed_dictionaries({}, optional={g: st.booleans() for g in GROUP_IDS})
#: Some follow-up signs answered, some not (the page only asks those of Yes groups).
FOLLOW_UPS = st.fixed_dictionaries({}, optional={s: st.booleans() for s in SIGNS})
#: A complete flat answer set: every sign its own Yes or No.
FLAT = st.fixed_dictionaries({s: st.booleans() for s in SIGNS})


def test_every_sign_is_in_exactly_one_group_in_page_order():
    placed = [sign for group in KB.warning_groups for sign in group.signs]
    assert sorted(placed) == sorted(SIGNS) and len(placed) == len(set(placed))
    assert 4 <= len(KB.warning_groups) <= 6


@settings(max_examples=examples(300), deadline=None)
@given(GROUP_ANSWERS, FOLLOW_UPS)
def test_only_answered_signs_are_sent_and_a_yes_is_never_dropped(groups, follow_up):
    sent = sign_answers(KB, groups, follow_up)
    for group in KB.warning_groups:
        said = groups.get(group.id)
        for sign in group.signs:
            if said is None:
                assert sign not in sent  # an unanswered group answers nothing
            elif said is False:
                assert sent[sign] is False  # "none of these apply to me"
            else:
                # After a Yes, only the person's own answer: never an assumed No.
                assert sent.get(sign) == follow_up.get(sign)
                if follow_up.get(sign):
                    assert sent[sign] is True
    # What is still missing is what the results wait for.
    result = assess(sent)
    waiting = {s for g in unanswered_groups(KB, groups) for s in g.signs}
    waiting |= {s for g in follow_up_groups(KB, groups) for s in g.signs if s not in follow_up}
    assert set(result.triage.unanswered_warning_signs) == waiting
    assert not result.triage.safe_self_care or not waiting


@settings(max_examples=examples(200), deadline=None)
@given(FLAT, st.sets(st.sampled_from(GROUP_IDS)), st.sampled_from(("running", "stretching")))
def test_the_triage_equals_assess_on_the_flat_answers(flat, cautious, activity):
    """A person answers the groups truthfully (Yes when any sign applies; a cautious Yes
    is fine too) and each follow-up sign as the flat set says: same answers, same triage."""
    groups = {g.id: any(flat[s] for s in g.signs) or g.id in cautious for g in KB.warning_groups}
    asked = {s for g in follow_up_groups(KB, groups) for s in g.signs}
    follow_up = {s: flat[s] for s in asked}
    sent = sign_answers(KB, groups, follow_up)
    assert sent == flat
    story = {"activity": activity, "pain_now": 4}
    grouped, one_by_one = assess({**story, **sent}).triage, assess({**story, **flat}).triage
    assert grouped == one_by_one
    assert grouped.unanswered_warning_signs == ()


@given(FOLLOW_UPS)
def test_a_group_that_turns_no_answers_no_whatever_was_said_before(follow_up):
    """Back from the follow-up, a group changed to No: its earlier answers are set aside
    (kept, should it turn Yes again), the person's last word being that none applies."""
    group = KB.warning_groups[0]
    sent = sign_answers(KB, {group.id: False}, follow_up)
    assert all(sent[s] is False for s in group.signs)
    again = sign_answers(KB, {group.id: True}, follow_up)
    assert {s: again.get(s) for s in group.signs} == {s: follow_up.get(s) for s in group.signs}
