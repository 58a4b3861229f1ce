"""A history row as people read it: the texts and links of one update's row, ready to show.

The markup is the template's (`history/list.html#row`, the same partial for the page, the htmx
table fragment and a running row's refresh). What the template gets per row is kept small and
flat, every value already a string: the template engine's cost is per variable it resolves
(ints go through number formatting, objects through attribute look-ups), so the work that
does not depend on markup is done here once (see bench/README.md for the figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.formats import get_format
from django.utils.translation import get_language, gettext, pgettext, pgettext_lazy

from crmupdate.massupdate.changetext import ARROW, OLD_SUMMARY_ARROW, change_text
from crmupdate.massupdate.models import FINISHED_UPDATE_STATUSES
from crmupdate.massupdate.statuses import update_status_word
from crmupdate.massupdate.undo.selectors import UndoCell, undo_cell_of, undo_status_label

# A row: a plain dict (the template engine reads dict keys faster than attributes).
HistoryRow = dict[str, Any]

MONTHS = (
    pgettext_lazy("abbreviated month", "Jan"),
    pgettext_lazy("abbreviated month", "Feb"),
    pgettext_lazy("abbreviated month", "Mar"),
    pgettext_lazy("abbreviated month", "Apr"),
    pgettext_lazy("abbreviated month", "May"),
    pgettext_lazy("abbreviated month", "Jun"),
    pgettext_lazy("abbreviated month", "Jul"),
    pgettext_lazy("abbreviated month", "Aug"),
    pgettext_lazy("abbreviated month", "Sep"),
    pgettext_lazy("abbreviated month", "Oct"),
    pgettext_lazy("abbreviated month", "Nov"),
    pgettext_lazy("abbreviated month", "Dec"),
)


@dataclass(frozen=True)
class _Texts:
    """A language's words and formats for rows, looked up once per language (not per row)."""

    when: str  # "{day} {month} {year}, {hour}:{minute}"
    months: tuple[str, ...]  # months[1] is January's abbreviation
    thousands: str
    undo_link: str
    cannot_undo: str  # "Cannot be undone: %(reason)s"
    open_update: str  # "Open update #%(pk)s"
    progress: str  # "Progress of update #%(pk)s"


@cache
def _texts(language: str | None) -> _Texts:
    return _Texts(
        when=pgettext(
            "a history row's date and time: {month} is the abbreviated month",
            "{day} {month} {year}, {hour}:{minute}",
        ),
        months=("", *(str(m) for m in MONTHS)),
        thousands=str(get_format("THOUSAND_SEPARATOR")),
        undo_link=gettext("Undo this update"),
        cannot_undo=gettext("Cannot be undone: %(reason)s"),
        open_update=gettext("Open update #%(pk)s"),
        progress=gettext("Progress of update #%(pk)s"),
    )


@cache
def _column_labels(language: str | None) -> dict[str, str]:
    return {
        "when": gettext("When"),
        "who": gettext("Who"),
        "module": gettext("Module"),
        "view": gettext("View"),
        "changes": gettext("Changes"),
        "job_ids": gettext("Zoho job IDs"),
        "status": gettext("Status"),
        "counts": gettext("Updated / failed / total"),
        "error": gettext("Error"),
    }


def column_labels() -> dict[str, str]:
    """The table's column headers in the active language: the same words head the columns
    and, on a phone where each row is a card, label each cell (`data-label`; see the
    `column_label` tag)."""
    return _column_labels(get_language())


def _number(n: int, thousands: str) -> str:
    """`n` with the language's thousands separator, as `intcomma` writes it."""
    return f"{n:,}".replace(",", thousands)


def change_lines(values: dict[str, Any]) -> list[str]:
    """Each change as "Label → value" (from the stored changes, else from the summary)."""
    changes = values["changes"]
    if not isinstance(changes, list) or not changes:
        return [
            part.replace(f" {OLD_SUMMARY_ARROW} ", f" {ARROW} ")
            for part in values["summary"].split("; ")
            if part
        ]
    return [change_text(c) for c in changes if isinstance(c, dict)]


@cache
def _url_patterns() -> tuple[str, str, str]:
    marker = 987654321
    detail = reverse("massupdate:detail", args=[marker]).replace(str(marker), "{}")
    row = reverse("history:row", args=[marker]).replace(str(marker), "{}")
    undo = reverse("undo:page", args=[marker]).replace(str(marker), "{}")
    return detail, row, undo


def _undo_texts(cell: UndoCell | None, texts: _Texts) -> tuple[str, str]:
    """The undo cell: (link text, "") for a link to the undo's page, or ("", why not)."""
    if cell is None:
        return "", ""
    if cell.undo_status:
        return str(undo_status_label(cell.undo_status)), ""
    if cell.available:
        return texts.undo_link, ""
    reason = str(cell.reason)
    return "", texts.cannot_undo % {"reason": reason[:1].lower() + reason[1:]}


def row_present(values: dict[str, Any], zone: ZoneInfo) -> HistoryRow:
    """The row of one update (`values`: the columns `history_page` reads), times in the
    viewer's zone."""
    status = values["status"]
    pk = str(values["id"])
    created = values["created_at"].astimezone(zone)
    updated, failed, total = values["updated_count"], values["failed_count"], values["total_count"]
    done = min(total, updated + failed)
    detail_url, row_url, undo_url = _url_patterns()
    running = status not in FINISHED_UPDATE_STATUSES
    word = update_status_word(status)
    texts = _texts(get_language())
    undo_link, undo_reason = _undo_texts(
        undo_cell_of(
            finished=not running, undo_status=values["undo_status"], backups=values["undo_backups"]
        ),
        texts,
    )
    return {
        "pk": pk,
        "detail_url": detail_url.format(pk),
        "open_title": texts.open_update % {"pk": pk},
        "row_url": row_url.format(pk) if running else "",
        "iso": created.isoformat(timespec="seconds"),
        "when": texts.when.format(
            day=created.day,
            month=texts.months[created.month],
            year=created.year,
            hour=f"{created.hour:02d}",
            minute=f"{created.minute:02d}",
        ),
        "who": values["created_by_name"] or values["created_by_email"],  # "": someone who left
        "module": values["module_label"],
        "module_api_name": values["module_api_name"],
        "person_id": values["created_by_id"],
        "view": values["view_name"],
        "changes": change_lines(values),
        "job_ids": values["job_ids"].split(),
        "status": status,
        "status_label": str(word.label),
        "status_tone": word.tone,
        "counts": " / ".join(_number(n, texts.thousands) for n in (updated, failed, total)),
        # progress bar of a running row: value, max, percent, its name
        "progress": (
            str(done),
            str(total or 1),
            f"{round(100 * done / total) if total else 0}%",
            texts.progress % {"pk": pk},
        )
        if running
        else None,
        "error_code": values["last_error_code"],
        "error": values["last_error_explanation"],
        "undo_url": undo_url.format(pk) if undo_link else "",
        "undo_link": undo_link,
        "undo_reason": undo_reason,
    }
