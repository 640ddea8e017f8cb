"""The analysts' publication: what it shows, what it hides, export, charts and the CLI."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backcare import assess
from backcare.analytics import charts as insight_charts
from backcare.analytics import demo_data, insights
from backcare.analytics.cli import EXIT_FAILED
from backcare.analytics.record import from_assessment
from backcare.analytics.store.base import check
from backcare.analytics.store.duckdb_store import DuckDBStore
from backcare.analytics.suppression import Protected, status_of
from backcare.assessment.contract import TRIAGE_LEVELS
from backcare.assessment.engine import default_scorer, knowledge_base
from backcare.cli import main
from tests.analytics.insights_data import TODAY, memory_store, record
from tests.analytics.kanon_attack import Extra, PublicRules, derivations

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def vocab() -> insights.Vocabulary:
    return insights.vocabulary(knowledge_base())


def _publish(items, k: int, vocab: insights.Vocabulary) -> insights.Publication:
    store = memory_store(items)
    try:
        return insights.publish(store, k, vocab, today=TODAY)
    finally:
        store.close()


def _leaks(publication: insights.Publication, vocab, extra=()) -> list[str]:
    rules = PublicRules.of(vocab, TRIAGE_LEVELS)
    return derivations(publication.views, publication.k, rules, extra)


def _shown(publication: insights.Publication, view: str, month: str) -> dict:
    """A view's labels for one month, keyed by the view's other columns."""
    frame = publication.month(month)[view]
    keys = [c for c in frame.columns if c not in ("n", "shown")]
    return {
        (row[0] if len(keys) == 1 else tuple(row[:-1])): row[-1]
        for row in frame[[*keys, "shown"]].itertuples(index=False)
    }


def test_the_vocabulary_names_the_checklist_signs_and_the_levels_they_bound(vocab):
    assert len(vocab.signs) == 20  # the 17 checklist signs and the 3 of issue 12
    assert vocab.signs["chest_pain"] == "Chest pain as well as the back pain"
    assert vocab.sign_levels["fever"] == "urgent"
    # Only checklist signs give these two levels, so their totals bound the sign counts.
    assert vocab.complete_levels == ("emergency", "urgent")
    assert "severe_pain" not in vocab.signs
    # Children always see a doctor; "an underlying condition" needs a diagnosed one.
    assert vocab.age_floors == {"0-9": "see_doctor"}
    assert vocab.cause_floors == {"underlying_condition": "see_doctor"}


@pytest.mark.parametrize(
    ("week", "month"),
    [
        ("2026-W01", "2026-01"),  # Mon 29 Dec 2025 – Sun 4 Jan 2026: Thursday 1 January
        ("2025-W01", "2025-01"),  # Mon 30 Dec 2024: Thursday 2 January
        ("2020-W53", "2020-12"),  # Mon 28 Dec 2020: Thursday 31 December
        ("2026-W05", "2026-01"),  # Mon 26 Jan – Sun 1 Feb: Thursday 29 January
        ("2026-W09", "2026-02"),  # Mon 23 Feb – Sun 1 Mar: Thursday 26 February
        ("2026-W10", "2026-03"),  # Mon 2 Mar: Thursday 5 March
        ("2026-W44", "2026-10"),  # Mon 26 Oct – Sun 1 Nov: Thursday 29 October
        ("2026-W45", "2026-11"),  # Mon 2 Nov: Thursday 5 November
    ],
)
def test_a_week_belongs_to_the_month_of_its_thursday(week, month):
    assert insights.month_of(week) == month


def test_every_week_falls_in_exactly_one_month_and_months_follow_each_other():
    weeks = [insights.week_of(date(2024, 12, 30) + timedelta(weeks=n)) for n in range(160)]
    months = [insights.month_of(w) for w in weeks]
    assert months == sorted(months)
    assert set(months) == set(insights.month_span("2025-01", "2027-12")) | {"2028-01"}
    # A month holds four or five weeks: the Thursdays that fall in it.
    assert {months.count(m) for m in set(months) - {"2028-01"}} == {4, 5}
    assert insights.month_span("2026-11", "2027-02") == ("2026-11", "2026-12", "2027-01", "2027-02")
    with pytest.raises(ValueError, match="not an ISO week"):
        insights.week_start("2026-47")
    with pytest.raises(ValueError, match="not a month"):
        insights.month_span("2026-13", "2027-01")


def test_the_month_still_running_is_the_one_this_week_belongs_to():
    assert insights.current_month(date(2026, 6, 15)) == "2026-06"
    # Monday 30 November 2026 starts a week whose Thursday is 3 December: November is over.
    assert insights.current_month(date(2026, 11, 30)) == "2026-12"
    assert insights.current_month(date(2026, 11, 29)) == "2026-11"
    assert insights.month_name("2026-03") == "March 2026"


def test_an_empty_store_or_one_with_only_this_month_publishes_nothing(vocab):
    assert _publish([], 5, vocab).months == ()
    only_june = _publish([record(week="2026-W24")] * 30, 5, vocab)
    assert only_june.months == ()
    assert all(frame.empty for frame in only_june.views.values())
    with pytest.raises(ValueError, match="No month has ended"):
        insights.export(only_june, "csv", Path("unused"))


def test_a_month_with_fewer_than_k_shows_only_that(vocab):
    publication = _publish([record(week="2026-W01")] * 4 + [record()] * 20, 5, vocab)
    assert publication.months == ("2026-01", "2026-02", "2026-03")
    assert _shown(publication, "monthly_totals", "2026-01") == {(): "<5"}
    assert publication.withheld["2026-01"].startswith("Fewer than 5 assessments")
    assert publication.withheld["2026-02"] == "No assessments were shared in this month."
    assert publication.total("2026-02") == (0, "0")
    for name, frame in publication.month("2026-01").items():
        assert name == "monthly_totals" or frame.empty
    assert publication.total("2026-03") == (20, "20")
    assert _leaks(publication, vocab) == []


def test_this_month_is_left_out_until_it_is_over(vocab):
    """Records of the running month change nothing: refreshing shows no one arriving."""
    before = _publish([record()] * 15, 5, vocab)
    after = _publish([record()] * 15 + [record(week="2026-W24", triage="urgent")], 5, vocab)
    assert after.months == before.months == ("2026-03",)
    for name in insights.VIEWS:
        pd.testing.assert_frame_equal(after.views[name], before.views[name])
    july = insights.publish(memory_store([record()] * 15), 5, vocab, today=date(2026, 7, 1))
    assert july.months == ("2026-03",)  # no month after the last record is invented


def test_a_big_enough_month_is_shown_in_every_view(vocab):
    urgent = record(week="2026-W12", triage="urgent", warning_signs=("fever",))
    items = [record()] * 12 + [urgent] * 3
    publication = _publish(items, 5, vocab)
    assert publication.months == ("2026-03",) and publication.withheld == {}
    assert list(publication.views) == list(insights.VIEWS)
    assert publication.total("2026-03") == (15, "15")
    triage = _shown(publication, "triage_totals", "2026-03")
    assert triage["urgent"] == "<5" and triage["emergency"] == "0"
    # 15 in all and "<5" urgent: showing 12 self-care would give the 3 away.
    assert triage["self_care"] == "hidden"
    for frame in publication.views.values():
        numeric = frame["shown"].str.fullmatch(r"\d+")
        assert (frame["n"].notna() == numeric).all()
        assert set(frame.loc[~numeric, "shown"]) <= {"<5", "hidden"}
    assert _leaks(publication, vocab) == []


def test_sites_with_fewer_than_k_records_in_the_month_are_other_sites(vocab):
    items = (
        [record()] * 20
        + [record(site_id="clinic-b")] * 7
        + [record(site_id="tiny", triage="urgent", warning_signs=("fever",))] * 2
        + [record(week="2026-W06", site_id="tiny")] * 9
    )
    publication = _publish(items, 5, vocab)
    march = _shown(publication, "site_totals", "2026-03")
    assert list(march) == ["clinic-a", "clinic-b", "other sites"]
    assert march["other sites"] == "<5"
    # In February the tiny site has 9: its own row, and no other sites at all.
    assert _shown(publication, "site_totals", "2026-02") == {"tiny": "9", "other sites": "0"}
    assert _leaks(publication, vocab) == []


def test_the_onlooker_would_work_out_other_sites_from_a_sum_of_the_listed_ones(vocab):
    """The issue's own example: all records minus the listed sites gives the rest away."""
    items = [record()] * 20 + [record(site_id="clinic-b")] * 7 + [record(site_id="tiny")] * 2
    publication = _publish(items, 5, vocab)
    assert _leaks(publication, vocab) == []
    listed = Extra(
        (("site_totals", "2026-03", "clinic-a"), ("site_totals", "2026-03", "clinic-b")), "27"
    )
    leaks = _leaks(publication, vocab, [listed])
    assert any("'other sites') = 2" in leak for leak in leaks), leaks


def test_the_worked_example_hides_just_enough(vocab):
    """3 urgent among 38: the urgent cell, its row and column need company."""
    items = (
        [record(site_id="clinic-a")] * 20
        + [record(site_id="clinic-a", triage="urgent", warning_signs=("fever",))] * 3
        + [record(site_id="clinic-b")] * 15
    )
    publication = _publish(items, 5, vocab)
    cells = _shown(publication, "site_triage", "2026-03")
    assert cells[("clinic-a", "urgent")] == "<5"
    assert _shown(publication, "triage_totals", "2026-03")["urgent"] == "<5"
    sites = _shown(publication, "site_totals", "2026-03")
    assert "hidden" in set(cells.values()) | set(sites.values())
    assert _shown(publication, "warning_signs", "2026-03")["fever"] == "<5"
    assert _leaks(publication, vocab) == []


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
        [record(site_id="clinic-a")] * 20
        + [record(site_id="clinic-a", triage="urgent", warning_signs=("fever",))] * 3
        + [record(site_id="clinic-b")] * 15
    )
    monkeypatch.setattr(insights, "protect", _primary_only)
    insights.forget()
    try:
        leaks = _leaks(_publish(items, 5, vocab), vocab)
    finally:
        insights.forget()
    assert any("from its total minus the shown counts" in leak for leak in leaks)
    assert any("'warning_signs', '2026-03', 'fever') = 3" in leak for leak in leaks)


def test_signs_that_add_up_to_their_level_total_are_protected(vocab):
    """Two emergency signs of 4 people each and an emergency total of 8 would pin both."""
    items = (
        [record()] * 30
        + [record(triage="emergency", warning_signs=("chest_pain",))] * 4
        + [record(triage="emergency", warning_signs=("both_legs",), site_id="clinic-b")] * 4
    )
    publication = _publish(items, 5, vocab)
    signs = _shown(publication, "warning_signs", "2026-03")
    assert signs["chest_pain"] == signs["both_legs"] == "<5"
    assert _shown(publication, "triage_totals", "2026-03")["emergency"] == "hidden"
    assert _leaks(publication, vocab) == []


def test_children_seeing_a_doctor_gives_nothing_away(vocab):
    """Everyone aged 5 to 9 is at least "see a doctor": that rule is public, so it is an
    onlooker's link between the age totals and the triage totals too."""
    items = [record(age_band="0-9", triage="see_doctor")] * 20 + [record(site_id="b")] * 3
    publication = _publish(items, 5, vocab)
    assert _shown(publication, "triage_totals", "2026-03")["self_care"] == "<5"
    assert _leaks(publication, vocab) == []


def test_a_cause_only_a_diagnosis_gives_is_a_link_the_onlooker_uses(vocab):
    """20 people whose likeliest cause is a diagnosed condition are all "see a doctor" or
    more urgent; with 21 in all, that leaves at most one self-care person: the cause table
    must not show the 20 next to a total of 21."""
    items = [record(top_causes=("underlying_condition",), triage="see_doctor")] * 20 + [
        record(activity="stretching")
    ]
    publication = _publish(items, 5, vocab)
    assert _shown(publication, "triage_totals", "2026-03")["self_care"] == "<5"
    month = publication.month("2026-03")
    shown = {*month["monthly_totals"]["shown"], *month["cause_totals"]["shown"]}
    assert not {"20", "21"} <= shown
    assert _leaks(publication, vocab) == []


def test_causes_are_counted_under_the_first_ranked_only(vocab):
    items = [record(top_causes=("muscle_strain", "running_impact"))] * 12 + [
        record(top_causes=())
    ] * 11
    publication = _publish(items, 5, vocab)
    causes = _shown(publication, "cause_totals", "2026-03")
    assert causes["muscle_strain"] == "12" and causes["(none)"] == "11"
    assert causes["running_impact"] == "0"
    assert _shown(publication, "activity_totals", "2026-03")["running"] == "23"


def test_a_month_that_cannot_be_protected_shows_its_total_only(vocab, monkeypatch):
    """Random stores never reach it (no cycle at all through a small count), so it is
    injected here: the analyst gets one sentence and the month's total, nothing else."""

    def cannot(*_):
        raise insights.CannotProtect

    items = [record()] * 12 + [record(triage="urgent", warning_signs=("fever",))] * 3
    monkeypatch.setattr(insights, "protect", cannot)
    insights.forget()
    try:
        publication = _publish(items, 5, vocab)
    finally:
        insights.forget()
    assert publication.withheld == {
        "2026-03": "This month's tables cannot be shown without revealing a small group."
    }
    assert publication.total("2026-03") == (15, "15")
    assert [name for name, f in publication.month("2026-03").items() if not f.empty] == [
        "monthly_totals"
    ]
    assert _leaks(publication, vocab) == []


def test_a_view_with_a_small_count_is_never_let_through():
    frame = pd.DataFrame({"n": pd.array([3], dtype="Int64"), "shown": ["3"]})
    with pytest.raises(AssertionError, match="below 5"):
        insights.assert_safe({"monthly_totals": frame}, 5)


def test_a_protected_month_is_remembered_and_not_worked_out_again(vocab, monkeypatch):
    items = [record()] * 12 + [record(triage="urgent", warning_signs=("fever",))] * 3
    first = _publish(items, 5, vocab)
    calls = []
    monkeypatch.setattr(insights, "protect", lambda *a: calls.append(a))
    second = _publish(items, 5, vocab)
    assert calls == []
    for name in insights.VIEWS:
        pd.testing.assert_frame_equal(first.views[name], second.views[name])


@pytest.fixture(scope="module")
def demo_publication(vocab) -> insights.Publication:
    store = DuckDBStore(":memory:")
    store.submit_many(demo_data.generate(1500, seed=3, end=TODAY))
    publication = insights.publish(store, 11, vocab, today=TODAY)
    store.close()
    return publication


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_writes_exactly_the_views(demo_publication, tmp_path, fmt):
    written = insights.export(demo_publication, fmt, tmp_path / "out")
    assert [p.name for p in written] == [f"{name}.{fmt}" for name in insights.VIEWS]
    for name, frame in demo_publication.views.items():
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


def test_charts_carry_only_published_counts(demo_publication, vocab):
    k = demo_publication.k
    month = demo_publication.month(demo_publication.months[-1])
    charts = {
        ("monthly_totals", None): insight_charts.monthly_totals(demo_publication.views),
        ("triage_totals", None): insight_charts.triage_per_month(demo_publication.views, vocab),
        ("site_triage", 1): insight_charts.site_triage(month, vocab),
        ("cause_by_activity", 1): insight_charts.causes_by_activity(month, vocab),
        ("pain_by_age", 1): insight_charts.pain_by_age(month),
        ("warning_signs", 1): insight_charts.warning_signs(month, vocab),
    }
    for (view, of_month), chart in charts.items():
        frame = month[view] if of_month else demo_publication.views[view]
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


#: Records an onlooker would love to single out, planted among the demo records.
PLANTED = (
    [record(week="2026-W10", site_id="rare-site", triage="urgent", warning_signs=("fever",))] * 2
    + [record(week="2026-W11", activity="unknown", top_causes=("underlying_condition",),
              triage="see_doctor")]
    + [record(week="2026-W12", age_band="110-119", pain_band="7-10")]
    + [record(week="2024-W40", triage="emergency", warning_signs=("chest_pain",))]
)  # fmt: skip


def test_planted_records_are_never_recovered(vocab):
    store = DuckDBStore(":memory:")
    store.submit_many(demo_data.generate(1500, seed=3, end=TODAY))
    store.submit_many(PLANTED)
    publication = insights.publish(store, 11, vocab, today=TODAY)
    store.close()
    assert _leaks(publication, vocab) == []
    # The lone early record's month shows "<11" and nothing else; the months between are 0.
    assert publication.months[0] == "2024-10"
    assert publication.total("2024-10") == (None, "<11")
    assert publication.total("2024-11") == (0, "0")
    assert [n for n, f in publication.month("2024-10").items() if not f.empty] == ["monthly_totals"]
    # The rare site is never named: its two records are among "other sites".
    assert not any((frame == "rare-site").any().any() for frame in publication.views.values())
    assert _shown(publication, "site_totals", "2026-03")["other sites"] == "<11"
    assert _shown(publication, "age_totals", "2026-03")["110-119"] == "<11"
    assert _shown(publication, "activity_totals", "2026-03")["unknown"] in ("<11", "hidden")


def test_demo_data_leaves_nothing_for_the_onlooker(demo_publication, vocab):
    assert len(demo_publication.months) >= 12
    assert _leaks(demo_publication, vocab) == []


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


def test_demo_data_then_export_from_the_command_line(tmp_path, backend):
    store = backend.location  # a DuckDB file, or a PostgreSQL URL
    code, out, _ = _cli("demo-data", "--rows", "400", "--store", str(store), "--seed", "1")
    assert code == 0 and "added 400 synthetic records" in out and "holds 400" in out
    code, out, err = _cli(
        "export", "--format", "csv", "--out", str(tmp_path / "views"), "--store", str(store),
        "--k", "5",
    )  # fmt: skip
    assert code == 0, err
    assert len(out.splitlines()) == len(insights.VIEWS)
    monthly = pd.read_csv(tmp_path / "views" / "monthly_totals.csv", dtype={"shown": str})
    # Counted again here from the same records: finished months only, by their Thursday.
    this_month = date.today() - timedelta(days=date.today().weekday()) + timedelta(days=3)
    months = pd.Series(
        [
            str(date.fromisocalendar(int(r.week[:4]), int(r.week[6:]), 4))[:7]
            for r in demo_data.generate(400, seed=1)
        ]
    )
    expected = months[months < str(this_month)[:7]].value_counts().sort_index()
    shown = monthly[monthly["shown"] != "0"].set_index("month")["shown"]
    assert list(shown.index) == list(expected.index)
    # A month's total is exact unless it had to be hidden to protect a small count in it.
    for label, n in zip(shown, expected, strict=True):
        assert label in ({str(n), "hidden"} if n >= 5 else {"<5"}), (label, n)
    assert (shown == expected.astype(str)).sum() >= len(expected) - 2


def test_export_of_an_empty_store_says_there_is_nothing(tmp_path):
    code, out, err = _cli(
        "export", "--format", "parquet", "--out", str(tmp_path / "v"), "--store",
        str(tmp_path / "empty.duckdb"),
    )  # fmt: skip
    assert code == EXIT_FAILED and out == ""
    assert err.startswith("error: nothing to export: no month has ended")


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
