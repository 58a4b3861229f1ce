"""An undo's results as a spreadsheet: one row per record and field (what it held before the
update, what the update set, what the undo found, what happened), as CSV or .xlsx (the
format choices are `crmupdate.spreadsheets`')."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from crmupdate.massupdate.explanations import explain
from crmupdate.massupdate.undo.values import display
from crmupdate.spreadsheets import Column, Kind

# Header names are the machine-friendly ones the CSV has always had.
COLUMNS = (
    Column("record_id", Kind.ID, 21),
    Column("step", Kind.NUMBER, 6),
    Column("field", width=20),
    Column("field_api_name", width=20),
    Column("result", width=30),
    Column("previous_value", width=24),
    Column("value_set_by_update", width=24),
    Column("value_found_at_undo", width=24),
    Column("zoho_code", width=18),
    Column("zoho_message", width=40),
    Column("explanation", width=50),
)


def result_rows(values: Iterable[tuple[Any, ...]]) -> Iterator[list[Any]]:
    """`undo_result_rows` tuples as spreadsheet rows: values as people read them, and Zoho's
    refusals explained in plain words."""
    explained: dict[tuple[str, str], str] = {}
    for record_id, step, label, api_name, result, previous, set_, current, code, message in values:
        explanation = ""
        if code:
            key = (code, message)
            if key not in explained:
                found = explain(code, message)
                explained[key] = f"{found.text} {found.next_step}"
            explanation = explained[key]
        yield [
            record_id, step, label, api_name, result,
            display(previous), display(set_), display(current), code, message, explanation,
        ]  # fmt: skip


def results_filename(update_pk: int, today: dt.date) -> str:
    """Without the extension."""
    return f"undo-of-update-{update_pk}-{today.isoformat()}"
