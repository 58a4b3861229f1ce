"""Undo puts back the values an update replaced, record by record, without harming what
anyone changed since; it runs once, in the worker, and is itself an entry in the history."""

import csv
import io
import re
from datetime import UTC
from html import unescape

import pytest

from crmupdate.massupdate.frozen.models import FrozenView as Backup
from crmupdate.massupdate.models import MassUpdate, UpdateStatus
from crmupdate.massupdate.undo import services
from crmupdate.massupdate.undo.models import Undo, UndoOutcome, UndoRecord
from crmupdate.zohosim.models import ApiCall
from tests.fixtures_accounts import post_at_once
from tests.fixtures_sim import GLOBEX_EMAIL
from tests.spreadsheet_files import as_dicts, cells_of
from tests.undo.conftest import (
    a_new_day,
    credits_left,
    edit_in_zoho,
    lead_status,
    run_actions_until,
    run_with_backup,
    run_worker,
    zoho_calls,
)

pytestmark = pytest.mark.django_db(transaction=True)


def page_text(html):
    """What a person reads on the page (Zoho's data, marked as such, included)."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def statuses(sim):
    return {r.record_id: r.data.get("Lead_Status") for r in sim.records("Leads")}


@pytest.fixture
def done_update(sam, sim, fast_worker):
    """Lead Status set to Contacted on every lead of All Leads, with a backup."""
    before = statuses(sim)
    update = run_with_backup(sam.member, [lead_status("Contacted")])
    run_worker()
    update.refresh_from_db()
    assert update.finished, update.last_error_explanation
    return update, before


def test_undo_puts_back_previous_values_and_leaves_records_changed_since(
    done_update, sam, sim, sim_token, zoho_sim_origin
):
    update, before = done_update
    locked = {r.record_id for r in sim.records("Leads") if r.locked}
    ids = sorted(before)
    edited = {
        i: next(v for v in ("Junk Lead", "Lost Lead", "Pre-Qualified") if v != before[i])
        for i in (ids[10], ids[250])
    }
    edit_in_zoho(sim_token, zoho_sim_origin, "Leads",
                 [{"id": str(i), "Lead_Status": v} for i, v in edited.items()])  # fmt: skip

    undo = services.undo_start(update=update, member=sam.member)
    run_worker()

    now = statuses(sim)
    assert now == {**before, **edited}  # every record as it was, but the two edited since
    undo.refresh_from_db()
    assert undo.status == UpdateStatus.COMPLETED_WITH_FAILURES
    assert undo.conflict_count == 2
    # already Contacted before the update, or locked (Zoho's job could not change them)
    kept = {i for i, v in before.items() if v == "Contacted"} | locked
    assert undo.unchanged_count == len(kept)
    assert undo.restored_count == len(before) - 2 - len(kept)
    assert undo.failed_count == 0
    conflicts = UndoRecord.objects.filter(undo=undo, outcome=UndoOutcome.CONFLICT)
    assert {(int(c.record_id), c.values["Lead_Status"]["current"]) for c in conflicts} == set(
        edited.items()
    )
    assert {c.values["Lead_Status"]["set"] for c in conflicts} == {"Contacted"}
    # written back by id, at most 100 a call, without firing workflows again
    puts = zoho_calls("PUT", "/crm/v2/Leads", user__email=sam.member.email)
    assert len(puts) == -(-undo.restored_count // 100)
    assert all(p.json()["trigger"] == [] and len(p.json()["data"]) <= 100 for p in puts)
    sent = [d for p in puts for d in p.json()["data"]]
    assert {int(d["id"]) for d in sent} == set(before) - set(edited) - kept
    assert all(d["Lead_Status"] == before[int(d["id"])] for d in sent)
    reads = zoho_calls("GET", "/crm/v2/Leads", query__startswith="ids=")
    # read by id 100 at a time twice: after the job reported locked leads, and by the undo
    assert len(reads) == 2 * -(-len(before) // 100)


def test_the_undo_is_an_entry_in_the_history_and_its_page(done_update, sam, client_for):
    update, before = done_update
    undo = services.undo_start(update=update, member=sam.member)
    run_worker()

    entry = MassUpdate.objects.get(pk=Undo.objects.get(pk=undo.pk).entry_id)
    assert entry.summary == f"Undo of update #{update.pk}: put back the previous Lead Status"
    assert entry.created_by_name == sam.member.full_name
    assert entry.status == UpdateStatus.COMPLETED
    assert entry.total_count == len(before)
    assert entry.updated_count == Undo.objects.get(pk=undo.pk).restored_count > 300
    client = client_for(sam)
    assert client.get(f"/updates/{entry.pk}/")["Location"] == f"/updates/{update.pk}/undo/"
    page = page_text(client.get(f"/updates/{update.pk}/undo/").content.decode())
    assert "Undone on " in page and f"by {sam.member.full_name}" in page
    detail = client.get(f"/updates/{update.pk}/").content.decode()
    assert "Undone on " in detail and "Undo this update" not in detail


def test_the_update_page_offers_undo_once_finished_and_the_undo_page_says_what_it_will_do(
    done_update, sam, client_for
):
    update, before = done_update
    client = client_for(sam)
    detail = client.get(f"/updates/{update.pk}/").content.decode()
    assert f'href="/updates/{update.pk}/undo/">Undo this update</a>' in detail
    page = client.get(f"/updates/{update.pk}/undo/").content.decode()
    assert f"Put back the previous Lead Status on {len(before):,} records." in page_text(page)
    assert "cannot be undone" in page and "emails sent" in page  # Zoho's automation
    assert "left as it is" in page
    assert ApiCall.objects.filter(method="PUT").count() == 0  # nothing happens before confirming
    response = client.post(f"/updates/{update.pk}/undo/start/")
    assert response["Location"] == f"/updates/{update.pk}/undo/"
    assert Undo.objects.filter(update=update).count() == 1


def test_undo_is_refused_while_the_update_is_still_running(sam, sim, slow_jobs, client_for):
    update = run_with_backup(sam.member, [lead_status()])
    run_worker()  # backed up and sent; Zoho's job is still running (its next check is not due)
    update.refresh_from_db()
    assert not update.finished and Backup.objects.get(update=update).record_count > 200

    with pytest.raises(services.UndoRefused, match="once it has finished"):
        services.undo_start(update=update, member=sam.member)
    client = client_for(sam)
    assert (
        "You can undo this update once it has finished."
        in client.get(f"/updates/{update.pk}/").content.decode()
    )
    response = client.post(f"/updates/{update.pk}/undo/start/", follow=True)
    assert "once it has finished" in response.content.decode()
    assert not Undo.objects.exists()


def test_undo_is_refused_after_the_backup_expired(done_update, sam, client_for, settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    update, _ = done_update
    Backup.objects.filter(update=update).update(expires_at=timezone.now() - timedelta(days=1))
    out = io.StringIO()
    call_command("purge_backups", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 expired backup."
    backup = Backup.objects.get(update=update)
    assert backup.status == "expired" and not backup.chunks.exists()

    with pytest.raises(services.UndoRefused, match="expired"):
        services.undo_start(update=update, member=sam.member)
    detail = client_for(sam).get(f"/updates/{update.pk}/").content.decode()
    assert "The backup of this update expired on " in detail
    assert "(backups are kept for 30 days), so it can no longer be undone." in detail
    assert "Undo this update" not in detail


def test_a_backup_past_its_retention_cannot_be_used_even_before_it_is_purged(
    done_update, sam, client_for
):
    from datetime import timedelta

    from django.utils import timezone

    update, _ = done_update
    history = client_for(sam).get("/history/").content.decode()
    assert f'href="/updates/{update.pk}/undo/">Undo this update</a>' in history
    Backup.objects.filter(update=update).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(services.UndoRefused, match="expired"):
        services.undo_start(update=update, member=sam.member)
    history = client_for(sam).get("/history/").content.decode()
    assert "Cannot be undone: its backup has expired." in history
    assert f"/updates/{update.pk}/undo/" not in history


def test_the_history_says_why_an_update_cannot_be_undone_and_the_row_refresh_agrees(
    done_update, sam, client_for
):
    """Each undo cell the history can show, on the page and on the row a running update
    refreshes (one query for the page's rows and their cells)."""
    from crmupdate.massupdate.models import MassUpdate

    update, _ = done_update
    client = client_for(sam)

    def cells() -> tuple[str, str]:
        page = client.get("/history/").content.decode()
        in_page = page.split(f'id="update-{update.pk}"')[1].split("</tr>")[0]
        alone = client.get(f"/history/rows/{update.pk}/").content.decode()
        return in_page, alone

    for html in cells():
        assert (
            f'<a class="undo-cell" href="/updates/{update.pk}/undo/">Undo this update</a>' in html
        )

    Backup.objects.filter(update=update).update(status="failed")  # the backup never finished
    for html in cells():
        assert "Cannot be undone: its backup is incomplete." in html
        assert "/undo/" not in html

    Backup.objects.filter(update=update).update(status="expired")  # purged after retention
    for html in cells():
        assert "Cannot be undone: its backup has expired." in html

    Backup.objects.filter(update=update).update(status="complete")
    MassUpdate.objects.filter(pk=update.pk).update(status="running")  # not finished: no cell
    for html in cells():
        assert "undo-cell" not in html


def test_two_simultaneous_undo_requests_run_one_undo(done_update, sam, live_server):
    update, before = done_update
    answers = post_at_once(live_server.url, sam, f"/updates/{update.pk}/undo/start/", {}, 8)
    run_worker()

    assert answers == [(302, f"/updates/{update.pk}/undo/")] * 8
    undo = Undo.objects.get()
    assert MassUpdate.objects.filter(summary__startswith="Undo of").count() == 1
    assert UndoRecord.objects.filter(undo=undo).count() == len(before)
    puts = zoho_calls("PUT", "/crm/v2/Leads")
    assert len(puts) == -(-undo.restored_count // 100)  # each record written once


def test_an_undone_update_cannot_be_undone_again(done_update, sam):
    update, _ = done_update
    first = services.undo_start(update=update, member=sam.member)
    run_worker()
    writes = ApiCall.objects.filter(method="PUT").count()
    again = services.undo_start(update=update, member=sam.member)
    run_worker()
    assert again.pk == first.pk
    assert Undo.objects.count() == 1
    assert ApiCall.objects.filter(method="PUT").count() == writes


def test_a_429_in_the_middle_of_an_undo_is_waited_out_and_the_undo_completes(done_update, sam, sim):
    update, before = done_update
    undo = services.undo_start(update=update, member=sam.member)
    credits_left(sim.org, 3)  # read, write, read: then Zoho's limit
    run_actions_until(lambda: Undo.objects.get(pk=undo.pk).error_code, "the undo waiting")

    undo.refresh_from_db()
    assert undo.status == UpdateStatus.WAITING
    assert undo.error_code == "TOO_MANY_REQUESTS" and "Trying again at" in undo.wait_reason
    assert 0 < undo.done_count < len(before)
    assert MassUpdate.objects.get(pk=undo.entry_id).status == UpdateStatus.WAITING

    a_new_day(sim.org)
    run_worker()
    undo.refresh_from_db()
    assert undo.status == UpdateStatus.COMPLETED
    assert undo.conflict_count == undo.failed_count == 0
    assert undo.done_count == len(before)
    assert statuses(sim) == before
    assert ApiCall.objects.filter(response_code="TOO_MANY_REQUESTS").exists()


def test_a_refused_sign_in_pauses_the_undo_until_resumed(done_update, sam, sim, client_for):
    from crmupdate.accounts.models import ZohoConnection

    update, before = done_update
    ZohoConnection.objects.filter(user=sam).update(needs_reauth=True)
    undo = services.undo_start(update=update, member=sam.member)
    run_worker()
    undo.refresh_from_db()
    assert undo.status == UpdateStatus.PAUSED
    page = client_for(sam).get(f"/updates/{update.pk}/undo/").content.decode()
    assert "Your Zoho sign-in has expired, so the undo is paused. Nothing is lost" in page
    assert "Sign in with Zoho again" in page
    assert f'action="/updates/{update.pk}/undo/resume/"' in page

    ZohoConnection.objects.filter(user=sam).update(needs_reauth=False)
    assert services.undo_resume(undo=undo, member=sam.member)
    run_worker()
    undo.refresh_from_db()
    assert undo.finished and statuses(sim) == before


@pytest.mark.parametrize("over_write", [False, True], ids=["added", "replaced"])
def test_multi_select_values_get_back_their_exact_previous_list(sam, sim, fast_worker, over_write):
    from crmupdate.massupdate.fieldforms import Change

    leads = sim.records("Leads")
    before = {r.record_id: r.data.get("Interests") for r in leads}
    assert any(isinstance(v, list) and len(v) > 1 for v in before.values())
    training = Change(api_name="Interests", label="Interests", data_type="multiselectpicklist",
                      value=["Training"], display="Training", over_write=over_write)  # fmt: skip
    update = run_with_backup(sam.member, [training])
    run_worker()
    changed = {r.record_id: r.data.get("Interests") for r in sim.records("Leads")}
    assert any(changed[i] != before[i] for i in before)

    services.undo_start(update=update, member=sam.member)
    run_worker()
    after = {r.record_id: r.data.get("Interests") for r in sim.records("Leads")}
    for record_id, previous in before.items():
        assert (after[record_id] or []) == (previous or []), record_id  # same values, same order


def test_the_results_download_as_csv_and_excel_with_every_record(
    done_update, sam, sim_token, zoho_sim_origin, client_for, tmp_path
):
    update, before = done_update
    some = next(i for i in sorted(before) if before[i] != "Junk Lead")
    edit_in_zoho(
        sim_token, zoho_sim_origin, "Leads", [{"id": str(some), "Lead_Status": "Junk Lead"}]
    )
    services.undo_start(update=update, member=sam.member)
    run_worker()

    response = client_for(sam).get(f"/updates/{update.pk}/undo/results.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    assert text.startswith('\ufeff"Record ID","Record name","Step","Field",')  # all quoted
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == len(before)
    row = next(r for r in rows if r["Record ID"] == str(some))
    assert row["Result"] == "Changed since the update: left as it is"
    assert (row["Field"], row["Value set by the update"], row["Value found by the undo"]) == (
        "Lead Status", "Contacted", "Junk Lead",
    )  # fmt: skip
    assert {r["Result"] for r in rows} >= {"Put back"}

    # The same as a workbook, read back by LibreOffice: record ids whole, as text cells.
    response = client_for(sam).get(f"/updates/{update.pk}/undo/results.xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')
    cells = as_dicts(cells_of(b"".join(response.streaming_content), ".xlsx", tmp_path))
    assert len(cells) == len(before)
    row = next(r for r in cells if r["Record ID"].text == str(some))
    assert row["Record ID"].type == "string" and len(str(some)) >= 18
    assert (row["Value found by the undo"].text, row["Step"].type) == ("Junk Lead", "float")


def test_another_team_sees_nothing_of_an_undo(done_update, sam, member_factory, client_for):
    update, _ = done_update
    services.undo_start(update=update, member=sam.member)
    gary = client_for(member_factory(GLOBEX_EMAIL))
    for url in ("undo/", "undo/status/", "undo/results.csv"):
        assert gary.get(f"/updates/{update.pk}/{url}").status_code == 404
    assert gary.post(f"/updates/{update.pk}/undo/start/").status_code == 404
    assert gary.post(f"/updates/{update.pk}/undo/resume/").status_code == 404


def test_the_history_offers_undo_and_then_lists_the_undo_as_its_own_entry(
    done_update, sam, client_for
):
    update, _ = done_update
    client = client_for(sam)
    row = f'<a class="undo-cell" href="/updates/{update.pk}/undo/">'
    assert row + "Undo this update</a>" in client.get("/history/").content.decode()

    undo = services.undo_start(update=update, member=sam.member)
    run_worker()
    page = client.get("/history/").content.decode()
    assert row + "Undone</a>" in page
    entry_row = page.split(f'id="update-{undo.entry_id}"')[1].split("</tr>")[0]
    assert f"Undo of update #{update.pk}: put back the previous Lead Status" in entry_row
    assert sam.member.full_name in entry_row and "Completed" in entry_row
    assert "undo-cell" not in entry_row  # an undo itself cannot be undone


def test_an_undo_left_behind_by_a_dead_worker_is_picked_up_where_it_stopped(done_update, sam, sim):
    from datetime import timedelta

    from django.utils import timezone

    update, before = done_update
    undo = services.undo_start(update=update, member=sam.member)
    credits_left(sim.org, 4)  # two batches, then the worker "dies" holding the undo
    run_actions_until(lambda: Undo.objects.get(pk=undo.pk).error_code, "the undo waiting")
    done = Undo.objects.get(pk=undo.pk).done_count
    assert 0 < done < len(before)
    now = timezone.now()
    Undo.objects.filter(pk=undo.pk).update(
        status=UpdateStatus.RUNNING, claimed_by="dead-worker",
        claim_expires_at=now + timedelta(minutes=10), due_at=now - timedelta(minutes=10),
    )  # fmt: skip
    a_new_day(sim.org)

    run_worker()  # the dead worker's claim has not run out yet: nobody takes the undo
    assert Undo.objects.get(pk=undo.pk).done_count == done
    Undo.objects.filter(pk=undo.pk).update(claim_expires_at=now - timedelta(seconds=1))
    run_worker()
    undo.refresh_from_db()
    assert undo.finished and undo.done_count == len(before)
    assert UndoRecord.objects.filter(undo=undo).count() == len(before)  # nobody twice
    assert statuses(sim) == before


def test_a_backup_an_unfinished_undo_needs_is_not_purged(done_update, sam):
    from datetime import timedelta

    from django.utils import timezone

    from crmupdate.massupdate.undo.services import frozen_purge

    update, _ = done_update
    services.undo_start(update=update, member=sam.member)  # queued, not run yet
    Backup.objects.filter(update=update).update(expires_at=timezone.now() - timedelta(days=1))
    assert frozen_purge() == 0
    run_worker()
    assert Undo.objects.get().finished
    assert frozen_purge() == 1
    assert not Backup.objects.get(update=update).chunks.exists()


def test_csv_cells_that_look_like_formulas_stay_text():
    from crmupdate.massupdate.undo.export import columns, result_rows
    from crmupdate.spreadsheets import csv_lines

    values = [("1", "=Acme", 1, "Stage", "Stage", "restored", "=HYPERLINK(1)", "+1",
               ["Widgets", "Training"], "", "")]  # fmt: skip
    text = "".join(csv_lines(columns(), result_rows(values), zone=UTC))
    assert text.splitlines()[1] == (
        '"1","\'=Acme","1","Stage","Stage","Put back","\'=HYPERLINK(1)","\'+1",'
        '"Widgets; Training","","",""'
    )


def test_zoho_refusals_are_explained_in_the_results():
    from crmupdate.massupdate.undo.export import result_rows

    (row,) = result_rows([("1", "Acme deal", 1, "Stage", "Stage", "failed", None, "Won", "Won",
                           "RECORD_LOCKED", "locked")])  # fmt: skip
    assert row[:2] == ["1", "Acme deal"] and row[5] == "Zoho refused"
    assert row[-3:-1] == ["RECORD_LOCKED", "locked"]
    assert "locked" in row[-1].lower() and row[-1] != "locked"
