"""The dashboard's charts of the team's work (figures: `crmupdate.history.stats`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from crmupdate.history import charts
from crmupdate.history.stats import TeamWork, team_work
from crmupdate.massupdate.fieldforms import person_zone

register = template.Library()


@dataclass(frozen=True)
class TeamWorkCharts:
    work: TeamWork
    updates: charts.Chart
    records: charts.Chart
    failures: charts.Chart
    undos: charts.Chart
    zoho_calls: charts.Chart
    views: charts.Chart
    people: charts.Chart
    period_url: str  # the whole period in the history
    failed_url: str
    with_failures_url: str
    refused_url: str
    undos_url: str


@register.simple_tag
def team_work_charts(member: Any) -> TeamWorkCharts | None:
    """The charts of the member's team (None for a page without a member)."""
    if member is None:
        return None
    work = team_work(team=member.team, zone=person_zone(member.time_zone))
    period = {"since": work.since.isoformat(), "until": work.until.isoformat()}
    return TeamWorkCharts(
        work=work,
        updates=charts.weekly_chart(work.weeks, lambda w: w.updates),
        records=charts.weekly_chart(work.weeks, lambda w: w.records_changed),
        failures=charts.weekly_chart(work.weeks, lambda w: w.failure_percent, percent=True),
        undos=charts.weekly_chart(work.weeks, lambda w: w.undos, q="Undo"),
        zoho_calls=charts.weekly_chart(work.weeks, lambda w: w.zoho_calls),
        views=charts.busiest_chart(work.views),
        people=charts.busiest_chart(work.people),
        period_url=charts.history_url(**period),
        failed_url=charts.history_url(status="failed", **period),
        with_failures_url=charts.history_url(status="completed_with_failures", **period),
        refused_url=charts.history_url(status="refused", **period),
        # An undo's history entry reads "Undo of update #...": the search finds them.
        undos_url=charts.history_url(q="Undo", **period),
    )


@register.filter
def zoho_text(value: Any) -> SafeString | str:
    """Zoho's own words (a view's or a person's name) inside one of our sentences, marked so
    that translation tools leave them as they are; "" stays "" (for a `default`)."""
    if not value:
        return ""
    return format_html('<span translate="no">{}</span>', value)
