"""The team's work in figures, for the dashboard's charts: updates and records changed per
week, how many did not fully succeed, undos, the busiest views and people, and the Zoho calls
the updates spent.

Everything comes from the history tables in a handful of aggregated queries (one GROUP BY per
figure, none per row), and is cached briefly per team and viewer time zone: the dashboard is
opened often and the figures move slowly (a new update shows at once, see `team_work`).

Weeks start on Monday in the viewer's time zone, like the history's date filters, so a week's
link to the history shows exactly the updates its bar counts (undos are their own figure and
are not counted as updates).

Zoho calls: the app does not log every call it makes to Zoho. What the history tables record
is each sending of a step (one mass-update call each), the status checks Zoho answered, the
calls reading an update's records took (and checking them by id, and by-id steps) and
the reads and writes of undos. Their sum is what is shown, as "about":
metadata, view counts and failed status checks are not in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from crmupdate.massupdate.models import (
    FINISHED_UPDATE_STATUSES,
    FrozenView,
    MassUpdate,
    Step,
    StepEvent,
    Undo,
    UpdateStatus,
)

WEEKS = 12
TOP = 5
CACHE_SECONDS = 60
# Finished updates that did not change every record they were meant to.
NOT_FULLY_DONE = (
    UpdateStatus.COMPLETED_WITH_FAILURES,
    UpdateStatus.FAILED,
    UpdateStatus.REFUSED,
)


@dataclass(frozen=True)
class WeekFigures:
    start: dt.date  # Monday
    updates: int = 0
    records_changed: int = 0
    finished: int = 0
    not_fully_done: int = 0
    undos: int = 0
    zoho_calls: int = 0

    @property
    def end(self) -> dt.date:  # Sunday, the last day included
        return self.start + dt.timedelta(days=6)

    @property
    def failure_percent(self) -> int | None:
        """Share of the week's finished updates that did not fully succeed (None: none
        finished, so there is no rate to show)."""
        if not self.finished:
            return None
        return round(100 * self.not_fully_done / self.finished)


@dataclass(frozen=True)
class Busiest:
    """A view or a person, with how many updates they had in the period."""

    label: str  # the view's or the person's name
    updates: int
    records_changed: int
    filters: dict[str, Any] = field(default_factory=dict)  # the history's URL filters
    note: str = ""  # a view's module


@dataclass(frozen=True)
class TeamWork:
    weeks: list[WeekFigures]
    views: list[Busiest]
    people: list[Busiest]

    @property
    def since(self) -> dt.date:
        return self.weeks[0].start

    @property
    def until(self) -> dt.date:
        return self.weeks[-1].end

    @property
    def updates(self) -> int:
        return sum(w.updates for w in self.weeks)

    @property
    def records_changed(self) -> int:
        return sum(w.records_changed for w in self.weeks)

    @property
    def finished(self) -> int:
        return sum(w.finished for w in self.weeks)

    @property
    def not_fully_done(self) -> int:
        return sum(w.not_fully_done for w in self.weeks)

    @property
    def failure_percent(self) -> int | None:
        return round(100 * self.not_fully_done / self.finished) if self.finished else None

    @property
    def undos(self) -> int:
        return sum(w.undos for w in self.weeks)

    @property
    def zoho_calls(self) -> int:
        return sum(w.zoho_calls for w in self.weeks)


def first_week(today: dt.date, weeks: int = WEEKS) -> dt.date:
    """The Monday `weeks - 1` weeks before this week's Monday."""
    return today - dt.timedelta(days=today.weekday(), weeks=weeks - 1)


def _per_week(
    qs: QuerySet[Any], column: str, zone: ZoneInfo, **figures: Any
) -> dict[dt.date, dict[str, int]]:
    rows = qs.annotate(week=TruncWeek(column, tzinfo=zone)).values("week").annotate(**figures)
    found: dict[dt.date, dict[str, int]] = {}
    for row in rows:
        week = row.pop("week")
        day = week.astimezone(zone).date() if isinstance(week, dt.datetime) else week
        found[day] = {name: int(value or 0) for name, value in row.items()}
    return found


def _add(totals: dict[dt.date, dict[str, int]], more: dict[dt.date, dict[str, int]]) -> None:
    for day, figures in more.items():
        into = totals.setdefault(day, {})
        for name, value in figures.items():
            into[name] = into.get(name, 0) + value


Groups = dict[tuple[Any, ...], list[int]]  # a view or a person: [updates, records changed]
VIEW = ("module_api_name", "module_label", "view_name")
PERSON = ("created_by_id", "created_by_name", "created_by_email")


def _top(groups: Groups, name_at: int) -> list[tuple[tuple[Any, ...], int, int]]:
    """The `TOP` groups with most updates (then most records changed, then by name)."""
    ranked = sorted(groups.items(), key=lambda kv: (-kv[1][0], -kv[1][1], str(kv[0][name_at])))
    return [(key, n, records) for key, (n, records) in ranked[:TOP]]


def _updates_per_week(
    updates: QuerySet[MassUpdate], zone: ZoneInfo
) -> tuple[dict[dt.date, dict[str, int]], Groups, Groups]:
    """One pass over the period's updates, grouped by week, view and person: the weekly
    figures and the busiest views and people all come from it (the updates table is the big
    one; reading it once rather than three times is most of the page's cost)."""
    rows = (
        updates.annotate(week=TruncWeek("created_at", tzinfo=zone))
        .values("week", *VIEW, *PERSON)
        .annotate(
            updates=Count("id"),
            records_changed=Coalesce(Sum("updated_count"), 0),
            finished=Count("id", filter=Q(status__in=FINISHED_UPDATE_STATUSES)),
            not_fully_done=Count("id", filter=Q(status__in=NOT_FULLY_DONE)),
        )
    )
    per_week: dict[dt.date, dict[str, int]] = {}
    views: Groups = {}
    people: Groups = {}
    for row in rows:
        week = row["week"]
        day = week.astimezone(zone).date() if isinstance(week, dt.datetime) else week
        figures = {k: int(row[k]) for k in ("updates", "records_changed", "finished",
                                            "not_fully_done")}  # fmt: skip
        _add(per_week, {day: figures})
        for groups, key in ((views, VIEW), (people, PERSON)):
            totals = groups.setdefault(tuple(row[k] for k in key), [0, 0])
            totals[0] += figures["updates"]
            totals[1] += figures["records_changed"]
    return per_week, views, people


def team_work_compute(*, team: Any, zone: ZoneInfo, today: dt.date) -> TeamWork:
    """The figures of the `WEEKS` weeks up to and including `today`'s (uncached)."""
    monday = first_week(today)
    since = dt.datetime.combine(monday, dt.time.min, tzinfo=zone)
    updates = MassUpdate.objects.filter(
        team=team, created_at__gte=since, undo_entry__isnull=True
    ).order_by()
    per_week, views, people = _updates_per_week(updates, zone)
    undos = Undo.objects.filter(team=team, created_at__gte=since).order_by()
    _add(
        per_week,
        _per_week(
            undos, "created_at", zone, undos=Count("id"), zoho_calls=Sum(F("reads") + F("writes"))
        ),
    )
    sendings = StepEvent.objects.filter(step__team=team, kind="sending", created_at__gte=since)
    _add(per_week, _per_week(sendings.order_by(), "created_at", zone, zoho_calls=Count("id")))
    steps = Step.objects.filter(team=team, created_at__gte=since).order_by()
    step_calls = Sum(F("poll_count") + F("ids_calls") + F("verify_calls"))
    _add(per_week, _per_week(steps, "created_at", zone, zoho_calls=step_calls))
    backups = FrozenView.objects.filter(team=team, started_at__gte=since).order_by()
    _add(per_week, _per_week(backups, "started_at", zone, zoho_calls=Sum("api_calls")))

    weeks = [
        WeekFigures(start=day, **per_week.get(day, {}))
        for day in (monday + dt.timedelta(weeks=n) for n in range(WEEKS))
    ]
    period = {"since": monday.isoformat(), "until": weeks[-1].end.isoformat()}
    return TeamWork(
        weeks=weeks,
        views=[
            Busiest(
                label=view,
                note=module_label,
                updates=n,
                records_changed=records,
                filters={"module": module, "q": view, **period},
            )  # fmt: skip
            for (module, module_label, view), n, records in _top(views, VIEW.index("view_name"))
        ],
        people=[
            Busiest(
                label=name or email,
                updates=n,
                records_changed=records,
                filters={"person": person, **period} if person else {},
            )  # fmt: skip
            for (person, name, email), n, records in _top(people, PERSON.index("created_by_name"))
        ],
    )


def team_work(*, team: Any, zone: ZoneInfo) -> TeamWork:
    """The team's figures for the dashboard, cached for `CACHE_SECONDS` per team and zone.

    The key names the team's newest history entry (one indexed read), so a new update or
    undo shows at once; changes to existing ones show within `CACHE_SECONDS`."""
    today = timezone.now().astimezone(zone).date()
    newest = (
        MassUpdate.objects.filter(team=team)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    key = f"team-work:v1:{team.pk}:{newest}:{zone.key}:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = team_work_compute(team=team, zone=zone, today=today)
        cache.set(key, found, CACHE_SECONDS)
    return found
