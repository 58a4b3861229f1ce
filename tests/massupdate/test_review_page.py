"""The review page against the practice CRM: records named as Zoho names them, multi-select
additions shown as the combined set, rows already holding the new values marked and counted
apart, and a sentence when a changed field is part of the view's filter."""

from __future__ import annotations

import re

import pytest

from crmupdate.massupdate.fieldforms import Change
from crmupdate.zohosim.models import ApiCall
from tests.massupdate.conftest import make_draft, text_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sam(member_factory):
    return member_factory()


def picklist(api_name, value, label, display=None):
    return Change(api_name=api_name, label=label, data_type="picklist", value=value,
                  display=display or value)  # fmt: skip


def review_page(client_for, sam, sim, changes, *, module="Deals", view="Open deals"):
    draft = make_draft(sam.member, changes, module=module, cvid=sim.view_id(module, view))
    draft.view_name = view
    draft.module_label = module
    draft.save(update_fields=["view_name", "module_label"])
    response = client_for(sam).get(f"/updates/drafts/{draft.public_id}/review/")
    assert response.status_code == 200
    return response.content.decode()


def sample_rows(page):
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)


def test_setting_stage_to_closed_won_says_the_deals_leave_open_deals(sam, sim, client_for):
    page = review_page(client_for, sam, sim, [picklist("Stage", "Closed Won", "Stage")])
    total = len(sim.view_records("Deals", "Open deals", as_user=sam.member.email))
    assert (
        "Changing Stage moves these deals out of “Open deals”; the update still changes exactly "
        f"the {total:,} deals reviewed."
    ) in text_of(page)
    view_call = ApiCall.objects.filter(path__contains="settings/custom_views/").get()
    assert view_call.query == "module=Deals"


def test_an_open_stage_keeps_the_deals_in_the_view(sam, sim, client_for):
    page = review_page(client_for, sam, sim, [picklist("Stage", "Qualification", "Stage")])
    text = text_of(page)
    assert "“Open deals” filters on Stage; with the new value these deals stay in the view." in text
    assert "moves these deals out" not in text


def test_a_field_the_view_does_not_filter_on_says_nothing_about_the_view(sam, sim, client_for):
    page = review_page(client_for, sam, sim, [picklist("Priority", "High", "Priority")])
    assert "view-notes" not in page


def test_deals_are_named_by_deal_name(sam, sim, client_for):
    page = review_page(client_for, sam, sim, [picklist("Priority", "High", "Priority")])
    first = sim.view_records("Deals", "Open deals", as_user=sam.member.email)[0]
    name = first.data["Deal_Name"]
    assert f'<th scope="row"><span translate="no">{name}</span>' in sample_rows(page)[0]


def test_leads_without_full_name_are_named_by_first_and_last_name_and_company(sam, sim, client_for):
    page = review_page(
        client_for, sam, sim, [picklist("Rating", "Active", "Rating")], module="Leads",
        view="All Leads",
    )  # fmt: skip
    first = sim.view_records("Leads", "All Leads", as_user=sam.member.email)[0].data
    name = f"{first['First_Name']} {first['Last_Name']} ({first['Company']})"
    assert f'<th scope="row"><span translate="no">{name}</span>' in sample_rows(page)[0]
    records_call = ApiCall.objects.filter(path="/crm/v2/Leads").last()
    assert "fields=First_Name%2CLast_Name%2CCompany%2CRating" in records_call.query


def test_adding_a_language_previews_the_combined_set(sam, sim, client_for):
    first = sim.view_records("Deals", "Open deals", as_user=sam.member.email)[0]
    first.data["Languages_Known"] = ["English"]
    first.save()
    add = Change(api_name="Languages_Known", label="Languages Known",
                 data_type="multiselectpicklist", value=["Spanish"], display="Spanish",
                 over_write=False)  # fmt: skip
    page = review_page(client_for, sam, sim, [add])
    assert (
        '<td translate="no">English</td><td class="new-value" translate="no">English; Spanish</td>'
    ) in sample_rows(page)[0]
    assert "English -&gt; Spanish" not in page


def test_rows_already_holding_the_new_values_are_marked_and_counted_apart(sam, sim, client_for):
    records = sim.view_records("Deals", "Open deals", as_user=sam.member.email)[:10]
    for record in records[:3]:
        record.data["Priority"] = "High"
        record.data["Type"] = "New Business"
        record.save()
    records[3].data["Priority"] = "High"  # one of the two changes only
    records[3].data["Type"] = "Existing Business"
    records[3].save()
    for record in records[4:]:
        record.data["Priority"] = "Low"
        record.save()

    page = review_page(
        client_for, sam, sim,
        [picklist("Priority", "High", "Priority"), picklist("Type", "New Business", "Type")],
    )  # fmt: skip

    rows = sample_rows(page)
    assert ["no-change" in page.split("<tbody>")[1].split("</tr>")[n] for n in range(10)] == [
        True, True, True, False, False, False, False, False, False, False,
    ]  # fmt: skip
    assert rows[0].count(">no change</span>") == 3  # the row and both cells
    assert (
        '<td class="same-value" translate="no">High <span class="tag" translate="yes">no change'
        "</span></td>"
    ) in rows[3]
    assert '<td class="new-value" translate="no">New Business</td>' in rows[3]
    assert "7 of these 10 records will change; 3 already hold the new values (no change)." in page
