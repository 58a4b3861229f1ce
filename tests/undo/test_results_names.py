"""The undo's results name every record as Zoho does, beside its id, in the CSV and the
workbook; read back as a spreadsheet program reads them, ids stay whole and the headers are
in the reader's language."""

from collections import Counter

import pytest

from crmupdate.massupdate.undo import services
from crmupdate.massupdate.undo.models import UndoRecord
from tests.massupdate.conftest import change
from tests.spreadsheet_files import CSV_COMMA_QUOTED_AS_TEXT, as_dicts, cells_of
from tests.undo.conftest import lead_status, run_with_backup, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def zoho_name(data):
    """A lead as Zoho lists it: its full name, with its company."""
    person = " ".join(p for p in (data.get("First_Name"), data.get("Last_Name")) if p)
    company = data.get("Company") or ""
    return f"{person} ({company})" if person and company else person or company


@pytest.fixture
def undone(sam, sim, fast_worker):
    """Lead Status and Rating set on every lead of All Leads (two steps), then undone."""
    names = {str(r.record_id): zoho_name(r.data) for r in sim.view_records("Leads", "All Leads")}
    rating = change("Rating", "Active", label="Rating", data_type="picklist")
    update = run_with_backup(sam.member, [lead_status("Contacted"), rating])
    run_worker()
    update.refresh_from_db()
    assert update.finished and update.step_count == 2, update.last_error_explanation
    undo = services.undo_start(update=update, member=sam.member)
    run_worker()
    undo.refresh_from_db()
    assert undo.finished and UndoRecord.objects.filter(undo=undo).count() == 2 * len(names)
    return update, names


def spanish(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    return client


def download(client, update, kind):
    response = client.get(f"/updates/{update.pk}/undo/results.{kind}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_csv_names_each_record_beside_its_id_with_headers_in_spanish(
    undone, sam, client_for, tmp_path
):
    update, names = undone
    body = download(spanish(client_for(sam)), update, "csv")
    assert body.decode().startswith('\ufeff"ID del registro","Nombre del registro","Paso",')

    cells = as_dicts(cells_of(body, ".csv", tmp_path, infilter=CSV_COMMA_QUOTED_AS_TEXT))
    assert list(cells[0])[:4] == ["ID del registro", "Nombre del registro", "Paso", "Campo"]
    assert len(cells) == 2 * len(names)  # one row per record and field, each step's records
    for row in cells:
        record_id = row["ID del registro"]
        assert record_id.type == "string" and len(record_id.text) >= 18  # every digit kept
        assert row["Nombre del registro"].text == names[record_id.text], record_id.text
    assert Counter(r["Campo"].text for r in cells) == {
        "Lead Status": len(names), "Rating": len(names),
    }  # fmt: skip
    assert {r["Resultado"].text for r in cells} >= {"Restaurados", "Ya tenía su valor anterior"}


def test_the_workbook_names_each_record_beside_its_id(undone, sam, client_for, tmp_path):
    update, names = undone
    body = download(spanish(client_for(sam)), update, "xlsx")
    cells = as_dicts(cells_of(body, ".xlsx", tmp_path))
    assert len(cells) == 2 * len(names)
    for row in cells:
        record_id = row["ID del registro"]
        assert record_id.type == "string" and record_id.text in names  # a text cell, whole
        assert row["Nombre del registro"].text == names[record_id.text]


def test_in_english_the_headers_are_english(undone, sam, client_for):
    update, names = undone
    text = download(client_for(sam), update, "csv").decode()
    header, first = text.lstrip("\ufeff").splitlines()[:2]
    assert header == (
        '"Record ID","Record name","Step","Field","Field API name","Result",'
        '"Value before the update","Value set by the update","Value found by the undo",'
        '"Zoho code","Zoho message","Explanation"'
    )
    record_id, name = first.split('","')[:2]
    assert name == names[record_id.lstrip('"')]


def test_a_purged_backup_leaves_the_names_empty_but_every_row_listed(undone, sam, client_for):
    from crmupdate.massupdate.frozen.models import FrozenChunk

    update, names = undone
    FrozenChunk.objects.filter(frozen__update=update).delete()
    text = download(client_for(sam), update, "csv").decode()
    rows = text.lstrip("\ufeff").splitlines()[1:]
    assert len(rows) == 2 * len(names)
    assert {row.split('","')[1] for row in rows} == {""}
