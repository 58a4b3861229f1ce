"""A history row as people read it, and its table row as HTML.

The markup of a row is written here, in Python, and not in the template: at 25 rows a page
the template engine spent more time on the table's ~400 variables and ~50 small loops than
the rest of the request took together (measured with bench/history.py). Every text goes
through `html.escape` (quotes included). The template (history/list.html) owns the page and
the table's head.
"""

from __future__ import annotations

from functools import cache
from html import escape  # the standard library's: Django's adds lazy-string handling we do not need
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from crmupdate.massupdate.models import FINISHED_UPDATE_STATUSES, UpdateStatus
from crmupdate.massupdate.statuses import update_status_word
from crmupdate.massupdate.undo.selectors import UndoCell, undo_cell_of

# A row: a plain dict (the template engine reads dict keys much faster than attributes).
HistoryRow = dict[str, Any]

MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The columns a row needs (read with `.values()`, never as model instances).
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
    "last_error_explanation",
)


def change_lines(values: dict[str, Any]) -> list[str]:
    """Each change as "Label → value" (from the stored changes, else from the summary)."""
    changes = values["changes"]
    if not isinstance(changes, list) or not changes:
        return [part.replace(" -> ", " → ") for part in values["summary"].split("; ") if part]
    found = []
    for c in changes:
        if not isinstance(c, dict):
            continue
        label = str(c.get("label") or c.get("api_name") or "")
        if c.get("clear"):
            value = "(cleared)"
        elif c.get("data_type") == "multiselectpicklist" and not c.get("over_write"):
            value = f"+ {c.get('display', '')}"
        else:
            value = str(c.get("display", ""))
        found.append(f"{label} → {value}")
    return found


@cache
def _url_patterns() -> tuple[str, str, str]:
    marker = 987654321
    detail = reverse("massupdate:detail", args=[marker]).replace(str(marker), "{}")
    row = reverse("history:row", args=[marker]).replace(str(marker), "{}")
    undo = reverse("undo:page", args=[marker]).replace(str(marker), "{}")
    return detail, row, undo


def row_present(values: dict[str, Any], zone: ZoneInfo) -> HistoryRow:
    """The row of one update (`values`: ROW_COLUMNS and the columns of `undo_cell_columns`),
    times in the viewer's zone."""
    status = values["status"]
    pk = values["id"]
    created = values["created_at"].astimezone(zone)
    updated, failed, total = values["updated_count"], values["failed_count"], values["total_count"]
    done = min(total, updated + failed)
    detail_url, row_url, undo_url = _url_patterns()
    finished = status in FINISHED_UPDATE_STATUSES
    row: HistoryRow = {
        "pk": pk,
        "detail_url": detail_url.format(pk),
        "running": not finished,
        "iso": created.isoformat(timespec="seconds"),
        "when": f"{created.day} {MONTHS[created.month]} {created.year}, "
        f"{created.hour:02d}:{created.minute:02d}",
        "who": values["created_by_name"] or values["created_by_email"] or "Someone who left",
        "module": values["module_label"],
        "module_api_name": values["module_api_name"],
        "person_id": values["created_by_id"],
        "view": values["view_name"],
        "changes": change_lines(values),
        "job_ids": values["job_ids"].split(),
        "status": status,
        "status_label": str(update_status_word(status).label),
        "status_tone": update_status_word(status).tone,
        "counts": f"{updated:,} / {failed:,} / {total:,}",
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 0,
        "error_code": values["last_error_code"],
        "error": values["last_error_explanation"],
    }
    row["row_url"] = row_url.format(pk) if row["running"] else ""
    cell = undo_cell_of(
        finished=finished, undo_status=values["undo_status"], backups=values["undo_backups"]
    )
    row["html"] = _row_html(row, _undo_html(cell, undo_url.format(pk)))
    return row


UNDONE = frozenset({UpdateStatus.COMPLETED, UpdateStatus.COMPLETED_WITH_FAILURES})


def _undo_html(cell: UndoCell | None, url: str) -> str:
    """The undo cell, at the end of the status column: a link to undo, how the undo went, or
    why it cannot be undone."""
    if cell is None:
        return ""
    if cell.undo_status:
        text = "Undone" if cell.undo_status in UNDONE else "Being undone"
        return f'<a class="undo-cell" href="{url}">{text}</a>'
    if cell.available:
        return f'<a class="undo-cell" href="{url}">Undo this update</a>'
    return f'<span class="undo-cell muted">Cannot be undone: {escape(cell.reason.lower())}</span>'


def _row_html(row: HistoryRow, undo: str) -> SafeString:
    """The row's `<tr>`, with `undo` (markup) at the end of its status cell.

    A running row asks for itself again every 3 seconds (htmx) and shows a progress bar;
    a finished one is static.
    """
    pk = row["pk"]
    poll = (
        f' hx-get="{row["row_url"]}" hx-trigger="every 3s" hx-target="this"'
        ' hx-swap="outerHTML" hx-push-url="false"'
        if row["running"]
        else ""
    )
    changes = "".join(f"<li>{escape(line)}</li>" for line in row["changes"])
    jobs = (
        " ".join(f'<code class="job-id">{escape(job_id)}</code>' for job_id in row["job_ids"])
        or '<span class="muted">none</span>'
    )
    progress = (
        f'<progress max="{row["total"] or 1}" value="{row["done"]}" '
        f'aria-label="Progress of update #{pk}">{row["percent"]}%</progress>'
        if row["running"]
        else ""
    )
    error = (
        f'<code class="error-code">{escape(row["error_code"])}</code> {escape(row["error"])}'
        if row["error_code"]
        else ""
    )
    return mark_safe(  # noqa: S308  (every value is escaped)
        f'<tr id="update-{pk}" class="history-row"{poll}>'
        f'<td><a href="{row["detail_url"]}" title="Open update #{pk}">'
        f'<time datetime="{row["iso"]}">{escape(row["when"])}</time></a></td>'
        f"<td>{escape(row['who'])}</td>"
        f"<td>{escape(row['module'])}</td>"
        f'<td class="history-view">{escape(row["view"])}</td>'
        f'<td><ul class="history-changes">{changes}</ul></td>'
        f'<td class="history-jobs">{jobs}</td>'
        f'<td><span class="status status-{escape(row["status"])} tone-{row["status_tone"]}">'
        f"{escape(row['status_label'])}</span>{undo}"
        f'</td><td class="history-counts">{escape(row["counts"])}{progress}</td>'
        f'<td class="history-error">{error}</td></tr>'
    )
