"""Altair charts of a pain diary, each with a plain sentence saying what it shows.

A chart alone asks the reader to work out the trend; the sentence under it
says it in words ("Your average pain fell from 6 to 3 over the last two
weeks"), which also serves people who cannot see the chart. Days count
equally: a day with two entries counts once, at the mean of its entries.
Charts use inline data and no external fonts or map tiles, so they need no
network. Notes never go into a chart: they are the person's own words and are
shown only as plain text on the page. No Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import altair as alt
import pandas as pd

from backcare.diary.entries import MAX_PAIN, Entry, Vocabulary

#: Days in each half of the "last two weeks" comparison, and in the rolling mean.
WEEK = 7
#: A change smaller than this (in points) reads as "about the same".
STEADY = 0.5
HEIGHT = 420
PAIN_TITLE = "Pain (0 = none, 10 = worst)"
#: A day in milliseconds, Vega-Lite's unit of time: no two date ticks are closer.
DAY_MS = 24 * 60 * 60 * 1000
#: Legend labels are cut at this many pixels, so the legend fits a 320 px wide screen.
LEGEND_LABEL_LIMIT = 220
LESS, MORE, SAME = "Less pain next day", "More pain next day", "No change"


def _num(value: float) -> str:
    """6 for 6.0, 5.5 for 5.5: a person reads whole numbers where they are whole."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def entries_frame(entries: Sequence[Entry], vocab: Vocabulary) -> pd.DataFrame:
    """One row per entry, in words, for the charts' dots and tooltips."""
    return pd.DataFrame(
        {
            "date": pd.to_datetime([e.date for e in entries]),
            "pain": [e.pain for e in entries],
            "activity": [vocab.activity_label(e.activity) for e in entries],
            "tried": [
                ", ".join(vocab.comfort_title(a) for a in e.comfort_actions) or "nothing listed"
                for e in entries
            ],
        }
    )


def daily(entries: Sequence[Entry]) -> pd.DataFrame:
    """One row per day with entries: mean pain, entry count, and the 7-day rolling mean.

    The rolling mean covers the seven calendar days ending on each day, using the
    days in that window that have entries.
    """
    frame = pd.DataFrame(
        {"date": pd.to_datetime([e.date for e in entries]), "pain": [e.pain for e in entries]}
    )
    days = frame.groupby("date")["pain"].agg(pain="mean", entries="count").sort_index()
    days["average_7d"] = days["pain"].rolling(f"{WEEK}D").mean()
    return days.reset_index()


def _day_means(entries: Sequence[Entry]) -> dict[date, float]:
    totals: dict[date, list[int]] = {}
    for entry in entries:
        totals.setdefault(entry.date, []).append(entry.pain)
    return {day: sum(p) / len(p) for day, p in totals.items()}


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


# --- pain over time ------------------------------------------------------------------------


def trend_sentence(entries: Sequence[Entry], today: date) -> str:
    """Compare the last seven days with the seven before them, in words."""
    if not entries:
        return "There are no entries yet."
    days = _day_means(entries)
    recent = [p for d, p in days.items() if today - timedelta(days=WEEK - 1) <= d <= today]
    earlier = [
        p
        for d, p in days.items()
        if today - timedelta(days=2 * WEEK - 1) <= d <= today - timedelta(days=WEEK)
    ]
    if recent and earlier:
        before, now = _mean(earlier), _mean(recent)
        if now <= before - STEADY:
            return (
                f"Your average pain fell from {_num(before)} to {_num(now)} "
                "over the last two weeks."
            )
        if now >= before + STEADY:
            return (
                f"Your average pain rose from {_num(before)} to {_num(now)} "
                "over the last two weeks."
            )
        return (
            f"Your average pain stayed about the same over the last two weeks, around {_num(now)}."
        )
    if recent or earlier:
        logged = recent + earlier
        return (
            f"In the last two weeks you logged {_plural(len(logged), 'day', 'days')} with an "
            f"average pain of {_num(_mean(logged))}. Entries in both weeks show which way "
            "it is going."
        )
    last = max(days)
    return (
        f"Your last entry is from {_day(last)}. Over all "
        f"{_plural(len(days), 'day', 'days')} in the diary your average pain was "
        f"{_num(_mean(list(days.values())))}."
    )


def _readable(chart: alt.TopLevelMixin, title: str, description: str) -> alt.TopLevelMixin:
    """A title on the chart, and for screen readers one description instead of every tick.

    Vega names the drawing by its description; with ARIA off for axes, legends and marks,
    a screen reader hears that sentence, not each repeated tick label (the page writes
    the same sentence under the chart).
    """
    return (
        chart.properties(title=title, description=description)
        .configure_axis(aria=False)
        .configure_legend(aria=False)
        .configure_mark(aria=False)
    )


def _day_axis(entries: Sequence[Entry]) -> alt.X:
    """Dates with at most one tick a day, and half a day to spare at each end for the dots."""
    first, last = min(e.date for e in entries), max(e.date for e in entries)
    half_day = timedelta(hours=12)
    start = datetime.combine(first, datetime.min.time()) - half_day
    end = datetime.combine(last, datetime.min.time()) + half_day
    return alt.X(
        "date:T",
        title="Date",
        scale=alt.Scale(domain=[start.isoformat(), end.isoformat()], nice=False),
        axis=alt.Axis(
            format="%d %b", labelAngle=0, labelOverlap=True, grid=False, tickMinStep=DAY_MS
        ),
    )


def pain_over_time(entries: Sequence[Entry], vocab: Vocabulary, *, today: date) -> alt.LayerChart:
    """Each entry as a dot (shape and colour by activity) under the 7-day rolling mean line."""
    points = entries_frame(entries, vocab)
    days = daily(entries)
    x = _day_axis(entries)
    y_scale = alt.Scale(domain=[0, MAX_PAIN])
    y_axis = alt.Axis(values=list(range(0, MAX_PAIN + 1, 2)))
    # Only the activities logged, in the questionnaire's order, so the legend names no strangers.
    logged = {e.activity for e in entries}
    activities = [label for value, label in vocab.activities.items() if value in logged]
    line = (
        alt.Chart(days)
        .mark_line(strokeWidth=3, interpolate="monotone", point=False)
        .encode(
            x=x,
            y=alt.Y("average_7d:Q", title=PAIN_TITLE, scale=y_scale, axis=y_axis),
            color=alt.value("#4a4a4a"),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%a %d %b %Y"),
                alt.Tooltip("average_7d:Q", title="7-day average", format=".1f"),
                alt.Tooltip("pain:Q", title="That day", format=".1f"),
            ],
        )
    )
    dots = (
        alt.Chart(points)
        .mark_point(size=90, filled=True, opacity=0.9)
        .encode(
            x=x,
            y=alt.Y("pain:Q", title=PAIN_TITLE, scale=y_scale, axis=y_axis),
            color=alt.Color(
                "activity:N",
                title="Activity",
                scale=alt.Scale(domain=activities),
                legend=alt.Legend(
                    orient="bottom", columns=1, symbolSize=90, labelLimit=LEGEND_LABEL_LIMIT
                ),
            ),
            shape=alt.Shape("activity:N", title="Activity", scale=alt.Scale(domain=activities)),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%a %d %b %Y"),
                alt.Tooltip("pain:Q", title="Pain"),
                alt.Tooltip("activity:N", title="Activity"),
                alt.Tooltip("tried:N", title="Tried"),
            ],
        )
    )
    return _readable(
        alt.layer(line, dots).properties(height=HEIGHT),
        "Pain over time",
        trend_sentence(entries, today),
    )


# --- pain by activity ----------------------------------------------------------------------


def by_activity(entries: Sequence[Entry], vocab: Vocabulary) -> pd.DataFrame:
    """Average pain and entry count per activity, highest average first."""
    frame = entries_frame(entries, vocab)
    table = frame.groupby("activity")["pain"].agg(average="mean", entries="count").reset_index()
    return table.sort_values(["average", "activity"], ascending=[False, True]).reset_index(
        drop=True
    )


def activity_sentence(entries: Sequence[Entry], vocab: Vocabulary) -> str:
    if not entries:
        return "There are no entries yet."
    table = by_activity(entries, vocab)
    top, low = table.iloc[0], table.iloc[-1]
    if len(table) == 1:
        return (
            f"All your entries are for {top['activity']}, with an average pain of "
            f"{_num(top['average'])}."
        )
    if _num(top["average"]) == _num(low["average"]):
        return f"Your average pain is the same, {_num(top['average'])}, for every activity."
    return (
        f"Entries for {top['activity']} have the highest average pain "
        f"({_num(top['average'])}, {_plural(int(top['entries']), 'entry', 'entries')}); "
        f"entries for {low['activity']} have the lowest "
        f"({_num(low['average'])}, {_plural(int(low['entries']), 'entry', 'entries')})."
    )


def pain_by_activity(entries: Sequence[Entry], vocab: Vocabulary) -> alt.Chart:
    table = by_activity(entries, vocab)
    chart = (
        alt.Chart(table)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            x=alt.X(
                "average:Q",
                title="Average pain (0 = none, 10 = worst)",
                scale=alt.Scale(domain=[0, MAX_PAIN]),
                axis=alt.Axis(values=list(range(MAX_PAIN + 1))),
            ),
            y=alt.Y("activity:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            tooltip=[
                alt.Tooltip("activity:N", title="Activity"),
                alt.Tooltip("average:Q", title="Average pain", format=".1f"),
                alt.Tooltip("entries:Q", title="Entries"),
            ],
        )
        .properties(height=alt.Step(40))
    )
    return _readable(chart, "Average pain by activity", activity_sentence(entries, vocab))


# --- after comfort actions -----------------------------------------------------------------


def comfort_effects(entries: Sequence[Entry], vocab: Vocabulary) -> pd.DataFrame:
    """For each comfort action: the mean change in pain from a day it was tried to the next day.

    Only days followed by a day with entries count; a negative change means less pain.
    """
    days = _day_means(entries)
    tried: dict[str, set[date]] = {}
    for entry in entries:
        for action in entry.comfort_actions:
            tried.setdefault(action, set()).add(entry.date)
    rows = []
    for action, on in tried.items():
        changes = [
            days[d + timedelta(days=1)] - days[d] for d in on if d + timedelta(days=1) in days
        ]
        if changes:
            change = _mean(changes)
            rows.append(
                {
                    "action": action,
                    "title": vocab.comfort_title(action),
                    "change": change,
                    "days": len(changes),
                    "direction": LESS if change < 0 else MORE if change > 0 else SAME,
                }
            )
    columns = ["action", "title", "change", "days", "direction"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["change", "title"]).reset_index(drop=True)


def comfort_sentence(entries: Sequence[Entry], vocab: Vocabulary) -> str:
    effects = comfort_effects(entries, vocab)
    if effects.empty:
        return (
            "Nothing to compare yet: this needs a day when you tried a comfort action "
            "followed by an entry on the next day."
        )
    best = effects.iloc[0]
    times = _plural(int(best["days"]), "time", "times")
    if best["change"] < 0:
        points = _num(-best["change"])
        return (
            f"On the day after you tried {best['title']}, your pain was on average {points} "
            f"{'point' if points == '1' else 'points'} lower (counted {times})."
        )
    return "On the day after each comfort action you logged, your pain was not lower on average."


def comfort_chart(entries: Sequence[Entry], vocab: Vocabulary) -> alt.LayerChart | None:
    """Bars of the next-day change per comfort action; None while there is nothing to compare."""
    effects = comfort_effects(entries, vocab)
    if effects.empty:
        return None
    # Symmetric around zero, in whole points, so "less" and "more" read at a glance.
    reach = max(2, math.ceil(effects["change"].abs().max()))
    bars = (
        alt.Chart(effects)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            x=alt.X(
                "change:Q",
                title="Change in pain on the next day (below 0 = less pain)",
                scale=alt.Scale(domain=[-reach, reach]),
                axis=alt.Axis(
                    values=list(range(-reach, reach + 1, 1 if reach <= 5 else 2)), format="d"
                ),
            ),
            y=alt.Y("title:N", title=None, sort="x", axis=alt.Axis(labelLimit=260)),
            color=alt.Color(
                "direction:N",
                title=None,
                scale=alt.Scale(domain=[LESS, SAME, MORE], range=["#2e7d32", "#9e9e9e", "#c62828"]),
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=LEGEND_LABEL_LIMIT),
            ),
            tooltip=[
                alt.Tooltip("title:N", title="Comfort action"),
                alt.Tooltip("change:Q", title="Average change", format="+.1f"),
                alt.Tooltip("days:Q", title="Days counted"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#4a4a4a").encode(x="x:Q")
    return _readable(
        alt.layer(bars, zero).properties(height=alt.Step(40)),
        "Pain the day after each comfort action",
        comfort_sentence(entries, vocab),
    )
