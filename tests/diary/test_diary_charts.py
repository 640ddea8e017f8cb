"""Diary charts: the numbers behind them, the sentences under them, specs needing no network."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.assessment.engine import knowledge_base
from backcare.diary import changes, charts
from backcare.diary.entries import Vocabulary, make_entry
from tests.profiles import examples

TODAY = date(2026, 3, 20)
VOCAB = Vocabulary.from_kb(knowledge_base())


def day(ago: int) -> date:
    return TODAY - timedelta(days=ago)


def e(ago: int, pain: int, activity: str = "running", comfort=(), note: str = ""):
    return make_entry(
        VOCAB,
        day=day(ago),
        pain=pain,
        activity=activity,
        comfort_actions=list(comfort),
        note=note,
        today=TODAY,
    )


def book(*entries):
    return changes.replace_with(entries)


# --- numbers ---------------------------------------------------------------------------------


def test_days_count_once_at_the_mean_of_their_entries_and_roll_over_seven_days():
    entries = book(e(9, 8), e(9, 6), e(8, 6), e(5, 4), e(2, 2), e(1, 2), e(0, 1))
    days = charts.daily(entries)
    assert [d.date() for d in days["date"]] == [day(9), day(8), day(5), day(2), day(1), day(0)]
    assert list(days["pain"]) == [7, 6, 4, 2, 2, 1]
    assert list(days["entries"]) == [2, 1, 1, 1, 1, 1]
    # Seven calendar days ending on each day: day(2) sees days 8..2, so day(9) has left it.
    assert days["average_7d"].iloc[3] == pytest.approx((6 + 4 + 2) / 3)
    assert days["average_7d"].iloc[5] == pytest.approx((4 + 2 + 2 + 1) / 4)


def test_pain_by_activity_averages_entries_highest_first():
    entries = book(e(3, 8), e(2, 6), e(1, 1, "rest_day"), e(0, 3, "stretching"))
    table = charts.by_activity(entries, VOCAB)
    assert list(table["activity"]) == ["Running", "Stretching", "Rest day"]
    assert list(table["average"]) == [7, 3, 1]
    assert list(table["entries"]) == [2, 1, 1]


def test_comfort_effects_compare_a_day_it_was_tried_with_the_next_day():
    entries = book(
        e(6, 7, comfort=["ice_or_heat"]),
        e(5, 5),  # ice: 7 -> 5
        e(4, 6, comfort=["ice_or_heat", "cat_cow"]),
        e(3, 6),  # ice: 6 -> 6, cat-cow: 6 -> 6
        e(1, 4, comfort=["cat_cow"]),
        e(0, 7, comfort=["drink_fluids"]),  # cat-cow: 4 -> 7; water today has no next day yet
    )
    effects = charts.comfort_effects(entries, VOCAB).set_index("action")
    assert effects.loc["ice_or_heat", "change"] == pytest.approx(-1)
    assert effects.loc["ice_or_heat", "days"] == 2
    assert effects.loc["cat_cow", "change"] == pytest.approx(1.5)
    assert "drink_fluids" not in effects.index
    assert effects.loc["ice_or_heat", "direction"] == charts.LESS


# --- sentences -------------------------------------------------------------------------------


def test_the_issue_example_pain_fell_from_6_to_3_over_the_last_two_weeks():
    entries = book(*[e(ago, 6) for ago in range(7, 14)], *[e(ago, 3) for ago in range(7)])
    assert (
        charts.trend_sentence(entries, TODAY)
        == "Your average pain fell from 6 to 3 over the last two weeks."
    )


@pytest.mark.parametrize(
    ("earlier", "recent", "expected"),
    [
        ([2, 2], [5], "Your average pain rose from 2 to 5 over the last two weeks."),
        ([5, 4], [2, 3], "Your average pain fell from 4.5 to 2.5 over the last two weeks."),
        ([4], [4], "Your average pain stayed about the same over the last two weeks, around 4."),
        ([4], [4, 4, 5], "stayed about the same over the last two weeks, around 4.3."),
    ],
)
def test_the_trend_sentence_says_which_way_it_went(earlier, recent, expected):
    entries = book(
        *[e(7 + i, pain) for i, pain in enumerate(earlier)],
        *[e(i, pain) for i, pain in enumerate(recent)],
    )
    assert expected in charts.trend_sentence(entries, TODAY)


def test_the_trend_sentence_without_both_weeks_or_without_recent_entries():
    assert charts.trend_sentence((), TODAY) == "There are no entries yet."
    only_recent = book(e(1, 5), e(0, 6))
    assert charts.trend_sentence(only_recent, TODAY).startswith(
        "In the last two weeks you logged 2 days with an average pain of 5.5."
    )
    old = book(e(40, 4), e(30, 7))
    assert charts.trend_sentence(old, TODAY) == (
        "Your last entry is from 18 February 2026. Over all 2 days in the diary your average "
        "pain was 5.5."
    )


def test_the_activity_sentence_names_the_highest_and_lowest():
    entries = book(e(3, 8), e(2, 6), e(1, 1, "rest_day"), e(0, 3, "stretching"))
    assert charts.activity_sentence(entries, VOCAB) == (
        "Entries for Running have the highest average pain (7, 2 entries); "
        "entries for Rest day have the lowest (1, 1 entry)."
    )
    assert charts.activity_sentence(book(e(1, 4)), VOCAB) == (
        "All your entries are for Running, with an average pain of 4."
    )


def test_the_comfort_sentence_names_the_biggest_drop_or_says_there_is_none():
    eased = book(e(3, 7, comfort=["ice_or_heat"]), e(2, 4))
    assert charts.comfort_sentence(eased, VOCAB) == (
        "On the day after you tried Ice or heat, your pain was on average 3 points lower "
        "(counted 1 time)."
    )
    worse = book(e(3, 2, comfort=["ice_or_heat"]), e(2, 4))
    assert "was not lower" in charts.comfort_sentence(worse, VOCAB)
    assert charts.comfort_sentence(book(e(0, 3)), VOCAB).startswith("Nothing to compare yet")
    assert charts.comfort_chart(book(e(0, 3)), VOCAB) is None


# --- chart specs -----------------------------------------------------------------------------


def _spec(chart) -> dict:
    return chart.to_dict()


def test_pain_over_time_has_the_rolling_mean_line_and_a_marker_per_activity():
    entries = book(e(3, 7), e(2, 5, "rest_day"), e(1, 4, "stretching"), e(0, 3))
    spec = _spec(charts.pain_over_time(entries, VOCAB, today=TODAY))
    line, dots = spec["layer"]
    assert line["mark"]["type"] == "line" and line["encoding"]["y"]["field"] == "average_7d"
    assert dots["mark"]["type"] == "point"
    assert dots["encoding"]["shape"]["field"] == dots["encoding"]["color"]["field"] == "activity"
    assert dots["encoding"]["color"]["scale"]["domain"] == ["Stretching", "Running", "Rest day"]
    assert {t["title"] for t in dots["encoding"]["tooltip"]} == {
        "Date",
        "Pain",
        "Activity",
        "Tried",
    }
    assert dots["encoding"]["y"]["scale"]["domain"] == [0, 10]
    assert dots["encoding"]["y"]["title"] == charts.PAIN_TITLE
    assert spec["description"] == charts.trend_sentence(entries, TODAY)


def test_every_chart_has_a_title_and_one_description_for_screen_readers():
    entries = book(e(3, 7, comfort=["ice_or_heat"]), e(2, 5, "rest_day"), e(0, 3))
    for chart, sentence in (
        (charts.pain_over_time(entries, VOCAB, today=TODAY), charts.trend_sentence(entries, TODAY)),
        (charts.pain_by_activity(entries, VOCAB), charts.activity_sentence(entries, VOCAB)),
        (charts.comfort_chart(entries, VOCAB), charts.comfort_sentence(entries, VOCAB)),
    ):
        spec = _spec(chart)
        assert spec["title"] and spec["description"] == sentence
        # Axes, legends and marks stay out of the accessibility tree: no repeated tick labels.
        config = spec["config"]
        assert config["axis"]["aria"] is config["legend"]["aria"] is config["mark"]["aria"] is False


@pytest.mark.parametrize("days", [1, 3, 40])
def test_the_date_axis_ticks_at_most_once_a_day_with_room_for_the_first_and_last_dot(days):
    entries = book(*(e(ago, 3) for ago in range(days)))
    dots = _spec(charts.pain_over_time(entries, VOCAB, today=TODAY))["layer"][1]
    x = dots["encoding"]["x"]
    assert x["axis"]["tickMinStep"] == 24 * 60 * 60 * 1000
    first, last = x["scale"]["domain"]
    assert first == f"{day(days - 1) - timedelta(days=1)}T12:00:00"
    assert last == f"{TODAY}T12:00:00"
    assert x["scale"]["nice"] is False


def test_legends_are_one_column_of_labels_that_fit_a_narrow_phone():
    entries = book(e(3, 7, "strength_training", comfort=["ice_or_heat"]), e(2, 5), e(0, 3))
    dots = _spec(charts.pain_over_time(entries, VOCAB, today=TODAY))["layer"][1]
    bars = _spec(charts.comfort_chart(entries, VOCAB))["layer"][0]
    for legend in (dots["encoding"]["color"]["legend"], bars["encoding"]["color"]["legend"]):
        assert legend["columns"] == 1 and legend["labelLimit"] <= 240


def test_charts_carry_their_data_inline_and_load_nothing_from_the_network():
    entries = book(e(3, 7, comfort=["ice_or_heat"], note="secret words"), e(2, 5), e(0, 3))
    for chart in (
        charts.pain_over_time(entries, VOCAB, today=TODAY),
        charts.pain_by_activity(entries, VOCAB),
        charts.comfort_chart(entries, VOCAB),
    ):
        text = json.dumps(_spec(chart))
        assert '"url"' not in text and "http" not in text.replace(
            "https://vega.github.io/schema/", ""
        )
        assert "secret words" not in text  # notes stay out of charts and tooltips
        assert "tooltip" in text


diaries = st.lists(
    st.builds(
        e,
        ago=st.integers(0, 60),
        pain=st.integers(0, 10),
        activity=st.sampled_from(list(VOCAB.activities)),
        comfort=st.lists(st.sampled_from(list(VOCAB.comfort)[:4]), unique=True, max_size=2),
    ),
    min_size=1,
    max_size=30,
).map(changes.replace_with)


@settings(max_examples=examples(60), deadline=None)
@given(diaries)
def test_any_diary_charts_and_reads_as_a_sentence(entries):
    days = charts.daily(entries)
    assert len(days) == len({x.date for x in entries})
    assert days["average_7d"].between(0, 10).all()
    charts.pain_over_time(entries, VOCAB, today=TODAY).to_dict()
    charts.pain_by_activity(entries, VOCAB).to_dict()
    comfort = charts.comfort_chart(entries, VOCAB)
    if comfort is not None:
        comfort.to_dict()
    for sentence in (
        charts.trend_sentence(entries, TODAY),
        charts.activity_sentence(entries, VOCAB),
        charts.comfort_sentence(entries, VOCAB),
    ):
        assert sentence.endswith(".") and "nan" not in sentence
