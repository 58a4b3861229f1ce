"""Bad input never becomes a server error: arbitrary field metadata from Zoho into the form
builder, and arbitrary values into the forms, at the function level and through the pages
(Zoho mocked at the HTTP seam with whatever JSON it might send). Invalid values give field
messages; valid ones give changes Zoho can take."""

from __future__ import annotations

import json
import os
import re

import pytest
import responses as responses_lib
from django.http import QueryDict
from django.test import Client
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from crmupdate.massupdate import metadata, services
from crmupdate.massupdate.fieldforms import (
    OFFERED_TYPES,
    Change,
    offered_fields,
    picklist_choices,
)
from crmupdate.massupdate.forms import ChangesForm, ModuleViewForm
from crmupdate.massupdate.models import Draft
from crmupdate.massupdate.planner import plan_steps, step_request
from crmupdate.massupdate.valuefields import value_field
from crmupdate.zoho.types import CustomView, CustomViewList, Field, Module
from tests.massupdate.conftest import CRM, make_member

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Through the pages each example is a few requests and database writes (about 3 s): fewer of
# them, fewer still in CI (the same derandomised ones each run); locally they explore more.
FUZZ_PAGES = settings(FUZZ, max_examples=20 if os.environ.get("CI") else 60)

# --- what Zoho might send --------------------------------------------------------------------

JSON_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
ANY_JSON = st.recursive(
    JSON_SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
NASTY_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "-None-",
            "",
            " ",
            "Ünïcødé ✓",
            "a" * 3000,
            "1e400",
            "NaN",
            "\x00",
        ]
    ),
)
API_NAMES = st.one_of(
    st.sampled_from(["Rating", "Lead_Status", "No_of_Employees", "Annual_Revenue", "Tags"]),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,12}", fullmatch=True),
    NASTY_TEXT,
    ANY_JSON,
)


def sometimes(plausible: st.SearchStrategy, weight: int = 4) -> st.SearchStrategy:
    """Mostly a plausible value, sometimes any JSON at all."""
    return st.one_of(*([plausible] * weight), ANY_JSON)


PICKLIST_ENTRY = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "actual_value": sometimes(NASTY_TEXT),
            "display_value": sometimes(NASTY_TEXT),
            "sequence_number": sometimes(st.integers(-5, 50)),
            "type": sometimes(st.sampled_from(["used", "unused", ""])),
        },
    ),
    ANY_JSON,
)
FIELD_METADATA = st.fixed_dictionaries(
    {
        "api_name": API_NAMES,
        "data_type": sometimes(st.sampled_from(sorted(OFFERED_TYPES) + ["lookup", "textarea"]), 8),
        "mass_update": sometimes(st.just(True), 8),
    },
    optional={
        "field_label": sometimes(NASTY_TEXT),
        "display_label": sometimes(NASTY_TEXT),
        "json_type": sometimes(
            st.sampled_from(["string", "integer", "double", "boolean", "jsonarray", "x"])
        ),
        "length": sometimes(st.integers(-(10**12), 10**12)),
        "decimal_place": sometimes(st.integers(-20, 40)),
        "read_only": sometimes(st.just(False)),
        "field_read_only": sometimes(st.just(False)),
        "system_mandatory": sometimes(st.booleans()),
        "visible": sometimes(st.just(True)),
        "pick_list_values": sometimes(st.lists(PICKLIST_ENTRY, max_size=5)),
        "id": ANY_JSON,
    },
)
FIELDS_BODY = st.one_of(
    st.fixed_dictionaries({"fields": st.lists(FIELD_METADATA, max_size=6)}),
    st.fixed_dictionaries({"fields": ANY_JSON}),
)
TIME_ZONES = st.one_of(
    st.sampled_from(["Europe/London", "Asia/Kolkata", "UTC", "", "Nowhere/Invalid"]),
    st.text(max_size=10),
)


def plausible_value(field: Field) -> st.SearchStrategy[list[str]]:
    """What a person would type or pick for this field (one value, or several)."""
    kind = field.data_type
    choices = [actual for actual, _label in picklist_choices(field)] or ["x"]
    one = {
        "picklist": st.sampled_from(choices),
        "boolean": st.sampled_from(["true", "false"]),
        "integer": st.integers(-(10**10), 10**10).map(str),
        "bigint": st.integers(-(10**20), 10**20).map(str),
        "date": st.dates().map(lambda d: d.isoformat()),
        "datetime": st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
        "phone": st.from_regex(r"\+?[0-9][0-9 ()-]{0,20}", fullmatch=True),
        "website": st.sampled_from(["www.example.com", "https://zylker.example/a?b=c"]),
    }.get(kind)
    if kind in {"double", "currency", "percent"}:
        one = st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str)
    if kind == "multiselectpicklist":
        return st.lists(st.sampled_from(choices), min_size=1, max_size=3)
    return (NASTY_TEXT if one is None else one).map(lambda v: [v])


@st.composite
def form_data(draw: st.DrawFn, offered: list[Field]) -> list[tuple[str, str]]:
    """Form data as a browser (or anyone) could post it: rows with plausible, empty or nasty
    values, ticked boxes, made-up keys and repeats."""
    pairs: list[tuple[str, str]] = []
    rows = draw(st.lists(st.sampled_from(offered), max_size=4)) if offered else []
    for field in rows:
        pairs.append(("field", field.api_name))
        values = draw(
            st.one_of(
                plausible_value(field),
                plausible_value(field),
                NASTY_TEXT.map(lambda v: [v]),
                st.just([]),
            )
        )
        pairs += [(f"value__{field.api_name}", v) for v in values]
        for box in ("clear", "overwrite"):
            if draw(st.integers(0, 5)) == 0:
                pairs.append(
                    (f"{box}__{field.api_name}", draw(st.sampled_from(["on", "true", ""])))
                )
    names = [f.api_name for f in offered] or ["X"]
    odd_keys = st.one_of(
        st.sampled_from(
            [f"{prefix}__{n}" for n in names for prefix in ("value", "clear", "overwrite")]
        ),
        st.sampled_from(["field", "add_field", "action"]),
        st.text(max_size=8),
    )
    pairs += draw(
        st.lists(st.tuples(odd_keys, st.one_of(NASTY_TEXT, st.sampled_from(names))), max_size=3)
    )
    return pairs


def holds_nul(*texts: str) -> bool:
    """A NUL character is refused at the door (400), wherever it is in a request."""
    return any("\x00" in text for text in texts)


def as_form(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form data for the test client: every value of a repeated key is sent (a QueryDict
    would send only the last one)."""
    form: dict[str, list[str]] = {}
    for key, value in pairs:
        form.setdefault(key, []).append(value)
    return form


def as_query_dict(pairs: list[tuple[str, str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in pairs:
        data.appendlist(key, value)
    return data


def fields_in(body: dict) -> list[Field]:
    """What the Zoho client makes of a Field Meta answer (objects only, like `_objects`)."""
    listed = body.get("fields")
    return (
        [Field.from_api(d) for d in listed if isinstance(d, dict)]
        if isinstance(listed, list)
        else []
    )


# --- the form builder and the forms -----------------------------------------------------------


@given(body=FIELDS_BODY, zone=TIME_ZONES)
@FUZZ
def test_any_field_metadata_gives_controls_or_nothing(body, zone):
    fields = fields_in(body)
    offered = offered_fields(fields)

    for field in offered:
        control = value_field(field, time_zone=zone)
        control.widget.render(f"value__{field.api_name}", None)
    assert len({f.api_name for f in offered}) == len(offered)


@given(body=FIELDS_BODY, zone=TIME_ZONES, data=st.data())
@FUZZ
def test_any_values_give_field_messages_or_changes_zoho_can_take(body, zone, data):
    fields = fields_in(body)
    offered = offered_fields(fields)
    pairs = data.draw(form_data(offered))
    selected = [v for k, v in pairs if k == "field"] + data.draw(
        st.lists(st.text(max_size=6), max_size=1)
    )

    form = ChangesForm(as_query_dict(pairs), offered=offered, selected=selected, time_zone=zone)

    event(f"changes form valid: {form.is_valid()}")
    if not form.is_valid():
        assert form.errors
        for key, messages in form.errors.items():
            assert key == "__all__" or key in form.fields, key
            assert all(isinstance(m, str) and m.strip() for m in messages)
        return
    changes = form.changes()
    assert [c.api_name for c in changes] == form.selected
    for change in changes:
        json.dumps(change.as_dict(), allow_nan=False)  # the draft and Zoho take JSON
        assert Change.from_dict(json.loads(json.dumps(change.as_dict()))) == change
        assert change.phrase and change.summary
    for group in plan_steps("Leads", changes):
        data_sent, _over_write = step_request(group)
        assert len(data_sent) == 1
        json.dumps(data_sent, allow_nan=False)


MODULE_ENTRY = st.one_of(
    st.fixed_dictionaries(
        {"api_name": API_NAMES},
        optional={
            "plural_label": sometimes(NASTY_TEXT),
            "api_supported": sometimes(st.just(True)),
            "status": sometimes(st.sampled_from(["visible", "user_hidden"])),
            "generated_type": sometimes(st.sampled_from(["default", "custom"])),
            "visible": ANY_JSON,
        },
    ),
    ANY_JSON,
)
VIEW_ENTRY = st.one_of(
    st.fixed_dictionaries(
        {"id": sometimes(st.from_regex(r"[0-9]{1,18}", fullmatch=True))},
        optional={
            "name": sometimes(NASTY_TEXT),
            "display_value": sometimes(NASTY_TEXT),
            "category": sometimes(st.sampled_from(["public_views", "created_by_me", ""])),
            "default": ANY_JSON,
        },
    ),
    ANY_JSON,
)


@given(
    modules=st.lists(MODULE_ENTRY, max_size=5),
    views=st.lists(VIEW_ENTRY, max_size=5),
    default=ANY_JSON,
    data=st.data(),
)
@FUZZ
def test_any_modules_and_views_give_a_form_that_validates_or_explains(
    modules, views, default, data
):
    module_list = [Module.from_api(m) for m in modules if isinstance(m, dict)]
    view_list = CustomViewList(
        views=[CustomView.from_api(v) for v in views if isinstance(v, dict)],
        default_id=str(default or ""),
        category_labels={},
    )
    posted = as_query_dict(
        data.draw(
            st.lists(
                st.tuples(
                    st.sampled_from(["module", "cvid", "other"]),
                    st.one_of(
                        NASTY_TEXT,
                        st.sampled_from([m.api_name for m in module_list] or ["Leads"]),
                        st.sampled_from([v.id for v in view_list.views] or ["1"]),
                    ),
                ),
                max_size=4,
            )
        )
    )
    form = ModuleViewForm(posted, modules=module_list, views=view_list, views_url="/x/")
    if form.is_valid():
        assert form.cleaned_data["module"] in {m.api_name for m in module_list}
    else:
        assert all(k in form.fields or k == "__all__" for k in form.errors)
    str(form)  # renders


# --- through the pages --------------------------------------------------------------------------


@pytest.fixture
def signed_in(db):
    member = make_member()
    client = Client()
    client.force_login(member.user)
    return member, client


@given(body=FIELDS_BODY, data=st.data())
@FUZZ_PAGES
def test_the_changes_page_never_fails_whatever_zoho_and_the_person_send(signed_in, body, data):
    member, client = signed_in
    metadata.metadata_forget(team=member.team)
    draft = services.draft_create(
        member=member, module_api_name="Leads", module_label="Leads", cvid="1", view_name="All"
    )
    url = f"/updates/drafts/{draft.public_id}/"
    fields = fields_in(body)
    offered = offered_fields(fields)
    names = [f.api_name for f in offered]
    pairs = data.draw(form_data(offered))
    pairs.append(
        ("action", data.draw(st.sampled_from(["review"] * 3 + ["add", "remove:Rating", "x"])))
    )

    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as zoho:
        zoho.get(f"{CRM}/settings/fields", json=body)
        shown = client.get(url)
        posted = client.post(url, as_form(pairs))

    assert shown.status_code == 200
    event(f"changes page answered {posted.status_code}")
    if any(holds_nul(k, v) for k, v in pairs):
        assert posted.status_code == 400  # the plain "could not be understood" page
        assert "That request could not be understood" in posted.content.decode()
        return
    assert posted.status_code in (200, 302), posted.status_code
    if posted.status_code == 302:
        assert posted["Location"] == f"{url}review/"
        draft = Draft.objects.get(pk=draft.pk)
        assert draft.changes and all(c["api_name"] in names for c in draft.changes)
    else:
        page = posted.content.decode()
        assert "What should change?" in page
        if ("action", "review") in pairs:
            assert re.search(r'class="errorlist|role="alert"', page), page[-3000:]


@given(modules=st.lists(MODULE_ENTRY, max_size=5), views=st.lists(VIEW_ENTRY, max_size=5),
       choice=NASTY_TEXT)  # fmt: skip
# Found on a CI run: a module named "0" went into a Zoho URL and failed the page.
@example(modules=[{"api_name": "0", "generated_type": "custom"}], views=[], choice="0")
@FUZZ_PAGES
def test_the_new_update_page_never_fails_whatever_zoho_sends(signed_in, modules, views, choice):
    member, client = signed_in
    metadata.metadata_forget(team=member.team)
    names = [str(m.get("api_name")) for m in modules if isinstance(m, dict)] or ["Leads"]

    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as zoho:
        zoho.get(f"{CRM}/settings/modules", json={"modules": modules})
        zoho.get(f"{CRM}/settings/custom_views", json={"custom_views": views, "info": {}})
        pages = [
            client.get("/updates/new/"),
            client.get("/updates/new/", {"module": names[0]}, headers={"HX-Request": "true"}),
            client.post("/updates/new/", {"module": names[0], "cvid": choice}),
            client.post("/updates/new/", {"module": choice}),
        ]

    expected = [
        (200,),
        (400,) if holds_nul(names[0]) else (200,),
        (400,) if holds_nul(names[0], choice) else (200, 302),
        (400,) if holds_nul(choice) else (200, 302),
    ]
    assert all(p.status_code in e for p, e in zip(pages, expected, strict=True)), [
        p.status_code for p in pages
    ]
    for page in pages:
        assert b"<script>alert(1)</script>" not in page.content
        assert b"<img src=x onerror" not in page.content


def test_nul_characters_from_zoho_are_dropped(signed_in):
    """PostgreSQL stores no NUL character in text or JSON: Zoho's are dropped on the way in."""
    member, client = signed_in
    draft = services.draft_create(
        member=member, module_api_name="Leads", module_label="Leads", cvid="1", view_name="All"
    )
    field = {"api_name": "Notes_X", "field_label": "No\x00tes", "data_type": "text",
             "json_type": "string", "mass_update": True, "visible": True}  # fmt: skip

    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as zoho:
        zoho.get(f"{CRM}/settings/fields", json={"fields": [field]})
        shown = client.get(f"/updates/drafts/{draft.public_id}/")

    assert shown.status_code == 200
    assert "<legend>Notes</legend>" in shown.content.decode() or "Notes" in shown.content.decode()


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "changes", {"field": "Rating", "value__Rating": "a\x00b", "action": "add"}),
        ("post", "changes", {"value__X": ["\x00", ""], "action": "review"}),  # not the last
        ("post", "/updates/new/refresh/", {"module": "Leads\x00", "next": "/"}),
        ("post", "/updates/new/", {"module": "\x00", "cvid": "1"}),
        ("get", "/history/", {"q": "a\x00b"}),
        ("get", "/updates/new/\x00", {}),
    ],
)
def test_a_nul_character_typed_or_sent_is_refused_plainly(signed_in, method, path, data):
    member, client = signed_in
    draft = services.draft_create(
        member=member, module_api_name="Leads", module_label="Leads", cvid="1", view_name="All"
    )
    url = f"/updates/drafts/{draft.public_id}/" if path == "changes" else path

    answer = getattr(client, method)(url, data)

    assert answer.status_code == 400
    assert "That request could not be understood" in answer.content.decode()
    assert Draft.objects.get(pk=draft.pk).raw_input == {}
