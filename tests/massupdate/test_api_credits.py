"""The organisation's daily Zoho API credits against page loads.

Reproduced first: with nothing in the way, reloading the review page spends the
organisation's simulated daily credits (three Zoho calls a load: the view's count, its
filter and a sample) until Zoho answers 429 TOO_MANY_REQUESTS "Number of API requests for
the 24 hour period is exceeded": the *daily credits* limit, not concurrency (the loads come
one after another). Then nobody of the organisation can even sign in. With the page cache
and the page limits, the same loads leave the credits alone. Time is frozen and moved by
patching `timezone.now`, never slept through.
"""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from crmupdate.accounts.models import Team
from crmupdate.zoho.errors import ZohoError
from crmupdate.zohosim.models import ApiCall, SimCreditUsage, SimOrg
from crmupdate.zohosim.ratelimit import BUDGET_MESSAGE
from tests.fixtures_accounts import save_signin_from_tokens
from tests.fixtures_sim import ADMIN_EMAIL, SALES_REP_EMAIL, SEED_CVID, ZYLKER_ID
from tests.massupdate.conftest import change, make_draft

pytestmark = pytest.mark.django_db(transaction=True)

LOADS = 200


@pytest.fixture
def sam(member_factory):
    return member_factory()


@pytest.fixture
def frozen(monkeypatch):
    """timezone.now() stands still until moved (`frozen.move(seconds)`), from the start of
    the hour, so the hourly team window does not turn over within a test."""

    class Clock:
        now = timezone.now().replace(minute=0, second=5, microsecond=0)

        def move(self, seconds):
            self.now += timedelta(seconds=seconds)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def org():
    return SimOrg.objects.get(zoho_id=ZYLKER_ID)


def credits_left(calls, *, spent_before=0):
    """Zoho will answer `calls` more calls today; `spent_before` were used already."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    usage, _ = SimCreditUsage.objects.get_or_create(org=org(), hour=hour, defaults={"used": 0})
    SimCreditUsage.objects.filter(pk=usage.pk).update(used=F("used") + spent_before)
    used = sum(SimCreditUsage.objects.filter(org=org()).values_list("used", flat=True))
    SimOrg.objects.filter(pk=org().pk).update(credits_per_day=used + calls)


def crm_calls():
    return ApiCall.objects.filter(host="crm").count()


def review_url(member):
    draft = make_draft(member, [change("No_of_Employees", 5)], cvid=SEED_CVID)
    return f"/updates/drafts/{draft.public_id}/review/"


def test_without_cache_and_limits_review_loads_spend_the_daily_credits(
    sam, client_for, settings, frozen, sim_token, zoho_sim_origin
):
    settings.ZOHO_PAGE_CACHE_SECONDS = 0
    settings.ZOHO_PAGE_READS_PER_PERSON = settings.ZOHO_PAGE_READS_PER_TEAM = 10**6
    url, client = review_url(sam.member), client_for(sam)
    client.get(url)  # the fields are cached from here on: three Zoho calls a load
    credits_left(300)

    pages = [client.get(url).content.decode() for _ in range(LOADS)]

    refused = ApiCall.objects.filter(response_code="TOO_MANY_REQUESTS")
    assert {call.status for call in refused} == {429}
    # 300 credits, three calls a load: 100 loads, then every page shows Zoho's refusal.
    assert sum("TOO_MANY_REQUESTS" in p for p in pages) == LOADS - 100
    # Which limit: the daily credits (the loads came one at a time, never concurrently), and
    # now nobody of the organisation can even sign in.
    with pytest.raises(ZohoError) as error:
        save_signin_from_tokens(sim_token(SALES_REP_EMAIL, zoho_sim_origin))
    assert error.value.code == "TOO_MANY_REQUESTS"
    assert BUDGET_MESSAGE in error.value.message


def test_reloading_the_review_costs_zoho_nothing_within_the_cache_time(
    sam, client_for, frozen, settings
):
    settings.ZOHO_PAGE_READS_PER_PERSON = 30
    url, client = review_url(sam.member), client_for(sam)
    before = crm_calls()
    pages = [client.get(url) for _ in range(LOADS)]
    assert {p.status_code for p in pages} == {200}
    assert crm_calls() - before == 4  # fields, count, the view's filter and sample, once


def test_the_per_person_limit_holds_and_opens_again_the_next_minute(
    sam, client_for, settings, frozen
):
    settings.ZOHO_PAGE_READS_PER_PERSON = 30  # the default
    settings.ZOHO_PAGE_CACHE_SECONDS = 0  # every load would read Zoho again
    url, client = review_url(sam.member), client_for(sam)
    before = crm_calls()

    pages = [client.get(url) for _ in range(LOADS)]

    assert crm_calls() - before == settings.ZOHO_PAGE_READS_PER_PERSON == 30
    slowed = [p for p in pages if p.status_code == 429]
    # The fields once, then three calls a page: 9 pages; the 10th makes the 29th and 30th.
    assert len(slowed) == LOADS - 9
    page = slowed[-1].content.decode()
    assert "at most 30 Zoho calls a minute per person" in page and "Please wait" in page
    assert slowed[-1]["Retry-After"] == "55"

    frozen.move(60)
    assert client.get(url).status_code == 200
    assert crm_calls() - before == 33


def test_the_team_limit_holds_for_everyone_and_credits_stay_for_signing_in(
    sam, member_factory, client_for, settings, frozen, sim_token, zoho_sim_origin
):
    settings.ZOHO_PAGE_CACHE_SECONDS = 0
    settings.ZOHO_PAGE_READS_PER_PERSON = 30
    settings.ZOHO_PAGE_READS_PER_TEAM = 50
    patricia = member_factory(ADMIN_EMAIL)
    credits_left(300)
    before = crm_calls()
    people = [(client_for(sam), review_url(sam.member)),
              (client_for(patricia), review_url(patricia.member))]  # fmt: skip

    for minute in range(10):
        for client, url in people:
            for _ in range(20):
                client.get(url)
        frozen.move(60)

    assert crm_calls() - before == 50
    for client, url in people:
        answer = client.get(url)
        assert answer.status_code == 429
        assert "read from Zoho 50 times in this hour" in answer.content.decode()
    assert not ApiCall.objects.filter(response_code="TOO_MANY_REQUESTS").exists()
    rita = member_factory(SALES_REP_EMAIL)  # the organisation can still sign in
    assert rita.member.team.pk == sam.member.team.pk


def test_credits_zoho_reports_are_shown_to_administrators_only(
    sam, member_factory, client_for, frozen
):
    patricia = member_factory(ADMIN_EMAIL)
    client = client_for(patricia)
    assert "credits your organisation has left today: <strong" in client.get("/").content.decode()
    assert ">unknown</strong>" in client.get("/").content.decode()

    credits_left(1000, spent_before=5000)  # past half the day's credits: Zoho says how many
    client.get(review_url(patricia.member))

    team = Team.objects.get()
    assert team.api_credits_remaining is not None and team.api_credits_remaining < 1000
    dashboard = client.get("/").content.decode()
    assert f">{team.api_credits_remaining:,}</strong>" in dashboard
    assert "credits your organisation has left" not in client_for(sam).get("/").content.decode()

    frozen.move(25 * 3600)  # a report older than Zoho's 24-hour window says nothing
    later = client_for(patricia)  # signed in again: an idle session ends long before that
    assert ">unknown</strong>" in later.get("/").content.decode()
