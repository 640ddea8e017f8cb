"""The Insights page through AppTest: the password gate, the figures, months and the console."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from backcare import settings
from backcare.analytics import access, demo_data, insights
from backcare.analytics.store.duckdb_store import DuckDBStore
from backcare.analytics.store.registry import close_shared
from backcare.assessment.contract import TRIAGE_LEVELS
from backcare.assessment.engine import knowledge_base
from tests.analytics.kanon_attack import PublicRules, derivations
from tests.analytics.test_insights import PLANTED
from tests.analytics.test_store import HOLDER
from tests.ui.app_under_test import APP, page

ROOT = Path(__file__).resolve().parents[2]
PAGE = page("insights")
PASSWORD = "correct horse battery staple"
ROWS = 600
K = 11
CHARTS = (
    "Assessments per month",
    "Triage level per month",
    "Triage level by site",
    "Likeliest cause by activity",
    "Pain band by age band",
    "Warning-sign frequency",
)
#: The view each table under "The numbers" shows, known by its columns.
TABLE_VIEWS = {
    ("month", "shown"): "monthly_totals",
    ("month", "triage", "shown"): "triage_totals",
    ("site", "triage", "shown"): "site_triage",
    ("activity", "cause", "shown"): "cause_by_activity",
    ("age_band", "pain_band", "shown"): "pain_by_age",
    ("sign", "shown"): "warning_signs",
}


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, insights.Publication]:
    """A store of demo records with a few planted ones, and what it publishes today."""
    path = tmp_path_factory.mktemp("insights") / "store.duckdb"
    store = DuckDBStore(path)
    store.submit_many(demo_data.generate(ROWS, seed=11))
    store.submit_many(PLANTED)
    publication = insights.publish(store, K, insights.vocabulary(knowledge_base()))
    store.close()
    return path, publication


@pytest.fixture(scope="module")
def store_file(published) -> Path:
    return published[0]


@pytest.fixture
def server(monkeypatch, store_file):
    """Environment for one test; `server(...)` may change it before the app starts."""

    def configure(**env: str) -> None:
        for name in ("BACKCARE_ANALYST_PASSWORD", "BACKCARE_MODE", "BACKCARE_SHARE_DEFAULT"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("BACKCARE_STORE", str(store_file))
        # An analysts' server: Insights is off unless the server switches it on.
        monkeypatch.setenv("BACKCARE_INSIGHTS", "true")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        settings.current.cache_clear()

    clock = Clock()
    monkeypatch.setattr(access, "analysts", access.Throttle(clock=clock))
    configure(BACKCARE_ANALYST_PASSWORD=PASSWORD)
    configure.clock = clock
    yield configure
    close_shared()
    settings.current.cache_clear()


def _open(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets.update(secrets or {})
    at.run()
    at.switch_page(page("insights")).run()
    assert not at.exception, at.exception
    return at


def _sign_in(at: AppTest, password: str) -> AppTest:
    field = next(t for t in at.text_input if t.label == "Analyst password")
    field.input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception, at.exception
    return at


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def _texts(at: AppTest) -> str:
    parts = [m.value for m in (*at.markdown, *at.caption, *at.title)]
    parts += [a.value for a in (*at.error, *at.warning, *at.info, *at.success)]
    return "\n".join(parts)


def test_without_a_password_insights_are_switched_off(server):
    server()
    at = _open()
    assert "switched off" in at.info[0].value
    assert not at.text_input and not _charts(at)


def test_a_wrong_password_is_refused_and_shows_nothing(server):
    at = _sign_in(_open(), "correct horse battery")
    assert at.error[0].value == "That password was not accepted."
    assert not _charts(at) and not at.metric
    assert "After 3 wrong passwords" in _texts(at)


def test_the_right_password_shows_the_charts_and_the_latest_month(server, published):
    publication = published[1]
    at = _sign_in(_open(), PASSWORD)
    latest = publication.months[-1]
    assert at.metric[0].label == f"Assessments in {insights.month_name(latest)}"
    total, label = publication.total(latest)
    assert at.metric[0].value == (label if total is None else f"{total:,}")
    specs = _charts(at)
    assert [spec.get("title") for spec in specs] == list(CHARTS)
    for spec in specs:
        for rows in spec.get("datasets", {}).values():
            for row in rows:
                assert row["n"] is None or row["n"] == 0 or row["n"] >= K, row


def test_the_password_may_come_from_streamlit_secrets(server):
    server()  # no environment variable
    at = _sign_in(
        _open(secrets={"analyst_password": "from the secrets file"}), "from the secrets file"
    )
    assert at.metric and len(_charts(at)) == len(CHARTS)


def test_wrong_passwords_make_everyone_wait_longer(server):
    at = _open()
    for _ in range(3):
        _sign_in(at, "guess")
        assert at.error[0].value == "That password was not accepted."
    _sign_in(at, "guess")
    assert "Wait 2 s before the next try" in at.error[0].value
    # A fresh session gets no fresh tries, and even the right password waits.
    other = _sign_in(_open(), PASSWORD)
    assert "next try is possible in 2 s" in other.warning[0].value
    assert not other.metric
    server.clock.now += 2
    assert _sign_in(other, PASSWORD).metric


def _month_box(at: AppTest):
    return next(s for s in at.selectbox if s.label == "Month")


def test_choosing_a_month_shows_its_figures(server, published):
    publication = published[1]
    at = _sign_in(_open(), PASSWORD)
    box = _month_box(at)
    assert list(box.options) == [insights.month_name(m) for m in publication.months]
    shown = next(m for m in reversed(publication.months[:-1]) if m not in publication.withheld)
    box.set_value(shown).run()
    assert at.metric[0].label == f"Assessments in {insights.month_name(shown)}"
    assert len(_charts(at)) == len(CHARTS) and not at.warning
    # The planted record months before the others: its month says why nothing is shown.
    _month_box(at).set_value(publication.months[0]).run()
    assert at.metric[0].value == f"<{K}"
    assert at.warning[0].value == (
        f"Fewer than {K} assessments were shared in this month, so its tables are not shown."
    )
    assert [spec.get("title") for spec in _charts(at)] == list(CHARTS[:2])


def _page_numbers(at: AppTest, month: str) -> set[tuple]:
    """Every count the page shows, as (view, month, keys…, label)."""
    numbers = {("monthly_totals", month, at.metric[0].value.replace(",", ""))}
    for table in at.dataframe:
        frame = table.value
        view = TABLE_VIEWS.get(tuple(frame.columns))
        if view is None:
            continue  # a console result
        for row in frame.itertuples(index=False):
            key = tuple(row) if "month" in frame.columns else (month, *row)
            numbers.add((view, *key))
    return numbers


def test_every_month_the_page_offers_shows_only_cells_of_the_publication(server, published):
    """All the page can show, month by month, is rows of the views; and the onlooker,
    given all of it, works out none of the records planted among the demo records."""
    publication = published[1]
    cells = {
        (name, *row)
        for name, frame in publication.views.items()
        for row in frame.drop(columns="n").itertuples(index=False)
    }
    at = _sign_in(_open(), PASSWORD)
    seen: set[tuple] = set()
    for month in publication.months:
        _month_box(at).set_value(month).run()
        assert not at.exception, at.exception
        numbers = _page_numbers(at, month)
        assert numbers - cells == set(), month
        seen |= numbers
    assert {n for n in seen if n[0] == "site_triage"}  # the month tables were read too
    rules = PublicRules.of(insights.vocabulary(knowledge_base()), TRIAGE_LEVELS)
    assert derivations(publication.views, K, rules) == []


def test_the_console_runs_a_select_and_refuses_the_rest(server):
    at = _sign_in(_open(), PASSWORD)
    query = next(t for t in at.text_area if t.label == "Query")
    query.input("SELECT * FROM records").run()
    next(b for b in at.button if b.label == "Run query").click().run()
    assert "individual records is never available" in at.error[0].value
    query = next(t for t in at.text_area if t.label == "Query")
    query.input(
        "SELECT triage, n, shown FROM triage_totals "
        "WHERE month = (SELECT max(month) FROM triage_totals) ORDER BY triage"
    ).run()
    next(b for b in at.button if b.label == "Run query").click().run()
    assert not at.error
    result = at.dataframe[-1].value
    assert list(result.columns) == ["triage", "n", "shown"] and len(result) == 4
    assert at.get("download_button")


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT list_sort(range(200000000)) AS x", "This query needs too much memory"),
        (
            "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) "
            "SELECT count(*) FROM r",
            "This query needs too much time",
        ),
        ("SELECT " + " + ".join(["n"] * 450) + " FROM triage_totals", "nested too deeply"),
        (
            "SELECT * FROM (WITH pg_settings AS (SELECT 1) SELECT 1) x, pg_settings",
            "There is no view called 'pg_settings'",
        ),
    ],
    ids=["memory", "time", "nesting", "scope"],
)
def test_a_hostile_query_is_one_sentence_and_the_page_carries_on(server, sql, message):
    at = _sign_in(_open(), PASSWORD)
    next(t for t in at.text_area if t.label == "Query").input(sql).run()
    next(b for b in at.button if b.label == "Run query").click().run()
    assert not at.exception, at.exception
    assert message in at.error[0].value
    query = next(t for t in at.text_area if t.label == "Query")
    query.input("SELECT count(*) AS cells FROM triage_totals").run()
    next(b for b in at.button if b.label == "Run query").click().run()
    assert not at.error and at.dataframe[-1].value["cells"][0] > 0


def test_signing_out_asks_for_the_password_again(server):
    at = _sign_in(_open(), PASSWORD)
    next(b for b in at.sidebar.button if b.label == "Sign out of Insights").click().run()
    assert any(t.label == "Analyst password" for t in at.text_input)
    assert not at.metric


def test_with_insights_switched_off_the_page_says_not_available_here(server):
    # The server's own switch, not the password, decides (the browser test visits /insights).
    server(BACKCARE_ANALYST_PASSWORD=PASSWORD, BACKCARE_INSIGHTS="false")
    direct = AppTest.from_file(PAGE, default_timeout=60)
    direct.run()
    assert not direct.exception, direct.exception
    assert direct.title[0].value == "Not available here"
    assert "Insights are not available here." in _texts(direct)
    assert not direct.text_input and not _charts(direct)


def test_a_kiosk_has_no_insights_page_and_refuses_a_direct_run(server):
    server(BACKCARE_MODE="kiosk", BACKCARE_ANALYST_PASSWORD=PASSWORD, BACKCARE_INSIGHTS="")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page("insights"))
    direct = AppTest.from_file(PAGE, default_timeout=60)
    direct.run()
    assert direct.title[0].value == "Not available here"
    assert not direct.text_input and not direct.get("download_button")


def test_a_store_held_by_another_process_is_named_on_the_page(server, tmp_path):
    held = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(held)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline().strip() == b"holding"
        server(BACKCARE_ANALYST_PASSWORD=PASSWORD, BACKCARE_STORE=str(held))
        at = _sign_in(_open(), PASSWORD)
        assert f"The store {held} is in use by process {holder.pid}" in at.error[0].value
        assert not _charts(at)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
