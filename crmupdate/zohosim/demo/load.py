"""Loading the demo organisations into the database: idempotent, deterministic, fast.

`demo_load()` creates what is missing and leaves existing organisations alone (`reset=True`
rebuilds them). `scale="test"` loads fewer records (the named views keep their meaning).
`big_view_ensure(n)` materialises `n` extra Leads in the "Imported batch" view, for
exercising reads and writes of a ~50,000-record view.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from crmupdate.zohosim.demo.catalog import (
    BIG_BATCH,
    DATA_MODULES,
    LEADS,
    LOCKED_INDEXES,
    NON_API_MODULES,
    SUBFORM_MODULES,
    ModuleSpec,
)
from crmupdate.zohosim.demo.fields import field_meta
from crmupdate.zohosim.demo.orgs import ORGS, PROFILES, ROLES, OrgSpec
from crmupdate.zohosim.demo.records import GenContext, company_name, record_values
from crmupdate.zohosim.demo.states import (
    RULES,
    WHOLESALE_INDEXES,
    WHOLESALE_LAYOUT,
    WHOLESALE_LAYOUT_TAIL,
    record_states,
)
from crmupdate.zohosim.models import (
    SimAutomationRule,
    SimField,
    SimModule,
    SimOrg,
    SimRecord,
    SimUser,
    SimView,
)
from crmupdate.zohosim.writes import module_touch

ORG_CREATED = datetime(2023, 4, 12, 9, 8, 5, tzinfo=UTC)
BATCH_SIZE = 1000
BIG_BATCH_OFFSET = 100_000  # record index of the first big-batch lead


def record_id_tail(module_index: int, i: int) -> int:
    return (module_index + 1) * 10_000_000 + i


def module_index(api_name: str) -> int:
    return [m.api_name for m in DATA_MODULES].index(api_name)


def record_count(spec: OrgSpec, module: ModuleSpec, scale: str) -> int:
    return max(10, int(module.counts[scale] * spec.record_factor))


def demo_load(*, scale: str = "full", reset: bool = False) -> list[SimOrg]:
    if scale not in ("full", "test"):
        raise ValueError("scale is 'full' or 'test'")
    orgs = []
    for spec in ORGS:
        existing = SimOrg.objects.filter(zoho_id=spec.zoho_id).first()
        if existing is not None and not reset:
            orgs.append(existing)
            continue
        with transaction.atomic():
            if existing is not None:
                existing.delete()
            orgs.append(_org_load(spec, scale))
    return orgs


def _org_load(spec: OrgSpec, scale: str) -> SimOrg:
    org = SimOrg.objects.create(
        zoho_id=spec.zoho_id,
        prefix=spec.prefix,
        company_name=spec.company_name,
        zgid=spec.zgid,
        time_zone=spec.time_zone,
        phone=spec.phone,
        website=spec.website,
        created=ORG_CREATED,
    )
    users = _users_load(org, spec)
    profiles = [{"name": name, "id": org.make_id(tail)} for name, (tail, _) in PROFILES.items()]
    described = DATA_MODULES + SUBFORM_MODULES
    module_ids: dict[str, str | None] = {
        m.api_name: org.make_id(2175 + k) for k, m in enumerate(described)
    }
    module_ids["users"] = None  # users are no module: a user lookup's module has no id
    for k, (api_name, module_name, singular, plural) in enumerate(NON_API_MODULES):
        SimModule.objects.create(
            org=org,
            api_name=api_name,
            zoho_id=org.make_id(2100 + k),
            module_name=module_name,
            singular_label=singular,
            plural_label=plural,
            generated_type="default",
            api_supported=False,
            sequence_number=k + 1,
        )
    account_refs = _account_refs(org, spec, scale)
    for k, module_spec in enumerate(DATA_MODULES):
        module = SimModule.objects.create(
            org=org,
            api_name=module_spec.api_name,
            zoho_id=org.make_id(2175 + k),
            module_name=module_spec.module_name,
            singular_label=module_spec.singular,
            plural_label=module_spec.plural,
            generated_type=module_spec.generated_type,
            sequence_number=len(NON_API_MODULES) + k + 1,
            mass_update_field_limit=module_spec.mass_update_field_limit,
            layout_id=org.make_id(91055 + k),
            layouts=_extra_layouts(org, module_spec, k),
        )
        layout = {"api_name": "Standard__s", "name": "Standard", "id": module.layout_id}
        _fields_load(org, module, module_spec, k, module_ids, layout, profiles)
        _views_load(org, module, module_spec, k, users)
        _rules_load(module)
        active = [u.ref() for u in users if u.status == "active"]
        ctx = GenContext(
            prefix=org.prefix,
            users=active,
            creator=users[0].ref(),
            layout={"name": "Standard", "id": module.layout_id},
            account_refs=account_refs,
        )
        count = record_count(spec, module_spec, scale)
        _records_create(org, module, module_spec, k, ctx, range(count), cache=True)
    for k, module_spec in enumerate(SUBFORM_MODULES, start=len(DATA_MODULES)):
        module = SimModule.objects.create(
            org=org,
            api_name=module_spec.api_name,
            zoho_id=org.make_id(2175 + k),
            module_name=module_spec.module_name,
            singular_label=module_spec.singular,
            plural_label=module_spec.plural,
            generated_type=module_spec.generated_type,
            sequence_number=len(NON_API_MODULES) + k + 1,
            layout_id=org.make_id(91055 + k),
        )
        layout = {"api_name": "Standard__s", "name": "Standard", "id": module.layout_id}
        _fields_load(org, module, module_spec, k, module_ids, layout, profiles)
    return org


def _users_load(org: SimOrg, spec: OrgSpec) -> list[SimUser]:
    users = []
    for n, u in enumerate(spec.users):
        profile_tail, can_mass_update = PROFILES[u.profile]
        users.append(
            SimUser.objects.create(
                org=org,
                zoho_id=org.make_id(u.id_tail),
                zuid=u.zuid,
                email=u.email,
                first_name=u.first_name,
                last_name=u.last_name,
                profile_name=u.profile,
                profile_id=org.make_id(profile_tail),
                role_name=u.role,
                role_id=org.make_id(ROLES[u.role]),
                status=u.status,
                time_zone=u.time_zone,
                locale=u.locale,
                is_admin=u.profile == "Administrator",
                can_mass_update=can_mass_update,
                sort_order=n,
            )
        )
    return users


def _fields_load(
    org: SimOrg,
    module: SimModule,
    spec: ModuleSpec,
    k: int,
    module_ids: dict[str, str | None],
    layout: dict[str, str],
    profiles: list[dict[str, str]],
) -> None:
    rows = []
    targets = {m.api_name: {f.api_name for f in m.fields} for m in DATA_MODULES}
    for f, field_spec in enumerate(spec.fields):
        mapping = None
        if spec is LEADS and not field_spec.field_read_only:
            mapping = {
                target: field_spec.api_name if field_spec.api_name in targets[target] else None
                for target in ("Contacts", "Deals", "Accounts")
            }
        tail = 3_000_000 + k * 100_000 + f * 100
        picks = iter(range(tail + 1, tail + 100))

        def next_id(picks: Any = picks) -> str:
            return org.make_id(next(picks))

        field_id = org.make_id(tail)
        meta = field_meta(
            field_spec,
            field_id=field_id,
            id_for=next_id,
            module_ids=module_ids,
            layout=layout,
            profiles=profiles,
            convert_mapping=mapping,
        )
        rows.append(
            SimField(
                module=module,
                api_name=field_spec.api_name,
                zoho_id=field_id,
                sequence_number=f + 1,
                data_type=field_spec.data_type,
                json_type=meta["json_type"],
                length=meta["length"],
                decimal_place=meta["decimal_place"],
                read_only=not field_spec.writable,
                system_mandatory=field_spec.mandatory,
                mass_update=field_spec.mass_update,
                meta=meta,
            )
        )
    SimField.objects.bulk_create(rows)


def _views_load(
    org: SimOrg, module: SimModule, spec: ModuleSpec, k: int, users: list[SimUser]
) -> None:
    by_email = {u.email: u for u in users}
    rows = []
    for v, view in enumerate(spec.views):
        tail = view.fixed_id if view.fixed_id is not None else 87501 + k * 100 + v
        owner = by_email.get(view.owner) if view.owner else None
        if view.owner and owner is None:
            owner = users[0]  # organisations without that user: the administrator owns it
        rows.append(
            SimView(
                module=module,
                zoho_id=org.make_id(tail),
                name=view.name,
                display_value=view.name,
                system_name=view.system_name,
                criteria=view.criteria,
                owner=owner,
                access_type=view.access_type,
                is_default=view.default,
                synthetic_total=view.synthetic_total,
                sort_order=v,
                created_time=None if view.system_name else ORG_CREATED,
                modified_time=ORG_CREATED,
            )
        )
    SimView.objects.bulk_create(rows)


def _extra_layouts(org: SimOrg, spec: ModuleSpec, k: int) -> list[dict[str, Any]]:
    if spec.api_name != "Deals":
        return []
    return [{**WHOLESALE_LAYOUT, "id": org.make_id(WHOLESALE_LAYOUT_TAIL + k)}]


def _rules_load(module: SimModule) -> None:
    SimAutomationRule.objects.bulk_create(
        SimAutomationRule(
            module=module,
            kind=rule.kind,
            name=rule.name,
            field=rule.field,
            criteria=rule.criteria,
            field_updates=rule.field_updates,
        )
        for rule in RULES
        if rule.module == module.api_name
    )


def _account_refs(org: SimOrg, spec: OrgSpec, scale: str) -> list[dict[str, str]]:
    from crmupdate.zohosim.demo.catalog import ACCOUNTS

    k = module_index("Accounts")
    return [
        {"name": company_name(org.prefix, i), "id": org.make_id(record_id_tail(k, i))}
        for i in range(record_count(spec, ACCOUNTS, scale))
    ]


# Generated values of the initial records, per (org prefix, module, count): the data is
# deterministic, so a process (the test suite, loading once per test) generates it once.
# The dicts are only read after generation (bulk_create serialises them).
_GENERATED: dict[tuple[int, str, int], list[dict[str, Any]]] = {}


def _records_create(
    org: SimOrg,
    module: SimModule,
    spec: ModuleSpec,
    k: int,
    ctx: GenContext,
    indexes: range,
    *,
    cache: bool = False,
) -> int:
    key = (org.prefix, spec.api_name, len(indexes))
    generated = _GENERATED.get(key) if cache and indexes.start == 0 else None
    if generated is None:
        generated = [record_values(spec, i, ctx) for i in indexes]
        if spec is LEADS:
            for i, values in zip(indexes, generated, strict=True):
                if i >= BIG_BATCH_OFFSET:
                    values["Import_Batch"] = BIG_BATCH
        for layout in module.layouts:
            for i, values in zip(indexes, generated, strict=True):
                if i in WHOLESALE_INDEXES:
                    values["Layout"] = {"name": layout["name"], "id": layout["id"]}
        if cache and indexes.start == 0:
            _GENERATED[key] = generated
    rows = []
    for i, values in zip(indexes, generated, strict=True):
        rows.append(
            SimRecord(
                module=module,
                record_id=int(org.make_id(record_id_tail(k, i))),
                data=values,
                locked=i in LOCKED_INDEXES or (i >= BIG_BATCH_OFFSET and i % 9973 == 17),
                **record_states(spec.api_name, i),
            )
        )
    SimRecord.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(rows)


def big_view_ensure(count: int, *, org_zoho_id: str | None = None) -> int:
    """Make the Leads view "Imported batch 2024-Q3" hold at least `count` records (adds
    generated leads; idempotent). Returns how many records were added."""
    org = SimOrg.objects.get(zoho_id=org_zoho_id or ORGS[0].zoho_id)
    module = SimModule.objects.get(org=org, api_name="Leads")
    k = module_index("Leads")
    first = int(org.make_id(record_id_tail(k, BIG_BATCH_OFFSET)))
    existing = SimRecord.objects.filter(
        module=module, record_id__gte=first, record_id__lt=first + 1_000_000
    ).count()
    if existing >= count:
        return 0
    users = [u.ref() for u in org.users.filter(status="active")]
    ctx = GenContext(
        prefix=org.prefix,
        users=users,
        creator=users[0],
        layout={"name": "Standard", "id": module.layout_id},
        account_refs=[
            {"name": data.get("Account_Name", ""), "id": str(record_id)}
            for record_id, data in SimRecord.objects.filter(
                module__org=org, module__api_name="Accounts"
            )
            .order_by("record_id")
            .values_list("record_id", "data")
        ],
    )
    added = 0
    for start in range(BIG_BATCH_OFFSET + existing, BIG_BATCH_OFFSET + count, 10_000):
        stop = min(start + 10_000, BIG_BATCH_OFFSET + count)
        with transaction.atomic():
            added += _records_create(org, module, LEADS, k, ctx, range(start, stop))
    module_touch(module.pk)
    return added
