"""In the browser, against the practice CRM: Rita (sales rep, no Mass Update permission in
Zoho) is told on the dashboard why she cannot start an update and whom to ask, is offered no
way to start, run, retry or undo, and her direct posts to those addresses are refused with
nothing queued and no call to Zoho. Patricia (administrator) undoes Sam's update; Sam undoes
his own. Each undo writes with the token of the person who pressed the button."""

import re

import pytest
from playwright.sync_api import expect

from crmupdate.massupdate.models import MassUpdate, Step, StepStatus
from crmupdate.massupdate.undo.models import Undo
from crmupdate.zohosim.models import ApiCall
from tests.e2e.test_massupdate import assert_accessible
from tests.fixtures_sim import ADMIN_EMAIL, SALES_REP_EMAIL
from tests.massupdate.conftest import make_draft
from tests.undo.conftest import lead_status, run_with_backup, run_worker

pytestmark = pytest.mark.django_db(transaction=True)
CSRF = "x" * 32


@pytest.fixture
def sams_update(member_factory, sim, fast_worker):
    sam = member_factory()
    update = run_with_backup(sam.member, [lead_status("Contacted")])
    run_worker()
    update.refresh_from_db()
    assert update.finished, update.last_error_explanation
    return update


def work_queued():
    """Everything the worker has to do: rows with a due time, and updates and undos."""
    return (
        sorted(Step.objects.filter(due_at__isnull=False).values_list("pk", "due_at", "status")),
        sorted(Undo.objects.filter(due_at__isnull=False).values_list("pk", "due_at", "status")),
        MassUpdate.objects.count(),
        Undo.objects.count(),
    )


def record_writers():
    calls = ApiCall.objects.filter(host="crm", method="PUT", path__endswith="/Leads")
    return {call.user.email for call in calls}


def undo_in_browser(page, origin, update):
    page.goto(f"{origin}/updates/{update.pk}/")
    page.get_by_role("link", name="Undo this update").click()
    page.get_by_role("button", name="Undo this update").click()
    expect(page.get_by_role("heading", name=re.compile(r"Undo:"))).to_be_visible()
    run_worker()
    expect(page.locator("#undo-status .undone")).to_contain_text("Undone on", timeout=15_000)


def test_rita_is_told_why_and_offered_no_way_to_start_run_retry_or_undo(
    page_signed_in_as, live_server, sams_update
):
    page = page_signed_in_as(SALES_REP_EMAIL)
    origin = live_server.url

    note = page.locator(".permission-note")
    expect(note).to_contain_text("Your Zoho profile “Sales Rep” does not have the Mass Update")
    expect(note).to_contain_text("Ask Patricia Boyle")
    expect(page.get_by_role("link", name="New mass update")).to_have_count(0)
    expect(page.get_by_role("link", name="New update")).to_have_count(0)
    expect(page.get_by_role("link", name="Start a new mass update")).to_have_count(0)
    assert_accessible(page)

    Step.objects.filter(update=sams_update).update(status=StepStatus.INTERRUPTED)
    page.goto(f"{origin}/updates/{sams_update.pk}/")
    expect(page.get_by_role("heading", name=re.compile(r"Mass update #\d+"))).to_be_visible()
    expect(page.get_by_role("link", name="Undo this update")).to_have_count(0)
    expect(page.get_by_role("button", name="Send to Zoho again")).to_have_count(0)
    expect(page.locator(".permission-reason").first).to_contain_text("Patricia Boyle")
    page.goto(f"{origin}/updates/new/")
    expect(page.locator(".permission-reason")).to_contain_text("Mass Update permission")
    expect(page.get_by_label("Module")).to_have_count(0)


def test_ritas_direct_posts_are_refused_queue_nothing_and_reach_no_zoho(
    page_signed_in_as, live_server, sams_update
):
    page = page_signed_in_as(SALES_REP_EMAIL)
    origin = live_server.url
    step = Step.objects.get(update=sams_update)
    Step.objects.filter(pk=step.pk).update(status=StepStatus.INTERRUPTED)
    draft = make_draft(page.member_user.member, [lead_status("Junk Lead")])
    page.context.add_cookies([{"name": "csrftoken", "value": CSRF, "url": origin}])
    before = (ApiCall.objects.count(), work_queued())

    posts = {
        "/updates/new/": {"module": "Leads", "cvid": sams_update.cvid},
        f"/updates/drafts/{draft.public_id}/run/": {"run_token": str(draft.run_token)},
        f"/updates/{sams_update.pk}/steps/{step.pk}/retry/": {},
        f"/updates/{sams_update.pk}/resume/": {},
        f"/updates/{sams_update.pk}/undo/start/": {},
        f"/updates/{sams_update.pk}/undo/resume/": {},
    }
    for path, form in posts.items():
        answer = page.request.post(
            origin + path,
            form={**form, "csrfmiddlewaretoken": CSRF},
            headers={"Referer": origin + "/"},
            max_redirects=0,
        )
        assert answer.status == 403, path
        assert "Nothing was sent to Zoho." in answer.text(), path

    assert (ApiCall.objects.count(), work_queued()) == before
    assert Step.objects.get(pk=step.pk).status == StepStatus.INTERRUPTED


def test_patricia_the_administrator_undoes_sams_update(page_signed_in_as, live_server, sams_update):
    page = page_signed_in_as(ADMIN_EMAIL)
    undo_in_browser(page, live_server.url, sams_update)
    assert Undo.objects.get().created_by.member.full_name == "Patricia Boyle"
    assert record_writers() == {ADMIN_EMAIL}


def test_sam_undoes_his_own_update(signed_in_page, live_server, sams_update):
    undo_in_browser(signed_in_page, live_server.url, sams_update)
    assert record_writers() == {"sam.ops@zylker.example"}
