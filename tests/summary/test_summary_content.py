"""What the printable summary says, read without a browser."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta
from html.parser import HTMLParser

from backcare import assess
from backcare.assessment.knowledge import KnowledgeBase
from backcare.assessment.questionnaire import warning_items
from backcare.diary.entries import Vocabulary, make_entry
from backcare.summary.content import TOP_CAUSES, summarise
from backcare.summary.diary import DIARY_DAYS, diary_part
from backcare.summary.printout import render

TODAY = date(2025, 3, 14)
STORY = {
    "activity": "running",
    "onset": "right_after",
    "pain_now": 6,
    "pain_areas": ["lower_back", "buttock"],
    "pain_feels": [],
    "age": 47,
    "warmed_up": False,
    "pushed_past_limit": True,
    "hard_surface": True,
    "long_sitting": True,
    "fever": True,
    "night_pain": True,
    "chest_pain": False,
}


def _summary(kb: KnowledgeBase, answers: dict = STORY, **options):
    return summarise(assess(answers), kb, today=TODAY, **options)


def _steps(summary) -> dict[str, tuple[str, ...]]:
    return {step.title: step.lines for step in summary.answers}


def test_the_level_what_to_do_and_the_top_three_explanations(kb: KnowledgeBase):
    result = assess(STORY)
    summary = _summary(kb)
    assert summary.triage == result.triage
    assert summary.triage.level == "urgent"
    assert len(result.causes) > TOP_CAUSES
    assert summary.explanations == result.causes[:TOP_CAUSES]


def test_the_call_uses_the_servers_number_and_only_levels_that_call(kb: KnowledgeBase):
    assert _summary(kb).call == "Call 111"
    assert _summary(kb, phone_number="116 117").call == "Call 116 117"
    assert _summary(kb, {"fever": False}).call == ""


def test_unanswered_warning_signs_are_flagged_in_the_triage_box(kb: KnowledgeBase):
    every_sign = dict.fromkeys(warning_items(kb), False)
    assert _summary(kb, every_sign).cautions == ()
    assert _summary(kb, {**every_sign, "fever": True}).cautions == ()
    (caution,) = _summary(kb).cautions  # STORY leaves most warning signs out
    assert "may be too low" in caution
    assert caution in render(_summary(kb))


def test_each_warning_sign_answered_yes_in_the_persons_words(kb: KnowledgeBase):
    assert _summary(kb).warning_signs_yes == (
        kb.questions["fever"].text,
        kb.questions["night_pain"].text,
    )
    assert _summary(kb, {"fever": False}).warning_signs_yes == ()


def test_answers_are_grouped_by_step_in_plain_words(kb: KnowledgeBase):
    steps = _steps(_summary(kb))
    assert list(steps) == [step.title for step in kb.steps]
    pain = steps[kb.steps[0].title]
    assert "What were you doing when the pain began? Running" in pain
    assert "How bad is the pain right now? 6 out of 10" in pain
    assert "Where does it hurt? Lower back, Buttock" in pain
    assert "What does the pain feel like? None" in pain
    assert "How old are you? 47" in pain
    happened = steps["What happened"]
    assert "Did you warm up before you started? No" in happened
    assert f"Ticked: {kb.questions['pushed_past_limit'].text}." in happened
    assert steps["Your everyday habits"][-1].startswith("Ticked: ")
    warning = steps["Warning signs"]
    assert warning[0] == "Yes to 2 (listed at the top)."
    assert warning[1] == "No to 1."
    assert warning[2].startswith("Not answered (")


def test_a_step_with_nothing_said_says_so(kb: KnowledgeBase):
    steps = _steps(_summary(kb, {}))
    assert steps[kb.steps[0].title] == ("Not answered.",)
    assert steps["What happened"] == ("Nothing ticked.",)


VOCAB_ACTIVITY = "running"


def _entries(vocab: Vocabulary):
    return [
        make_entry(
            vocab,
            day=TODAY - timedelta(days=ago),
            pain=pain,
            activity=VOCAB_ACTIVITY,
            note="Saw Dr Jones at 12 High Street",
            today=TODAY,
        )
        for ago, pain in ((0, 2), (3, 5), (3, 7), (13, 4), (14, 9), (40, 1))
    ]


def test_the_diary_part_keeps_the_last_two_weeks_without_notes(kb: KnowledgeBase):
    vocab = Vocabulary.from_kb(kb)
    part = diary_part(_entries(vocab), vocab, TODAY)
    assert (part.first, part.last) == (TODAY - timedelta(days=DIARY_DAYS - 1), TODAY)
    assert [row["Date"] for row in part.rows] == [
        TODAY - timedelta(days=13),
        TODAY - timedelta(days=3),
        TODAY - timedelta(days=3),
        TODAY,
    ]
    assert all(set(row) == {"Date", "Pain", "Activity", "Tried"} for row in part.rows)
    # Two entries on one day count once, at their mean.
    assert part.pain_by_day == (
        (TODAY - timedelta(days=13), 4.0),
        (TODAY - timedelta(days=3), 6.0),
        (TODAY, 2.0),
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def test_the_printout_holds_everything_and_escapes_what_people_wrote(kb: KnowledgeBase):
    vocab = Vocabulary.from_kb(kb)
    summary = _summary(
        kb,
        name="  Sam <script>alert(1)</script>  Example ",
        diary=diary_part(_entries(vocab), vocab, TODAY),
    )
    html = render(summary)
    parsed = _parse(html)
    text = " ".join(" ".join(parsed.text).split())
    assert "script" not in parsed.tags
    assert "Name: Sam <script>alert(1)</script> Example" in text
    assert "Date: 14 March 2025" in text
    assert f"Triage level: {summary.triage.title}" in text
    for explanation in summary.explanations:
        assert explanation.title in text
        assert "Because you said: " + "; ".join(explanation.because) in text
    assert summary.triage.disclaimer in text
    assert "Call 111" in text  # an urgent level's call, with the UK number by default
    assert "Dr Jones" not in html  # diary notes are never printed
    (chart,) = parsed.images
    svg = base64.b64decode(chart["src"].removeprefix("data:image/svg+xml;base64,")).decode()
    assert len(re.findall(r"<rect ", svg)) == 3  # one bar per day with entries
    assert chart["alt"].endswith("1 Mar 4; 11 Mar 6; 14 Mar 2")


def test_without_a_name_or_diary_the_printout_has_neither(kb: KnowledgeBase):
    html = render(_summary(kb))
    assert "Name:" not in html
    assert "Pain diary" not in html
    assert "<img" not in html


def test_an_empty_fortnight_says_so(kb: KnowledgeBase):
    vocab = Vocabulary.from_kb(kb)
    html = render(_summary(kb, diary=diary_part([], vocab, TODAY)))
    assert "No entries in these two weeks." in html
