"""Whatever JSON arrives, the simulator answers in Zoho's shape, never with a server error."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIELDS = ["Rating", "No_of_Employees", "Interests", "Follow_Up_Date", "Email", "Owner", "x"]
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner))
ids = st.lists(st.one_of(st.text(), st.integers(), st.just("738964000010000005")), max_size=4)
bodies = st.fixed_dictionaries(
    {},
    optional={
        "data": st.one_of(values, st.lists(st.dictionaries(st.sampled_from(FIELDS), values))),
        "cvid": st.one_of(values, st.just("738964000000091563")),
        "ids": st.one_of(values, ids),
        "over_write": values,
        "territory": values,
        "trigger": values,
    },
)
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_zoho_shape(response):
    assert response.status_code in (200, 400, 404), response.content
    assert response["Content-Type"] == "application/json;charset=utf-8"
    body = response.json()
    entries = body.get("data") if isinstance(body.get("data"), list) else [body]
    for entry in entries:
        assert entry["status"] in ("success", "error")
        assert isinstance(entry["code"], str) and isinstance(entry["details"], dict)


@SETTINGS
@given(body=bodies)
def test_mass_update_answers_any_body_in_zohos_shape(crm, body):
    assert_zoho_shape(crm.mass_update("Leads", body))


@SETTINGS
@given(body=bodies)
def test_update_records_answers_any_body_in_zohos_shape(crm, body):
    assert_zoho_shape(crm("PUT", "Leads", body))


@SETTINGS
@given(
    query=st.dictionaries(
        st.sampled_from(["cvid", "fields", "page", "per_page", "ids", "page_token", "sort_by"]),
        st.text(),
    )
)
def test_get_records_answers_any_query_in_zohos_shape(crm, query):
    response = crm.get(f"Leads?{urlencode(query)}", version="v3")
    if response.status_code != 204:
        assert_zoho_shape(response)
