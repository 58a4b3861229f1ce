"""Zoho's Python SDK for API v8 (`zohocrmsdk8-0`, package `zohocrmsdk`) against the practice CRM.

Run with the SDK virtualenv's python (tests/sdk/conftest.py makes it); same input and output
as driver_v2.py.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from sdk_judge import install_type_check, run
from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store.file_store import FileStore
from zohocrmsdk.src.com.zoho.api.logger import Logger
from zohocrmsdk.src.com.zoho.crm.api.custom_views import (
    CustomViewsOperations,
    GetCustomViewParam,
    GetCustomViewsParam,
)
from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
from zohocrmsdk.src.com.zoho.crm.api.fields import FieldsOperations, GetFieldsParam
from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer
from zohocrmsdk.src.com.zoho.crm.api.modules import ModulesOperations
from zohocrmsdk.src.com.zoho.crm.api.org import OrgOperations
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.record import (
    BodyWrapper,
    GetMassUpdateStatusParam,
    GetRecordsParam,
    MassUpdateBodyWrapper,
    Record,
    RecordOperations,
)
from zohocrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig
from zohocrmsdk.src.com.zoho.crm.api.users import GetUsersParam, UsersOperations


def initialize(config: dict[str, Any]) -> None:
    resource_path = config["resource_path"]
    Initializer.initialize(
        environment=DataCenter.Environment(
            config["api_url"], config["accounts_url"], config["api_url"]
        ),
        token=OAuthToken(access_token=config["access_token"]),
        store=FileStore(os.path.join(resource_path, "tokens.csv")),
        sdk_config=SDKConfig(auto_refresh_fields=False, pick_list_validation=True),
        resource_path=resource_path,
        logger=Logger.get_instance(Logger.Levels.INFO, os.path.join(resource_path, "sdk.log")),
    )


def _module_param(param_class: Any, module: str) -> ParameterMap:
    params = ParameterMap()
    params.add(param_class.module, module)
    return params


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
    return RecordOperations(module).get_records(params)


def records_update(module: str, records: list[dict[str, Any]]) -> Any:
    rows = []
    for values in records:
        record = Record()
        record.set_id(int(values["id"]))
        for name, value in values.items():
            if name != "id":
                record.add_key_value(name, value)
        rows.append(record)
    body = BodyWrapper()
    body.set_data(rows)
    body.set_trigger([])
    return RecordOperations(module).update_records(body)


def mass_update(module: str, data: dict[str, Any], cvid: str = "", ids: list[str] = ()) -> Any:
    record = Record()
    for name, value in data.items():
        record.add_key_value(name, value)
    body = MassUpdateBodyWrapper()
    body.set_data([record])
    if cvid:
        body.set_cvid(cvid)
    if ids:
        body.set_ids([str(i) for i in ids])
    return RecordOperations(module).mass_update_records(body)


def mass_update_status(module: str, job_id: str) -> Any:
    params = ParameterMap()
    params.add(GetMassUpdateStatusParam.job_id, job_id)
    return RecordOperations(module).get_mass_update_status(params)


def current_user() -> Any:
    params = ParameterMap()
    params.add(GetUsersParam.type, "CurrentUser")
    return UsersOperations().get_users(params)


OPERATIONS = {
    "modules": lambda: ModulesOperations().get_modules(),
    "fields": lambda module: FieldsOperations().get_fields(_module_param(GetFieldsParam, module)),
    "custom_views": lambda module: CustomViewsOperations().get_custom_views(
        _module_param(GetCustomViewsParam, module)
    ),
    "custom_view": lambda module, id: CustomViewsOperations().get_custom_view(
        int(id), _module_param(GetCustomViewParam, module)
    ),
    "current_user": current_user,
    "org": lambda: OrgOperations().get_organization(),
    "records": records_get,
    "update": records_update,
    "mass_update": mass_update,
    "mass_update_status": mass_update_status,
}

if __name__ == "__main__":
    config = json.load(sys.stdin)
    install_type_check("zohocrmsdk")
    initialize(config)
    run(config["steps"], OPERATIONS)
