"""The view picker: no view chosen for the person, record counts loaded after the page (one
request, Zoho's count calls one after another, remembered per Zoho user), empty and too-big
views flagged before any field is filled in."""

import html
import re

import pytest
from responses import matchers

from tests.massupdate.conftest import CRM, CVID, make_member
from tests.massupdate.test_pages import mock_metadata

pytestmark = pytest.mark.django_db(transaction=True)

COUNTS = {"1": 61250, CVID: 0, "3": 1243}


@pytest.fixture
def signed_in(member, client):
    client.force_login(member.user)
    return client


def mock_counts(zoho_api, counts=COUNTS):
    for cvid, count in counts.items():
        zoho_api.get(
            f"{CRM}.1/Leads/actions/count",
            match=[matchers.query_param_matcher({"cvid": cvid})],
            json={"count": count},
        )


def count_calls(zoho_api):
    return [c for c in zoho_api.calls if "/actions/count" in c.request.url]


def count_text(page, cvid):
    found = re.search(rf'<span class="view-count[^"]*" id="count-{cvid}"[^>]*>(.*?)</span>', page)
    assert found, f"no count for view {cvid}"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_the_picker_page_makes_no_count_call_and_loads_them_afterwards(signed_in, zoho_api):
    mock_metadata(zoho_api)
    mock_counts(zoho_api)
    page = signed_in.get("/updates/new/?module=Leads").content.decode()
    assert count_calls(zoho_api) == []
    assert 'hx-get="/updates/new/counts/?module=Leads" hx-trigger="load"' in page
    assert count_text(page, "3") == ""

    counts = signed_in.get("/updates/new/counts/?module=Leads", HTTP_HX_REQUEST="true")
    fragment = counts.content.decode()
    assert count_text(fragment, "3") == "about 1,243 records"
    assert fragment.count('hx-swap-oob="true"') == 4  # three counts and the loader
    assert len(count_calls(zoho_api)) == 3

    page = signed_in.get("/updates/new/?module=Leads").content.decode()
    assert count_text(page, "3") == "about 1,243 records"
    assert 'hx-trigger="load"' not in page  # all counts known: nothing more to load
    assert len(count_calls(zoho_api)) == 3


def test_empty_and_too_big_views_are_flagged(signed_in, zoho_api):
    mock_metadata(zoho_api)
    mock_counts(zoho_api)
    page = signed_in.get("/updates/new/?module=Leads&counts=1").content.decode()
    assert count_text(page, CVID) == "empty: no records to change"
    assert count_text(page, "1") == (
        "about 61,250 records: more than Zoho's limit of 50,000 for one mass update"
    )
    assert 'class="view-count view-count-flagged" id="count-1"' in page
    assert 'class="view-count" id="count-3"' in page


def test_counts_are_remembered_per_zoho_user_not_per_team(signed_in, zoho_api, client):
    mock_metadata(zoho_api)
    mock_counts(zoho_api)
    signed_in.get("/updates/new/counts/?module=Leads")
    assert len(count_calls(zoho_api)) == 3
    colleague = make_member(email="priya@zylker.example")  # same team, another Zoho user
    client.force_login(colleague.user)
    page = client.get("/updates/new/?module=Leads").content.decode()
    assert count_text(page, "3") == ""  # Sam's counts are not Priya's
    client.get("/updates/new/counts/?module=Leads")
    assert len(count_calls(zoho_api)) == 6


def test_a_count_zoho_refuses_reads_as_not_available_never_zero(signed_in, zoho_api):
    mock_metadata(zoho_api)
    mock_counts(zoho_api, {"1": 5, CVID: 6})
    zoho_api.get(
        f"{CRM}.1/Leads/actions/count",
        match=[matchers.query_param_matcher({"cvid": "3"})],
        status=401,
        json={"code": "OAUTH_SCOPE_MISMATCH", "details": {}, "message": "invalid oauth scope",
              "status": "error"},
    )  # fmt: skip
    fragment = signed_in.get("/updates/new/counts/?module=Leads").content.decode()
    assert count_text(fragment, "3") == "record count not available"
    assert count_text(fragment, "1") == "about 5 records"


def test_no_view_is_chosen_for_the_person(signed_in, zoho_api):
    mock_metadata(zoho_api)
    page = signed_in.get("/updates/new/?module=Leads").content.decode()
    assert re.findall(r'<input type="radio" name="cvid"[^>]*checked', page) == []
    response = signed_in.post("/updates/new/", {"module": "Leads", "views_for": "Leads"})
    page = response.content.decode()
    assert "Choose the view whose records you want to change." in page
    assert 'aria-invalid="true"' in page


def test_a_module_whose_api_name_no_call_could_use_is_not_offered(signed_in, zoho_api):
    """Found by the property test of the new-update page: Zoho sending a module named "0"."""
    zero = {"api_name": "0", "plural_label": "", "generated_type": "custom",
            "api_supported": True, "status": "visible", "visible": True}  # fmt: skip
    modules = {"modules": [zero]}
    zoho_api.get(f"{CRM}/settings/modules", json=modules)
    for response in (
        signed_in.get("/updates/new/"),
        signed_in.get("/updates/new/", {"module": "0"}, HTTP_HX_REQUEST="true"),
        signed_in.post("/updates/new/", {"module": "0", "cvid": ""}),
        signed_in.get("/updates/new/counts/", {"module": "0"}),
    ):
        assert response.status_code in (200, 204)
    assert '<option value="0"' not in signed_in.get("/updates/new/").content.decode()
