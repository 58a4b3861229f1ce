"""Inputs that once ended in a server error, each kept as a plain test: they now get a 400 with
a plain message, or the right page."""

from __future__ import annotations

import pytest
import responses as responses_lib
from django.test import Client

from crmupdate.massupdate.fieldforms import display_value
from tests.massupdate.conftest import CRM, make_member
from tests.massupdate.field_samples import field


@pytest.mark.parametrize(
    "stored",
    ["9999-12-31T23:59:59+00:00", "9999-12-31T23:30:00-11:00", "0001-01-01T00:00:00+00:00"],
)
@pytest.mark.parametrize("zone", ["Asia/Kolkata", "Pacific/Kiritimati", "America/Adak"])
def test_a_datetime_at_the_edge_of_the_calendar_is_shown_not_a_crash(stored, zone):
    shown = display_value(field("Next_Call"), stored, time_zone=zone)

    assert shown  # as Zoho sent it when the person's zone would leave the calendar
    assert "999" in shown or "0001" in shown or "1 Jan 1" in shown


def test_a_datetime_inside_the_calendar_is_still_shown_in_the_persons_zone():
    shown = display_value(field("Next_Call"), "2026-03-10T09:00:00+00:00", time_zone="Asia/Kolkata")

    assert shown == "03/10/2026 14:30 (Asia/Kolkata)"  # the site locale (en-us) by default


@pytest.fixture
def signed_in(db):
    member = make_member()
    client = Client()
    client.force_login(member.user)
    return member, client


@pytest.mark.parametrize("path", ["/oauth/disconnect/zoho/", "/oauth/disconnect/zoho/1/"])
def test_social_auths_disconnect_is_not_there(signed_in, path):
    """The account page's "Disconnect Zoho" revokes at Zoho; social-auth's would not."""
    _member, client = signed_in

    answer = client.post(path)

    assert answer.status_code == 404
    assert "Page not found" in answer.content.decode()


@pytest.mark.parametrize("api_name", ["0", "00", "9Leads", "Le/ads"])
def test_a_module_whose_api_name_no_call_could_use_is_left_out(signed_in, api_name):
    _member, client = signed_in
    modules = [{"api_name": api_name, "plural_label": "Zeroes", "api_supported": True,
                "generated_type": "custom"},
               {"api_name": "Leads", "plural_label": "Leads", "api_supported": True}]  # fmt: skip
    views = [{"id": "111", "name": "All", "display_value": "All Zeroes"}]

    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as zoho:
        zoho.get(f"{CRM}/settings/modules", json={"modules": modules})
        zoho.get(f"{CRM}/settings/custom_views", json={"custom_views": views, "info": {}})
        page = client.get("/updates/new/")
        picker = client.get("/updates/new/", {"module": str(api_name)}, HTTP_HX_REQUEST="true")
        chosen = client.post("/updates/new/", {"module": str(api_name), "cvid": "111"})

    assert page.status_code == 200
    assert "Leads" in page.content.decode()
    assert "Zeroes" not in page.content.decode()
    assert picker.status_code == 200
    assert chosen.status_code == 200
    assert "Choose a module from the list." in chosen.content.decode()


def test_head_of_the_home_page_answers_like_get(client):
    got = client.get("/")
    head = client.head("/")

    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]


@pytest.mark.django_db
def test_an_unknown_error_in_zohos_redirect_back_is_a_plain_400(client):
    answer = client.get("/oauth/complete/zoho/", {"error": "something_odd", "state": "x"})

    assert answer.status_code == 400
    assert "Zoho refused the sign-in" in answer.content.decode()
    assert "Traceback" not in answer.content.decode()
