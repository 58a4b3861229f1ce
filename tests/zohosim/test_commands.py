"""manage.py zohosim_load and zohosim_token."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from crmupdate.zohosim.models import SimOrg, SimRecord, SimView
from crmupdate.zohosim.tokens import access_token_find


def run(*args, **options):
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def snapshot():
    return list(SimRecord.objects.order_by("record_id").values_list("record_id", "data", "locked"))


@pytest.mark.django_db
def test_load_is_idempotent_and_deterministic():
    assert "Zylker Traders, Globex Corporation" in run("zohosim_load", scale="test")
    first = snapshot()
    run("zohosim_load", scale="test")
    assert snapshot() == first
    assert SimOrg.objects.count() == 2
    run("zohosim_load", scale="test", reset=True)
    assert snapshot() == first


@pytest.mark.django_db
def test_the_full_demo_has_thousands_of_records_and_views_of_every_size():
    run("zohosim_load", reset=True)
    assert SimRecord.objects.filter(module__org__company_name="Zylker Traders").count() > 7000
    trade_show = SimView.objects.get(name="Trade-show leads", module__org__prefix=738964)
    from crmupdate.zohosim.records import view_total

    sam = trade_show.module.org.users.get(email="sam.ops@zylker.example")
    assert 200 <= view_total(trade_show, sam) <= 999
    assert view_total(SimView.objects.get(name="Junk leads", module__org__prefix=738964), sam) == 0
    assert (
        view_total(
            SimView.objects.get(name="Lead archive 2015-2020", module__org__prefix=738964), sam
        )
        > 50_000
    )


@pytest.mark.django_db
def test_load_can_fill_the_big_view():
    output = run("zohosim_load", scale="test", big_view=1500)
    assert "1500 records added to the big view" in output
    assert SimRecord.objects.filter(data__Import_Batch="2024-Q3").count() == 1500


def test_token_prints_tokens_with_absolute_urls(sim, settings):
    settings.ZOHOSIM_PUBLIC_URL = "http://demo.example:8000"
    tokens = json.loads(run("zohosim_token", user="sam.ops@zylker.example"))
    assert {"access_token", "refresh_token", "api_domain", "accounts_server", "expires_in"} <= set(
        tokens
    )
    assert tokens["api_domain"] == "http://demo.example:8000/zohosim/api"
    assert tokens["accounts_server"] == "http://demo.example:8000/zohosim/accounts"
    assert tokens["expires_in"] == 3600
    found = access_token_find(tokens["access_token"])
    assert found is not None and found.user.email == "sam.ops@zylker.example"
    assert found.client.client_id == settings.ZOHO_CLIENT_ID


def test_token_refuses_unknown_and_deactivated_users(sim):
    with pytest.raises(CommandError, match="No practice CRM user"):
        run("zohosim_token", user="nobody@example.com")
    with pytest.raises(CommandError, match="deactivated"):
        run("zohosim_token", user="derek.former@zylker.example")


def test_token_grants_the_scopes_asked_for(sim):
    tokens = json.loads(
        run("zohosim_token", user="sam.ops@zylker.example", scopes="ZohoCRM.org.READ")
    )
    assert tokens["scope"] == "ZohoCRM.org.READ"
