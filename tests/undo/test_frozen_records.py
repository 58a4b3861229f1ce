"""The worker reads the records of the view once, right before the first Zoho job starts:
ids, names and (when the box is ticked) the values the update replaces; when it cannot, the
update does not run and the page says why."""

import pytest

from crmupdate.massupdate import texts
from crmupdate.massupdate.activity import step_activity
from crmupdate.massupdate.frozen.models import FrozenStatus as BackupStatus
from crmupdate.massupdate.frozen.models import FrozenView as Backup
from crmupdate.massupdate.models import MassUpdate, Step, StepStatus, UpdateStatus
from crmupdate.massupdate.undo.models import BackupChoice
from crmupdate.massupdate.undo.values import rows_decode
from tests.fixtures_sim import SEED_CVID
from tests.undo.conftest import (
    a_new_day,
    credits_left,
    lead_status,
    run_actions_until,
    run_with_backup,
    run_worker,
    zoho_calls,
)

pytestmark = pytest.mark.django_db(transaction=True)


def view_reads(version="v2"):
    """The reads of the view (not the reads by id that check records after the job)."""
    return [c for c in zoho_calls("GET", f"/crm/{version}/Leads") if "cvid=" in c.query]


def backed_up(backup):
    rows = []
    for chunk in backup.chunks.order_by("position"):
        rows += rows_decode(chunk.payload)
    return rows


def test_a_view_larger_than_one_page_is_backed_up_before_the_job_starts(sam, sim, fast_worker):
    before = {
        r.record_id: r.data.get("Lead_Status") for r in sim.view_records("Leads", "All Leads")
    }
    assert len(before) > 200
    update = run_with_backup(sam.member, [lead_status()])
    run_worker()

    backup = Backup.objects.get(update=update)
    assert backup.status == BackupStatus.COMPLETE
    assert backup.record_count == len(before)
    assert backup.pages_read == 2
    assert {int(rid): value for rid, _, value in backed_up(backup)} == before
    names = {
        r.record_id: f"{r.data['First_Name']} {r.data['Last_Name']} ({r.data['Company']})"
        for r in sim.view_records("Leads", "All Leads")
        if r.data.get("First_Name")
    }
    assert {int(rid): name for rid, name, _ in backed_up(backup) if int(rid) in names} == names
    # every page was read, with the names and the update's field, before it was sent (the
    # practice CRM has no Full_Name: refused once, then the records are named without it)
    reads = view_reads()
    fields = "First_Name%2CLast_Name%2CCompany%2CLead_Status"
    assert [c.query for c in reads] == [
        f"cvid={SEED_CVID}&fields=Full_Name%2C{fields}&per_page=200&page=1",
        f"cvid={SEED_CVID}&fields={fields}&per_page=200&page=1",
        f"cvid={SEED_CVID}&fields={fields}&per_page=200&page=2",
    ]
    post = zoho_calls("POST", "/actions/mass_update")[0]
    assert post.id > reads[-1].id
    update.refresh_from_db()
    assert update.finished and update.updated_count > 200
    assert backup.expires_at is not None
    event = update.steps.get().events.get(kind="frozen")
    assert (event.details["records"], event.details["kept"]) == (len(before), True)
    (entry,) = [e for e in step_activity(update.steps.get()) if "acts on the" in str(e.params)]
    assert (
        f"acts on the {len(before):,} records in the view now, with their current"
        in (entry.params["text"])
    )
    assert update.frozen_count == len(before)


def test_with_the_box_unticked_only_ids_and_names_are_kept(sam, sim, fast_worker):
    update = run_with_backup(sam.member, [lead_status()], keep=False)
    run_worker()

    frozen = Backup.objects.get()
    assert not frozen.keep_values and frozen.record_count > 200
    assert {len(row) for row in backed_up(frozen)} == {2}  # id and name only
    update.refresh_from_db()
    assert update.finished and update.updated_count > 200
    assert BackupChoice.objects.get().keep is False


def test_a_429_while_backing_up_is_waited_out_and_reading_carries_on(sam, sim, fast_worker):
    credits_left(sim.org, 2)  # page 1 (asked twice: Full_Name), then Zoho's daily limit
    update = run_with_backup(sam.member, [lead_status()])
    run_actions_until(lambda: Step.objects.filter(update=update).exclude(error_code="").exists(),
                    "the backup waiting")  # fmt: skip

    step = Step.objects.get(update=update)
    backup = Backup.objects.get(update=update)
    assert step.status == StepStatus.PENDING and step.error_code == "TOO_MANY_REQUESTS"
    assert step.holds_view  # nobody else's update changes the view meanwhile
    assert (backup.status, backup.pages_read, backup.next_page) == (BackupStatus.READING, 1, 2)
    assert "Reading the records of the view" in step.wait_reason
    assert "Trying again" in step.wait_reason
    assert MassUpdate.objects.get(pk=update.pk).status == UpdateStatus.WAITING
    assert zoho_calls("POST", "/actions/mass_update") == []

    a_new_day(sim.org)
    run_worker()
    backup.refresh_from_db()
    assert backup.status == BackupStatus.COMPLETE and backup.record_count > 200
    pages = [c.query.rsplit("&", 1)[-1] for c in view_reads()]
    assert pages == ["page=1", "page=1", "page=2", "page=2"]  # the refused page again only
    update.refresh_from_db()
    assert update.finished and update.updated_count > 200


def test_a_backup_failure_stops_the_update_and_the_page_says_why(
    member, zoho_api, fast_worker, client
):
    from responses import GET

    from tests.massupdate.conftest import CRM, CVID, RECORD_READS

    zoho_api.remove(GET, RECORD_READS)
    zoho_api.get(
        f"{CRM}/Leads",
        status=403,
        json={"code": "NO_PERMISSION", "details": {"permissions": ["Crm_Implied_View_Leads"]},
              "message": "permission denied", "status": "error"},
    )  # fmt: skip
    update = run_with_backup(member, [lead_status()], cvid=CVID)
    run_worker()

    assert [c.request.method for c in zoho_api.calls] == ["GET"]  # no mass update was sent
    update.refresh_from_db()
    assert update.status == UpdateStatus.FAILED
    assert update.last_error_code == "BACKUP_FAILED"
    step = update.steps.get()
    assert step.status == StepStatus.FAILED and not step.holds_view
    assert Backup.objects.get().status == BackupStatus.FAILED
    client.force_login(member.user)
    page = client.get(f"/updates/{update.pk}/").content.decode()
    assert "We could not keep a backup of the values this step would replace" in page
    assert "nothing was changed in Zoho" in page
    assert "NO_PERMISSION" in page and "permission denied" in page


def test_page_tokens_are_followed_past_two_thousand_records_from_v3(
    sam, sim, fast_worker, settings
):
    from crmupdate.zohosim.demo.load import big_view_ensure

    settings.ZOHO_API_VERSION = "v3"
    big_view_ensure(2_050)
    cvid = sim.view_id("Leads", "Imported batch 2024-Q3")
    update = run_with_backup(sam.member, [lead_status()], cvid=cvid)
    run_worker()

    backup = Backup.objects.get(update=update)
    assert backup.status == BackupStatus.COMPLETE
    assert backup.record_count == len(sim.view_records("Leads", "Imported batch 2024-Q3")) == 2050
    queries = [c.query for c in view_reads("v3")]
    assert len(queries) == 12  # Full_Name refused once, then 11 pages
    assert queries[1].endswith("page=1")
    assert all("page_token=" in q for q in queries[2:])  # no page number past the first
    assert len({row[0] for row in backed_up(backup)}) == 2050


def test_the_review_page_offers_the_backup_and_what_it_costs(sam, sim, client_for):
    from tests.massupdate.conftest import make_draft

    draft = make_draft(sam.member, [lead_status()], cvid=SEED_CVID, count=None)
    client = client_for(sam)
    page = client.get(f"/updates/drafts/{draft.public_id}/review/").content.decode()
    total = len(sim.view_records("Leads", "All Leads", as_user=sam.member.email))
    calls = -(-total // 200)
    assert '<label for="keep-backup">Keep the current values so this update can be undone' in page
    assert f"When the update starts we read the records of the view once (about {calls} " in page
    assert (
        f'on the {total:,} records in the view <span translate="no">Imported batch</span> when '
        "it starts"
    ) in page
    assert '<input type="checkbox" name="keep_backup" id="keep-backup" checked>' in page

    # unticked (a browser then sends no keep_backup)
    client.post(f"/updates/drafts/{draft.public_id}/run/",
                {"run_token": str(draft.run_token), "backup_offered": "1"})  # fmt: skip
    assert BackupChoice.objects.get(draft=draft).keep is False


def test_a_backup_left_behind_by_a_dead_worker_carries_on_from_the_next_page(sam, sim, fast_worker):
    from datetime import timedelta

    from django.utils import timezone

    credits_left(sim.org, 2)
    update = run_with_backup(sam.member, [lead_status()])
    run_actions_until(lambda: Step.objects.filter(update=update).exclude(error_code="").exists(),
                      "the backup waiting")  # fmt: skip
    # as if a worker had died after storing page 1, holding the step
    now = timezone.now()
    Step.objects.filter(update=update).update(
        claimed_by="dead-worker", claim_expires_at=now + timedelta(minutes=10),
        due_at=now - timedelta(minutes=10), error_code="", **texts.NO_WAIT_REASON,
    )  # fmt: skip
    a_new_day(sim.org)

    run_worker()  # the dead worker's claim has not run out yet: nobody takes the step
    assert Backup.objects.get(update=update).pages_read == 1
    Step.objects.filter(update=update).update(claim_expires_at=now - timedelta(seconds=1))
    run_worker()
    backup = Backup.objects.get(update=update)
    assert backup.status == BackupStatus.COMPLETE and backup.pages_read == 2
    assert [c.query.rsplit("&", 1)[-1] for c in view_reads()] == [
        "page=1", "page=1", "page=2", "page=2",
    ]  # fmt: skip
    update.refresh_from_db()
    assert update.finished and update.updated_count > 200
