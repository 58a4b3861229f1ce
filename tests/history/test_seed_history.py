"""`manage.py seed_history`: realistic rows in bulk, for a team named by id or Zoho org id."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from crmupdate.accounts.models import Member, Team
from crmupdate.massupdate.explanations import explain_text
from crmupdate.massupdate.models import MassUpdate, UpdateStatus

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_history", *args, stdout=out)
    return out.getvalue()


def test_it_fills_a_team_by_zoho_org_id_with_realistic_rows(sam, client_for):
    output = seed("--rows", "3000", "--team", sam.team.zoho_org_id)

    assert "Added 3,000 history rows" in output
    rows = MassUpdate.objects.filter(team=sam.team)
    assert rows.count() == 3000
    assert set(rows.values_list("status", flat=True)) == set(UpdateStatus.values)
    assert Member.objects.filter(team=sam.team).count() == 6  # Sam and five more people
    assert rows.values("created_by").distinct().count() == 6
    assert rows.values("module_api_name").distinct().count() == 6
    refused = rows.filter(status=UpdateStatus.REFUSED)
    codes = set(refused.values_list("last_error_code", flat=True))
    assert {"INVALID_DATA", "MANDATORY_NOT_FOUND", "NO_PERMISSION"} <= codes
    for update in refused[:50]:
        assert update.job_ids == "" or len(update.job_ids.split()) < update.step_count
        assert update.last_error_explanation
    # The explanation is stored as a code and its parameters, worded when read.
    cvid = refused.filter(
        last_error_code="INVALID_DATA", last_error_explanation_params__details__api_name="cvid"
    )
    assert cvid.first().last_error_explanation == explain_text(
        "INVALID_DATA", "the cvid given seems to be invalid", {"api_name": "cvid"}
    )
    done = rows.filter(status=UpdateStatus.COMPLETED).first()
    assert len(done.job_ids.split()) == done.step_count
    assert all(len(j) == 18 and j.isdigit() for j in done.job_ids.split())
    assert done.updated_count == done.total_count and done.failed_count == 0
    assert done.summary.split(" → ")[0] in done.field_names
    assert done.changes[0]["label"] in done.field_names
    # the newest rows are still running; no running row among the old ones
    newest = rows.order_by("-created_at")[:3]
    assert all(not u.finished for u in newest)
    # and the history shows them
    page = client_for(sam.user).get("/history/").content.decode()
    assert page.count('class="history-row"') == 25


def test_it_takes_the_team_id_too_and_adds_to_what_is_there(sam):
    seed("--rows", "10", "--team", str(sam.team.pk), "--people", "2")
    seed("--rows", "15", "--team", str(sam.team.pk), "--people", "2")
    assert MassUpdate.objects.filter(team=sam.team).count() == 25
    assert Member.objects.filter(team=sam.team).count() == 2


def test_it_creates_the_team_only_when_asked(db):
    with pytest.raises(CommandError, match="No team with id or Zoho org id 'bench-org'"):
        seed("--rows", "10", "--team", "bench-org")
    seed("--rows", "10", "--team", "bench-org", "--create-team")
    team = Team.objects.get(zoho_org_id="bench-org")
    assert MassUpdate.objects.filter(team=team).count() == 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rows", "0"], "--rows must be at least 1."),
        (["--rows", "5", "--people", "9"], "--people must be between 1 and 8."),
        (["--rows", "5", "--days", "0"], "--days must be at least 1."),
    ],
)
def test_bad_arguments_get_a_clear_message(sam, args, message):
    with pytest.raises(CommandError, match=message):
        seed(*args, "--team", sam.team.zoho_org_id)
