"""Reading and writing simulated records: view membership, pages, output, updates.

Records are read in record-id order. A view's members are found by the database from the
view's criteria (see `criteria`); the synthetic over-50,000 view makes its records up on
demand from the demo generator.

The member ids of big views (BIG_VIEW_CACHE_MIN records or more) are kept in a small
per-process cache keyed by the module's `data_version`, which every write through the API
changes: paging through a 50,000-record view (v2 has only `page`, so OFFSET) then costs one
primary-key lookup per page instead of re-evaluating the criteria over the whole module.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet

from crmupdate.zohosim.criteria import criteria_q
from crmupdate.zohosim.demo.catalog import DATA_MODULES
from crmupdate.zohosim.demo.records import GenContext, record_values
from crmupdate.zohosim.models import SimField, SimModule, SimRecord, SimUser, SimView
from crmupdate.zohosim.values import InvalidValue, value_clean

SYNTHETIC_TAIL = 900_000_000
_ID = re.compile(r"[0-9]{1,19}")
MAX_ID = 2**63 - 1  # record ids are 64-bit integers in the database


def record_id_int(raw: Any) -> int | None:
    """A record id sent by a caller, as the integer stored, or None when it cannot be one
    (not plain digits, or beyond 64 bits: such an id is simply unknown)."""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return None
    text = str(raw)
    if not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


OBJECT_TYPES = ("lookup", "ownerlookup", "userlookup", "layout")


def module_fields(module: SimModule) -> list[SimField]:
    return list(SimField.objects.filter(module=module).order_by("sequence_number"))


def module_field_names(module: SimModule) -> list[str]:
    """API names only: cheaper than module_fields (no metadata JSON to decode)."""
    return list(
        SimField.objects.filter(module=module)
        .order_by("sequence_number")
        .values_list("api_name", flat=True)
    )


def object_field_names(module: SimModule) -> set[str]:
    return set(
        SimField.objects.filter(module=module, data_type__in=OBJECT_TYPES).values_list(
            "api_name", flat=True
        )
    )


def view_queryset(view: SimView, user: SimUser) -> QuerySet[SimRecord]:
    q = criteria_q(
        view.criteria, user_id=user.zoho_id, object_fields=object_field_names(view.module)
    )
    return SimRecord.objects.filter(q, module_id=view.module_id).order_by("record_id")


def module_queryset(module: SimModule) -> QuerySet[SimRecord]:
    return SimRecord.objects.filter(module=module).order_by("record_id")


BIG_VIEW_CACHE_MIN = 5000
_MEMBERS_CACHE: OrderedDict[tuple[int, int, int, str], list[int]] = OrderedDict()
_MEMBERS_CACHE_SIZE = 8
_MEMBERS_LOCK = threading.Lock()


def member_ids(view: SimView | None, module: SimModule, user: SimUser) -> list[int]:
    """The record ids of a view (or of the whole module), in order."""
    key = (module.pk, view.pk if view else 0, user.pk, module.data_version)
    with _MEMBERS_LOCK:
        if key in _MEMBERS_CACHE:
            _MEMBERS_CACHE.move_to_end(key)
            return _MEMBERS_CACHE[key]
    qs = view_queryset(view, user) if view is not None else module_queryset(module)
    ids = list(qs.values_list("record_id", flat=True))
    if len(ids) >= BIG_VIEW_CACHE_MIN:
        with _MEMBERS_LOCK:
            _MEMBERS_CACHE[key] = ids
            while len(_MEMBERS_CACHE) > _MEMBERS_CACHE_SIZE:
                _MEMBERS_CACHE.popitem(last=False)
    return ids


def view_total(view: SimView, user: SimUser) -> int:
    if view.synthetic_total is not None:
        return view.synthetic_total
    return len(member_ids(view, view.module, user))


def rows_page(
    view: SimView | None,
    module: SimModule,
    user: SimUser,
    *,
    offset: int,
    limit: int,
    after_id: int | None = None,
) -> list[tuple[int, dict[str, Any]]]:
    """Up to `limit` (record_id, values) pairs: from `offset`, or after `after_id` (keyset,
    used by page tokens, stays fast deep into a large view)."""
    if view is not None and view.synthetic_total is not None:
        base = int(module.org.make_id(SYNTHETIC_TAIL))
        start = offset if after_id is None else after_id - base + 1
        stop = min(view.synthetic_total, start + limit)
        generate = synthetic_generator(module)
        return [(base + i, generate(i)) for i in range(max(start, 0), stop)]
    ids = member_ids(view, module, user)
    start = offset if after_id is None else bisect.bisect_right(ids, after_id)
    wanted = ids[start : start + limit]
    rows = dict(
        SimRecord.objects.filter(module=module, record_id__in=wanted).values_list(
            "record_id", "data"
        )
    )
    return [(record_id, rows[record_id]) for record_id in wanted if record_id in rows]


def synthetic_generator(module: SimModule) -> Callable[[int], dict[str, Any]]:
    """Values of record `i` of the synthetic view (same generator as the demo data)."""
    spec = next(m for m in DATA_MODULES if m.api_name == module.api_name)
    users = [u.ref() for u in module.org.users.filter(status="active")]
    ctx = GenContext(
        prefix=module.org.prefix,
        users=users,
        creator=users[0],
        layout={"name": "Standard", "id": module.layout_id},
        account_refs=[],
    )
    return lambda i: record_values(spec, 50_000_000 + i, ctx)


def record_json(record_id: int, data: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    out = {name: data.get(name) for name in fields if name != "id"}
    out["id"] = str(record_id)
    return out


def zoho_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def ref_lookup_for(module: SimModule) -> Callable[[SimField, str], dict[str, str] | None]:
    """Resolves ids sent for lookup-type fields to Zoho's `{"name", "id"}` objects."""

    def lookup(field: SimField, ref_id: str) -> dict[str, str] | None:
        if record_id_int(ref_id) is None:
            return None
        if field.data_type in ("ownerlookup", "userlookup"):
            user = SimUser.objects.filter(
                org_id=module.org_id, zoho_id=ref_id, status="active"
            ).first()
            return user.ref() if user else None
        if field.data_type == "layout":
            return {"name": "Standard", "id": ref_id} if ref_id == module.layout_id else None
        target = (field.meta.get("lookup") or {}).get("module", {}).get("api_name")
        row = SimRecord.objects.filter(
            module__org_id=module.org_id, module__api_name=target, record_id=int(ref_id)
        ).first()
        if row is None:
            return None
        name = next(
            (
                row.data[k]
                for k in ("Account_Name", "Deal_Name", "Name", "Last_Name")
                if isinstance(row.data.get(k), str)
            ),
            str(row.record_id),
        )
        return {"name": name, "id": ref_id}

    return lookup


def values_clean(
    module: SimModule,
    fields_by_name: dict[str, SimField],
    values: dict[str, Any],
    *,
    json_path: str,
) -> dict[str, Any]:
    """Every value checked (raises InvalidValue on the first bad one)."""
    lookup = ref_lookup_for(module)
    cleaned = {}
    for name, value in values.items():
        field = fields_by_name[name]
        cleaned[name] = value_clean(
            field, value, json_path=f"{json_path}.{name}", ref_lookup=lookup
        )
    return cleaned


__all__ = ["InvalidValue", "values_clean"]
