"""Altair charts of the published views: drawn from published counts and labels only.

A chart's data travels to the browser whole (tooltips read from it), so each
chart is built from a view's ``n`` (empty when not shown) and ``shown`` label
and nothing else: a hidden count is not in the page even where no mark draws it.
Hidden counts are written as their label ("<11", "hidden") where their bar
or cell would be. Charts over months take the publication's views; charts of
one month take ``Publication.month()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from backcare.analytics.insights import Vocabulary
from backcare.analytics.store.base import ACTIVITIES, AGE_BANDS, NO_CAUSE, PAIN_BANDS_ALL
from backcare.assessment.contract import TRIAGE_LEVELS

Views = Mapping[str, pd.DataFrame]
#: Causes shown in "likeliest cause by activity": those most often ranked first.
TOP_CAUSES = 8
#: Colours per triage level, most urgent darkest; each also has its name in the legend.
TRIAGE_COLOURS = ("#7f1d1d", "#c2410c", "#1d4ed8", "#15803d")
#: Streamlit fits the whole chart (titles, axes, legend) into its height, so the month
#: charts need room for their labels and the triage legend below them.
HEIGHT = 320
TRIAGE_HEIGHT = 420


def _published(frame: pd.DataFrame) -> pd.DataFrame:
    """The view as a chart may carry it: counts as plain numbers or None, and the label."""
    out = frame.copy()
    out["n"] = [None if pd.isna(v) else int(v) for v in out["n"]]
    out["hidden"] = out["n"].isna()
    return out


def monthly_totals(views: Views) -> alt.Chart:
    data = _published(views["monthly_totals"])
    base = alt.Chart(data).encode(
        x=alt.X("month:O", title="Month", sort=list(data["month"])),
        tooltip=[
            alt.Tooltip("month:O", title="Month"),
            alt.Tooltip("shown:N", title="Assessments"),
        ],
    )
    bars = base.mark_bar().encode(y=alt.Y("n:Q", title="Assessments"))
    labels = (
        base.transform_filter("datum.hidden")
        .mark_text(baseline="bottom", dy=-2, fontSize=10, angle=270, align="left")
        .encode(y=alt.datum(0), text="shown:N")
    )
    return (bars + labels).properties(height=HEIGHT, title="Assessments per month")


def triage_per_month(views: Views, vocab: Vocabulary) -> alt.Chart:
    data = _published(views["triage_totals"])
    data["level"] = data["triage"].map(vocab.levels)
    order = [vocab.levels[t] for t in TRIAGE_LEVELS]
    return (
        alt.Chart(data)
        .transform_filter("!datum.hidden")
        .mark_bar()
        .encode(
            x=alt.X("month:O", title="Month", sort=sorted(data["month"].unique())),
            y=alt.Y("n:Q", title="Assessments (shown counts)", stack="zero"),
            color=alt.Color(
                "level:N",
                title="Triage level",
                sort=order,
                scale=alt.Scale(domain=order, range=list(TRIAGE_COLOURS)),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=400),
            ),
            order=alt.Order("triage_rank:Q"),
            tooltip=[
                alt.Tooltip("month:O", title="Month"),
                alt.Tooltip("level:N", title="Triage level"),
                alt.Tooltip("shown:N", title="Assessments"),
            ],
        )
        .transform_calculate(
            triage_rank=f"indexof({list(TRIAGE_LEVELS)!r}, datum.triage)",
        )
        .properties(height=TRIAGE_HEIGHT, title="Triage level per month")
    )


def _heat_map(
    data: pd.DataFrame,
    x: tuple[str, str, Sequence[str]],
    y: tuple[str, str, Sequence[str]],
    title: str,
) -> alt.Chart:
    """A two-way view as coloured cells, each with its label written in it."""
    (x_field, x_title, x_sort), (y_field, y_title, y_sort) = x, y
    largest = max((n for n in data["n"] if n is not None), default=0)
    data["dark"] = [n is not None and n > 0.6 * largest for n in data["n"]]
    base = alt.Chart(data).encode(
        x=alt.X(f"{x_field}:O", title=x_title, sort=list(x_sort), axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y_field}:O", title=y_title, sort=list(y_sort)),
        tooltip=[
            alt.Tooltip(f"{y_field}:O", title=y_title),
            alt.Tooltip(f"{x_field}:O", title=x_title),
            alt.Tooltip("shown:N", title="Assessments"),
        ],
    )
    cells = base.mark_rect().encode(
        color=alt.condition(
            "datum.hidden",
            alt.value("#e5e7eb"),
            alt.Color("n:Q", title="Assessments", scale=alt.Scale(scheme="blues")),
        )
    )
    text = base.mark_text(fontSize=11).encode(
        text="shown:N",
        color=alt.condition("datum.dark", alt.value("white"), alt.value("black")),
    )
    return (cells + text).properties(height=HEIGHT + 60, title=title)


def site_triage(month: Views, vocab: Vocabulary) -> alt.Chart:
    data = _published(month["site_triage"])
    data["level"] = data["triage"].map(vocab.levels)
    sites = list(dict.fromkeys(data["site"]))
    levels = [vocab.levels[t] for t in TRIAGE_LEVELS]
    return _heat_map(
        data, ("level", "Triage level", levels), ("site", "Site", sites), "Triage level by site"
    )


def pain_by_age(month: Views) -> alt.Chart:
    return _heat_map(
        _published(month["pain_by_age"]),
        ("pain_band", "Pain band (0–10)", PAIN_BANDS_ALL),
        ("age_band", "Age band", AGE_BANDS),
        "Pain band by age band",
    )


def causes_by_activity(month: Views, vocab: Vocabulary) -> alt.Chart:
    data = _published(month["cause_by_activity"])
    totals = _published(month["cause_totals"])
    ranked = totals[totals["cause"] != NO_CAUSE].sort_values(
        "n", ascending=False, na_position="last", kind="stable"
    )
    chosen = list(ranked["cause"][:TOP_CAUSES])
    data = data[data["cause"].isin(chosen)].copy()
    data["title"] = data["cause"].map(lambda c: vocab.causes.get(c, c))
    data["activity_name"] = data["activity"].str.replace("_", " ")
    titles = [vocab.causes.get(c, c) for c in chosen]
    activities = [a.replace("_", " ") for a in ACTIVITIES]
    base = alt.Chart(data).encode(
        y=alt.Y("title:N", title=None, sort=titles, axis=alt.Axis(labelLimit=220)),
        yOffset=alt.YOffset("activity_name:N", sort=activities),
        tooltip=[
            alt.Tooltip("title:N", title="Possible cause ranked first"),
            alt.Tooltip("activity_name:N", title="Activity"),
            alt.Tooltip("shown:N", title="Assessments"),
        ],
    )
    bars = base.mark_bar().encode(
        x=alt.X("n:Q", title="Assessments that ranked it first"),
        color=alt.Color("activity_name:N", title="Activity", sort=activities),
    )
    labels = (
        base.transform_filter("datum.hidden")
        .mark_text(align="left", dx=2, fontSize=9)
        .encode(x=alt.datum(0), text="shown:N")
    )
    return (bars + labels).properties(
        height=max(HEIGHT, 22 * len(chosen) * 2), title="Likeliest cause by activity"
    )


def warning_signs(month: Views, vocab: Vocabulary) -> alt.Chart:
    data = _published(month["warning_signs"])
    data["label"] = data["sign"].map(vocab.signs)
    order = list(data.sort_values("n", ascending=False, na_position="last")["label"])
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)),
        tooltip=[
            alt.Tooltip("label:N", title="Warning sign"),
            alt.Tooltip("shown:N", title="Assessments"),
        ],
    )
    bars = base.mark_bar(color="#b45309").encode(
        x=alt.X("n:Q", title="Assessments in which it was reported")
    )
    labels = base.mark_text(align="left", dx=3, fontSize=10).encode(x=alt.X("n:Q"), text="shown:N")
    hidden = (
        base.transform_filter("datum.hidden")
        .mark_text(align="left", dx=3, fontSize=10)
        .encode(x=alt.datum(0), text="shown:N")
    )
    return (bars + labels + hidden).properties(
        height=max(HEIGHT, 28 * len(data)), title="Warning-sign frequency"
    )
