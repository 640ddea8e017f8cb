"""The Insights page in a real browser: the password gate, then six charts that draw.

Both the sign-in form and the figures pass axe-core without serious or critical findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from _flow import blocking_violations, drawn
from playwright.sync_api import Page, expect

CHARTS = 6
#: The first run imports the whole stack and the first sign-in opens the store: on a busy
#: two-core machine that can take much longer than a click.
FIRST_RUN_MS = 90_000


def _sign_in(page: Page, password: str, wait_idle: Callable[..., None]) -> None:
    page.get_by_label("Analyst password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    wait_idle(page, FIRST_RUN_MS)


def test_an_analyst_signs_in_and_sees_the_charts_drawn(
    page: Page, insights_server, wait_idle: Callable[..., None], artifacts_dir: Path
) -> None:
    page.goto(insights_server.url)
    wait_idle(page, FIRST_RUN_MS)
    # Even on a server that serves it, Insights is not in the menu patients see.
    menu = page.get_by_test_id("stSidebarNav")
    expect(menu.get_by_role("link", name="About")).to_be_visible()
    expect(menu.get_by_role("link", name="Insights")).to_have_count(0)
    # An analyst opens its own address.
    page.goto(insights_server.url + "/insights")
    expect(page.get_by_role("heading", name="Insights")).to_be_visible()
    wait_idle(page, FIRST_RUN_MS)

    _sign_in(page, "not the password", wait_idle)
    expect(page.get_by_text("That password was not accepted.")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(0)
    assert blocking_violations(page) == []

    _sign_in(page, insights_server.password, wait_idle)
    # The latest month that is over, with its number of assessments (or "hidden").
    month = page.get_by_test_id("stMetricLabel")
    expect(month).to_have_text(re.compile(r"Assessments in [A-Z][a-z]+ \d{4}"))
    latest = month.inner_text()
    expect(page.get_by_test_id("stMetricValue")).to_have_text(re.compile(r"[\d,]+|hidden"))
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(CHARTS)
    for n in range(CHARTS):
        chart = charts.nth(n)
        drawn(chart)
        # Vega draws each chart as an SVG; bars and heat-map cells are paths in rect marks.
        drawing = chart.locator("svg.marks")
        box = drawing.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 150
        # Streamlit fits titles, axes and legend into the chart's height: the plot itself
        # must still have room (a squeezed plot draws its bars zero pixels high). A month's
        # bars may all be hidden counts, so the y axis measures the plot.
        expect(chart.locator("g.mark-rect path").first).to_be_attached()
        axis = chart.locator('g[aria-label^="Y-axis"]').first
        area = axis.bounding_box()
        assert area is not None and area["height"] > 60, (n, area)
    # Small groups are written as "<11" where their bar or cell would be.
    expect(charts.locator("svg text", has_text="<11").first).to_be_visible()
    assert blocking_violations(page) == []

    # Choosing another month redraws its figures.
    chooser = page.get_by_role("combobox", name="Month")
    chooser.scroll_into_view_if_needed()
    chooser.click()
    options = page.get_by_role("listbox")
    expect(options).to_be_visible()
    options.get_by_role("option").nth(-2).click()
    expect(month).not_to_have_text(latest)
    wait_idle(page)
    expect(charts).to_have_count(CHARTS)
    page.get_by_test_id("stMain").evaluate("el => el.scrollTo(0, 0)")
    page.screenshot(path=artifacts_dir / "insights-charts.png")


def test_a_server_that_has_not_switched_insights_on_says_not_available_here(
    page: Page, app_url: str, wait_idle: Callable[..., None]
) -> None:
    page.goto(app_url)
    wait_idle(page)
    menu = page.get_by_test_id("stSidebarNav")
    expect(menu.get_by_role("link", name="Pain diary")).to_be_visible()
    expect(menu.get_by_role("link", name="Insights")).to_have_count(0)

    page.goto(app_url + "/insights")
    expect(page.get_by_role("heading", name="Not available here")).to_be_visible()
    wait_idle(page)
    expect(page.get_by_text("Insights are not available here.")).to_be_visible()
    expect(page.get_by_label("Analyst password")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)  # no "page not found" pop-up
    assert blocking_violations(page) == []
    page.get_by_role("link", name="Go to the start").click()
    expect(page.get_by_text("Step 1 of 4", exact=False)).to_be_visible()
