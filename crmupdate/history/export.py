"""The history as CSV: every matching update, streamed row by row with flat memory.

Choices (documented in the README): UTF-8 with a byte-order mark, so Excel opens accents and
non-Latin names correctly (LibreOffice and Google Sheets ignore the mark); a header row;
times in ISO 8601 with the viewer's UTC offset; cells that a spreadsheet would run as a
formula (starting with = + - @, tab or carriage return) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from crmupdate.history.selectors import EXPORT_COLUMNS, status_label

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_STATUS_INDEX = [name for name, _ in EXPORT_COLUMNS].index("status")
_ROWS_PER_CHUNK = 200  # rows joined into one chunk of the response


class _Line:
    """A file-like object for csv.writer that hands back what was written."""

    def write(self, text: str) -> str:
        return text


def cell_safe(value: Any) -> Any:
    """A cell as a spreadsheet should read it: text never starts a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: Any, zone: ZoneInfo) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).isoformat(timespec="seconds")
    return cell_safe(value)


def csv_lines(values: Iterable[tuple[Any, ...]], *, zone: ZoneInfo) -> Iterator[str]:
    """The CSV text in chunks: BOM and header first, then every row."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([title for _, title in EXPORT_COLUMNS])  # type: ignore[func-returns-value]
    chunk: list[str] = []
    for row in values:
        cells = [_cell(v, zone) for v in row]
        cells[_STATUS_INDEX] = status_label(row[_STATUS_INDEX])
        chunk.append(writer.writerow(cells))  # type: ignore[func-returns-value]
        if len(chunk) >= _ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_filename(today: dt.date) -> str:
    return f"crmupdate-history-{today.isoformat()}.csv"
