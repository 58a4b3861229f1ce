"""The simulator's call log stays bounded: bodies are stored cut at a size, old calls and
calls beyond the size budget are pruned. The calls themselves are answered as Zoho would."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crmupdate.zohosim import recording
from crmupdate.zohosim.models import ApiCall

pytestmark = pytest.mark.django_db


def log_call(*, body: str = "", days_old: float = 0) -> ApiCall:
    return ApiCall.objects.create(
        host="crm",
        method="POST",
        path="/crm/v2/Leads",
        body=body,
        status=200,
        created=timezone.now() - timedelta(days=days_old),
    )


def test_a_big_body_is_answered_and_stored_cut_with_its_size(settings, crm_as):
    settings.ZOHOSIM_CALL_LOG_BODY_BYTES = 1000
    crm = crm_as()
    big = '{"data": [{"Last_Name": "' + "x" * 5000 + '"}]}'

    answer = crm("PUT", "Leads", raw=big)

    assert answer.status_code in (200, 202, 400)  # Zoho's own answer to the record
    call = ApiCall.objects.order_by("pk").last()
    assert call.body.startswith('{"data": [{"Last_Name": "xxx')
    assert call.body.endswith(f"[... cut: the request body had {len(big)} bytes]")
    assert len(call.body) < 1100


def test_a_small_body_is_stored_whole(settings, crm_as):
    settings.ZOHOSIM_CALL_LOG_BODY_BYTES = 1000
    crm_as().mass_update("Leads", {"cvid": "1", "data": [{"Company": "A"}]})

    assert ApiCall.objects.order_by("pk").last().json() == {
        "cvid": "1",
        "data": [{"Company": "A"}],
    }


def test_calls_older_than_the_limit_are_pruned(settings):
    settings.ZOHOSIM_CALL_LOG_DAYS = 7
    old = log_call(days_old=7.1)
    recent = log_call(days_old=6.9)

    assert recording.api_calls_prune() == 1

    assert list(ApiCall.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ApiCall.objects.filter(pk=old.pk).exists()


def test_the_oldest_calls_beyond_the_size_budget_are_pruned(settings):
    settings.ZOHOSIM_CALL_LOG_MAX_BYTES = 2500
    calls = [log_call(body="b" * 1000) for _ in range(5)]

    assert recording.api_calls_prune() == 3

    assert list(ApiCall.objects.values_list("pk", flat=True)) == [c.pk for c in calls[3:]]


def test_new_calls_prune_the_log_as_they_arrive(settings, monkeypatch, crm_as):
    settings.ZOHOSIM_CALL_LOG_DAYS = 1
    monkeypatch.setattr(recording, "PRUNE_EVERY", 1)
    old = log_call(days_old=2)

    crm_as().get("org")

    assert not ApiCall.objects.filter(pk=old.pk).exists()
    assert ApiCall.objects.filter(path="/crm/v2/org").exists()


def test_a_call_with_nul_characters_and_a_long_path_is_answered_and_logged(crm_as):
    """PostgreSQL stores no NUL and the path column has 500 characters; neither may turn a
    call into a server error."""
    crm = crm_as()

    answer = crm("POST", "Leads/actions/mass_update?x=a%00b", raw='{"cvid": "a\x00b"}')
    long_path = crm.get("Leads/" + "9" * 2000)

    assert answer.status_code < 500 and long_path.status_code < 500
    nul_call, long_call = reversed(ApiCall.objects.order_by("-pk")[:2])
    assert "\x00" not in nul_call.query + nul_call.body
    assert "a\ufffdb" in nul_call.body
    assert long_call.path.startswith("/crm/v2/Leads/999") and len(long_call.path) == 500


@pytest.mark.parametrize("field", ["client_id", "user"])
def test_a_nul_in_the_sign_in_page_is_refused_like_any_unknown_value(client, sim, field):
    params = {"client_id": "1000.X\x00", "response_type": "code", "scope": "ZohoCRM.org.READ",
              "redirect_uri": "http://testserver/oauth/complete/zoho/"}  # fmt: skip
    if field == "user":
        from django.conf import settings

        params["client_id"] = settings.ZOHO_CLIENT_ID
    answer = client.post(
        "/zohosim/accounts/oauth/v2/auth?" + "&".join(f"{k}={v}" for k, v in params.items()),
        {"user": "sam.ops@zylker.example\x00"},
    )

    assert answer.status_code in (200, 400)
    assert "code=" not in answer.get("Location", "")
