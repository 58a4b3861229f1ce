"""The history as a spreadsheet: every matching update, one row each, as CSV or .xlsx (the
format choices are `crmupdate.spreadsheets`'). Besides what the update did, each row says
whether it was undone (by whom, when) and, for an undo's own entry, which update it undid.
The column headers and the words (statuses, undo) are in the person's language; the values
meant for machines (ids, ISO times in the CSV) are the same in every language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import batched
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crmupdate.history.selectors import status_label
from crmupdate.massupdate.undo.selectors import undo_entry_field_names, undo_status_label
from crmupdate.spreadsheets import Column, Kind

ID, NUMBER, DATETIME = Kind.ID, Kind.NUMBER, Kind.DATETIME
SHEET_TITLE = _("History")

# (what the selector reads, the column)
EXPORT: tuple[tuple[str, Column], ...] = (
    ("id", Column(pgettext_lazy("spreadsheet column", "Update"), ID, 9)),
    ("created_at", Column(pgettext_lazy("spreadsheet column", "Started"), DATETIME, 20)),
    ("finished_at", Column(pgettext_lazy("spreadsheet column", "Finished"), DATETIME, 20)),
    ("created_by_name", Column(pgettext_lazy("spreadsheet column", "Person"), width=20)),
    ("created_by_email", Column(pgettext_lazy("spreadsheet column", "Email"), width=26)),
    ("module_label", Column(pgettext_lazy("spreadsheet column", "Module"), width=14)),
    ("view_name", Column(pgettext_lazy("spreadsheet column", "View"), width=24)),
    ("cvid", Column(pgettext_lazy("spreadsheet column", "View ID"), ID, 21)),
    ("summary", Column(pgettext_lazy("spreadsheet column", "Changes"), width=40)),
    ("field_names", Column(pgettext_lazy("spreadsheet column", "Fields"), width=24)),
    ("job_ids", Column(pgettext_lazy("spreadsheet column", "Zoho job IDs"), ID, 21)),
    ("status", Column(pgettext_lazy("spreadsheet column", "Status"), width=22)),
    ("updated_count", Column(pgettext_lazy("spreadsheet column", "Updated"), NUMBER, 9)),
    ("failed_count", Column(pgettext_lazy("spreadsheet column", "Failed"), NUMBER, 9)),
    ("not_updated_count", Column(pgettext_lazy("spreadsheet column", "Not updated"), NUMBER, 9)),
    ("total_count", Column(pgettext_lazy("spreadsheet column", "Total"), NUMBER, 9)),
    (
        "record_count",
        Column(pgettext_lazy("spreadsheet column", "Records in view at review"), NUMBER, 12),
    ),
    ("last_error_code", Column(pgettext_lazy("spreadsheet column", "Zoho error code"), width=18)),
    (
        "last_error_explanation",
        Column(pgettext_lazy("spreadsheet column", "Explanation"), width=50),
    ),
    ("undo_status", Column(pgettext_lazy("spreadsheet column", "Undo"), width=14)),
    ("undone_by", Column(pgettext_lazy("spreadsheet column", "Undone by"), width=20)),
    ("undone_at", Column(pgettext_lazy("spreadsheet column", "Undone at"), DATETIME, 20)),
    ("undo_of", Column(pgettext_lazy("spreadsheet column", "Undo of update"), ID, 9)),
)
FIELDS = tuple(name for name, _column in EXPORT)
COLUMNS = tuple(column for _name, column in EXPORT)
_STATUS, _FIELDS, _UNDO, _UNDO_OF = (
    FIELDS.index(name) for name in ("status", "field_names", "undo_status", "undo_of")
)


def export_rows(values: Iterable[tuple[Any, ...]], *, batch: int = 2_000) -> Iterator[list[Any]]:
    """The selector's tuples (in FIELDS order) as rows people read: statuses in words, and an
    undo's entry naming only the fields it put back (one query per batch of rows)."""
    for chunk in batched(values, batch):
        entries = [row[0] for row in chunk if row[_UNDO_OF] is not None]
        fields = undo_entry_field_names(entry_ids=entries) if entries else {}
        for row in chunk:
            cells = list(row)
            cells[_STATUS] = status_label(row[_STATUS])
            if row[_UNDO]:
                cells[_UNDO] = undo_status_label(row[_UNDO])
            if row[0] in fields:
                cells[_FIELDS] = fields[row[0]]
            yield cells


def export_filename(today: dt.date) -> str:
    """Without the extension."""
    return f"crmupdate-history-{today.isoformat()}"
