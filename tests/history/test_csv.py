"""The CSV download: every matching row (not a page), header, ISO times, spreadsheet-safe."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from crmupdate.history.export import BOM, cell_safe
from crmupdate.massupdate.models import UpdateStatus
from tests.history.conftest import T0, add_update, add_updates, change

pytestmark = pytest.mark.django_db

HEADER = [
    "Update", "Started", "Finished", "Person", "Email", "Module", "View", "View ID", "Changes",
    "Fields", "Zoho job IDs", "Status", "Updated", "Failed", "Not updated", "Total",
    "Records in view at review", "Zoho error code", "Explanation",
]  # fmt: skip


def download(client, query=""):
    response = client.get(f"/history/export.csv{query}")
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    return response, body


def table(body: str) -> list[dict[str, str]]:
    assert body.startswith(BOM)
    reader = csv.reader(io.StringIO(body[len(BOM) :]))
    header = next(reader)
    assert header == HEADER
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


def test_the_filters_and_search_apply(sam_client, sam, pat):
    mine = add_update(sam, view_name="Open Leads")
    add_update(pat, view_name="Open Leads")
    add_update(sam, view_name="Closed Leads")
    rows = table(download(sam_client, f"?q=open&person={sam.user_id}")[1])
    assert [int(r["Update"]) for r in rows] == [mine.pk]


def test_cells_that_would_run_as_formulas_are_quoted(sam_client, sam):
    add_update(
        sam,
        view_name='=HYPERLINK("http://evil.example")',
        changes=[change("+Rating", "-1")],
        created_by_name="@Sam",
    )
    (row,) = table(download(sam_client)[1])
    assert row["View"] == '\'=HYPERLINK("http://evil.example")'
    assert row["Changes"] == "'+Rating -> -1"
    assert row["Person"] == "'@Sam"
    assert [cell_safe(v) for v in ("\tx", "\rx", "ok", 5, -5)] == ["'\tx", "'\rx", "ok", 5, -5]


def test_an_empty_result_still_has_the_header(sam_client, sam):
    assert table(download(sam_client, "?q=nothing-matches")[1]) == []
