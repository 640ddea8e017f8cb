"""The analysts' views: what they show, what they hide, export, charts and the CLI."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backcare import assess
from backcare.analytics import charts as insight_charts
from backcare.analytics import demo_data, insights
from backcare.analytics.cli import EXIT_FAILED
from backcare.analytics.record import from_assessment
from backcare.analytics.store.base import Selection, check
from backcare.analytics.store.duckdb_store import DuckDBStore
from backcare.analytics.suppression import Protected, status_of
from backcare.assessment.contract import TRIAGE_LEVELS
from backcare.assessment.engine import default_scorer, knowledge_base
from backcare.cli import main
from tests.analytics.insights_data import memory_store, record
from tests.analytics.kanon_attack import derivations

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def vocab() -> insights.Vocabulary:
    return insights.vocabulary(knowledge_base())


def _leaks(report: insights.Report, vocab: insights.Vocabulary) -> list[str]:
    return derivations(
        report.views,
        report.k,
        vocab.sign_levels,
        vocab.complete_levels,
        TRIAGE_LEVELS,
        vocab.age_floors,
    )


def test_the_vocabulary_names_the_checklist_signs_and_the_levels_they_bound(vocab):
    assert len(vocab.signs) == 20  # the 17 checklist signs and the 3 of issue 12
    assert vocab.signs["chest_pain"] == "Chest pain as well as the back pain"
    assert vocab.sign_levels["fever"] == "urgent"
    # Only checklist signs give these two levels, so their totals bound the sign counts.
    assert vocab.complete_levels == ("emergency", "urgent")
    assert "severe_pain" not in vocab.signs


def test_week_spans_cross_the_turn_of_the_year():
    assert insights.week_span("2026-W52", "2027-W02") == (
        "2026-W52",
        "2026-W53",
        "2027-W01",
        "2027-W02",
    )
    with pytest.raises(ValueError, match="not an ISO week"):
        insights.week_start("2026-47")


def test_an_empty_or_tiny_selection_shows_nothing(vocab):
    store = memory_store([record()] * 4)
    assert insights.build(store, Selection(site_id="nowhere"), 5, vocab).withheld == (
        "No assessments match this selection."
    )
    tiny = insights.build(store, Selection(), 5, vocab)
    assert tiny.withheld.startswith("Fewer than 5 assessments") and tiny.views == {}
    assert tiny.total is None


def test_a_big_enough_selection_is_shown_with_every_view(vocab):
    store = memory_store([record()] * 12 + [record(week="2026-W12", triage="urgent",
                                                  warning_signs=("fever",))] * 3)  # fmt: skip
    report = insights.build(store, Selection(), 5, vocab)
    assert report.withheld is None and report.total == 15
    assert list(report.views) == list(insights.VIEWS)
    weeks = report.views["weekly_totals"]
    assert list(weeks["week"]) == ["2026-W10", "2026-W11", "2026-W12"]
    # 15 in all and "<5" in week 12: showing week 10's 12 would give week 12's 3 away.
    assert list(weeks["shown"]) == ["hidden", "0", "<5"]
    for frame in report.views.values():
        numeric = frame["shown"].str.fullmatch(r"\d+")
        assert (frame["n"].notna() == numeric).all()
        assert set(frame.loc[~numeric, "shown"]) <= {"<5", "hidden"}
    assert _leaks(report, vocab) == []


def test_the_worked_example_hides_just_enough(vocab):
    """3 urgent among 38: the urgent week cell, its row and column need company."""
    items = (
        [record(week="2026-W01")] * 20
        + [record(week="2026-W01", triage="urgent", warning_signs=("fever",))] * 3
        + [record(week="2026-W02")] * 15
    )
    report = insights.build(memory_store(items), Selection(), 5, vocab)
    cells = report.views["weekly_triage"].set_index(["week", "triage"])["shown"]
    assert cells[("2026-W01", "urgent")] == "<5"
    assert report.views["triage_totals"].set_index("triage")["shown"]["urgent"] == "<5"
    assert "hidden" in set(report.views["weekly_totals"]["shown"]) | set(cells)
    assert report.views["warning_signs"].set_index("sign")["shown"]["fever"] == "<5"
    assert _leaks(report, vocab) == []


def _primary_only(grids, k, signs=None):
    """Suppression without the complementary part: what the onlooker should defeat."""
    members = [m for ms in signs.members.values() for m in ms] if signs else []
    return [
        Protected(
            {(r, c): status_of(g.cell(r, c), k) for r in g.rows for c in g.cols},
            {r: status_of(sum(g.cell(r, c) for c in g.cols), k) for r in g.rows},
            {c: status_of(sum(g.cell(r, c) for r in g.rows), k) for c in g.cols},
            status_of(sum(g.counts.values()), k),
            {sign: status_of(n, k) for sign, n in members},
        )
        for g in grids
    ]


def test_the_onlooker_finds_what_hiding_small_cells_alone_gives_away(vocab, monkeypatch):
    items = (
        [record(week="2026-W01")] * 20
        + [record(week="2026-W01", triage="urgent", warning_signs=("fever",))] * 3
        + [record(week="2026-W02")] * 15
    )
    monkeypatch.setattr(insights, "protect", _primary_only)
    leaks = _leaks(insights.build(memory_store(items), Selection(), 5, vocab), vocab)
    assert any("from its total minus the shown counts" in leak for leak in leaks)
    assert any("'warning_signs', 'fever') = 3" in leak for leak in leaks)


def test_signs_that_add_up_to_their_level_total_are_protected(vocab):
    """Two emergency signs of 4 people each and an emergency total of 8 would pin both."""
    items = (
        [record()] * 30
        + [record(triage="emergency", warning_signs=("chest_pain",))] * 4
        + [record(triage="emergency", warning_signs=("both_legs",), week="2026-W11")] * 4
    )
    report = insights.build(memory_store(items), Selection(), 5, vocab)
    signs = report.views["warning_signs"].set_index("sign")["shown"]
    assert signs["chest_pain"] == signs["both_legs"] == "<5"
    assert report.views["triage_totals"].set_index("triage")["shown"]["emergency"] == "hidden"
    assert _leaks(report, vocab) == []


def test_children_always_seeing_a_doctor_gives_nothing_away(vocab):
    """Everyone aged 5 to 9 is at least "see a doctor": that rule is public, so it is an
    onlooker's link between the age totals and the triage totals too."""
    assert vocab.age_floors == {"0-9": "see_doctor"}
    items = [record(age_band="0-9", triage="see_doctor")] * 20 + [record(week="2026-W11")] * 3
    report = insights.build(memory_store(items), Selection(), 5, vocab)
    assert report.views["triage_totals"].set_index("triage")["shown"]["self_care"] == "<5"
    assert _leaks(report, vocab) == []


def test_filter_options_offer_only_weeks_and_sites_with_k_records(vocab):
    store = memory_store(
        [record(week="2026-W01")] * 5
        + [record(week="2026-W03", site_id="clinic-b")] * 5
        + [record(week="2026-W09", site_id="tiny")] * 2
    )
    options = insights.options(store, 5)
    assert options.weeks == ("2026-W01", "2026-W02", "2026-W03")
    assert options.sites == ("clinic-a", "clinic-b")


def test_a_view_with_a_small_count_is_never_let_through():
    frame = pd.DataFrame({"n": pd.array([3], dtype="Int64"), "shown": ["3"]})
    with pytest.raises(AssertionError, match="below 5"):
        insights.assert_safe({"overall": frame}, 5)


@pytest.fixture(scope="module")
def demo_report(vocab) -> insights.Report:
    store = DuckDBStore(":memory:")
    store.submit_many(demo_data.generate(1500, seed=3))
    report = insights.build(store, Selection(), 11, vocab)
    store.close()
    return report


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_writes_exactly_the_views(demo_report, tmp_path, fmt):
    written = insights.export(demo_report, fmt, tmp_path / "out")
    assert [p.name for p in written] == [f"{name}.{fmt}" for name in insights.VIEWS]
    for name, frame in demo_report.views.items():
        path = tmp_path / "out" / f"{name}.{fmt}"
        back = pd.read_csv(path, dtype={"shown": str}) if fmt == "csv" else pd.read_parquet(path)
        assert list(back.columns) == list(frame.columns)
        assert list(back["shown"]) == list(frame["shown"])
        assert [None if pd.isna(v) else int(v) for v in back["n"]] == [
            None if pd.isna(v) else int(v) for v in frame["n"]
        ]


def _chart_rows(chart) -> list[dict]:
    """Every data row a chart's spec carries to the browser (tooltips read these)."""
    spec = chart.to_dict()
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_charts_carry_only_published_counts(demo_report, vocab):
    k = demo_report.k
    charts = {
        "weekly_totals": insight_charts.weekly_totals(demo_report),
        "weekly_triage": insight_charts.triage_mix(demo_report, vocab),
        "causes_by_activity": insight_charts.top_causes(demo_report, vocab),
        "pain_by_age": insight_charts.pain_by_age(demo_report),
        "warning_signs": insight_charts.warning_signs(demo_report, vocab),
    }
    for view, chart in charts.items():
        frame = demo_report.views[view]
        published = {int(n) for n in frame["n"].dropna()}
        rows = _chart_rows(chart)
        assert rows, view
        for row in rows:
            assert row["n"] is None or row["n"] in published, (view, row)
            assert row["shown"] in set(frame["shown"]), (view, row)
            numbers = [v for v in row.values() if isinstance(v, int) and not isinstance(v, bool)]
            assert not [v for v in numbers if 0 < v < k], row
    # The demo data has small and hidden groups, and the charts carry their labels.
    labels = {row["shown"] for chart in charts.values() for row in _chart_rows(chart)}
    assert {f"<{k}", "hidden"} <= labels


def test_demo_records_are_valid_reproducible_and_plausible():
    first = list(demo_data.generate(300, seed=7))
    assert first == list(demo_data.generate(300, seed=7))
    for item in first:
        check(item)
    activities = pd.Series([r.activity for r in first]).value_counts()
    assert activities.index[0] == "running"
    triage = pd.Series([r.triage for r in first]).value_counts(normalize=True)
    assert triage.get("emergency", 0) < 0.15


def test_demo_answers_are_valid_and_batch_scored_like_single_assessments():
    scorer = default_scorer()
    drawn = demo_data.random_answers(150, np.random.default_rng(12), scorer.fact_bits)
    answer_sets = scorer.fact_bits.decode(drawn.encoded)
    scored = scorer.score_many(drawn.encoded).to_pylist()
    for answers, row, activity in zip(answer_sets, scored, drawn.activity, strict=True):
        assert answers["activity"] == activity
        single = from_assessment(assess(answers), site_id="x", mode="kiosk", day=date(2026, 3, 2))
        assert (row["level"], tuple(row["top_causes"]), tuple(row["warning_signs"])) == (
            single.triage,
            single.top_causes,
            single.warning_signs,
        )


# --- the command line ----------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_demo_data_then_export_from_the_command_line(tmp_path):
    store = tmp_path / "demo.duckdb"
    code, out, _ = _cli("demo-data", "--rows", "400", "--store", str(store), "--seed", "1")
    assert code == 0 and "added 400 synthetic records" in out and "holds 400" in out
    code, out, err = _cli(
        "export", "--format", "csv", "--out", str(tmp_path / "views"), "--store", str(store),
        "--k", "5",
    )  # fmt: skip
    assert code == 0, err
    assert len(out.splitlines()) == len(insights.VIEWS)
    overall = pd.read_csv(tmp_path / "views" / "overall.csv")
    assert overall["n"].tolist() == [400]


def test_export_of_an_empty_store_says_there_is_nothing(tmp_path):
    code, out, err = _cli(
        "export", "--format", "parquet", "--out", str(tmp_path / "v"), "--store",
        str(tmp_path / "empty.duckdb"),
    )  # fmt: skip
    assert code == EXIT_FAILED and out == ""
    assert err.startswith("error: nothing to export: No assessments")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["export", "--format", "xlsx", "--out", "x"], "invalid choice: 'xlsx'"),
        (["export", "--format", "csv", "--out", "x", "--k", "4"], "below the minimum of 5"),
        (["demo-data", "--rows", "0"], "not a positive whole number"),
    ],
)
def test_the_command_line_refuses_bad_arguments(args, fragment, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert fragment in captured.err and captured.out == ""


def test_a_held_store_stops_the_command_with_one_line(tmp_path):
    path = tmp_path / "held.duckdb"
    holder = DuckDBStore(path)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "backcare", "export", "--format", "csv", "--out",
             str(tmp_path / "v"), "--store", str(path)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        holder.close()
    assert done.returncode == EXIT_FAILED
    assert done.stderr.count("\n") == 1 and "is in use by process" in done.stderr
    assert str(path) in done.stderr
