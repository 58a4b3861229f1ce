"""Zoho's Python SDK for API v2 (`zohocrmsdk2-0`, package `zcrmsdk`) against the practice CRM.

Run with the SDK virtualenv's python (tests/sdk/conftest.py makes it): reads one JSON object
on stdin (`api_url`, `accounts_url`, `access_token`, `email`, `resource_path`, `steps`) and
prints one JSON list with each step's wrapper class, its answer as plain JSON, and any error
or value the SDK could not read as it declares it (see sdk_judge).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from sdk_judge import install_type_check, run
from zcrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zcrmsdk.src.com.zoho.api.authenticator.store.file_store import FileStore
from zcrmsdk.src.com.zoho.api.logger import Logger
from zcrmsdk.src.com.zoho.crm.api.custom_views import CustomViewsOperations
from zcrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
from zcrmsdk.src.com.zoho.crm.api.fields import FieldsOperations
from zcrmsdk.src.com.zoho.crm.api.initializer import Initializer
from zcrmsdk.src.com.zoho.crm.api.modules import ModulesOperations
from zcrmsdk.src.com.zoho.crm.api.org import OrgOperations
from zcrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zcrmsdk.src.com.zoho.crm.api.record import (
    BodyWrapper,
    GetMassUpdateStatusParam,
    GetRecordsParam,
    MassUpdateBodyWrapper,
    Record,
    RecordOperations,
)
from zcrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig
from zcrmsdk.src.com.zoho.crm.api.user_signature import UserSignature
from zcrmsdk.src.com.zoho.crm.api.users import GetUsersParam, UsersOperations


def initialize(config: dict[str, Any]) -> None:
    resource_path = config["resource_path"]
    Initializer.initialize(
        user=UserSignature(config["email"]),
        environment=DataCenter.Environment(
            config["api_url"], config["accounts_url"], config["api_url"], "practice_crm"
        ),
        token=OAuthToken(access_token=config["access_token"]),
        store=FileStore(os.path.join(resource_path, "tokens.csv")),
        sdk_config=SDKConfig(auto_refresh_fields=False, pick_list_validation=True),
        resource_path=resource_path,
        logger=Logger.get_instance(Logger.Levels.INFO, os.path.join(resource_path, "sdk.log")),
    )


def records_get(
    module: str, fields: list[str], cvid: str = "", ids: list[str] = (), per_page: int = 200
) -> Any:
    params = ParameterMap()
    if cvid:
        params.add(GetRecordsParam.cvid, cvid)
    if ids:
        params.add(GetRecordsParam.ids, ",".join(ids))
    params.add(GetRecordsParam.fields, ",".join(fields))
    params.add(GetRecordsParam.per_page, per_page)
    return RecordOperations().get_records(module, params)


def records_update(module: str, records: list[dict[str, Any]]) -> Any:
    body = BodyWrapper()
    rows = []
    for values in records:
        record = Record()
        # set_id() wants an int, yet the v2 SDK then checks the id as a String (it types
        # bigint fields as String), so the id goes in as a key value.
        record.add_key_value("id", values["id"])
        for name, value in values.items():
            if name != "id":
                record.add_key_value(name, value)
        rows.append(record)
    body.set_data(rows)
    body.set_trigger([])
    return RecordOperations().update_records(module, body)


def mass_update(module: str, data: dict[str, Any], cvid: str = "", ids: list[str] = ()) -> Any:
    record = Record()
    for name, value in data.items():
        record.add_key_value(name, value)
    body = MassUpdateBodyWrapper()
    body.set_data([record])
    if cvid:
        body.set_cvid(cvid)
    if ids:
        body.set_ids([int(i) for i in ids])
    return RecordOperations().mass_update_records(module, body)


def mass_update_status(module: str, job_id: str) -> Any:
    params = ParameterMap()
    params.add(GetMassUpdateStatusParam.job_id, job_id)
    return RecordOperations().get_mass_update_status(module, params)


def current_user() -> Any:
    params = ParameterMap()
    params.add(GetUsersParam.type, "CurrentUser")
    return UsersOperations().get_users(params)


OPERATIONS = {
    "modules": lambda: ModulesOperations().get_modules(),
    "fields": lambda module: FieldsOperations(module).get_fields(),
    "custom_views": lambda module: CustomViewsOperations(module).get_custom_views(),
    "custom_view": lambda module, id: CustomViewsOperations(module).get_custom_view(int(id)),
    "current_user": current_user,
    "org": lambda: OrgOperations().get_organization(),
    "records": records_get,
    "update": records_update,
    "mass_update": mass_update,
    "mass_update_status": mass_update_status,
}

if __name__ == "__main__":
    config = json.load(sys.stdin)
    install_type_check("zcrmsdk")
    initialize(config)
    run(config["steps"], OPERATIONS)
