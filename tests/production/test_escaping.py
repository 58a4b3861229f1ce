"""HTML and script in anything Zoho sends or a person types is shown as text, never run: field
labels, picklist values, view names, typed values, records' current values and Zoho's error
messages, on every page that shows them (changes, review, the update's page and its status
fragment, the dashboard, the history and its CSV export). Zoho is mocked at the HTTP seam."""

from __future__ import annotations

import csv
import io

import pytest
import responses as responses_lib
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from crmupdate.massupdate.models import Draft, MassUpdate
from tests.massupdate.conftest import CRM, make_member, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

CVID = "111000000000001"
LABEL = "<script>alert('label')</script>"
PICK = '<img src=x onerror=alert("pick")>'
TYPED = '"><script>alert("typed")</script>'
RECORD = "<script>alert('record')</script>"
NAME = "<svg onload=alert('name')>"
# Starts like a spreadsheet formula too: the CSV must not let it run.
VIEW = '=HYPERLINK("http://evil.example") <b onmouseover=alert("view")>Hot</b>'
ZOHO_SAYS = "<script>alert('zoho')</script>"
FORMULA = '=HYPERLINK("http://evil.example","click")'
PAYLOADS = [LABEL, PICK, TYPED, RECORD, NAME, VIEW, ZOHO_SAYS]


def text_field(api_name, label, *, mass_update=True):
    return {"api_name": api_name, "field_label": label, "display_label": label,
            "data_type": "text", "json_type": "string", "length": 255, "visible": True,
            "mass_update": mass_update, "read_only": False, "field_read_only": False}  # fmt: skip


FIELDS = [
    text_field("Last_Name", "Last Name", mass_update=False),
    text_field("Evil_Text", LABEL),
    text_field("Formula_Text", "Notes"),
    {"api_name": "Evil_Pick", "field_label": "Temperature", "data_type": "picklist",
     "json_type": "string", "visible": True, "mass_update": True,
     "pick_list_values": [{"actual_value": "Hot", "display_value": PICK, "sequence_number": 1}]},
]  # fmt: skip


@pytest.fixture
def zoho():
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.get(f"{CRM}/settings/modules", json={"modules": [
            {"api_name": "Leads", "plural_label": "Leads", "api_supported": True,
             "status": "visible", "generated_type": "default", "visible": True}]})  # fmt: skip
        mocked.get(f"{CRM}/settings/custom_views", json={
            "custom_views": [{"id": CVID, "name": "hot", "display_value": VIEW,
                              "category": "public_views"}], "info": {"default": CVID}})  # fmt: skip
        mocked.get(f"{CRM}/settings/fields", json={"fields": FIELDS})
        mocked.get(f"{CRM}.1/Leads/actions/count", json={"count": 2})
        mocked.get(f"{CRM}/Leads", json={"data": [
            {"id": "1", "Last_Name": NAME, "Evil_Text": RECORD, "Formula_Text": FORMULA,
             "Evil_Pick": "Hot"},
            {"id": "2", "Last_Name": "Plain", "Evil_Text": None, "Evil_Pick": None}],
            "info": {"more_records": False}})  # fmt: skip
        # Zoho refuses the first step, quoting the value back in its message.
        mocked.post(f"{CRM}/Leads/actions/mass_update", json={"data": [
            {"code": "INVALID_DATA", "details": {"api_name": "Evil_Text", "value": TYPED},
             "message": ZOHO_SAYS, "status": "error"}]})  # fmt: skip
        yield mocked


def assert_only_escaped(page: str, *expected: str) -> None:
    for payload in PAYLOADS:
        assert payload not in page, f"{payload!r} is in the page unescaped"
    for payload in expected:
        assert escape(payload) in page, f"{payload!r} is not shown (escaped) on the page"


def test_html_from_zoho_and_from_people_is_shown_as_text_everywhere(zoho, settings):
    settings.MASSUPDATE_POLL_FIRST_SECONDS = 0
    settings.MASSUPDATE_RETRY_FIRST_SECONDS = 0
    member = make_member()
    client = Client()
    client.force_login(member.user)

    views = client.get("/updates/new/", {"module": "Leads"}).content.decode()
    assert_only_escaped(views, VIEW)
    client.post("/updates/new/", {"module": "Leads", "cvid": CVID})
    draft = Draft.objects.get()
    url = f"/updates/drafts/{draft.public_id}/"
    chosen = {"field": ["Evil_Text", "Evil_Pick", "Formula_Text"]}
    changes = client.post(url, {**chosen, "action": "add"}).content.decode()
    assert_only_escaped(changes, LABEL, PICK, VIEW)
    typed = {"value__Evil_Text": TYPED, "value__Evil_Pick": "Hot", "value__Formula_Text": FORMULA}
    reviewed = client.post(url, {**chosen, "action": "review", **typed})
    assert reviewed.status_code == 302, reviewed.content.decode()[-3000:]

    review = client.get(f"{url}review/").content.decode()
    assert_only_escaped(review, LABEL, PICK, TYPED, RECORD, NAME, VIEW)
    client.post(f"{url}run/", {"run_token": str(Draft.objects.get().run_token)})
    run_worker()

    update = MassUpdate.objects.get()
    detail = client.get(f"/updates/{update.pk}/").content.decode()
    assert_only_escaped(detail, LABEL, PICK, TYPED, VIEW, ZOHO_SAYS)
    fragment = client.get(f"/updates/{update.pk}/status/", headers={"HX-Request": "true"})
    assert_only_escaped(fragment.content.decode(), ZOHO_SAYS, TYPED)
    assert_only_escaped(client.get("/").content.decode(), TYPED)

    try:
        history_url = reverse("history:list")
        export_url = reverse("history:csv")
    except NoReverseMatch:
        pytest.skip("the team history is not built yet")
    history = client.get(history_url).content.decode()
    assert_only_escaped(history, TYPED, VIEW)
    export = client.get(export_url)
    assert export["Content-Type"].startswith("text/csv")
    assert export["Content-Disposition"].startswith("attachment;")
    assert export["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert any(TYPED in cell for cell in cells)  # CSV is not HTML: the text itself
    assert f"'{VIEW}" in cells  # a spreadsheet shows it as text instead of running it
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
