"""The pages, with Zoho mocked at the HTTP seam: what people see, and what Zoho is asked."""

import json
import re
import threading

import pytest
import responses
from django.db import connection
from django.test import Client

from crmupdate.massupdate.metadata import Kind
from crmupdate.massupdate.models import Draft, MassUpdate, MetadataCache, Step
from tests.accounts.zoho_fakes import PROFILE_ID, ZohoPerson, current_user_body, profile_body
from tests.massupdate.conftest import (
    CRM,
    CVID,
    RECORD_READS,
    change,
    make_draft,
    make_member,
    mass_update_bodies,
    run_update,
    run_worker,
    text_of,
)
from tests.massupdate.field_samples import LEADS
from tests.massupdate.test_worker import MASS_UPDATE, scheduled, status_body
from tests.zoho import seed_responses as seed

pytestmark = pytest.mark.django_db(transaction=True)

MODULES = {
    "modules": [
        {"api_name": "Leads", "plural_label": "Leads", "api_supported": True, "status": "visible",
         "generated_type": "default", "visible": True},
        {"api_name": "Services", "plural_label": "Services", "api_supported": True,
         "status": "visible", "generated_type": "default"},
        {"api_name": "Home", "plural_label": "Home", "api_supported": False, "status": "visible",
         "generated_type": "default"},
        {"api_name": "Vehicles", "plural_label": "Vehicles", "api_supported": True,
         "status": "user_hidden", "generated_type": "custom"},
        {"api_name": "Deals", "plural_label": "Deals", "api_supported": True, "status": "visible",
         "generated_type": "default"},
    ]
}  # fmt: skip
VIEWS = {
    "custom_views": [
        {"id": "1", "name": "All Leads", "display_value": "All Leads", "category": "public_views"},
        {"id": CVID, "name": "Imported", "display_value": "Imported batch",
         "category": "created_by_me"},
        {"id": "3", "name": "Open", "display_value": "Open leads", "category": "public_views",
         "default": True},
    ],
    "info": {"default": "3", "translation": {"public_views": "Public Views",
                                             "created_by_me": "Created By Me"}},
}  # fmt: skip


@pytest.fixture
def signed_in(member, client):
    client.force_login(member.user)
    return client


# The view the drafts are made on, as Custom View Meta answers for one view (no filter).
ONE_VIEW = {"custom_views": [{"id": CVID, "name": "Imported batch", "criteria": None}]}


def mock_metadata(zoho_api):
    zoho_api.get(f"{CRM}/settings/modules", json=MODULES)
    zoho_api.get(f"{CRM}/settings/custom_views", json=VIEWS)
    zoho_api.get(re.compile(rf"{CRM}/settings/custom_views/\d+"), json=ONE_VIEW)
    zoho_api.get(f"{CRM}/settings/fields", json={"fields": LEADS})


def test_it_requires_sign_in(client):
    response = client.get("/updates/new/")
    assert response.status_code == 302
    assert "/signin/" in response["Location"]


def test_new_lists_only_modules_people_can_mass_update(signed_in, zoho_api):
    mock_metadata(zoho_api)
    page = signed_in.get("/updates/new/").content.decode()
    options = re.findall(r'<option value="(\w*)"', page)
    assert options == ["", "Deals", "Leads"]
    assert '<label for="id_module">Module</label>' in page


def test_choosing_a_module_loads_its_views_grouped_default_first(signed_in, zoho_api):
    mock_metadata(zoho_api)
    page = signed_in.get("/updates/new/?module=Leads", HTTP_HX_REQUEST="true").content.decode()
    assert page.lstrip().startswith('<div id="view-picker"')  # only the fragment
    assert "<legend>Custom view</legend>" in page
    public = page.index(">Public Views</p>")
    assert public < page.index(
        '<label for="view-3"><span translate="no">Open leads</span> <span class="muted">'
        "(default view)"
    )
    assert page.index('for="view-3"') < page.index('for="view-1"')
    assert ">Created By Me</p>" in page
    assert "checked" not in page  # nobody's view is chosen for them
    assert "/crm/v2/settings/custom_views?module=Leads" in zoho_api.calls[-1].request.url


def test_without_javascript_continue_first_shows_the_views(signed_in, zoho_api):
    mock_metadata(zoho_api)
    response = signed_in.post("/updates/new/", {"module": "Leads"})
    assert response.status_code == 200
    assert "Imported batch" in response.content.decode()
    assert not Draft.objects.exists()
    response = signed_in.post("/updates/new/", {"module": "Leads", "cvid": CVID})
    draft = Draft.objects.get()
    assert response["Location"] == f"/updates/drafts/{draft.public_id}/"
    assert (draft.module_api_name, draft.cvid, draft.view_name) == ("Leads", CVID, "Imported batch")


def test_a_warm_cache_makes_no_zoho_calls(signed_in, zoho_api):
    mock_metadata(zoho_api)
    signed_in.get("/updates/new/?module=Leads")
    calls = len(zoho_api.calls)
    assert calls == 2 and MetadataCache.objects.filter(kind=Kind.VIEWS).exists()
    signed_in.get("/updates/new/?module=Leads")
    signed_in.get("/updates/new/")
    assert len(zoho_api.calls) == calls


def test_refresh_from_zoho_reads_permissions_and_metadata_again(signed_in, member, zoho_api):
    mock_metadata(zoho_api)
    person = ZohoPerson(profile="Sales Operations", mass_update_modules=("Deals",))
    zoho_api.get(f"{CRM}/users", json=current_user_body(person))
    zoho_api.get(f"{CRM}/settings/profiles/{PROFILE_ID}", json=profile_body(person))
    signed_in.get("/updates/new/?module=Leads")
    signed_in.post(
        "/updates/new/refresh/", {"module": "Leads", "next": "/updates/new/?module=Deals"}
    )
    page = signed_in.get("/updates/new/").content.decode()

    sent = [c.request.url.split("?")[0].removeprefix(CRM) for c in zoho_api.calls]
    assert sent == [
        "/settings/modules",
        "/settings/custom_views",
        "/users",
        f"/settings/profiles/{PROFILE_ID}",
        "/users",  # the organisation's administrators, named when someone must ask them
        "/settings/modules",
    ]
    member.refresh_from_db()
    assert member.mass_update_modules == ["Deals"] and member.permissions_known
    assert "your Zoho profile does not have the Mass Update permission there: Leads." in text_of(
        page
    )


def test_a_zoho_failure_on_the_new_page_is_explained(signed_in, zoho_api):
    zoho_api.get(f"{CRM}/settings/modules", json={"code": "NO_PERMISSION", "details": {},
                                                   "message": "permission denied",
                                                   "status": "error"}, status=403)  # fmt: skip
    page = signed_in.get("/updates/new/").content.decode()
    assert "Ask a Zoho administrator" in page
    assert "NO_PERMISSION" in page


def draft_for(member, **kwargs):
    draft = make_draft(member, [], **kwargs)
    Draft.objects.filter(pk=draft.pk).update(changes=[])
    return draft


def test_adding_fields_and_typing_values(signed_in, member, zoho_api):
    mock_metadata(zoho_api)
    draft = draft_for(member)
    url = f"/updates/drafts/{draft.public_id}/"
    page = signed_in.get(url).content.decode()
    assert "No. of Employees" in page and ">Email<" not in page and "Lead Owner" not in page
    # without JavaScript: "Add field" posts the whole form and the row appears
    page = signed_in.post(url, {"action": "add", "add_field": "No_of_Employees"}).content.decode()
    assert (
        '<label for="id_value__No_of_Employees"><span translate="no">No. of Employees</span>: '
        "new value</label>"
    ) in page
    # with htmx: only the form comes back
    fragment = signed_in.post(
        url, {"action": "add", "field": ["No_of_Employees"], "value__No_of_Employees": "12",
              "add_field": "Lead_Source"}, HTTP_HX_REQUEST="true",
    ).content.decode()  # fmt: skip
    assert fragment.lstrip().startswith('<form id="changes-form"')
    assert 'value="12"' in fragment and "Houston" in fragment
    # a reload loses nothing
    page = signed_in.get(url).content.decode()
    assert 'value="12"' in page and "Lead Source: new value" in text_of(page)


def test_invalid_values_are_caught_before_zoho_with_what_to_type(signed_in, member, zoho_api):
    mock_metadata(zoho_api)
    draft = draft_for(member)
    response = signed_in.post(
        f"/updates/drafts/{draft.public_id}/",
        {"action": "review", "field": ["No_of_Employees", "Rating"],
         "value__No_of_Employees": "lots"}, HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "Type a whole number, like 1000" in page
    assert "Choose a value, or tick “Clear this field”." in page
    assert mass_update_bodies(zoho_api) == []


def test_review_shows_the_sentence_the_count_and_a_sample(signed_in, member, zoho_api):
    mock_metadata(zoho_api)
    draft = draft_for(member)
    response = signed_in.post(
        f"/updates/drafts/{draft.public_id}/",
        {"action": "review", "field": ["No_of_Employees", "Lead_Source"],
         "value__No_of_Employees": "1000", "value__Lead_Source": "Houston Showroom"},
    )  # fmt: skip
    assert response["Location"] == f"/updates/drafts/{draft.public_id}/review/"
    zoho_api.get(f"{CRM}.1/Leads/actions/count", json={"count": 1243})
    zoho_api.remove(responses.GET, RECORD_READS)  # the review reads them: answered here
    zoho_api.get(f"{CRM}/Leads", json={"data": [
        {"id": "9001", "Last_Name": "Acme", "No_of_Employees": 12,
         "Lead_Source": "San Francisco Showroom"},
        {"id": "9002", "Last_Name": "Globex", "No_of_Employees": None, "Lead_Source": None},
    ], "info": {"more_records": False}})  # fmt: skip
    page = signed_in.get(f"/updates/drafts/{draft.public_id}/review/").content.decode()
    text = text_of(page)
    assert ("Set No. of Employees to 1,000 and set Lead Source to Houston on the 1,243 records "
            "in the view Imported batch when it starts.") in text  # fmt: skip
    assert "<strong>1,243</strong>" in page
    # what each step fires: a view job of 1,000 or more records runs no automation; by id, all
    automation = re.findall(r'<ul class="automation".*?</ul>', page, re.S)[0]
    assert [text_of(li) for li in re.findall(r"<li>.*?</li>", automation)] == [
        "Step 1: Zoho's mass update job on 1,243 leads — no workflow rules, "
        "approvals or blueprints run (1,000 records or more)",
        "Step 2: record by record — Zoho runs workflow rules, approvals and blueprints "
        "for each record",
    ]
    assert "so this runs in 2 steps, one after another" in text
    sample = page[page.index("<tbody>") :]
    # the records' own words (names, picklist values) are marked for translation tools to skip
    assert re.search(r'<span translate="no">Acme</span></th>\s*<td>12</td>'
                     r'<td class="new-value">1,000</td><td translate="no">San Francisco Showroom'
                     r'</td><td class="new-value" translate="no">Houston</td>',
                     sample)  # fmt: skip
    records_call = next(c for c in zoho_api.calls if "/crm/v2/Leads?" in c.request.url)
    assert "per_page=10" in records_call.request.url
    # the name fields this module has (no Full_Name or First_Name here), then the changed ones
    assert "fields=Last_Name%2CCompany%2CNo_of_Employees%2CLead_Source" in records_call.request.url
    assert "disabled" not in page[page.index('class="run-form"') :]


def test_a_view_over_fifty_thousand_records_cannot_run(signed_in, member, zoho_api):
    mock_metadata(zoho_api)
    draft = make_draft(member, [change("No_of_Employees", 1000)], count=None)
    zoho_api.get(f"{CRM}.1/Leads/actions/count", json={"count": 61250})
    zoho_api.remove(responses.GET, RECORD_READS)  # the review reads them: answered here
    zoho_api.get(f"{CRM}/Leads", json={"data": [], "info": {}})
    page = signed_in.get(f"/updates/drafts/{draft.public_id}/review/").content.decode()
    assert "Zoho changes at most 50,000 records" in page
    assert '<button type="submit" disabled>Run mass update</button>' in page
    response = signed_in.post(f"/updates/drafts/{draft.public_id}/run/",
                              {"run_token": str(draft.run_token)})  # fmt: skip
    assert not MassUpdate.objects.exists()
    assert response["Location"].endswith("/review/")


def test_running_twice_makes_one_update(signed_in, member):
    draft = make_draft(member, [change("No_of_Employees", 1000)])
    first = signed_in.post(
        f"/updates/drafts/{draft.public_id}/run/", {"run_token": str(draft.run_token)}
    )
    again = signed_in.post(
        f"/updates/drafts/{draft.public_id}/run/", {"run_token": str(draft.run_token)}
    )
    update = MassUpdate.objects.get()
    assert first["Location"] == again["Location"] == f"/updates/{update.pk}/"
    assert Step.objects.count() == 1
    # the back button to the changes page goes to the update too
    assert (
        signed_in.get(f"/updates/drafts/{draft.public_id}/")["Location"] == f"/updates/{update.pk}/"
    )


def test_a_review_made_stale_by_an_edit_cannot_run(signed_in, member):
    draft = make_draft(member, [change("No_of_Employees", 1000)])
    stale = str(draft.run_token)
    make_fresh = Draft.objects.get(pk=draft.pk)
    from crmupdate.massupdate.services import draft_save_changes

    draft_save_changes(
        draft=make_fresh, changes=[change("No_of_Employees", 5)], selected=[], raw={}
    )
    response = signed_in.post(f"/updates/drafts/{draft.public_id}/run/", {"run_token": stale})
    assert response["Location"].endswith("/review/")
    assert not MassUpdate.objects.exists()


def test_twenty_concurrent_submissions_make_one_update_and_one_zoho_job(
    member, zoho_api, fast_worker
):
    zoho_api.post(MASS_UPDATE, json=scheduled("2020"))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    draft = make_draft(member, [change("No_of_Employees", 1000)])
    barrier = threading.Barrier(20)
    answers = []

    def submit():
        browser = Client()
        browser.force_login(member.user)
        barrier.wait()
        try:
            response = browser.post(
                f"/updates/drafts/{draft.public_id}/run/", {"run_token": str(draft.run_token)}
            )
            answers.append(response["Location"])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run_worker()

    update = MassUpdate.objects.get()
    assert answers == [f"/updates/{update.pk}/"] * 20
    assert len(mass_update_bodies(zoho_api)) == 1


def test_another_teams_update_and_another_persons_draft_are_not_found(member, client):
    update = run_update(member, [change("No_of_Employees", 1000)])
    draft = make_draft(member, [change("No_of_Employees", 1000)])
    outsider = make_member(email="gary.globex@globex.example", org_id="org-globex")
    colleague = make_member(email="patricia.boyle@zylker.example")
    client.force_login(outsider.user)
    assert client.get(f"/updates/{update.pk}/").status_code == 404
    assert client.get(f"/updates/{update.pk}/status/").status_code == 404
    assert client.post(f"/updates/{update.pk}/resume/").status_code == 404
    assert client.get(f"/updates/drafts/{draft.public_id}/").status_code == 404
    client.force_login(colleague.user)
    assert client.get(f"/updates/{update.pk}/").status_code == 200  # same team: visible
    assert client.get(f"/updates/drafts/{draft.public_id}/review/").status_code == 404


def test_the_page_polls_while_running_and_stops_when_done(signed_in, member, zoho_api, fast_worker):
    zoho_api.post(MASS_UPDATE, body=seed.SUCCESS.body)
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED", total=300))
    update = run_update(member, [change("No_of_Employees", 1000, label="No. of Employees")])
    running = signed_in.get(f"/updates/{update.pk}/status/").content.decode()
    assert 'hx-trigger="every 3s"' in running
    run_worker()
    done = signed_in.get(f"/updates/{update.pk}/status/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done
    assert "738964000002152104" in done and "COMPLETED" in done
    assert '<strong class="updated-count">300</strong>' in done
    page = signed_in.get(f"/updates/{update.pk}/").content.decode()
    assert "Run by Sam Ops" in page and "(Europe/London)" in page


SEED_ERRORS = [
    (seed.INVALID_DATA_CVID, "Zoho could not find the view"),
    (
        seed.INVALID_DATA_FIELD,
        "Zoho refused to change “No_of_Employees1”: Zoho does not allow this field",
    ),
    (seed.INVALID_DATA_NO_FIELD, "Zoho received no field to change"),
    (seed.MANDATORY_NOT_FOUND, "Zoho said a required part of the request was missing"),
    (seed.ALREADY_SCHEDULED, "Another mass update is still running on this view in Zoho"),
    (seed.INVALID_REQUEST_METHOD, "Zoho did not accept the kind of request we sent"),
    (seed.AUTHENTICATION_FAILURE, "Your Zoho sign-in has expired"),
]


@pytest.mark.parametrize(
    ("answer", "explanation"), SEED_ERRORS, ids=lambda a: getattr(a, "name", "")
)
def test_each_seed_error_is_stored_and_explained_on_the_page(
    signed_in, member, zoho_api, fast_worker, settings, answer, explanation
):
    settings.MASSUPDATE_RETRY_FIRST_SECONDS = 600  # ALREADY_SCHEDULED: stay waiting
    zoho_api.post(MASS_UPDATE, body=answer.body, status=answer.status)
    zoho_api.post("https://accounts.zoho.com/oauth/v2/token", json={"error": "invalid_code"})
    field = "No_of_Employees1" if answer is seed.INVALID_DATA_FIELD else "No_of_Employees"
    update = run_update(member, [change(field, 1000)])
    run_worker()
    recorded = json.loads(answer.body)
    recorded = recorded["data"][0] if "data" in recorded else recorded
    if answer is seed.AUTHENTICATION_FAILURE:
        # Zoho refused the token refresh too, which signs the person out everywhere: they
        # read the explanation once they are back.
        assert signed_in.get(f"/updates/{update.pk}/")["Location"].startswith("/signin/")
        member.user.refresh_from_db()
        signed_in.force_login(member.user)

    page = signed_in.get(f"/updates/{update.pk}/").content.decode()
    assert explanation in page
    if answer is not seed.AUTHENTICATION_FAILURE:  # there Zoho refused the token refresh too
        assert f'<code class="error-code">{recorded["code"]}</code>' in page
        assert recorded["message"] in page
        step = update.steps.get()
        assert (step.error_code, step.error_message, step.error_details) == (
            recorded["code"], recorded["message"], recorded["details"])  # fmt: skip


def test_review_works_when_zoho_cannot_count_the_view(signed_in, member, zoho_api):
    mock_metadata(zoho_api)
    draft = make_draft(member, [change("No_of_Employees", 1000, label="No. of Employees")])
    zoho_api.get(
        f"{CRM}.1/Leads/actions/count",
        json={"code": "INVALID_URL_PATTERN", "details": {},
              "message": "Please check if the URL trying to access is a correct one",
              "status": "error"},
        status=404,
    )  # fmt: skip
    zoho_api.remove(responses.GET, RECORD_READS)  # the review reads them: answered here
    zoho_api.get(f"{CRM}/Leads", json={"data": [{"id": "1", "Last_Name": "Acme"}], "info": {}})
    page = signed_in.get(f"/updates/drafts/{draft.public_id}/review/").content.decode()
    assert "Set No. of Employees to 1000 on every record in the view Imported batch." in text_of(
        page
    )
    assert "Zoho could not count the records of this view" in page
    assert '<button type="submit">Run mass update</button>' in page
