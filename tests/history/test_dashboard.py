"""The dashboard's charts of the team's work: what they show, their text alternatives, and
their links to the filtered history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from unittest import mock

import pytest
from django.core.cache import cache

from crmupdate.massupdate.models import UpdateStatus
from tests.history.conftest import add_update

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)  # Thursday; the period is 22 Dec 2025 - 15 Mar


@pytest.fixture(autouse=True)
def fixed_now():
    cache.clear()
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield
    cache.clear()


def dashboard(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def figure(page: str, chart_id: str) -> str:
    start = page.index(f'<figure class="chart" aria-labelledby="{chart_id}-title"')
    return page[start : page.index("</figure>", start)]


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'<a href="([^"]+)"', html)]


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_team_without_updates_is_told_the_charts_come_later(sam_client):
    page = dashboard(sam_client)
    assert "Your team's work" in page
    assert "No mass update in the last 12 weeks" in page
    assert "<svg" not in page


def test_the_dashboard_charts_the_teams_work_with_numbers_behind_each_chart(
    sam, pat, gary, sam_client
):
    add_update(sam, created_at=NOW - timedelta(hours=2), updated_count=280, failed_count=20,
               status=UpdateStatus.COMPLETED_WITH_FAILURES)  # fmt: skip
    add_update(pat, created_at=NOW - timedelta(days=7), updated_count=40,
               view_name="Imported batch")  # fmt: skip
    add_update(gary, created_at=NOW, updated_count=5000)  # another team: never shown

    page = dashboard(sam_client)

    updates = figure(page, "chart-updates")
    assert "2 updates in 12 weeks." in text(updates)
    assert updates.count('class="chart-bar"') == 12  # one bar a week
    # the text alternative: a table of every week, each linking to that week in the history
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", updates)
    assert len(rows) == 12
    assert text(rows[-1]) == "9 Mar 2026 1"
    assert text(rows[-2]) == "2 Mar 2026 1"
    assert "/history/?since=2026-03-09&until=2026-03-15" in links(rows[-1])
    # the SVG is decoration for screen readers (the summary and table say it all) and its
    # bars are not extra tab stops
    assert 'aria-hidden="true"' in updates and 'tabindex="-1"' in updates

    records = figure(page, "chart-records")
    assert "320 records changed in 12 weeks." in text(records)
    assert "5,000" not in page and "5000" not in records

    failures = figure(page, "chart-failures")
    assert "50% of the 2 finished updates did not fully succeed (1)" in text(failures)
    assert text(re.findall(r"<tr>.*?</tr>", failures)[-1]) == "9 Mar 2026 100%"
    assert "/history/?status=failed&since=2025-12-22&until=2026-03-15" in links(failures)
    assert "/history/?status=completed_with_failures&since=2025-12-22&until=2026-03-15" in (
        links(failures)
    )

    views = figure(page, "chart-views")
    assert "/history/?module=Leads&q=All+Leads&since=2025-12-22&until=2026-03-15" in links(views)
    people = figure(page, "chart-people")
    assert f"/history/?person={pat.user.pk}&since=2025-12-22&until=2026-03-15" in links(people)
    assert "Globex" not in page and "gary" not in page.lower()

    calls = figure(page, "chart-calls")
    assert "Looking up fields, views and record counts is not counted" in calls


def test_a_weeks_link_shows_exactly_the_updates_its_bar_counts(sam, pat, sam_client):
    add_update(sam, created_at=datetime(2026, 3, 9, 0, 5, tzinfo=UTC), view_name="Monday early")
    add_update(pat, created_at=datetime(2026, 3, 8, 23, 55, tzinfo=UTC), view_name="Sunday late")

    page = dashboard(sam_client)
    week = [u for u in links(figure(page, "chart-updates")) if "since=2026-03-09" in u][0]
    history = sam_client.get(week).content.decode()

    assert "Monday early" in history
    assert "Sunday late" not in history
