"""Writing many records at once: one JSON patch statement per chunk of ids.

A finished 50,000-record mass update must not take a Django `bulk_update` (a CASE per row):
the new values are the same for every record, so each chunk of ids gets one UPDATE that
merges a patch into the stored JSON (`jsonb ||` on PostgreSQL, `json_patch` on SQLite;
a None value removes the key). Every write changes the module's `data_version`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection

from crmupdate.zohosim.models import SimModule, SimRecord

CHUNK = 900  # below SQLite's default limit of host parameters per statement


def module_touch(module_id: int) -> None:
    """Mark the module's records as changed (cached view memberships are dropped)."""
    SimModule.objects.filter(pk=module_id).update(data_version=uuid.uuid4().hex)


def records_patch(module_id: int, record_ids: Iterable[int], patch: dict[str, Any]) -> None:
    """Set the patch's top-level keys on every listed record (None removes the key)."""
    ids = list(record_ids)
    table = SimRecord._meta.db_table
    if connection.vendor == "postgresql":
        expression = "(data || %s::jsonb)"
        params: list[Any] = [json.dumps({k: v for k, v in patch.items() if v is not None})]
        for key in (k for k, v in patch.items() if v is None):
            expression = f"({expression} - %s)"
            params.append(key)
    elif connection.vendor == "sqlite":
        # RFC 7396 merge patch: nulls remove keys, arrays are replaced, objects merged (every
        # object value the simulator writes carries all of its keys).
        expression = "json_patch(data, %s)"
        params = [json.dumps(patch)]
    else:
        _records_patch_python(module_id, ids, patch)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET data = {expression} "  # noqa: S608  (no user input in SQL)
                f"WHERE module_id = %s AND record_id IN ({marks})",
                [*params, module_id, *chunk],
            )


def _records_patch_python(module_id: int, ids: list[int], patch: dict[str, Any]) -> None:
    records = list(SimRecord.objects.filter(module_id=module_id, record_id__in=ids))
    for record in records:
        for key, value in patch.items():
            if value is None:
                record.data.pop(key, None)
            else:
                record.data[key] = value
    SimRecord.objects.bulk_update(records, ["data"], batch_size=500)
