"""The history's downloads: every matching row (not a page), as CSV for machines (every cell
quoted, ISO times, never a formula) and as .xlsx for people (ids as text, times as dates),
with whether each update was undone; read back through LibreOffice as a person would."""

import csv
import datetime as dt
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from crmupdate.massupdate.models import Step, StepStatus, UpdateStatus
from crmupdate.massupdate.undo.models import Backup, BackupStatus, Undo
from crmupdate.spreadsheets import BOM
from tests.history.conftest import T0, add_update, add_updates, change
from tests.spreadsheet_files import CSV_COMMA_QUOTED_AS_TEXT, as_dicts, cells_of

pytestmark = pytest.mark.django_db

HEADER = [
    "Update", "Started", "Finished", "Person", "Email", "Module", "View", "View ID", "Changes",
    "Fields", "Zoho job IDs", "Status", "Updated", "Failed", "Not updated", "Total",
    "Records in view at review", "Zoho error code", "Explanation", "Undo", "Undone by",
    "Undone at", "Undo of update",
]  # fmt: skip
JOB_ID = "7389640000021521049"  # 19 digits: more than a spreadsheet's number keeps


def download(client, query="", kind="csv"):
    response = client.get(f"/history/export.{kind}{query}")
    assert response.status_code == 200, response.content[:300]
    return response, b"".join(response.streaming_content)


def table(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    assert text.startswith(BOM)
    header_line = text[1 : text.index("\r\n")]
    assert header_line == ",".join(f'"{h}"' for h in HEADER)  # every cell quoted
    reader = csv.reader(io.StringIO(text[len(BOM) :]))
    header = next(reader)
    return [dict(zip(header, row, strict=True)) for row in reader]


def test_it_has_a_header_and_every_matching_row_not_just_a_page(sam_client, sam):
    refused = add_updates(sam, 70, status=UpdateStatus.REFUSED, last_error_code="INVALID_DATA")
    add_updates(sam, 5, status=UpdateStatus.COMPLETED)
    response, body = download(sam_client, "?status=refused")

    rows = table(body)
    assert [int(r["Update"]) for r in rows] == [u.pk for u in reversed(refused)]
    assert {r["Status"] for r in rows} == {"Refused by Zoho"}
    assert {r["Zoho error code"] for r in rows} == {"INVALID_DATA"}
    today = timezone.now().date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="crmupdate-history-{today}.csv"'
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]


def test_rows_hold_what_was_attempted_and_iso_times_in_the_viewers_zone(sam_client, sam):
    sam.time_zone = "Europe/Berlin"
    sam.save()
    add_update(
        sam,
        changes=[change("Lead Status", "Contacted"), change("Région", "Zürich")],
        finished_at=T0 + timedelta(minutes=3),
        job_ids="111 222",
        status=UpdateStatus.COMPLETED_WITH_FAILURES,
        total_count=600, updated_count=590, failed_count=10, record_count=300,
        last_error_code="", view_name="Leads, \"hot\"; new",
    )  # fmt: skip
    (row,) = table(download(sam_client)[1])
    assert row["Started"] == "2026-03-10T10:00:00+01:00"
    assert row["Finished"] == "2026-03-10T10:03:00+01:00"
    assert row["Person"] == "Sam Ops" and row["Email"] == "sam.ops@zylker.example"
    assert row["View"] == 'Leads, "hot"; new' and row["View ID"] == "738964000000091563"
    assert row["Changes"] == "Lead Status -> Contacted; Région -> Zürich"
    assert row["Fields"] == "Lead Status, Région"
    assert row["Zoho job IDs"] == "111 222"
    assert (row["Updated"], row["Failed"], row["Total"]) == ("590", "10", "600")
    assert row["Records in view at review"] == "300"
    assert (row["Undo"], row["Undone by"], row["Undone at"], row["Undo of update"]) == (
        "", "", "", "",
    )  # fmt: skip


def test_the_filters_and_search_apply(sam_client, sam, pat):
    mine = add_update(sam, view_name="Open Leads")
    add_update(pat, view_name="Open Leads")
    add_update(sam, view_name="Closed Leads")
    for kind in ("csv", "xlsx"):
        body = download(sam_client, f"?q=open&person={sam.user_id}", kind)[1]
        if kind == "csv":
            assert [int(r["Update"]) for r in table(body)] == [mine.pk]
        else:
            sheet = load_workbook(io.BytesIO(body)).active
            assert [c.value for c in sheet["A"]] == ["Update", str(mine.pk)]


def test_cells_that_would_run_as_formulas_are_quoted(sam_client, sam):
    add_update(
        sam,
        view_name='=HYPERLINK("http://evil.example")',
        changes=[change("+Rating", "-1")],
        created_by_name="@Sam",
        module_label="Junk;=1+1",
    )
    (row,) = table(download(sam_client)[1])
    assert row["View"] == '\'=HYPERLINK("http://evil.example")'
    assert row["Changes"] == "'+Rating -> -1"
    assert row["Person"] == "'@Sam"
    assert row["Module"] == "'Junk;=1+1"


def test_an_empty_result_still_has_the_header(sam_client, sam):
    assert table(download(sam_client, "?q=nothing-matches")[1]) == []


@pytest.fixture
def undone(sam, pat):
    """Sam's two-step update of which only the first step ran, undone by Patricia."""
    update = add_update(
        sam,
        changes=[change("Lead Status", "Contacted"), change("Rating", "Hot")],
        field_names="Lead Status, Rating",
        status=UpdateStatus.FAILED,
    )
    ran = Step.objects.create(update=update, team=sam.team, position=1, module_api_name="Leads",
                              cvid=update.cvid, changes=[change("Lead Status", "Contacted")],
                              status=StepStatus.COMPLETED, job_id=JOB_ID)  # fmt: skip
    Step.objects.create(update=update, team=sam.team, position=2, module_api_name="Leads",
                        cvid=update.cvid, changes=[change("Rating", "Hot")],
                        status=StepStatus.SKIPPED)  # fmt: skip
    backup = Backup.objects.create(team=sam.team, update=update, step=ran, module_api_name="Leads",
                                   cvid=update.cvid, status=BackupStatus.COMPLETE,
                                   record_count=300)  # fmt: skip
    entry = add_update(
        pat,
        created_at=T0 + timedelta(hours=1),
        summary=f"Undo of update #{update.pk}: put back the previous Lead Status",
        field_names=update.field_names,  # as the undo's entry is stored: every step's fields
        changes=[],
        job_ids="",
    )
    Undo.objects.create(team=sam.team, update=update, entry=entry, created_by=pat.user,
                        created_by_name=pat.full_name, plan=[backup.pk],
                        status=UpdateStatus.COMPLETED,
                        finished_at=T0 + timedelta(hours=1, minutes=5))  # fmt: skip
    return update, entry


def test_undone_updates_say_so_and_an_undo_lists_only_the_fields_it_put_back(sam_client, undone):
    update, entry = undone
    entry_row, update_row = table(download(sam_client)[1])
    assert update_row["Update"] == str(update.pk)
    assert (update_row["Undo"], update_row["Undone by"]) == ("Undone", "Patricia Boyle")
    assert update_row["Undone at"] == "2026-03-10T10:05:00+00:00"
    assert update_row["Fields"] == "Lead Status, Rating"  # what the update asked for
    assert entry_row["Update"] == str(entry.pk)
    assert entry_row["Undo of update"] == str(update.pk)
    assert entry_row["Fields"] == "Lead Status"  # the step that never ran is not listed
    assert entry_row["Undo"] == ""


def test_the_excel_download_has_text_ids_and_dates_read_back_by_libreoffice(
    sam_client, sam, undone, tmp_path
):
    sam.time_zone = "Europe/Berlin"
    sam.save()
    update, _ = undone
    update.job_ids = JOB_ID
    update.finished_at = T0 + timedelta(minutes=3)
    update.save()
    response, body = download(sam_client, kind="xlsx")
    today = timezone.now().astimezone(ZoneInfo("Europe/Berlin")).date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="crmupdate-history-{today}.xlsx"'
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]

    rows = as_dicts(cells_of(body, ".xlsx", tmp_path))
    assert list(rows[0]) == HEADER
    row = next(r for r in rows if r["Update"].text == str(update.pk))
    assert (row["Zoho job IDs"].type, row["Zoho job IDs"].text) == ("string", JOB_ID)
    assert (row["View ID"].type, row["View ID"].text) == ("string", "738964000000091563")
    assert row["Update"].type == "string"
    # dates are date cells, at the wall-clock time in Sam's zone
    assert (row["Started"].type, row["Started"].value) == ("date", "2026-03-10T10:00:00")
    assert (row["Finished"].type, row["Finished"].value) == ("date", "2026-03-10T10:03:00")
    assert (row["Undone at"].type, row["Undone at"].value) == ("date", "2026-03-10T11:05:00")
    assert (row["Total"].type, row["Total"].value) == ("float", "300")
    assert (row["Undo"].text, row["Undone by"].text) == ("Undone", "Patricia Boyle")


def test_the_csv_keeps_whole_ids_when_quoted_fields_are_read_as_text(sam_client, sam, tmp_path):
    """How README tells people to open the CSV in LibreOffice ("Format quoted field as
    text"): every cell is quoted, so ids keep their 19 digits."""
    add_update(sam, job_ids=JOB_ID)
    body = download(sam_client)[1]
    (row,) = as_dicts(cells_of(body, ".csv", tmp_path, infilter=CSV_COMMA_QUOTED_AS_TEXT))
    assert (row["Zoho job IDs"].type, row["Zoho job IDs"].text) == ("string", JOB_ID)
    assert row["Started"].text == "2026-03-10T09:00:00+00:00"  # ISO, as machines want it


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "query",
    ["?since=yesterday", "?person=99999999999999999999", "?before=nonsense", "?status=lost"],
)
def test_filters_it_cannot_read_get_a_400_not_a_partial_download(sam_client, sam, kind, query):
    add_update(sam)
    response = sam_client.get(f"/history/export.{kind}{query}")
    assert response.status_code == 400
    text = response.content.decode()
    assert "These filters could not be read" in text
    assert "Change the filters on the history page and try again." in text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "query",
    [
        "?until=9999-12-31",
        "?since=0001-01-01&until=9999-12-31",
        "?before=9999-12-31T23:59:59.999999Z~9223372036854775807",
        f"?person={2**63 - 1}",
    ],
)
def test_extreme_values_give_the_whole_download(sam_client, sam, kind, query):
    sam.time_zone = "Pacific/Kiritimati"  # UTC+14: the calendar's first day starts before it
    sam.save()
    mine = add_update(sam)
    body = download(sam_client, query, kind)[1]
    expected = [] if "person" in query else [mine.pk]
    if kind == "csv":
        assert [int(r["Update"]) for r in table(body)] == expected
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        assert [int(c.value) for c in sheet["A"][1:]] == expected


def test_the_excel_download_keeps_times_in_the_zone(sam_client, sam):
    sam.time_zone = "America/Chicago"
    sam.save()
    add_update(sam)
    sheet = load_workbook(io.BytesIO(download(sam_client, kind="xlsx")[1])).active
    assert sheet["B2"].is_date and sheet["B2"].value == dt.datetime(2026, 3, 10, 4, 0)


def test_a_failing_query_is_an_error_page_not_a_csv_cut_short(sam_client, sam, monkeypatch):
    """The CSV's query runs before the response starts: a database failure is a server
    error (logged, the friendly 500 page), never a "200 OK" whose file stops short."""
    from django.db import DatabaseError

    from crmupdate.history import selectors

    def failing(**kwargs):
        raise DatabaseError("the database went away")
        yield  # a generator, like the real one: nothing runs until the first row is asked

    add_update(sam)
    monkeypatch.setattr(selectors, "history_export_values", failing)
    with pytest.raises(DatabaseError):
        sam_client.get("/history/export.csv")  # raised while making the response
