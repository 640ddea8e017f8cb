"""Two app servers behind nginx, one PostgreSQL store, driven by Chromium as people would.

Each server has its own site id, so a shared record says which server its
session ran on. nginx pins each browser to one server with a cookie; a new
browser context is a new person, pinned wherever the cookie hashes to.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from _flow import Person, answer_by_mouse, app_idle, at_step, tick
from playwright.sync_api import Browser, BrowserContext, Page, expect

from backcare.analytics.store.postgres_store import PostgresStore
from backcare.cli import main
from backcare.ui.consent import THANKS
from backcare.ui.reconnect import LOST
from deploy.cluster import Cluster, running
from deploy.nginx import NginxMissing, nginx_binary
from deploy.postgres import TempPostgres

SITES = ("replica-a", "replica-b")
SHARE = "Share a record of this check, with no name on it"
PASSWORD = "cluster test password"
DEMO_RECORDS = 300
#: Fresh people to try until each server has had one; all landing on one server would take
#: a 1 in 2**11 chance.
MAX_PEOPLE = 12
#: The first run on each server imports the whole stack; after a kill the browser's
#: reconnection waits and retries.
SLOW_MS = 90_000


@pytest.fixture
def cluster(postgres: TempPostgres) -> Iterator[Cluster]:
    """A fresh database with demo records, two servers on it and nginx in front."""
    try:
        nginx_binary()
    except NginxMissing as missing:
        pytest.skip(str(missing))
    store = postgres.create_database(f"cluster_{uuid.uuid4().hex[:8]}")
    # Synthetic records first, so Insights has weeks with at least k records to show.
    assert main(["demo-data", "--rows", str(DEMO_RECORDS), "--seed", "3", "--store", store]) == 0
    settings = {
        "BACKCARE_MODE": "personal",
        "BACKCARE_ANALYST_PASSWORD": PASSWORD,
        "BACKCARE_INSIGHTS": "true",
    }
    with running(
        2, store=store, settings=settings, per_server=[{"BACKCARE_SITE_ID": s} for s in SITES]
    ) as cluster:
        yield cluster


def _assess(page: Page, url: str) -> str:
    """Answer the questionnaire through nginx; the site id of the server that ran it."""
    page.goto(url)
    app_idle(page, SLOW_MS)
    at_step(page, 1)
    answer_by_mouse(page, page, Person())
    where = page.get_by_role("listitem").filter(has_text="Where:")
    expect(where).to_be_visible()
    return next(s for s in SITES if s in where.inner_text())


def _share(page: Page) -> None:
    tick(page, SHARE)
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_text(THANKS)).to_be_visible()


def _insights_total(page: Page, url: str) -> str:
    page.goto(f"{url}/insights")
    app_idle(page, SLOW_MS)
    page.get_by_label("Analyst password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    app_idle(page, SLOW_MS)
    total = page.get_by_test_id("stMetricValue").first
    expect(total).to_be_visible()
    return total.inner_text()


def test_people_on_both_servers_share_records_into_the_store_insights_reads(
    browser: Browser, cluster: Cluster
) -> None:
    # Insights through nginx reads the shared PostgreSQL store: the demo records are there.
    # (It publishes whole months only, so today's shares show there once the month is over.)
    analyst = browser.new_page()
    assert _insights_total(analyst, cluster.url) != ""

    shared: dict[str, int] = {}
    for _ in range(MAX_PEOPLE):
        person: BrowserContext = browser.new_context()
        try:
            page = person.new_page()
            site = _assess(page, cluster.url)
            if site not in shared:
                _share(page)
                shared[site] = 1
        finally:
            person.close()
        if len(shared) == len(SITES):
            break
    assert sorted(shared) == sorted(SITES), "every person landed on the same server"

    store = PostgresStore(cluster.store, fold_every=None)
    try:
        counted = dict(store.count_by(("site_id",)))
        total = len(store)
    finally:
        store.close()
    assert {site: counted[site] for site in SITES} == {site: 1 for site in SITES}
    assert total == DEMO_RECORDS + len(SITES)


def test_when_its_server_dies_a_browser_starts_again_on_the_other_one(
    browser: Browser, cluster: Cluster
) -> None:
    person = browser.new_context()
    page = person.new_page()
    first = _assess(page, cluster.url)
    cluster.servers[SITES.index(first)].process.kill()

    # The page loses its connection, reconnects through nginx to the other server, which
    # does not know the old session: a new one starts on the questionnaire, and says why.
    expect(page.get_by_test_id("stProgress").get_by_text("Step 1 of 4", exact=False)).to_be_visible(
        timeout=SLOW_MS
    )
    app_idle(page, SLOW_MS)
    expect(page.get_by_text(LOST)).to_be_visible()
    expect(page.get_by_role("heading", name="Your results", exact=True)).to_have_count(0)
    other = _assess(page, cluster.url)
    assert other != first
    person.close()
