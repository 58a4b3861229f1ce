"""The changes page as a person meets it: errors summarised and linked, focus where work goes
on, limits from Zoho's field metadata, units, dates in the person's locale, and nothing typed
lost by "Refresh from Zoho" or a change of view."""

import copy
import re

import pytest

from crmupdate.massupdate.models import Draft, MetadataCache
from tests.massupdate.conftest import API, CRM, CVID, text_of
from tests.massupdate.field_samples import LEADS
from tests.massupdate.test_pages import VIEWS, draft_for, mock_metadata

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed_in(member, client):
    client.force_login(member.user)
    return client


@pytest.fixture
def draft(member, zoho_api):
    mock_metadata(zoho_api)
    return draft_for(member)


def url(draft):
    return f"/updates/drafts/{draft.public_id}/"


def post(client, draft, data, **extra):
    return client.post(url(draft), data, **extra).content.decode()


def tag(page, element_id):
    found = re.search(rf'<[a-z]+ [^>]*id="{element_id}"[^>]*>', page)
    assert found, f"no element #{element_id}"
    return found.group(0)


def test_errors_are_summarised_at_the_top_with_links_to_the_fields(signed_in, draft):
    page = post(
        signed_in, draft,
        {"action": "review", "field": ["No_of_Employees", "Rating"],
         "value__No_of_Employees": "lots"}, HTTP_HX_REQUEST="true",
    )  # fmt: skip
    summary = page[page.index('<div class="error-summary"') : page.index("</div>")]
    links = re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary)
    assert [(anchor, text_of(text)) for anchor, text in links] == [
        ("id_value__No_of_Employees",
         "No. of Employees: Type a whole number, like 1000 (digits only, no commas)."),
        ("id_value__Rating", "Rating: Choose a value, or tick “Clear this field”."),
    ]  # fmt: skip
    assert page.index("error-summary") < page.index('id="id_value__No_of_Employees"')
    employees = tag(page, "id_value__No_of_Employees")
    assert 'aria-invalid="true"' in employees
    assert "autofocus" in employees  # the first field in error has the focus
    assert "autofocus" not in tag(page, "id_value__Rating")
    assert 'aria-invalid="true"' in tag(page, "id_value__Rating")


def test_a_text_longer_than_its_field_is_refused_never_cut(signed_in, draft):
    page = post(signed_in, draft, {"action": "add", "add_field": "Company"})
    company = tag(page, "id_value__Company")
    assert "maxlength" not in company  # the browser would cut a paste silently
    assert "Up to 200 characters." in page
    long = "x" * 250
    page = post(
        signed_in, draft, {"action": "review", "field": ["Company"], "value__Company": long}
    )
    assert "Use at most 200 characters: this has 250." in page
    assert f'value="{long}"' in page  # kept whole, for the person to shorten
    assert Draft.objects.get().changes == []


def test_numbers_keep_to_the_fields_own_digits_and_decimals(signed_in, draft):
    page = post(
        signed_in, draft,
        {"action": "review", "field": ["Percent", "Annual_Revenue"],
         "value__Percent": "123456", "value__Annual_Revenue": "10.555"},
    )  # fmt: skip
    assert "Use at most 5 digits before the dot." in page  # Percent's length is 5
    assert "Use at most 2 digits after the dot." in page  # decimal_place 2
    assert "Up to 5 digits before the dot and 2 after it." in page
    page = post(
        signed_in, draft,
        {"action": "review", "field": ["Percent"], "value__Percent": "150"},
    )  # fmt: skip
    # Zoho's percent fields are limited by their length, not to 100: 150% is Zoho's to accept
    assert Draft.objects.get().changes[0]["display"] == "150%"


def test_units_stand_beside_money_and_percent_inputs(signed_in, draft, zoho_api):
    zoho_api.get(f"{CRM}/org", json={"org": [{"id": "1", "currency_symbol": "€"}]})
    fields = {"field": ["Annual_Revenue", "Percent"]}
    page = post(signed_in, draft, {"action": "add", **fields})
    assert '<span class="unit" aria-hidden="true">€</span>' in page
    assert '<span class="unit" aria-hidden="true">%</span>' in page
    assert "Annual Revenue</span>: new value (€)</label>" in page
    post(signed_in, draft, {"action": "add", **fields})
    assert len([c for c in zoho_api.calls if c.request.url.endswith("/org")]) == 1  # remembered


def test_no_org_call_without_a_money_field(signed_in, draft, zoho_api):
    post(signed_in, draft, {"action": "add", "add_field": "Percent"})
    assert not [c for c in zoho_api.calls if c.request.url.endswith("/org")]


def test_the_row_just_added_has_the_focus(signed_in, draft):
    page = post(
        signed_in, draft,
        {"action": "add", "field": ["Rating"], "add_field": "No_of_Employees"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert "autofocus" in tag(page, "id_value__No_of_Employees")
    assert "autofocus" not in tag(page, "id_value__Rating")
    assert "autofocus" not in tag(page, "id_add_field")


def test_a_multi_select_is_a_list_of_checkboxes_with_a_filter_when_long(
    signed_in, member, zoho_api
):
    fields = copy.deepcopy(LEADS)
    multi = next(f for f in fields if f["api_name"] == "checking_multi_picklist")
    multi["pick_list_values"] = [
        {"display_value": f"Value {n}", "actual_value": f"V{n}", "sequence_number": n}
        for n in range(1, 13)
    ]
    zoho_api.get(f"{CRM}/settings/fields", json={"fields": fields})
    zoho_api.get(f"{CRM}/settings/custom_views", json=VIEWS)
    draft = draft_for(member)
    page = post(signed_in, draft, {"action": "add", "add_field": "checking_multi_picklist"})
    boxes = re.findall(r'<input type="checkbox" name="value__checking_multi_picklist"', page)
    assert len(boxes) == 12
    assert "<select" not in page.split('id="options-checking_multi_picklist"')[1][:500]
    assert 'class="option-filter" hidden aria-controls="options-checking_multi_picklist"' in page
    page = post(
        signed_in, draft,
        {"action": "review", "field": ["checking_multi_picklist"],
         "value__checking_multi_picklist": ["V2", "V11"]},
    )  # fmt: skip
    assert Draft.objects.get().changes[0]["value"] == ["V2", "V11"]


def test_a_short_multi_select_has_no_filter(signed_in, draft):
    page = post(signed_in, draft, {"action": "add", "add_field": "checking_multi_picklist"})
    assert 'type="checkbox" name="value__checking_multi_picklist"' in page
    assert "option-filter" not in page


def test_dates_follow_the_zoho_users_locale(signed_in, draft):
    session = signed_in.session
    session["zoho_locale"] = "en_GB"
    session.save()
    page = post(signed_in, draft, {"action": "add", "add_field": "Follow_Up_Date"})
    assert "Type it as dd/mm/yyyy, like 31/12/2025." in page
    assert 'data-format="%d/%m/%Y"' in page
    post(
        signed_in, draft,
        {"action": "review", "field": ["Follow_Up_Date"], "value__Follow_Up_Date": "31/12/2025"},
    )  # fmt: skip
    (change,) = Draft.objects.get().changes
    assert (change["value"], change["display"]) == ("2025-12-31", "31/12/2025")
    page = signed_in.get(url(draft)).content.decode()
    assert 'value="31/12/2025"' in page  # shown again as it was typed


def test_without_a_zoho_locale_the_browsers_language_decides(signed_in, draft):
    page = post(
        signed_in, draft, {"action": "add", "add_field": "Follow_Up_Date"},
        HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5",
    )  # fmt: skip
    assert "Type it as dd.mm.yyyy, like 31.12.2025." in page


def test_refresh_from_zoho_keeps_what_was_typed(signed_in, draft, zoho_api):
    response = signed_in.post(
        url(draft),
        {"action": "refresh", "field": ["Company"], "value__Company": "Zylker Traders"},
    )
    assert response["Location"] == url(draft)
    assert not MetadataCache.objects.filter(module_api_name="Leads").exists()
    page = signed_in.get(url(draft)).content.decode()
    assert 'value="Zylker Traders"' in page
    assert "Fields and views were read again from Zoho." in page


def test_the_view_can_be_changed_without_losing_what_was_typed(signed_in, draft):
    page = signed_in.get(url(draft)).content.decode()
    assert f'<option value="{CVID}" translate="no" selected>Imported batch</option>' in page
    response = signed_in.post(
        url(draft),
        {"action": "view", "cvid": "3", "field": ["Company"], "value__Company": "Zylker"},
    )
    assert response["Location"] == url(draft)
    saved = Draft.objects.get()
    assert (saved.cvid, saved.view_name) == ("3", "Open leads")
    page = signed_in.get(url(draft)).content.decode()
    assert 'value="Zylker"' in page
    assert "The changes now apply to the view Open leads." in page


def test_a_view_of_another_module_or_made_up_is_refused(signed_in, draft):
    signed_in.post(url(draft), {"action": "view", "cvid": "999"})
    assert Draft.objects.get().cvid == CVID
    assert "Choose a view from the list." in signed_in.get(url(draft)).content.decode()


def test_the_view_list_shows_remembered_counts(signed_in, draft, zoho_api):
    from responses import matchers

    zoho_api.get(
        f"{API}/crm/v2.1/Leads/actions/count",
        match=[matchers.query_param_matcher({"cvid": CVID})],
        json={"count": 42},
    )
    zoho_api.get(f"{API}/crm/v2.1/Leads/actions/count", json={"count": 7})
    signed_in.get("/updates/new/counts/?module=Leads")
    page = signed_in.get(url(draft)).content.decode()
    option = f'<option value="{CVID}" translate="no" selected>'
    assert f"{option}Imported batch (about 42 records)</option>" in page


def test_the_review_shows_current_dates_as_the_new_one_was_typed(signed_in, draft, zoho_api):
    session = signed_in.session
    session["zoho_locale"] = "en_GB"
    session.save()
    post(
        signed_in, draft,
        {"action": "review", "field": ["Follow_Up_Date"], "value__Follow_Up_Date": "31/12/2025"},
    )  # fmt: skip
    zoho_api.get(f"{CRM}.1/Leads/actions/count", json={"count": 1})
    zoho_api.get(f"{CRM}/Leads", json={"data": [
        {"id": "9001", "Last_Name": "Acme", "Follow_Up_Date": "2026-02-03"}],
        "info": {"more_records": False}})  # fmt: skip
    page = signed_in.get(f"/updates/drafts/{draft.public_id}/review/").content.decode()
    assert "03/02/2026" in page and "31/12/2025" in page


def test_one_arrow_in_every_template_and_change_summary():
    from pathlib import Path

    from crmupdate.massupdate.fieldforms import Change

    root = Path(__file__).resolve().parents[2]
    comment = re.compile(r"\{#.*?#\}|<!--.*?-->|\{% comment %\}.*?\{% endcomment %\}", re.S)
    for template in [
        *root.glob("templates/**/*.html"),
        *root.glob("crmupdate/*/templates/**/*.html"),
    ]:
        text = comment.sub("", template.read_text())
        assert "->" not in text.replace("-->", ""), template
    shown = Change("Rating", "Rating", "picklist", "Hot", "Hot").summary
    assert shown == "Rating → Hot"


def test_reviewing_with_no_field_points_to_the_field_picker(signed_in, draft):
    page = post(signed_in, draft, {"action": "review"})
    assert '<li><a href="#id_add_field">Add at least one field to change.</a></li>' in page
