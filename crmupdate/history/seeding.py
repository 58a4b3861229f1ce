"""Realistic history rows in bulk, for demos and the benchmark (`manage.py seed_history`).

Rows look like what the app stores: several people, Zoho's standard modules with their
views and fields, one to three field changes, Zoho job ids (one per step), counts, every
final status, and refusals with the real error codes and messages of the recorded v2
answers (the seed) plus the permission and size refusals, each with our plain explanation.
Only the summary rows are written (no steps): their pages show what was asked and how it
ended, without the step-by-step activity.

PostgreSQL: COPY through psycopg 3 (a million rows in a few minutes). Other databases:
bulk_create in batches.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from crmupdate.accounts.models import Member, Team
from crmupdate.history.seed_data import (
    CATALOGUE,
    FAILURES,
    FINAL_STATUSES,
    MODULE_WEIGHTS,
    PEOPLE,
    REFUSALS,
    RUNNING_STATUSES,
    UNFINISHED_ERRORS,
)
from crmupdate.massupdate.changetext import changes_summary
from crmupdate.massupdate.models import MassUpdate, UpdateStatus
from crmupdate.massupdate.texts import columns, zoho_message


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    email: str
    time_zone: str


def team_find(team: str) -> Team | None:
    """A team by its id or its Zoho org id."""
    found = Team.objects.filter(zoho_org_id=team).first()
    if found is None and team.isdigit():
        found = Team.objects.filter(pk=int(team)).first()
    return found


def people_ensure(*, team: Team, count: int) -> list[Person]:
    """The team's people, adding demo people (who cannot sign in) until there are `count`."""
    members = list(Member.objects.filter(team=team).order_by("pk"))
    user_model = get_user_model()
    for name, zone in PEOPLE[len(members) : count]:
        email = f"{name.split()[0].lower().replace('ë', 'e')}@seed.{team.zoho_org_id}.example"
        user, _ = user_model.objects.get_or_create(
            username=f"{email}/{team.zoho_org_id}", defaults={"email": email}
        )
        member, _ = Member.objects.get_or_create(
            user=user,
            defaults={"team": team, "zoho_user_id": f"seed-{email}", "full_name": name,
                      "email": email, "profile_name": "Sales Operations", "time_zone": zone},
        )  # fmt: skip
        members.append(member)
    return [
        Person(m.user_id, m.full_name or m.email, m.email, m.time_zone or "UTC") for m in members
    ]


def _explanation(code: str, message: str, api_name: str, label: str) -> dict[str, Any]:
    details = {"api_name": api_name} if api_name else {}
    return zoho_message(code, message, details, labels={api_name: label} if label else {})


def _display(data_type: str, value: Any) -> str:
    if data_type == "boolean":
        return "Yes" if value else "No"
    if data_type == "integer":
        return f"{value:,}"
    if data_type == "percent":
        return f"{value}%"
    return str(value)


class RowMaker:
    """Builds one row's column values at a time (deterministic for a given seed)."""

    def __init__(self, *, team: Team, people: list[Person], rows: int, days: int, seed: int):
        self.rng = random.Random(seed)
        self.team = team
        self.people = people
        self.rows = rows
        self.end = timezone.now()
        self.start = self.end - dt.timedelta(days=days)
        self.step = (self.end - self.start) / max(rows, 1)
        self.job_counter = self.rng.randrange(1_000_000, 2_000_000)
        self.org_prefix = (team.zoho_org_id if team.zoho_org_id.isdigit() else "738964")[:6]
        modules = list(MODULE_WEIGHTS)
        self.module_cycle = self.rng.choices(modules, [MODULE_WEIGHTS[m] for m in modules], k=997)
        self.status_cycle = self.rng.choices(
            [s for s, _ in FINAL_STATUSES], [w for _, w in FINAL_STATUSES], k=1009
        )
        self.unfinished_from = rows - max(3, rows // 200_000)

    def cvid(self, module: str, view: str) -> str:
        return f"{self.org_prefix}000{zlib.crc32(f'{module}/{view}'.encode()) % 10**9:09d}"

    def job_id(self) -> str:
        self.job_counter += self.rng.randint(1, 40)
        return f"{self.org_prefix}000{self.job_counter:09d}"

    def row(self, i: int) -> dict[str, Any]:
        rng = self.rng
        module = self.module_cycle[i % len(self.module_cycle)]
        label, views, fields = CATALOGUE[module]
        view = rng.choice(views)
        picked = rng.sample(fields, k=min(len(fields), rng.choice((1, 1, 1, 2, 2, 3))))
        changes = []
        for api_name, field_label, data_type, values in picked:
            value = rng.choice(values)
            over_write = rng.random() < 0.5 if data_type == "multiselectpicklist" else None
            display = _display(data_type, value)
            changes.append(
                {
                    "api_name": api_name,
                    "label": field_label,
                    "data_type": data_type,
                    "value": [value] if over_write is not None else value,
                    "display": display,
                    "clear": False,
                    "over_write": over_write,
                }
            )
        steps = 1 if module == "Deals" else len(changes)
        person = self.people[rng.randrange(len(self.people))]
        created_at = self.start + self.step * i + self.step * rng.random() * 0.9
        if i >= self.unfinished_from:
            status = RUNNING_STATUSES[i % len(RUNNING_STATUSES)]
        else:
            status = self.status_cycle[i % len(self.status_cycle)]
        records = rng.choice((12, 48, 130, 300, 861, 1243, 4_950, 12_000, 38_500))
        total = updated = failed = 0
        error_code = error_message = ""
        explanation: dict[str, Any] | None = None
        job_ids: list[str] = []
        done_steps = steps
        if status == UpdateStatus.REFUSED:
            code, error_message, key = rng.choice(REFUSALS)
            done_steps = rng.randrange(steps)
            api_name = "cvid" if key == "cvid" else (picked[done_steps][0] if key else "")
            field_label = picked[done_steps][1] if key == "field" else ""
            error_code, explanation = code, _explanation(code, error_message, api_name, field_label)
        elif status in (UpdateStatus.FAILED, UpdateStatus.NEEDS_ATTENTION, UpdateStatus.PAUSED,
                        UpdateStatus.WAITING):  # fmt: skip
            error_code, error_message = (
                rng.choice(FAILURES) if status == UpdateStatus.FAILED else UNFINISHED_ERRORS[status]
            )
            done_steps = rng.randrange(1, steps + 1) if status == UpdateStatus.FAILED else 0
            explanation = _explanation(error_code, error_message, "", "")
        elif status in (UpdateStatus.RUNNING, UpdateStatus.QUEUED):
            done_steps = 1 if status == UpdateStatus.RUNNING else 0
        job_ids = [self.job_id() for _ in range(done_steps)]
        if job_ids:
            total = records * len(job_ids)
            if status in (UpdateStatus.COMPLETED, UpdateStatus.COMPLETED_WITH_FAILURES,
                          UpdateStatus.FAILED):  # fmt: skip
                failed = rng.randint(1, max(1, records // 20)) if status != "completed" else 0
                updated = total - failed
            else:  # running: part of the way
                updated = rng.randrange(total + 1)
        finished = status not in (UpdateStatus.RUNNING, UpdateStatus.QUEUED, UpdateStatus.WAITING,
                                  UpdateStatus.PAUSED, UpdateStatus.NEEDS_ATTENTION)  # fmt: skip
        duration = dt.timedelta(seconds=5 + records * 0.004 * max(len(job_ids), 1))
        return {
            "team_id": self.team.pk,
            "created_by_id": person.user_id,
            "created_by_name": person.name,
            "created_by_email": person.email,
            "created_at": created_at,
            "updated_at": created_at + duration,
            "started_at": created_at + dt.timedelta(seconds=1) if job_ids else None,
            "finished_at": created_at + duration if finished else None,
            "module_api_name": module,
            "module_label": label,
            "cvid": self.cvid(module, view),
            "view_name": view,
            "summary": changes_summary(changes),
            "field_names": ", ".join(str(c["label"]) for c in changes),
            "changes": changes,
            "job_ids": " ".join(job_ids),
            "status": str(status),
            "record_count": records,
            "step_count": steps,
            "total_count": total,
            "updated_count": updated,
            "not_updated_count": 0,
            "failed_count": failed,
            "last_error_code": error_code,
            **columns("last_error_explanation", explanation),
            "time_zone": person.time_zone,
            "run_token": uuid.uuid4(),  # unique across runs
        }


def _columns() -> list[Any]:
    return [f for f in MassUpdate._meta.concrete_fields if not f.primary_key]


def _copy_value(field: Any, values: dict[str, Any]) -> Any:
    # A column this generator does not know gets its model default.
    value = values[field.attname] if field.attname in values else field.get_default()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def history_seed(
    *,
    team: Team,
    people: list[Person],
    rows: int,
    days: int = 730,
    seed: int = 1,
    batch: int = 5_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert `rows` history rows for the team, oldest first. Returns how many."""
    maker = RowMaker(team=team, people=people, rows=rows, days=days, seed=seed)
    generated = (maker.row(i) for i in range(rows))
    if connection.vendor == "postgresql":
        _copy_postgresql(generated, batch=batch, progress=progress)
        # Fresh statistics for the planner, and the visibility map for index-only scans, as
        # autovacuum would leave them a little later.
        # (VACUUM cannot run inside a transaction, as in tests: statistics only then.)
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {MassUpdate._meta.db_table}")
    else:
        _bulk_create(generated, batch=batch, progress=progress)
    return rows


def _copy_postgresql(
    generated: Iterator[dict[str, Any]], *, batch: int, progress: Callable[[int], None] | None
) -> None:
    fields = _columns()
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {MassUpdate._meta.db_table} ({names}) FROM STDIN"
    done = 0
    with transaction.atomic(), connection.cursor() as cursor, cursor.copy(sql) as copy:
        for values in generated:
            copy.write_row([_copy_value(f, values) for f in fields])
            done += 1
            if progress and done % batch == 0:
                progress(done)


def _bulk_create(
    generated: Iterator[dict[str, Any]], *, batch: int, progress: Callable[[int], None] | None
) -> None:
    done = 0
    chunk: list[MassUpdate] = []
    with transaction.atomic():
        for values in generated:
            chunk.append(MassUpdate(**values))
            if len(chunk) >= batch:
                MassUpdate.objects.bulk_create(chunk)
                done += len(chunk)
                chunk = []
                if progress:
                    progress(done)
        if chunk:
            MassUpdate.objects.bulk_create(chunk)
