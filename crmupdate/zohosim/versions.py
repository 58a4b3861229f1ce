"""Where API versions answer the same question in different shapes.

The simulator keeps metadata in the shape of v2.1 and later (Zoho's v7 samples, the v8 SDK)
and turns it into the older shape for v2 here, so every version is served in its own shape.
Evidence, per difference (the v2 SDK is `zohocrmsdk2-0`, package `zcrmsdk`; the v8 SDK is
`zohocrmsdk8-0`, package `zohocrmsdk`; both declare each key's type in `json_details.json`):

* a lookup field's `lookup.module`: v2 the module's API name (`fields.Module.module` is a
  String in the v2 SDK, which reads the fields of that module by this name before any record
  call); v2.1+ an object `{"api_name", "id"}` (`fields.Lookup.module` is a MinifiedModule in
  the v8 SDK; Zoho's v7 samples).
* a custom view's criteria `field`: v2 the field's API name (String in the v2 SDK); v2.1+
  `{"api_name", "id"}`. A view's `fields`: v2 a list of API names; v2.1+ objects
  `{"api_name", "id", "_pin"}`.
* a custom view's `module` and `access_type`: v2.1+ only (neither exists in the v2 SDK's
  CustomView nor in the v2 custom-view page).
* the organisation's `type`: lower case in Zoho's v7 sample ("production"); v8 capitalises it
  (the v8 SDK's and v8 OpenAPI file's enum: Production, Sandbox, Developer, Bigin).

* field data types newer than v2 (`rollup_summary`, `territories`): left out of v2's field
  lists. The v2 SDK knows neither type (its data-type table), and with a field of an unknown
  type in a module it cannot write any record of that module; the seed (May 2021) predates
  both in the demo's sense. Whether Zoho's v2 endpoint lists such fields today is not known.

Unchanged across versions (checked against both SDKs): users' `profile` and `role` objects,
picklist values, a subform field's `subform.module` (a String in both SDKs).
"""

from __future__ import annotations

from typing import Any

# The first version with the v2.1+ shapes above; v8 is the first with a capitalised org type.
OBJECT_SHAPES_FROM = 2.1
CAPITALISED_ORG_TYPE_FROM = 8.0


def _api_name(value: Any) -> Any:
    return value.get("api_name") if isinstance(value, dict) else value


# Data types v2 did not describe (see the module docstring).
NEWER_THAN_V2 = frozenset({"rollup_summary", "territories"})


def fields_for_version(metas: list[dict[str, Any]], version: float) -> list[dict[str, Any]]:
    """A module's field list as `version` sends it."""
    if version < OBJECT_SHAPES_FROM:
        metas = [m for m in metas if m.get("data_type") not in NEWER_THAN_V2]
    return [field_for_version(m, version) for m in metas]


def field_for_version(meta: dict[str, Any], version: float) -> dict[str, Any]:
    """A field's metadata as `version` sends it."""
    lookup = meta.get("lookup")
    if version >= OBJECT_SHAPES_FROM or not lookup or "module" not in lookup:
        return meta
    return {**meta, "lookup": {**lookup, "module": _api_name(lookup["module"])}}


def criteria_for_version(criteria: Any, version: float) -> Any:
    if not isinstance(criteria, dict) or version >= OBJECT_SHAPES_FROM:
        return criteria
    if "group" in criteria:
        return {**criteria, "group": [criteria_for_version(c, version) for c in criteria["group"]]}
    return {**criteria, "field": _api_name(criteria.get("field"))}


def view_for_version(view: dict[str, Any], version: float) -> dict[str, Any]:
    """A custom view (list or single-view form) as `version` sends it."""
    if version >= OBJECT_SHAPES_FROM:
        return view
    data = {k: v for k, v in view.items() if k not in ("module", "access_type")}
    if "criteria" in data:
        data["criteria"] = criteria_for_version(data["criteria"], version)
    if isinstance(data.get("fields"), list):
        data["fields"] = [_api_name(f) for f in data["fields"]]
    return data


def org_for_version(org: dict[str, Any], version: float) -> dict[str, Any]:
    if version < CAPITALISED_ORG_TYPE_FROM or not isinstance(org.get("type"), str):
        return org
    return {**org, "type": org["type"].capitalize()}
