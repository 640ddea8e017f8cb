"""The summary as one HTML article, laid out to print on a single A4 page.

Everything a person or the knowledge base wrote is escaped; the only markup
is this module's. The diary's chart is a small SVG picture (an <img> with
the SVG as a data URL, which the page's HTML sanitiser lets through) rather
than an interactive chart: it needs no script, draws at once and prints
sharply.
The print rules live in styles/summary.css.
"""

from __future__ import annotations

import base64
from html import escape
from typing import TYPE_CHECKING

from backcare.summary.content import Summary

if TYPE_CHECKING:
    from backcare.summary.diary import DiaryPart

#: The chart's drawing area in CSS pixels (the legend and labels sit inside it).
CHART_WIDTH, CHART_HEIGHT = 300, 140
_LEFT, _BOTTOM, _TOP = 26, 22, 8
MAX_PAIN = 10


def _day(value) -> str:
    return f"{value.day} {value:%B %Y}"


def _short_day(value) -> str:
    return f"{value.day} {value:%b}"


def _list(items, *, ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{tag}>"


def pain_chart(diary: DiaryPart) -> str:
    """Each day's mean pain as a bar, one slot per day (a day without entries stays empty).

    The picture's alt text says every bar's value, for anyone who cannot see it.
    """
    days = (diary.last - diary.first).days + 1
    plot_w, plot_h = CHART_WIDTH - _LEFT - 4, CHART_HEIGHT - _BOTTOM - _TOP
    slot = plot_w / days
    parts = []
    for level in (0, 5, 10):
        y = _TOP + plot_h * (1 - level / MAX_PAIN)
        parts.append(
            f'<line x1="{_LEFT}" x2="{CHART_WIDTH - 4}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#8a8a8a" stroke-width="0.5"/>'
            f'<text x="{_LEFT - 4}" y="{y + 3:.1f}" text-anchor="end">{level}</text>'
        )
    for day, pain in diary.pain_by_day:
        index = (day - diary.first).days
        height = plot_h * pain / MAX_PAIN
        x = _LEFT + index * slot + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{_TOP + plot_h - height:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{max(height, 1):.1f}" fill="#1f4e8c"/>'
        )
    base = CHART_HEIGHT - 6
    parts.append(f'<text x="{_LEFT}" y="{base}">{_short_day(diary.first)}</text>')
    parts.append(
        f'<text x="{CHART_WIDTH - 4}" y="{base}" text-anchor="end">{_short_day(diary.last)}</text>'
    )
    label = (
        f"Pain each day from {_day(diary.first)} to {_day(diary.last)}, 0 (none) to 10 (worst): "
        + ("; ".join(f"{_short_day(d)} {p:g}" for d, p in diary.pain_by_day) or "no entries")
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" '
        f'width="{CHART_WIDTH}" height="{CHART_HEIGHT}" font-family="sans-serif" '
        f'font-size="9" fill="#000">' + "".join(parts) + "</svg>"
    )
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img class="bc-chart" src="data:image/svg+xml;base64,{data}" alt="{escape(label)}" '
        f'width="{CHART_WIDTH}" height="{CHART_HEIGHT}">'
    )


def _diary(diary: DiaryPart) -> str:
    title = f"Pain diary, {_day(diary.first)} to {_day(diary.last)}"
    if not diary.rows:
        return f"<section><h2>{escape(title)}</h2><p>No entries in these two weeks.</p></section>"
    head = "".join(f"<th scope='col'>{escape(k)}</th>" for k in diary.rows[0])
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(_short_day(v) if k == 'Date' else str(v))}</td>" for k, v in row.items()
        )
        + "</tr>"
        for row in diary.rows
    )
    return (
        f"<section class='bc-diary-part'><h2>{escape(title)}</h2><div class='bc-diary'>"
        f"{pain_chart(diary)}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</div></section>"
    )


def render(summary: Summary) -> str:
    """The whole summary as one <article>; its text is escaped, its layout is styles/summary.css."""
    meta = f"Date: {_day(summary.printed_on)}"
    if summary.name:
        meta += f" &middot; Name: {escape(summary.name)}"
    signs = (
        _list(escape(s) for s in summary.warning_signs_yes)
        if summary.warning_signs_yes
        else "<p>None answered yes.</p>"
    )
    explanations = (
        _list(
            (
                f"<strong>{escape(e.title)}</strong>. Because you said: "
                + escape("; ".join(e.because))
                + "."
                for e in summary.explanations
            ),
            ordered=True,
        )
        if summary.explanations
        else "<p>None of the answers points to a particular explanation.</p>"
    )
    answers = "".join(
        f"<h3>{escape(step.title)}</h3>" + _list(escape(line) for line in step.lines)
        for step in summary.answers
    )
    triage = summary.triage
    box = [f"<h2>Triage level: {escape(triage.title)}</h2>"]
    if summary.call:
        box.append(f"<p><strong>{escape(summary.call)}</strong></p>")
    box.append(f"<p>{escape(triage.what_to_do)}</p>")
    box.append(f"<p><strong>How fast:</strong> {escape(triage.how_fast)}</p>")
    box += [f"<p><strong>{escape(caution)}</strong></p>" for caution in summary.cautions]
    parts = [
        f"<article class='bc-summary bc-level-{escape(triage.level)}' "
        "aria-label='Summary for your doctor or physiotherapist'>",
        "<header><h1>BackCare summary for a doctor or physiotherapist</h1>"
        f"<p class='bc-meta'>{meta}</p></header>",
        "<section class='bc-triage'>" + "".join(box) + "</section>",
        f"<section><h2>Warning signs answered yes</h2>{signs}</section>",
        f"<section><h2>Possible explanations (top three)</h2>{explanations}</section>",
        f"<section class='bc-answers'><h2>The answers, step by step</h2>{answers}</section>",
        _diary(summary.diary) if summary.diary is not None else "",
        f"<footer><p>{escape(triage.disclaimer)}</p></footer></article>",
    ]
    return "".join(parts)
