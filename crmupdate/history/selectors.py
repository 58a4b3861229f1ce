"""Reads of the team history. Every query starts from the signed-in person's team.

A page costs one query whatever the size of the history: its rows (keyset pagination on
`(created_at, id)`, never OFFSET) with each row's undo cell; the whole page adds the filter
options (the team's modules by a loose index scan, and its people), kept in the session for a
minute. How many updates match is counted separately (the page loads it with
htmx) and at most up to `COUNT_CAP` ("more than 1,000" instead of counting a million rows).
Rows are read as plain values, never model instances, and only the columns the table shows
(see `crmupdate.history.rows`). The SQL the ORM could not write fast enough (`_rows`) or at
all (the loose index scan of `history_filter_options`) is here, each with why.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import BooleanField, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from crmupdate.accounts.models import Member
from crmupdate.history.cursors import MAX_ID, Cursor
from crmupdate.history.filters import HistoryFilters
from crmupdate.history.rows import HistoryRow, row_present
from crmupdate.massupdate.frozen.models import FrozenStatus, FrozenView
from crmupdate.massupdate.models import MassUpdate, Step, StepStatus
from crmupdate.massupdate.statuses import update_status_label
from crmupdate.massupdate.texts import EXPLANATION_COLUMNS, explanation_of
from crmupdate.massupdate.undo.models import Undo
from crmupdate.massupdate.undo.selectors import CELL_AVAILABLE, CELL_EXPIRED, CELL_INCOMPLETE

PAGE_SIZE = 25
COUNT_CAP = 1_000

# The text free-text search looks in. On PostgreSQL a trigram GIN index over exactly this
# expression (migration history 0001) makes `ILIKE '%word%'` fast at a million rows.
SEARCH_TEXT_SQL = "(view_name || ' ' || field_names || ' ' || summary || ' ' || job_ids)"
# A whole Zoho record or job id (they are 18 or 19 digits long).
JOB_ID = re.compile(r"[0-9]{15,20}")


@dataclass
class HistoryPage:
    rows: list[HistoryRow]
    newer: Cursor | None = None  # link to newer updates (None: this is the newest page)
    older: Cursor | None = None  # link to older updates (None: nothing older)


@dataclass
class FilterOptions:
    modules: list[tuple[str, str]] = field(default_factory=list)  # (API name, label)
    people: list[tuple[int, str]] = field(default_factory=list)  # (user id, name)


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _job_id_condition(word: str) -> RawSQL:
    if connection.vendor == "postgresql":
        sql, params = "string_to_array(job_ids, ' ') @> ARRAY[%s]::text[]", (word,)
    else:
        sql, params = "(' ' || job_ids || ' ') LIKE %s", (f"% {word} %",)
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611  (constant SQL)


def _datetime(value: Any) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _conditions(*, team: Any, filters: HistoryFilters) -> tuple[list[str], list[Any]]:
    """The WHERE conditions (SQL, joined by AND) and their parameters for the team's updates
    matching the filters: the one definition of what the filters mean, for the page, the
    count and the CSV.

    A whole Zoho job id is looked up first, on its own (one small query): PostgreSQL has no
    useful statistics for unique array elements, and inside the page query it would walk the
    newest rows hoping to meet it soon instead of using the job id index.
    """
    sql = ["team_id = %s"]
    params: list[Any] = [getattr(team, "pk", team)]
    if filters.module:
        sql.append("module_api_name = %s")
        params.append(filters.module)
    if filters.person:
        sql.append("created_by_id = %s")
        params.append(filters.person)
    if filters.statuses:
        sql.append(f"status IN ({', '.join(['%s'] * len(filters.statuses))})")
        params.extend(filters.statuses)
    if filters.since:
        sql.append("created_at >= %s")
        params.append(_datetime(filters.since))
    if filters.until:
        sql.append("created_at < %s")
        params.append(_datetime(filters.until))
    operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
    for word in filters.words:
        if JOB_ID.fullmatch(word):
            by_job = MassUpdate.objects.filter(team=team).filter(_job_id_condition(word))
            ids = list(by_job.values_list("pk", flat=True))
            sql.append(f"id IN ({', '.join(['%s'] * len(ids))})" if ids else "1 = 0")
            params.extend(ids)
        else:
            sql.append(f"{SEARCH_TEXT_SQL} {operator} %s ESCAPE '\\'")
            params.append(_like_pattern(word))
    return sql, params


def history_queryset(*, team: Any, filters: HistoryFilters) -> QuerySet[MassUpdate]:
    """The team's updates matching the filters (unordered), for the count and the exports."""
    sql, params = _conditions(team=team, filters=filters)
    where = RawSQL(" AND ".join(sql), params, output_field=BooleanField())  # noqa: S611
    return MassUpdate.objects.filter(team=team).filter(where)


# The columns a row needs, read as plain values (never model instances).
ROW_COLUMNS = (
    "id",
    "created_at",
    "created_by_id",
    "created_by_name",
    "created_by_email",
    "module_api_name",
    "module_label",
    "view_name",
    "changes",
    "summary",
    "job_ids",
    "status",
    "updated_count",
    "failed_count",
    "total_count",
    "last_error_code",
    # The explanation is stored as a text code and its parameters (see
    # `crmupdate.massupdate.texts`), worded in the reader's language into
    # `last_error_explanation`.
    *EXPLANATION_COLUMNS,
)
_CREATED_AT, _CHANGES = ROW_COLUMNS.index("created_at"), ROW_COLUMNS.index("changes")


def _rows(conditions: list[str], params: list[Any], *, order: str, limit: int) -> list[dict]:
    """Rows as dicts of ROW_COLUMNS plus their undo cell (`undo_status`, `undo_backups`: see
    `crmupdate.massupdate.undo.selectors.undo_cell_of`), in one statement.

    Why not the ORM: building and compiling the same query with the ORM (the two undo
    columns as `Subquery` annotations) took 1.5 to 3 ms a page, longer than PostgreSQL took
    to plan and run it, and the page's budget is twice a bare signed-in page (about 9 ms).
    The undo columns are correlated look-ups that PostgreSQL runs only for the rows the LIMIT
    keeps: the update's undo, if any, and what its kept values allow (the records read when it
    started, when the review's box was ticked). With a step that reached Zoho and finished,
    undo is available when they are complete and not past their expiry, else they have
    expired or are incomplete; NULL when no values were kept or no step ran. This is the rule
    `undo_state` applies to one update.

    Two columns need converting as the ORM would: SQLite returns date-times as text (UTC),
    and both databases return JSON as text (Django asks psycopg not to parse it).
    """
    table = MassUpdate._meta.db_table
    undo, frozen, step = Undo._meta.db_table, FrozenView._meta.db_table, Step._meta.db_table
    sql = f"""
        SELECT {", ".join(ROW_COLUMNS)},
          (SELECT u.status FROM {undo} u WHERE u.update_id = {table}.id),
          (SELECT CASE
              WHEN f.status = %s OR (f.status = %s AND f.expires_at <= %s) THEN '{CELL_EXPIRED}'
              WHEN f.status = %s THEN '{CELL_AVAILABLE}'
              ELSE '{CELL_INCOMPLETE}'
           END
           FROM {frozen} f
           WHERE f.update_id = {table}.id AND f.keep_values
             AND EXISTS (SELECT 1 FROM {step} s WHERE s.update_id = {table}.id
                         AND (s.job_id <> '' OR s.ids_done > 0) AND s.status IN (%s, %s)))
        FROM {table} WHERE {" AND ".join(conditions)}
        ORDER BY created_at {order}, id {order} LIMIT %s
    """  # noqa: S608  (our table and column names; values are parameters)
    undo_params = [
        FrozenStatus.EXPIRED.value,
        FrozenStatus.COMPLETE.value,
        _datetime(timezone.now()),
        FrozenStatus.COMPLETE.value,
        StepStatus.COMPLETED.value,
        StepStatus.FAILED.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*undo_params, *params, limit])
        fetched = cursor.fetchall()
    names = (*ROW_COLUMNS, "undo_status", "undo_backups")
    found = []
    for values in fetched:
        row = dict(zip(names, values, strict=True))
        created = values[_CREATED_AT]
        if isinstance(created, str):
            row["created_at"] = dt.datetime.fromisoformat(created).replace(tzinfo=dt.UTC)
        changes = values[_CHANGES]
        row["changes"] = json.loads(changes) if isinstance(changes, str | bytes) else changes
        row["last_error_explanation"] = explanation_of(row)
        found.append(row)
    return found


def _cursor(values: dict[str, Any]) -> Cursor:
    return Cursor(created_at=values["created_at"], pk=values["id"])


def history_page(
    *,
    team: Any,
    filters: HistoryFilters,
    zone: ZoneInfo,
    before: Cursor | None = None,
    after: Cursor | None = None,
    page_size: int = PAGE_SIZE,
) -> HistoryPage:
    """One page of the team's history, newest first: the updates older than `before`, newer
    than `after`, or the newest. One query (two when "newer" reaches the newest page), with
    each row's undo cell."""
    where, params = _conditions(team=team, filters=filters)
    page = HistoryPage(rows=[])
    if after is not None:
        # The redundant `created_at >= t` keeps the index range scan; the OR breaks ties.
        newer = [*where, "created_at >= %s", "(created_at > %s OR id > %s)"]
        at = _datetime(after.created_at)
        found = _rows(newer, [*params, at, at, after.pk], order="ASC", limit=page_size + 1)
        if len(found) > page_size:
            found = found[:page_size][::-1]
            page.newer = _cursor(found[0])
            older_exists = True
        else:  # back at the top: show a full newest page
            found = _rows(where, params, order="DESC", limit=page_size + 1)
            older_exists = len(found) > page_size
            found = found[:page_size]
    else:
        if before is not None:
            at = _datetime(before.created_at)
            where = [*where, "created_at <= %s", "(created_at < %s OR id < %s)"]
            params = [*params, at, at, before.pk]
        found = _rows(where, params, order="DESC", limit=page_size + 1)
        older_exists = len(found) > page_size
        found = found[:page_size]
        if before is not None and found:
            page.newer = _cursor(found[0])
    if older_exists and found:
        page.older = _cursor(found[-1])
    page.rows = [row_present(values, zone) for values in found]
    return page


def history_count(*, team: Any, filters: HistoryFilters, cap: int = COUNT_CAP) -> int:
    """How many updates match, counting at most `cap + 1` (more means "more than `cap`")."""
    return history_queryset(team=team, filters=filters).order_by()[: cap + 1].count()


def history_row(*, team: Any, pk: int, zone: ZoneInfo) -> HistoryRow:
    """One of the team's updates as a table row; another team's is a 404."""
    if not 0 < pk <= MAX_ID:
        raise Http404("No such update")
    found = _rows(
        ["team_id = %s", "id = %s"], [getattr(team, "pk", team), pk], order="DESC", limit=1
    )
    if not found:
        raise Http404("No such update")
    return row_present(found[0], zone)


def history_filter_options(*, team: Any) -> FilterOptions:
    """The modules the team has updated and the team's people, in one query.

    The modules come from a loose index scan (recursive CTE: the next module name after the
    last one), which touches one index entry per module instead of every row; each label is
    the latest one used.
    """
    table = MassUpdate._meta.db_table
    members = Member._meta.db_table
    sql = f"""
        WITH RECURSIVE mods(name) AS (
            SELECT MIN(module_api_name) FROM {table} WHERE team_id = %s
            UNION ALL
            SELECT (SELECT MIN(module_api_name) FROM {table}
                    WHERE team_id = %s AND module_api_name > mods.name)
            FROM mods WHERE mods.name IS NOT NULL
        )
        SELECT 'module', name, (SELECT module_label FROM {table}
                                WHERE team_id = %s AND module_api_name = mods.name
                                ORDER BY created_at DESC LIMIT 1)
        FROM mods WHERE name IS NOT NULL
        UNION ALL
        SELECT 'person', CAST(user_id AS TEXT), CASE WHEN full_name <> '' THEN full_name
                                                     ELSE email END
        FROM {members} WHERE team_id = %s
    """  # noqa: S608  (table names are ours; values are parameters)
    team_id = getattr(team, "pk", team)
    options = FilterOptions()
    with connection.cursor() as cursor:
        cursor.execute(sql, [team_id] * 4)
        for kind, key, label in cursor.fetchall():
            if kind == "module":
                options.modules.append((str(key), str(label or key)))
            else:
                options.people.append(
                    (int(key), str(label or gettext("Person %(id)s") % {"id": key}))
                )
    options.modules.sort(key=lambda m: m[1].lower())
    options.people.sort(key=lambda p: p[1].lower())
    return options


# --- Spreadsheet export -------------------------------------------------------------------------


def history_export_values(
    *, team: Any, filters: HistoryFilters, fields: Sequence[str], chunk_size: int = 2_000
) -> Iterator[tuple[Any, ...]]:
    """Every matching update, newest first, as tuples of `fields` (streamed from the database
    in chunks: a server-side cursor on PostgreSQL). Besides the update's own columns:
    `undo_status`, `undone_by`, `undone_at` (its undo, if any) and `undo_of` (for an undo's
    own entry, the update it undoes)."""
    undo = Undo.objects.filter(update=OuterRef("pk"))
    qs = (
        history_queryset(team=team, filters=filters)
        .annotate(
            undo_status=Subquery(undo.values("status")[:1]),
            undone_by=Subquery(undo.values("created_by_name")[:1]),
            undone_at=Subquery(undo.values("finished_at")[:1]),
            undo_of=Subquery(Undo.objects.filter(entry=OuterRef("pk")).values("update_id")[:1]),
        )
        .order_by("-created_at", "-pk")
    )
    if "last_error_explanation" not in fields:
        return qs.values_list(*fields).iterator(chunk_size=chunk_size)
    # The explanation is worded from its stored code and parameters, in the reader's language.
    at = list(fields).index("last_error_explanation")
    read = [*fields[:at], *EXPLANATION_COLUMNS, *fields[at + 1 :]]
    end = at + len(EXPLANATION_COLUMNS)
    return (
        (*row[:at], explanation_of(dict(zip(EXPLANATION_COLUMNS, row[at:end], strict=True))),
         *row[end:])
        for row in qs.values_list(*read).iterator(chunk_size=chunk_size)
    )  # fmt: skip


def status_label(status: str) -> str:
    return update_status_label(status)
