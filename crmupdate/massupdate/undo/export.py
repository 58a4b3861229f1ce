"""An undo's results as a spreadsheet: one row per record and field (the record's id and
name, what the field held before the update, what the update set, what the undo found, what
happened), as CSV or .xlsx (the format choices are `crmupdate.spreadsheets`'). Headers and
our words are in the person's language; values and Zoho's own words are as Zoho gives them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext, pgettext

from crmupdate.massupdate.explanations import explain
from crmupdate.massupdate.undo.models import UndoOutcome
from crmupdate.massupdate.undo.values import display
from crmupdate.spreadsheets import Column, Kind


def columns() -> tuple[Column, ...]:
    """The header row, in the active language."""
    return (
        Column(gettext("Record ID"), Kind.ID, 21),
        Column(gettext("Record name"), width=30),
        Column(gettext("Step"), Kind.NUMBER, 6),
        Column(gettext("Field"), width=20),
        Column(gettext("Field API name"), width=20),
        Column(gettext("Result"), width=30),
        Column(gettext("Value before the update"), width=24),
        Column(gettext("Value set by the update"), width=24),
        Column(gettext("Value found by the undo"), width=24),
        Column(gettext("Zoho code"), width=18),
        Column(gettext("Zoho message"), width=40),
        Column(gettext("Explanation"), width=50),
    )


def outcome_text(outcome: str) -> str:
    """What happened to a record, in words."""
    texts = {
        UndoOutcome.RESTORED: pgettext("undo result", "Put back"),
        UndoOutcome.UNCHANGED: gettext("Already had its previous value"),
        UndoOutcome.CONFLICT: gettext("Changed since the update: left as it is"),
        UndoOutcome.FAILED: gettext("Zoho refused"),
    }
    return texts.get(outcome, outcome)  # type: ignore[call-overload]


def result_rows(values: Iterable[tuple[Any, ...]]) -> Iterator[list[Any]]:
    """`undo_result_rows` tuples as spreadsheet rows: values as people read them, and Zoho's
    refusals explained in plain words."""
    explained: dict[tuple[str, str], str] = {}
    outcomes: dict[str, str] = {}
    for (
        record_id, name, step, label, api_name, outcome, previous, set_, current, code, message,
    ) in values:  # fmt: skip
        explanation = ""
        if code:
            key = (code, message)
            if key not in explained:
                found = explain(code, message)
                explained[key] = f"{found.text} {found.next_step}"
            explanation = explained[key]
        if outcome not in outcomes:
            outcomes[outcome] = outcome_text(outcome)
        yield [
            record_id, name, step, label, api_name, outcomes[outcome],
            display(previous), display(set_), display(current), code, message, explanation,
        ]  # fmt: skip


def results_filename(update_pk: int, today: dt.date) -> str:
    """Without the extension (the same in every language: it is a file name)."""
    return f"undo-of-update-{update_pk}-{today.isoformat()}"


def sheet_title(update_pk: int) -> str:
    return gettext("Undo of %(number)s") % {"number": update_pk}
