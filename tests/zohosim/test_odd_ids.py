"""Ids far outside any record id range are unknown ids, not server errors."""

HUGE = "9" * 30


def test_a_huge_record_id_is_simply_not_found(crm):
    assert crm.get(f"Leads/{HUGE}").status_code == 204


def test_huge_ids_in_mass_update_and_update_records_are_invalid_ids(crm):
    entries = crm.mass_update("Leads", {"data": [{"Rating": "Active"}], "ids": [HUGE]}).json()
    assert entries["data"][0]["details"] == {"id": HUGE}
    update = crm("PUT", "Leads", {"data": [{"id": HUGE, "Rating": "Active"}]}).json()
    assert update["data"][0]["code"] == "INVALID_DATA"
    assert crm.get(f"Leads?ids={HUGE}&fields=Last_Name").status_code == 204


def test_a_huge_cvid_or_job_id_is_unknown(crm):
    body = {"data": [{"Rating": "Active"}], "cvid": HUGE}
    assert crm.mass_update("Leads", body).json()["data"][0]["details"] == {"api_name": "cvid"}
    assert crm.status("Leads", HUGE).status_code == 404


def test_digits_that_are_not_ascii_are_refused_cleanly(crm):
    assert crm.get("users?page=²").json()["code"] == "INVALID_DATA"
    assert crm.get("Leads?ids=²&fields=Last_Name").json()["code"] == "INVALID_DATA"
    entries = crm.mass_update("Leads", {"data": [{"Rating": "Active"}], "ids": ["²"]}).json()
    assert entries["data"][0]["code"] == "INVALID_DATA"
