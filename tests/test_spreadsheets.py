"""The one writer of every download: CSV cells quoted and never a formula, .xlsx cells typed."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from crmupdate.spreadsheets import BOM, Column, Kind, csv_lines, text_safe, xlsx_file
from tests.spreadsheet_files import CSV_SEMICOLON, cells_of

BERLIN = ZoneInfo("Europe/Berlin")
COLUMNS = (
    Column("Id", Kind.ID),
    Column("When", Kind.DATETIME),
    Column("Count", Kind.NUMBER),
    Column("View"),
)
ROW = ("7389640000021521041", dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), 596, "Junk;=1+1")


def csv_text(rows=(ROW,)) -> str:
    return "".join(csv_lines(COLUMNS, rows, zone=BERLIN))


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Junk;=1+1", "'Junk;=1+1"),  # Excel with ";" as list separator splits here
        ("Junk,+1", "'Junk,+1"),
        ("Junk; -1", "'Junk; -1"),
        ("a\n=1", "'a\n=1"),
        ("Junk|@x", "'Junk|@x"),
        ("Lead Status -> Contacted; Rating -> Hot", "Lead Status -> Contacted; Rating -> Hot"),
        ("Open Leads", "Open Leads"),
        ("1+1=2", "1+1=2"),
    ],
)
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(text, safe):
    assert text_safe(text) == safe


def test_every_csv_cell_is_quoted_with_iso_times_in_the_zone():
    text = csv_text()
    assert text.startswith(BOM + '"Id","When","Count","View"\r\n')
    last = '"7389640000021521041","2026-03-10T10:00:00+01:00","596","\'Junk;=1+1"\r\n'
    assert text.endswith(last)
    (row,) = list(csv.reader(io.StringIO(text[1:])))[1:]
    assert row == ["7389640000021521041", "2026-03-10T10:00:00+01:00", "596", "'Junk;=1+1"]


def test_empty_values_are_empty_cells():
    assert csv_text([(None, None, None, None)]).endswith('"","","",""\r\n')


def test_a_spreadsheet_with_semicolon_separators_evaluates_no_cell(tmp_path):
    """The CSV read by LibreOffice splitting on ";" (as continental Excel does)."""
    rows = cells_of(csv_text().encode(), ".csv", tmp_path / "ours", infilter=CSV_SEMICOLON)
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.formula]
    assert any("Junk;=1+1" in c.text for c in cells)
    # What it guards against: the same value unquoted, as the CSV used to write it.
    unquoted = BOM + "Id,View\r\n7389640000021521041,Junk;=1+1\r\n"
    rows = cells_of(unquoted.encode(), ".csv", tmp_path / "old", infilter=CSV_SEMICOLON)
    assert [c.formula for row in rows for c in row if c.formula] == ["of:=1+1"]


def test_xlsx_cells_are_typed_and_text_is_never_a_formula(tmp_path):
    rows = [ROW, ("1", None, 0, '=HYPERLINK("http://evil.example")'), ("2", None, None, "a\x00b")]
    with xlsx_file(COLUMNS, rows, zone=BERLIN, sheet_title="History") as output:
        book = load_workbook(output)
    sheet = book["History"]
    assert [c.value for c in sheet[1]] == ["Id", "When", "Count", "View"]
    idc, when, count, view = sheet[2]
    assert (idc.value, idc.data_type) == ("7389640000021521041", "s")
    assert when.is_date and when.value == dt.datetime(2026, 3, 10, 10, 0)  # Berlin wall clock
    assert (count.value, count.data_type) == (596, "n")
    assert (view.value, view.data_type) == ("Junk;=1+1", "s")
    formula_like = sheet["D3"]
    assert formula_like.value == '=HYPERLINK("http://evil.example")'
    assert formula_like.data_type == "s"
    assert sheet["D4"].value == "ab"  # characters a workbook cannot hold are left out
    assert sheet.freeze_panes == "A2"
