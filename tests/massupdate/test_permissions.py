"""Zoho's Mass Update permission, known up front: a sales rep without it sees the dashboard,
the history and the team's updates, is told why she cannot start one and whom to ask, and
every write she tries anyway is refused before anything is queued or sent to Zoho."""

import pytest

from crmupdate.accounts.models import Member
from crmupdate.massupdate.models import Draft, MassUpdate, Step, StepStatus
from crmupdate.massupdate.undo.models import Undo
from crmupdate.zohosim.models import ApiCall
from tests.fixtures_sim import ADMIN_EMAIL, SALES_REP_EMAIL, SEED_CVID
from tests.massupdate.conftest import change, make_draft, run_update, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sam(member_factory):
    return member_factory()


@pytest.fixture
def rita(member_factory):
    return member_factory(SALES_REP_EMAIL)


@pytest.fixture
def sams_update(sam, sim, fast_worker):
    update = run_update(sam.member, [change("No_of_Employees", 7, label="No. of Employees")],
                        cvid=SEED_CVID)  # fmt: skip
    run_worker()
    return update


def work_queued():
    """Everything the worker has to do: rows with a due time, and updates and undos."""
    return (
        sorted(Step.objects.filter(due_at__isnull=False).values_list("pk", "due_at", "status")),
        sorted(Undo.objects.filter(due_at__isnull=False).values_list("pk", "due_at", "status")),
        MassUpdate.objects.count(),
        Undo.objects.count(),
    )


def nothing_happens():
    """What the simulator was asked and what the worker was given, to compare afterwards."""
    return ApiCall.objects.count(), work_queued()


def test_the_sales_rep_is_told_why_on_the_dashboard_and_offered_no_way_to_start(
    rita, sams_update, client_for
):
    client = client_for(rita)
    dashboard = client.get("/").content.decode()
    assert "Your Zoho profile “Sales Rep” does not have the Mass Update permission" in dashboard
    assert "Ask Patricia Boyle" in dashboard
    assert 'href="/updates/new/"' not in dashboard
    assert f"/updates/{sams_update.pk}/" in dashboard  # the team's updates are still hers to follow
    assert client.get("/history/").status_code == 200
    assert client.get(f"/updates/{sams_update.pk}/").status_code == 200


def test_the_new_update_page_says_why_and_asks_zoho_nothing(rita, client_for):
    before = nothing_happens()
    page = client_for(rita).get("/updates/new/").content.decode()
    assert "does not have the Mass Update permission for any module" in page
    assert 'class="module-view-form"' not in page
    assert nothing_happens() == before


def test_the_sales_reps_direct_posts_are_refused_and_change_nothing(
    rita, sams_update, client_for, sim
):
    Step.objects.filter(update=sams_update).update(status=StepStatus.INTERRUPTED)
    draft = make_draft(rita.member, [change("No_of_Employees", 9)], cvid=SEED_CVID)
    client = client_for(rita)
    before = nothing_happens()

    answers = [
        client.post("/updates/new/", {"module": "Leads", "cvid": SEED_CVID}),
        client.get(f"/updates/drafts/{draft.public_id}/review/"),
        client.post(f"/updates/drafts/{draft.public_id}/run/", {"run_token": str(draft.run_token)}),
        client.post(f"/updates/{sams_update.pk}/steps/{sams_update.steps.get().pk}/retry/"),
        client.post(f"/updates/{sams_update.pk}/resume/"),
        client.post(f"/updates/{sams_update.pk}/undo/start/"),
    ]

    assert [a.status_code for a in answers] == [403] * 6
    for answer in answers:
        assert "Mass Update permission" in answer.content.decode()
        assert "Nothing was sent to Zoho." in answer.content.decode()
    assert nothing_happens() == before
    assert Draft.objects.filter(created_by=rita).count() == 1  # only the one made above
    assert Step.objects.get(update=sams_update).status == StepStatus.INTERRUPTED


def test_someone_elses_interrupted_step_is_retried_only_by_an_administrator_with_her_token(
    sam, sams_update, member_factory, client_for
):
    """Sam's step was interrupted; Patricia (administrator) sends it again: Zoho receives it
    with her token, not Sam's."""
    patricia = member_factory(ADMIN_EMAIL)
    step = sams_update.steps.get()
    Step.objects.filter(pk=step.pk).update(status=StepStatus.INTERRUPTED)
    posts_before = ApiCall.objects.filter(method="POST", path__endswith="mass_update").count()

    response = client_for(patricia).post(f"/updates/{sams_update.pk}/steps/{step.pk}/retry/")
    run_worker()

    assert response.status_code == 302
    sams_update.refresh_from_db()
    assert sams_update.run_by == patricia
    posts = ApiCall.objects.filter(method="POST", path__endswith="mass_update").order_by("id")
    assert posts.count() == posts_before + 1
    assert posts.last().user.email == ADMIN_EMAIL


def test_a_colleague_with_mass_update_cannot_retry_someone_elses_step(
    sams_update, rita, client_for
):
    Member.objects.filter(pk=rita.member.pk).update(mass_update_modules=["Leads"])
    step = sams_update.steps.get()
    Step.objects.filter(pk=step.pk).update(status=StepStatus.INTERRUPTED)

    response = client_for(rita).post(f"/updates/{sams_update.pk}/steps/{step.pk}/retry/")

    assert response.status_code == 403
    assert "Only the person who started this update (Sam Ortega)" in response.content.decode()
    assert Step.objects.get(pk=step.pk).status == StepStatus.INTERRUPTED


def test_a_module_without_mass_update_is_not_offered_and_cannot_be_chosen(sam, sim, client_for):
    Member.objects.filter(pk=sam.member.pk).update(mass_update_modules=["Leads"])
    client = client_for(sam)
    page = client.get("/updates/new/").content.decode()
    assert '<option value="Leads"' in page and '<option value="Deals"' not in page
    assert "Mass Update permission there: " in page and "Deals" in page

    cvid = sim.view_id("Deals", "Open deals")
    response = client.post("/updates/new/", {"module": "Deals", "cvid": cvid})
    assert response.status_code == 403
    assert not Draft.objects.exists()


def test_unknown_permissions_still_let_people_start_an_update(sam, sim, client_for):
    """Zoho would not show the profile: starting stays open, Zoho refuses at submit."""
    Member.objects.filter(pk=sam.member.pk).update(permissions_read_at=None, mass_update_modules=[])
    client = client_for(sam)
    assert 'href="/updates/new/"' in client.get("/").content.decode()
    response = client.post("/updates/new/", {"module": "Leads", "cvid": SEED_CVID})
    assert response.status_code == 302 and Draft.objects.count() == 1
