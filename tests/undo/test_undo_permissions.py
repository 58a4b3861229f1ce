"""Who may undo: the Mass Update permission of the module *and* being the update's author or
an administrator. The undo writes with the token of the person who pressed the button."""

import pytest

from crmupdate.accounts.models import Member, ZohoConnection
from crmupdate.massupdate.models import MassUpdate, Step, UpdateStatus
from crmupdate.massupdate.undo import services
from crmupdate.massupdate.undo.models import Undo
from crmupdate.zohosim.models import ApiCall
from tests.undo.conftest import lead_status, run_with_backup, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

PATRICIA = "patricia.boyle@zylker.example"
RITA = "rita.rep@zylker.example"


@pytest.fixture
def sams_update(sam, sim, fast_worker):
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


def writers_of_records(sim):
    """The Zoho users whose tokens sent Update Records calls (the undo's writes)."""
    calls = ApiCall.objects.filter(host="crm", method="PUT", path__endswith="/Leads")
    return {call.user.email for call in calls}


def test_a_sales_rep_is_not_offered_undo_and_is_told_why(sams_update, member_factory, client_for):
    rita = member_factory(RITA)
    assert rita.member.permissions_known and rita.member.mass_update_modules == []
    client = client_for(rita)

    detail = client.get(f"/updates/{sams_update.pk}/").content.decode()
    assert "Undo this update</a>" not in detail
    assert "does not have the Mass Update permission for Leads" in detail
    assert "Ask Patricia Boyle" in detail
    page = client.get(f"/updates/{sams_update.pk}/undo/").content.decode()
    assert f'action="/updates/{sams_update.pk}/undo/start/"' not in page
    assert "Sales Rep" in page and "Patricia Boyle" in page


def test_a_sales_reps_undo_post_is_refused_queues_nothing_and_calls_no_zoho(
    sams_update, member_factory, client_for
):
    rita = member_factory(RITA)
    calls, work = ApiCall.objects.count(), work_queued()

    response = client_for(rita).post(f"/updates/{sams_update.pk}/undo/start/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot undo this update" in page and "Ask Patricia Boyle" in page
    assert not Undo.objects.exists()
    assert (ApiCall.objects.count(), work_queued()) == (calls, work)


def test_mass_update_permission_alone_does_not_let_anyone_undo_someone_elses_update(
    sams_update, member_factory, client_for
):
    rita = member_factory(RITA)
    Member.objects.filter(pk=rita.member.pk).update(mass_update_modules=["Leads"])

    response = client_for(rita).post(f"/updates/{sams_update.pk}/undo/start/")

    assert response.status_code == 403
    assert "Only the person who started this update (Sam Ortega)" in response.content.decode()
    assert not Undo.objects.exists()


def test_a_team_administrator_with_mass_update_may_undo_someone_elses_update(
    sams_update, member_factory, client_for
):
    rita = member_factory(RITA)
    Member.objects.filter(pk=rita.member.pk).update(
        mass_update_modules=["Leads"], is_team_admin=True
    )
    response = client_for(rita).post(f"/updates/{sams_update.pk}/undo/start/")
    assert response.status_code == 302
    assert Undo.objects.get().created_by == rita


def test_the_administrator_undoes_sams_update_with_her_own_token(
    sams_update, member_factory, client_for, sim
):
    patricia = member_factory(PATRICIA)
    assert patricia.member.is_zoho_admin
    client = client_for(patricia)
    assert "Undo this update</a>" in client.get(f"/updates/{sams_update.pk}/").content.decode()

    response = client.post(f"/updates/{sams_update.pk}/undo/start/")
    run_worker()

    assert response.status_code == 302
    undo = Undo.objects.get()
    assert undo.finished and undo.restored_count > 0
    assert writers_of_records(sim) == {PATRICIA}


def test_sam_undoes_his_own_update_with_his_own_token(sams_update, sam, client_for, sim):
    response = client_for(sam).post(f"/updates/{sams_update.pk}/undo/start/")
    run_worker()
    assert response.status_code == 302
    assert Undo.objects.get().finished
    assert writers_of_records(sim) == {sam.email}


def test_a_paused_undo_resumed_by_the_administrator_carries_on_with_her_token(
    sams_update, sam, member_factory, client_for, sim
):
    patricia = member_factory(PATRICIA)
    ZohoConnection.objects.filter(user=sam).update(needs_reauth=True)
    undo = services.undo_start(update=sams_update, member=sam.member)
    run_worker()
    undo.refresh_from_db()
    assert undo.status == UpdateStatus.PAUSED

    response = client_for(patricia).post(f"/updates/{sams_update.pk}/undo/resume/")
    run_worker()

    assert response.status_code == 302
    undo.refresh_from_db()
    assert undo.run_by == patricia and undo.finished
    assert writers_of_records(sim) == {PATRICIA}


def test_a_sales_rep_cannot_resume_an_undo(sams_update, sam, member_factory, client_for):
    rita = member_factory(RITA)
    ZohoConnection.objects.filter(user=sam).update(needs_reauth=True)
    undo = services.undo_start(update=sams_update, member=sam.member)
    run_worker()
    calls, work = ApiCall.objects.count(), work_queued()
    page = client_for(rita).get(f"/updates/{sams_update.pk}/undo/").content.decode()
    assert "so the undo is paused" in page and "Resume now" not in page

    response = client_for(rita).post(f"/updates/{sams_update.pk}/undo/resume/")

    assert response.status_code == 403
    undo.refresh_from_db()
    assert undo.status == UpdateStatus.PAUSED and undo.run_by is None
    assert (ApiCall.objects.count(), work_queued()) == (calls, work)


def test_undo_is_refused_when_zoho_would_not_show_the_profile(sams_update, sam, client_for):
    Member.objects.filter(pk=sam.member.pk).update(permissions_read_at=None)

    response = client_for(sam).post(f"/updates/{sams_update.pk}/undo/start/")

    assert response.status_code == 403
    assert "Zoho did not let crmupdate read your profile" in response.content.decode()
    assert not Undo.objects.exists()
