"""The update's page lists the records it did not change, paged, as CSV and Excel, and
"Retry these" sends them again; only the update's team sees or retries them (Zoho mocked at
the HTTP seam)."""

import csv
import io

import openpyxl
import pytest

from crmupdate.massupdate.frozen.models import RecordFailure, RecordRetry
from tests.massupdate.conftest import (
    CVID,
    change,
    make_member,
    mass_update_bodies,
    mass_updates_answered,
    record_id,
    run_update,
    run_worker,
)
from tests.massupdate.test_worker import MASS_UPDATE, status_body

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = {record_id(n) for n in range(0, 300, 5)}  # 60 locked leads


@pytest.fixture
def finished(member, zoho_api, fast_worker):
    mass_updates_answered(zoho_api, MASS_UPDATE, ["901"], refused=REFUSED)
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED", failed=len(REFUSED)))
    update = run_update(member, [change("No_of_Employees", 1000, label="No. of Employees")])
    run_worker()
    update.refresh_from_db()
    return update


def test_the_page_lists_them_fifty_at_a_time_with_reason_and_what_to_do(finished, member, client):
    client.force_login(member.user)
    page = client.get(f"/updates/{finished.pk}/").content.decode()
    assert "240 of 300 leads changed; 60 not changed." in page
    assert "Records not changed (60)" in page
    assert page.count('<code class="record-id">') == 50
    assert "This record is locked in Zoho" in page and "Unlock or approve it in Zoho" in page
    assert "Retry these 60 records" in page
    assert "records that joined the view in the seconds between that reading" in page
    second = client.get(f"/updates/{finished.pk}/?records=2").content.decode()
    assert second.count('<code class="record-id">') == 10


def test_the_csv_and_the_excel_file_list_every_one_with_ids_kept_whole(finished, member, client):
    client.force_login(member.user)
    response = client.get(f"/updates/{finished.pk}/records-not-changed.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["Record ID"] for r in rows} == REFUSED
    assert {r["Zoho code"] for r in rows} == {"RECORD_LOCKED"}
    assert f'"{record_id(0)}"' in text  # quoted, as digits
    response = client.get(f"/updates/{finished.pk}/records-not-changed.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert {c.value for c in cells} == REFUSED
    assert {c.data_type for c in cells} == {"s"}  # text: all 19 digits kept


def test_retry_these_sends_exactly_them_again_and_a_second_refusal_is_recorded(
    finished, member, client, zoho_api
):
    client.force_login(member.user)
    response = client.post(f"/updates/{finished.pk}/retry-records/")
    assert response.status_code == 302
    posts_before = len(mass_update_bodies(zoho_api))
    run_worker()
    retry = RecordRetry.objects.get()
    assert (retry.number, retry.record_count, retry.failed_count) == (1, 60, 60)
    sent = mass_update_bodies(zoho_api)[posts_before:]
    assert [sorted(b["ids"]) for b in sent] == [sorted(REFUSED)]
    assert "cvid" not in sent[0]
    assert set(RecordFailure.objects.values_list("attempt", flat=True)) == {1}
    page = client.get(f"/updates/{finished.pk}/").content.decode()
    assert "Retry 1 by" in page and "0 changed, 60 not changed" in page


def test_another_team_sees_nothing_and_retries_nothing(finished, client):
    other = make_member(email="gary@globex.example", org_id="org-globex", company="Globex")
    client.force_login(other.user)
    assert client.get(f"/updates/{finished.pk}/records-not-changed.csv").status_code == 404
    assert client.post(f"/updates/{finished.pk}/retry-records/").status_code == 404
    assert not RecordRetry.objects.exists()


def test_a_retry_is_refused_while_the_update_runs(member, zoho_api, fast_worker, client):
    mass_updates_answered(zoho_api, MASS_UPDATE, ["902"])
    update = run_update(member, [change("No_of_Employees", 1000)], cvid=CVID)
    client.force_login(member.user)
    client.post(f"/updates/{update.pk}/retry-records/")
    assert not RecordRetry.objects.exists()
