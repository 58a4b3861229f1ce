"""The team's figures for the dashboard: updates and records per week, the failure rate,
undos, the busiest views and people, and the Zoho calls the updates spent."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from crmupdate.history.stats import WEEKS, first_week, team_work, team_work_compute
from crmupdate.massupdate.models import FrozenView, Step, StepEvent, Undo, UpdateStatus
from tests.history.conftest import add_update

pytestmark = pytest.mark.django_db

UTC_ZONE = ZoneInfo("UTC")
TODAY = dt.date(2026, 3, 12)  # a Thursday
THIS_MONDAY = dt.date(2026, 3, 9)
LAST_MONDAY = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int = 10) -> datetime:
    return datetime.combine(day, dt.time(hour), tzinfo=UTC)


def week_of(work, monday: dt.date):
    return next(w for w in work.weeks if w.start == monday)


def add_undo(update, person, *, created_at: datetime, reads: int = 0, writes: int = 0) -> Undo:
    entry = add_update(person, created_at=created_at, summary=f"Undo of update #{update.pk}",
                       changes=[], step_count=0)  # fmt: skip
    return Undo.objects.create(
        team=person.team,
        update=update,
        entry=entry,
        created_by=person.user,
        created_at=created_at,
        status=UpdateStatus.COMPLETED,
        reads=reads,
        writes=writes,
    )


def add_step(update, *, polls: int = 0, position: int = 1) -> Step:
    return Step.objects.create(update=update, team=update.team, position=position,
                               module_api_name="Leads", cvid=update.cvid,
                               created_at=update.created_at, poll_count=polls)  # fmt: skip


def test_the_period_is_twelve_weeks_ending_with_this_one(sam):
    work = team_work_compute(team=sam.team, zone=UTC_ZONE, today=TODAY)
    assert len(work.weeks) == WEEKS == 12
    assert work.weeks[-1].start == THIS_MONDAY
    assert work.since == first_week(TODAY) == THIS_MONDAY - timedelta(weeks=11)
    assert work.until == dt.date(2026, 3, 15)  # this week's Sunday
    assert all(w.updates == 0 and w.failure_percent is None for w in work.weeks)


def test_updates_and_records_changed_are_counted_per_week(sam, pat, gary):
    add_update(sam, created_at=at(THIS_MONDAY), updated_count=300)
    add_update(pat, created_at=at(TODAY), updated_count=20)
    add_update(sam, created_at=at(LAST_MONDAY + timedelta(days=6), 23), updated_count=5)
    add_update(sam, created_at=at(first_week(TODAY) - timedelta(days=1)))  # before the period
    add_update(gary, created_at=at(TODAY), updated_count=999)  # another team

    work = team_work_compute(team=sam.team, zone=UTC_ZONE, today=TODAY)

    assert (week_of(work, THIS_MONDAY).updates, week_of(work, THIS_MONDAY).records_changed) == (
        2,
        320,
    )
    assert (week_of(work, LAST_MONDAY).updates, week_of(work, LAST_MONDAY).records_changed) == (
        1,
        5,
    )
    assert work.updates == 3 and work.records_changed == 325


def test_weeks_start_on_monday_in_the_viewers_time_zone(sam):
    # Sunday 23:30 UTC is already Monday in Berlin.
    add_update(sam, created_at=datetime(2026, 3, 8, 23, 30, tzinfo=UTC))
    in_utc = team_work_compute(team=sam.team, zone=UTC_ZONE, today=TODAY)
    in_berlin = team_work_compute(team=sam.team, zone=ZoneInfo("Europe/Berlin"), today=TODAY)
    assert week_of(in_utc, LAST_MONDAY).updates == 1
    assert week_of(in_berlin, THIS_MONDAY).updates == 1


def test_the_failure_rate_is_the_share_of_finished_updates_not_fully_done(sam):
    for status in (
        UpdateStatus.COMPLETED,
        UpdateStatus.COMPLETED,
        UpdateStatus.COMPLETED_WITH_FAILURES,
        UpdateStatus.FAILED,
        UpdateStatus.RUNNING,  # not finished: not in the rate
    ):
        add_update(sam, created_at=at(THIS_MONDAY), status=status)
    add_update(sam, created_at=at(LAST_MONDAY), status=UpdateStatus.REFUSED)

    work = team_work_compute(team=sam.team, zone=UTC_ZONE, today=TODAY)

    this_week = week_of(work, THIS_MONDAY)
    assert (this_week.finished, this_week.not_fully_done) == (4, 2)
    assert this_week.failure_percent == 50
    assert week_of(work, LAST_MONDAY).failure_percent == 100
    assert week_of(work, LAST_MONDAY - timedelta(weeks=1)).failure_percent is None
    assert work.failure_percent == 60  # 3 of 5


def test_undos_are_counted_per_week_and_not_as_updates(sam, pat):
    first = add_update(sam, created_at=at(LAST_MONDAY))
    second = add_update(sam, created_at=at(LAST_MONDAY))
    add_undo(first, pat, created_at=at(THIS_MONDAY))
    add_undo(second, pat, created_at=at(TODAY))

    work = team_work_compute(team=sam.team, zone=UTC_ZONE, today=TODAY)

    assert week_of(work, THIS_MONDAY).undos == 2
    assert week_of(work, THIS_MONDAY).updates == 0  # the undos' history entries are not updates
    assert week_of(work, LAST_MONDAY).updates == 2
    assert work.undos == 2


def test_zoho_calls_add_up_sendings_status_checks_backups_and_undos(sam):
    update = add_update(sam, created_at=at(THIS_MONDAY))
    step = add_step(update, polls=6)
    for _ in range(2):  # sent twice (Zoho said "later" the first time)
        StepEvent.objects.create(step=step, kind="sending", created_at=at(THIS_MONDAY))
    StepEvent.objects.create(step=step, kind="status", created_at=at(THIS_MONDAY))  # no call
    FrozenView.objects.create(
        team=sam.team, update=update, module_api_name="Leads", cvid=update.cvid, api_calls=3,
        started_at=at(THIS_MONDAY),
    )  # fmt: skip
    Step.objects.filter(pk=step.pk).update(ids_calls=7, verify_calls=8)  # checks and steps by id
    add_undo(update, sam, created_at=at(TODAY), reads=4, writes=5)

    work = team_work_compute(team=sam.team, zone=UTC_ZONE, today=TODAY)

    assert week_of(work, THIS_MONDAY).zoho_calls == 2 + 6 + 7 + 8 + 3 + 4 + 5


def test_the_busiest_views_and_people_link_to_their_history(sam, pat):
    for _ in range(3):
        add_update(sam, created_at=at(TODAY), view_name="Imported batch", updated_count=10)
    add_update(pat, created_at=at(TODAY), module_api_name="Deals", module_label="Deals",
               view_name="Closing this month", updated_count=7)  # fmt: skip

    work = team_work_compute(team=sam.team, zone=UTC_ZONE, today=TODAY)

    period = {"since": "2025-12-22", "until": "2026-03-15"}
    assert [(v.label, v.note, v.updates, v.records_changed) for v in work.views] == [
        ("Imported batch", "Leads", 3, 30),
        ("Closing this month", "Deals", 1, 7),
    ]
    assert work.views[0].filters == {"module": "Leads", "q": "Imported batch", **period}
    assert [(p.label, p.updates) for p in work.people] == [
        (sam.full_name, 3),
        (pat.full_name, 1),
    ]
    assert work.people[1].filters == {"person": pat.user.pk, **period}


def test_the_figures_are_cached_briefly_per_team(sam, gary, django_assert_num_queries, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    update = add_update(sam, created_at=datetime.now(UTC), status=UpdateStatus.RUNNING)
    first = team_work(team=sam.team, zone=UTC_ZONE)
    assert first.finished == 0
    update.status = UpdateStatus.COMPLETED
    update.save()
    with django_assert_num_queries(1):  # which entry is the newest; the figures are cached
        again = team_work(team=sam.team, zone=UTC_ZONE)
    assert again.finished == 0  # the finish shows when the cache expires
    assert team_work(team=gary.team, zone=UTC_ZONE).updates == 0  # each team its own
    add_update(sam, created_at=datetime.now(UTC))  # a new update shows at once
    fresh = team_work(team=sam.team, zone=UTC_ZONE)
    assert (fresh.updates, fresh.finished) == (2, 2)
    cache.clear()


def test_a_week_of_runs_takes_a_handful_of_queries(sam, django_assert_max_num_queries):
    for day in range(40):
        update = add_update(sam, created_at=at(TODAY - timedelta(days=day)),
                            run_token=uuid.uuid4())  # fmt: skip
        add_step(update, polls=2)
    with django_assert_max_num_queries(5):  # one per table
        team_work_compute(team=sam.team, zone=UTC_ZONE, today=TODAY)
