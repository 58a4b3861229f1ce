"""Mass update: validation, scheduled (cvid) jobs, immediate (ids) updates.

A cvid job's progress is computed from timestamps (start delay, seconds per record, copied
from settings when scheduled), so every process agrees without a background thread. The
record changes are applied once, in one transaction, by whichever request first sees the job
due (`jobs_settle`, called on every CRM call of the organisation). Records Zoho would refuse
(see `refusals`: locked, not approved, in a Blueprint for the field, a picklist value their
layout lacks) fail: counted in the job's status, answered one by one in ids mode. Automation
runs as `automation` describes.

Body validation errors come back as `data[]` entries under HTTP 200, as in the seed (v2).
"""

from __future__ import annotations

import bisect
import json
import math
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crmupdate.zohosim.automation import ALL_KINDS, VIEW_JOB_LIMIT, automation_fire, rules_for
from crmupdate.zohosim.http import ZohoApiError, error_entry
from crmupdate.zohosim.models import (
    SimAutomationRun,
    SimField,
    SimMassUpdateJob,
    SimModule,
    SimOrg,
    SimRecord,
    SimUser,
    SimView,
)
from crmupdate.zohosim.records import (
    InvalidValue,
    module_fields,
    record_id_int,
    values_clean,
    view_queryset,
    view_total,
    zoho_now,
)
from crmupdate.zohosim.refusals import (
    layout_gaps,
    record_refusal,
    refusal_for,
)
from crmupdate.zohosim.serializers import view_visible_to
from crmupdate.zohosim.values import multiselect_merge
from crmupdate.zohosim.writes import module_touch, records_patch

MAX_VIEW_RECORDS = 50_000
MAX_IDS = 500
JOB_ID_BASE = 2_150_000

Answer = tuple[int, dict[str, Any]]


def _entry(code: str, message: str, details: dict[str, Any] | None = None) -> Answer:
    return 200, {"data": [error_entry(code, message, details)]}


def mass_update_submit(*, module: SimModule, user: SimUser, body: dict[str, Any]) -> Answer:
    data = body.get("data")
    if data is None:
        return _entry("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "data"})
    if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
        return _entry("INVALID_DATA", "invalid data", {"api_name": "data"})
    cvid, ids = body.get("cvid"), body.get("ids")
    if cvid is None and ids is None:
        return _entry("MANDATORY_NOT_FOUND", "required field not found")
    if cvid is not None and ids is not None:
        return _entry(
            "AMBIGUITY_DURING_PROCESSING",
            "either cvid or ids can be given, not both",
            {"ambiguity_due_to": [{"api_name": "cvid"}, {"api_name": "ids"}]},
        )
    values: dict[str, Any] = data[0]
    if not values:
        return _entry("INVALID_DATA", "No field found")
    if len(values) > module.mass_update_field_limit:
        return _entry("INVALID_DATA", "Max field limit exceeded")
    fields = {f.api_name: f for f in module_fields(module)}
    for name in values:
        if name not in fields or not fields[name].mass_update:
            return _entry(
                "INVALID_DATA",
                "This field cannot be updated in the Mass Update",
                {"api_name": name},
            )
    over_write = body.get("over_write", False)
    if not isinstance(over_write, bool):
        return _entry("INVALID_DATA", "invalid data", {"api_name": "over_write"})
    try:
        cleaned = values_clean(module, fields, values, json_path="$.data[0]")
    except InvalidValue as invalid:
        return 200, {"data": [invalid.entry]}
    if body.get("territory") is not None:
        # The demo organisations have no territories, so every territory id is unknown.
        return _entry("INVALID_DATA", "the id given seems to be invalid", {"api_name": "territory"})
    if cvid is not None:
        return _schedule(module, user, cvid, cleaned, over_write)
    return _update_ids(module, user, ids, cleaned, fields, over_write)


def _schedule(
    module: SimModule, user: SimUser, cvid: Any, values: dict[str, Any], over_write: bool
) -> Answer:
    invalid_cvid = _entry(
        "INVALID_DATA", "the cvid given seems to be invalid", {"api_name": "cvid"}
    )
    if not isinstance(cvid, str | int) or isinstance(cvid, bool):
        return invalid_cvid
    view = SimView.objects.filter(module=module, zoho_id=str(cvid)).first()
    if view is None or not view_visible_to(view, user):
        return invalid_cvid
    with transaction.atomic():
        # One job per view: the row lock (PostgreSQL) or the write lock (SQLite, IMMEDIATE
        # transactions) makes two racing submissions see each other.
        SimView.objects.select_for_update().filter(pk=view.pk).first()
        if SimMassUpdateJob.objects.filter(view=view, applied_at__isnull=True).exists():
            raise ZohoApiError(
                400,
                "ALREADY_SCHEDULED",
                "Already an Mass Action scheduler is runing for the given cvid",
                {"api_name": "cvid"},
            )
        total = view_total(view, user)
        if total > MAX_VIEW_RECORDS:
            return _entry("LIMIT_EXCEEDED", "Record count exceeded", {"limit": MAX_VIEW_RECORDS})
        if total == 0:
            return _entry("NO_RECORDS_FOUND", "no record found to update")
        gaps = layout_gaps(module, values)
        states = ["record_id", "locked", "not_approved", "blueprint_field"]
        rows = list(view_queryset(view, user).values_list(*states, "data__Layout__id"))
        names = list(values)
        failed = [
            n
            for n, (record_id, locked, unapproved, blueprint, layout_id) in enumerate(rows)
            if refusal_for(
                str(record_id),
                locked=locked,
                not_approved_yet=unapproved,
                blueprint_field=blueprint,
                layout_id=str(layout_id or "") if gaps else "",
                names=names,
                gaps=gaps,
            )
        ]
        now = timezone.now()
        delay = float(settings.ZOHOSIM_JOB_START_DELAY)
        per_record = float(settings.ZOHOSIM_JOB_SECONDS_PER_RECORD)
        job = SimMassUpdateJob.objects.create(
            org_id=module.org_id,
            module=module,
            view=view,
            user=user,
            data=values,
            over_write=over_write,
            total_count=len(rows),
            target_ids=[row[0] for row in rows],
            failed_positions=failed,
            start_delay=delay,
            seconds_per_record=per_record,
            created=now,
            due_at=now + timedelta(seconds=delay + per_record * len(rows)),
        )
        job.job_id = module.org.make_id(JOB_ID_BASE + job.pk)
        job.save(update_fields=["job_id"])
    return 200, {
        "data": [
            {
                "code": "SUCCESS",
                "details": {"job_id": job.job_id},
                "message": "mass update scheduled successfully",
                "status": "success",
            }
        ]
    }


def record_apply(
    data: dict[str, Any],
    values: dict[str, Any],
    fields: dict[str, SimField],
    *,
    over_write: bool,
    user: SimUser,
    now: str,
) -> None:
    for name, value in values.items():
        if fields[name].data_type == "multiselectpicklist":
            value = multiselect_merge(data.get(name), value, over_write=over_write)
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    data["Modified_Time"] = now
    data["Modified_By"] = user.ref()


def record_success(record: SimRecord) -> dict[str, Any]:
    data = record.data
    return {
        "code": "SUCCESS",
        "details": {
            "Modified_Time": data.get("Modified_Time"),
            "Modified_By": data.get("Modified_By"),
            "Created_Time": data.get("Created_Time"),
            "id": str(record.record_id),
            "Created_By": data.get("Created_By"),
        },
        "message": "record updated",
        "status": "success",
    }


def invalid_id(record_id: Any) -> dict[str, Any]:
    return error_entry("INVALID_DATA", "the id given seems to be invalid", {"id": str(record_id)})


def _update_ids(
    module: SimModule,
    user: SimUser,
    ids: Any,
    values: dict[str, Any],
    fields: dict[str, SimField],
    over_write: bool,
) -> Answer:
    if (
        not isinstance(ids, list)
        or not ids
        or any(isinstance(i, bool) or not isinstance(i, str | int) for i in ids)
    ):
        return _entry("INVALID_DATA", "invalid data", {"api_name": "ids"})
    if len(ids) > MAX_IDS:
        return _entry(
            "LIMIT_EXCEEDED", "Record count exceeded", {"api_name": "ids", "limit": MAX_IDS}
        )
    wanted = {i for i in (record_id_int(raw) for raw in ids) if i is not None}
    records = {
        r.record_id: r for r in SimRecord.objects.filter(module=module, record_id__in=wanted)
    }
    now = zoho_now()
    gaps = layout_gaps(module, values)
    entries, changed = [], {}
    for raw in ids:
        record_id = record_id_int(raw)
        record = records.get(record_id) if record_id is not None else None
        refusal = record_refusal(record, values, gaps, raw_id=str(raw)) if record else None
        if record is None:
            entries.append(invalid_id(raw))
        elif refusal is not None:
            entries.append(refusal)
        else:
            if record.pk not in changed:
                record_apply(record.data, values, fields, over_write=over_write, user=user, now=now)
                changed[record.pk] = record
            entries.append(record_success(record))
    SimRecord.objects.bulk_update(list(changed.values()), ["data"], batch_size=500)
    if changed:
        module_touch(module.pk)
        automation_fire(
            module=module,
            records=list(changed.values()),
            changed=values,
            source=SimAutomationRun.Source.IDS,
            user_id=user.zoho_id,
        )
    return (200 if changed else 400), {"data": entries}


# --- job progress ------------------------------------------------------------------------------


def job_status(*, module: SimModule, job_id: str | None) -> Answer:
    if not job_id:
        raise ZohoApiError(
            400, "MANDATORY_NOT_FOUND", "required param not found", {"param_name": "job_id"}
        )
    # The target ids (up to 50,000) are only needed to apply the job, not to report on it.
    job = SimMassUpdateJob.objects.defer("target_ids").filter(module=module, job_id=job_id).first()
    if job is None:
        raise ZohoApiError(404, "NOT_FOUND", "Empty response", {})
    return 200, {"data": [job_progress(job)]}


def job_progress(job: SimMassUpdateJob, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    total = job.total_count
    if job.applied_at is None and now >= job.due_at:
        job_settle(job)
        job.refresh_from_db(fields=["applied_at"])
    if job.applied_at is not None:
        failed = len(job.failed_positions)
        status = "FAILED" if failed == total else "COMPLETED"
        return _counts(status, total, total - failed, 0, failed)
    elapsed = (now - job.created).total_seconds() - job.start_delay
    if elapsed < 0:
        return _counts("SCHEDULED", total, 0, total, 0)
    processed = total
    if job.seconds_per_record > 0:
        processed = min(total, math.floor(elapsed / job.seconds_per_record))
    failed = bisect.bisect_left(job.failed_positions, processed)
    return _counts("RUNNING", total, processed - failed, total - processed, failed)


def _counts(status: str, total: int, updated: int, pending: int, failed: int) -> dict[str, Any]:
    return {
        "Status": status,
        "Failed_Count": failed,
        "Updated_Count": updated,
        "Not_Updated_Count": pending,
        "Total_Count": total,
    }


def jobs_settle(org: SimOrg) -> int:
    """Apply every job of the organisation that is due and not yet applied."""
    due = SimMassUpdateJob.objects.filter(
        org=org, applied_at__isnull=True, due_at__lte=timezone.now()
    ).only("pk")
    return sum(job_settle(job) for job in due)


def job_settle(job: SimMassUpdateJob) -> bool:
    job = SimMassUpdateJob.objects.select_related("module", "user").get(pk=job.pk)
    with transaction.atomic():
        claimed = SimMassUpdateJob.objects.filter(pk=job.pk, applied_at__isnull=True).update(
            applied_at=timezone.now()
        )
        if not claimed:
            return False  # another request applied it
        _job_apply(job)
    return True


def _job_apply(job: SimMassUpdateJob) -> None:
    fields = {f.api_name: f for f in module_fields(job.module)}
    failed = set(job.failed_positions)
    targets = [rid for n, rid in enumerate(job.target_ids) if n not in failed]
    # The modification time is when the job finished, as Zoho reports it.
    stamp = {
        "Modified_Time": job.due_at.isoformat(timespec="seconds"),
        "Modified_By": job.user.ref(),
    }
    appended = [
        name
        for name in job.data
        if fields[name].data_type == "multiselectpicklist" and not job.over_write
    ]
    if not appended:
        records_patch(job.module_id, targets, {**job.data, **stamp})
    else:
        # Added multi-select values depend on each record's current values: group the
        # records by their resulting values, one patch per group.
        groups: dict[str, list[int]] = {}
        patches: dict[str, dict[str, Any]] = {}
        rows = SimRecord.objects.filter(module_id=job.module_id, record_id__in=targets)
        for record_id, data in rows.values_list("record_id", "data").iterator(chunk_size=2000):
            patch = dict(job.data)
            for name in appended:
                patch[name] = multiselect_merge(data.get(name), job.data[name], over_write=False)
            key = json.dumps(patch, sort_keys=True)
            groups.setdefault(key, []).append(record_id)
            patches[key] = patch
        for key, record_ids in groups.items():
            records_patch(job.module_id, record_ids, {**patches[key], **stamp})
    module_touch(job.module_id)
    if job.total_count < VIEW_JOB_LIMIT and rules_for(job.module, job.data, ALL_KINDS):
        automation_fire(
            module=job.module,
            records=list(SimRecord.objects.filter(module_id=job.module_id, record_id__in=targets)),
            changed=job.data,
            source=SimAutomationRun.Source.VIEW_JOB,
            job_id=job.job_id or "",
            user_id=job.user.zoho_id,
        )
