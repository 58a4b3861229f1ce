"""Workflow rules, approvals and Blueprints: which ones a write sets off, as Zoho decides.

Zoho's rules (zoho-crm-api.md §1.3 and the Update Records notes):

* a mass update of a view (`cvid`, a scheduled job) runs automation only when the job has
  fewer than 1,000 records (`VIEW_JOB_LIMIT`); at 1,000 or more nothing runs;
* a mass update by `ids` runs it for every record changed;
* Update Records (`PUT /crm/{v}/{module}`) runs it unless the body says `"trigger": []`; a
  list of triggers runs only those kinds ("workflow", "approval", "blueprint").

A rule runs for a record when the write changed the rule's field and the record then meets
the rule's criteria. Every run is stored as a `SimAutomationRun` (rule, record, source, job),
so tests can check what fired. Effects: a workflow's field updates are written to the record;
an approval locks it (submitted for approval); a Blueprint takes over the rule's field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from crmupdate.zohosim.criteria import criteria_match
from crmupdate.zohosim.models import SimAutomationRule, SimAutomationRun, SimModule, SimRecord
from crmupdate.zohosim.writes import module_touch

VIEW_JOB_LIMIT = 1_000
ALL_KINDS = frozenset(SimAutomationRule.Kind.values)


def kinds_for_trigger(trigger: Any) -> frozenset[str]:
    """Update Records: no `trigger` runs everything; a list runs only the kinds it names."""
    if trigger is None:
        return ALL_KINDS
    return frozenset(t for t in trigger if t in ALL_KINDS)


def rules_for(module: SimModule, changed: Iterable[str], kinds: frozenset[str]) -> list[Any]:
    """The module's active rules that watch one of the changed fields."""
    if not kinds:
        return []
    return list(
        SimAutomationRule.objects.filter(
            module=module, active=True, field__in=list(changed), kind__in=kinds
        )
    )


def automation_fire(
    *,
    module: SimModule,
    records: list[SimRecord],
    changed: Iterable[str],
    source: str,
    kinds: frozenset[str] = ALL_KINDS,
    job_id: str = "",
    user_id: str = "",
) -> list[SimAutomationRun]:
    """Run the rules the write set off for these (already saved) records, store the runs
    and the rules' effects. Returns the runs."""
    rules = rules_for(module, changed, kinds)
    if not rules or not records:
        return []
    now = timezone.now()
    runs: list[SimAutomationRun] = []
    touched: dict[int, SimRecord] = {}
    data_changed = False
    for record in records:
        for rule in rules:
            if not criteria_match(rule.criteria, record.data, user_id=user_id):
                continue
            runs.append(
                SimAutomationRun(
                    org_id=module.org_id,
                    rule=rule,
                    kind=rule.kind,
                    record_id=record.record_id,
                    source=source,
                    job_id=job_id,
                    created=now,
                )
            )
            if rule.kind == SimAutomationRule.Kind.WORKFLOW and rule.field_updates:
                for name, value in rule.field_updates.items():
                    if value is None:
                        record.data.pop(name, None)
                    else:
                        record.data[name] = value
                data_changed = True
            elif rule.kind == SimAutomationRule.Kind.APPROVAL:
                record.locked = True
            elif rule.kind == SimAutomationRule.Kind.BLUEPRINT:
                record.blueprint_field = rule.field
            touched[record.pk] = record
    SimAutomationRun.objects.bulk_create(runs)
    SimRecord.objects.bulk_update(
        list(touched.values()), ["data", "locked", "blueprint_field"], batch_size=500
    )
    if data_changed:
        module_touch(module.pk)
    return runs
