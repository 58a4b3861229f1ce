"""Reading the frozen records back in slices, and keeping what Zoho said about each record a
step did not change (shared by the ids-mode steps, the check after a view job and retries).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from crmupdate.massupdate import texts
from crmupdate.massupdate.frozen.models import FrozenChunk, FrozenView, RecordFailure
from crmupdate.massupdate.models import Step
from crmupdate.massupdate.undo.values import rows_decode
from crmupdate.zoho.types import Field, RecordResult

DELETED_CODE = "RECORD_NOT_FOUND"  # ours: the record is no longer in Zoho
DELETED_MESSAGE = "The record no longer exists in Zoho."


def rows_slice(frozen: FrozenView, start: int, count: int) -> list[list[Any]]:
    """Frozen rows [id, name, values...] number `start` to `start + count` (in the order the
    view was read)."""
    rows: list[list[Any]] = []
    seen = 0
    sizes = FrozenChunk.objects.filter(frozen=frozen).order_by("position")
    for position, size in sizes.values_list("position", "record_count"):
        if seen + size <= start:
            seen += size
            continue
        payload = FrozenChunk.objects.get(frozen=frozen, position=position).payload
        chunk = rows_decode(payload)
        rows.extend(chunk[max(0, start - seen) :])
        seen += size
        if len(rows) >= count:
            break
    return rows[:count]


def names_of(frozen: FrozenView, ids: Iterable[str]) -> dict[str, str]:
    """The frozen names of these records (one pass over the chunks)."""
    wanted = set(ids)
    names: dict[str, str] = {}
    for payload in FrozenChunk.objects.filter(frozen=frozen).values_list("payload", flat=True):
        for row in rows_decode(payload):
            if row[0] in wanted:
                names[row[0]] = row[1]
    return names


def change_fields(step: Step) -> dict[str, Field]:
    """The step's fields as metadata for `values.value_holds`."""
    return {
        str(c.get("api_name")): Field.from_api(
            {
                "api_name": c.get("api_name"),
                "field_label": c.get("label"),
                "data_type": c.get("data_type"),
                "decimal_place": c.get("decimal_place"),
            }
        )
        for c in step.changes or []
    }


def labels_of(step: Step) -> dict[str, str]:
    return {str(c.get("api_name")): str(c.get("label") or c.get("api_name")) for c in step.changes}


def is_deleted(result: RecordResult) -> bool:
    """Zoho answers an id it no longer knows with INVALID_DATA naming the id, not a field."""
    details = result.details or {}
    return result.code == "INVALID_DATA" and not details.get("api_name") and "id" in details


def failure_from(
    step: Step, record_id: str, name: str, *, code: str, message: str,
    details: dict[str, Any] | None = None, attempt: int = 0,
) -> RecordFailure:  # fmt: skip
    """An unsaved failure row with what our explanation needs (worded when read)."""
    labels = labels_of(step)
    details = dict(details or {})
    deleted = code == DELETED_CODE or (
        code == "INVALID_DATA" and not details.get("api_name") and "id" in details
    )
    api_name = str(details.get("api_name") or "")
    fields = [labels[api_name]] if api_name in labels else list(labels.values())
    params: dict[str, Any] = {"deleted": True} if deleted else {}
    if api_name in labels and not deleted:
        params["labels"] = {api_name: labels[api_name]}
    return RecordFailure(
        team_id=step.team_id,
        update_id=step.update_id,
        step=step,
        record_id=record_id,
        name=name[:300],
        fields=fields,
        code=code[:80],
        message=message,
        details=details,
        explanation_code=texts.RECORD_TEXT,
        explanation_params=params,
        deleted=deleted,
        attempt=attempt,
    )


def failures_keep(failures: Sequence[RecordFailure]) -> None:
    """Store failures; a record already failed in this step gets Zoho's latest answer."""
    if not failures:
        return
    with transaction.atomic():
        existing = {
            f.record_id: f
            for f in RecordFailure.objects.filter(
                step=failures[0].step, record_id__in=[f.record_id for f in failures]
            )
        }
        new = []
        for failure in failures:
            old = existing.get(failure.record_id)
            if old is None:
                new.append(failure)
                continue
            for name in ("code", "message", "details", "explanation_code", "explanation_params",
                         "explanation_text", "next_step_text", "deleted", "attempt",
                         "fields"):  # fmt: skip
                setattr(old, name, getattr(failure, name))
            old.resolved_at = None
            old.save()
        RecordFailure.objects.bulk_create(new)


def results_sort(
    step: Step, results: list[RecordResult], names: dict[str, str], *, attempt: int = 0
) -> tuple[int, list[RecordFailure]]:
    """(records changed, failures to keep) from Zoho's per-record answers."""
    changed = 0
    failures = []
    for result in results:
        if result.ok:
            changed += 1
            continue
        failures.append(
            failure_from(step, result.id, names.get(result.id, ""), code=result.code,
                         message=result.message, details=result.details, attempt=attempt)
        )  # fmt: skip
    return changed, failures


def failures_resolve(step: Step, record_ids: Iterable[str]) -> int:
    return RecordFailure.objects.filter(
        step=step, record_id__in=list(record_ids), resolved_at__isnull=True
    ).update(resolved_at=timezone.now())
