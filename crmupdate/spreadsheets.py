"""Every download of rows (the team history, an undo's results): one writer, two formats.
The callers give the column headers, in the person's language.

- **CSV, for machines**: UTF-8 with a byte-order mark (Excel then reads accents and non-Latin
  names correctly), a header row, every cell quoted (`csv.QUOTE_ALL`), times in ISO 8601 with
  the person's UTC offset, ids as their digits. Streamed row by row with flat memory.
- **Excel (.xlsx), for people**: ids are text cells (a spreadsheet keeps all 18-19 digits;
  as numbers Excel shows 7.38964E+17 and loses the last ones), times are date cells in the
  person's time zone, counts are numbers. Written by openpyxl in write-only mode to a
  temporary file (memory stays flat whatever the number of rows), then sent from it.

Formula safety. A spreadsheet runs a text cell that starts with `=`, `+`, `-`, `@` (or a tab
or carriage return before one) as a formula. In the CSV such a cell gets a leading
apostrophe; so does a cell holding a formula starter right after a separator (`Junk;=1+1`),
because a spreadsheet that splits on `;` or tabs (continental Excel) or ignores quotes would
otherwise make `=1+1` a cell of its own. In the .xlsx every text is written as a string
cell, which no spreadsheet evaluates, so values stay exactly as stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from django.http import FileResponse, StreamingHttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A formula starter right after something a spreadsheet may split a cell on.
_SPLIT_FORMULA = re.compile(r"[,;|\t\r\n][ ]*[=+\-@]")
_ROWS_PER_CHUNK = 200  # CSV rows joined into one chunk of the response
XLSX_DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"


class Kind(StrEnum):
    TEXT = "text"
    ID = "id"  # digits that name something: text in a spreadsheet, never a number
    NUMBER = "number"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    title: str | Promise  # a header in the person's language (lazy: worded when written)
    kind: Kind = Kind.TEXT
    width: int = 16  # characters, for the .xlsx


def text_safe(text: str) -> str:
    """`text` as a CSV cell a spreadsheet never runs as a formula."""
    if text.startswith(FORMULA_STARTS) or _SPLIT_FORMULA.search(text):
        return "'" + text
    return text


def _csv_cell(value: Any, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal | dt.date):
        return str(value)
    return text_safe(str(value))


class _Line:
    """A file-like object for csv.writer that hands back what was written."""

    def write(self, text: str) -> str:
        return text


def csv_lines(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, zone: ZoneInfo
) -> Iterator[str]:
    """The CSV text in chunks: BOM and header first, then every row. The header is worded now,
    in the language active when this is called, not when the response is sent."""
    writer = csv.writer(_Line(), quoting=csv.QUOTE_ALL)
    header = BOM + writer.writerow([text_safe(str(c.title)) for c in columns])  # type: ignore[func-returns-value]
    return _csv_chunks(header, writer, rows, zone)


def _csv_chunks(
    header: str, writer: Any, rows: Iterable[Sequence[Any]], zone: ZoneInfo
) -> Iterator[str]:
    yield header
    chunk: list[str] = []
    for row in rows:
        chunk.append(writer.writerow([_csv_cell(v, zone) for v in row]))  # type: ignore[func-returns-value]
        if len(chunk) >= _ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def _xlsx_cell(sheet: Any, value: Any, kind: Kind, zone: ZoneInfo) -> Any:
    """A value for openpyxl's `append`: plain values where openpyxl's own typing is right, a
    string cell where it would make a formula of text starting with `=`."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        # Excel has no time zones: the wall-clock time where the person is.
        return value.astimezone(zone).replace(tzinfo=None, microsecond=0)  # as the CSV: seconds
    if kind is Kind.NUMBER and isinstance(value, int | float | Decimal):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))
    if text.startswith("="):
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # text, never a formula
        return cell
    return text


def xlsx_file(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    zone: ZoneInfo,
    sheet_title: str | Promise,
) -> Any:
    """The workbook in a temporary file (deleted when closed), positioned at its start."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(sheet_title)[:31])
    for index, column in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.title))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    kinds = [c.kind for c in columns]
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v, k, zone) for v, k in zip(row, kinds, strict=True)])
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  (closed by the response)
    book.save(output)
    output.seek(0)
    return output


def csv_response(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, zone: ZoneInfo, filename: str
) -> StreamingHttpResponse:
    """The CSV, streamed. Its query runs (and its first row is read) before the response
    starts: a query that fails is an error page, not a "200 OK" cut short."""
    started = iter(rows)
    first = next(started, None)
    if first is not None:
        started = itertools.chain((first,), started)
    response = StreamingHttpResponse(csv_lines(columns, started, zone=zone), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    zone: ZoneInfo,
    filename: str,
    sheet_title: str | Promise,
) -> FileResponse:
    output = xlsx_file(columns, rows, zone=zone, sheet_title=sheet_title)
    response = FileResponse(
        output, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE
    )
    response["Cache-Control"] = "no-store"
    return response
