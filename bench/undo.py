"""Benchmark of undo: Zoho calls and time of the backup and of the undo of a mass update of a
50,000-record view in the practice CRM, against the least possible (records / 200 reads for
the backup; records / 100 writes for the undo). See bench/README.md.

    .venv/bin/python bench/undo.py                       # SQLite file var/bench_undo.sqlite3
    createdb -h 127.0.0.1 -U postgres crmupdate_bench_undo
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crmupdate_bench_undo \
        .venv/bin/python bench/undo.py

Everything runs in this one process: the app with its simulator is served over HTTP on a
local port by a threaded WSGI server (the worker reaches "Zoho" exactly as in production),
and the worker loop runs in the main thread. The script loads the demo organisations, makes
the view "Imported batch 2024-Q3" hold the wanted number of leads, runs "Lead Status ->
Contacted" on it with a backup, then undoes it, and prints what it measured.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench.inprocess import ORIGIN, SAM, VIEW, ZYLKER, configure, serve, work  # noqa: E402

configure("bench_undo.sqlite3")


def row(name: str, calls: int, minimum: int, seconds: float | None) -> str:
    ratio = f"{calls / minimum:.2f}x" if minimum else "-"
    timing = f"{seconds:>9.1f} {1000 * seconds / max(1, calls):>8.0f}" if seconds else ""
    return f"{name:<30} {calls:>8,} {minimum:>8,} {ratio:>7} {timing}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000, help="leads in the view")
    parser.add_argument("--api-version", default="v2", help="Zoho API version (v2, v3, ... v8)")
    args = parser.parse_args()
    os.environ["ZOHO_API_VERSION"] = args.api_version

    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.getLogger("crmupdate.massupdate.worker").setLevel(logging.WARNING)

    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # page reads and limits are cached there

    from crmupdate.massupdate import metadata, services
    from crmupdate.massupdate.fieldforms import Change
    from crmupdate.massupdate.frozen.models import FrozenView
    from crmupdate.massupdate.models import MassUpdate
    from crmupdate.massupdate.undo.models import Undo
    from crmupdate.massupdate.undo.services import backup_choice_save, undo_start
    from crmupdate.zohosim.demo.load import big_view_ensure, demo_load
    from crmupdate.zohosim.models import ApiCall, SimCreditUsage, SimRecord, SimView
    from crmupdate.zohosim.records import view_queryset
    from crmupdate.zohosim.tokens import self_client_tokens
    from tests.fixtures_accounts import save_signin_from_tokens

    started = time.monotonic()
    demo_load(scale="test", reset=True)
    big_view_ensure(args.records)
    SimCreditUsage.objects.all().delete()
    serve()
    view = SimView.objects.select_related("module").get(
        module__api_name="Leads", module__org__zoho_id=ZYLKER, name=VIEW
    )
    user = save_signin_from_tokens(self_client_tokens(email=SAM, origin=ORIGIN))
    member = user.member
    sim_user = view.module.org.users.get(email=SAM)
    members = view_queryset(view, sim_user)
    records = members.count()
    before = dict(members.values_list("record_id", "data__Lead_Status"))
    print(f"view {VIEW!r}: {records:,} leads (set up in {time.monotonic() - started:.0f} s)")
    print(f"database: {django.db.connection.vendor}, Zoho API {args.api_version}")

    change = Change(api_name="Lead_Status", label="Lead Status", data_type="picklist",
                    value="Contacted", display="Contacted")  # fmt: skip
    draft = services.draft_create(member=member, module_api_name="Leads", module_label="Leads",
                                  cvid=view.zoho_id, view_name=VIEW)  # fmt: skip
    services.draft_save_changes(draft=draft, changes=[change], selected=[], raw={})
    backup_choice_save(draft=draft, data={"backup_offered": "1", "keep_backup": "on"})
    metadata.fields_for(member, "Leads")  # as the review does: the update knows the name fields
    first_call = ApiCall.objects.order_by("-id").values_list("id", flat=True).first() or 0
    update = services.massupdate_run(draft=draft, member=member, run_token=str(draft.run_token))
    work(lambda: MassUpdate.objects.get(pk=update.pk).finished, "the mass update")
    backup = FrozenView.objects.get(update=update)
    backup_reads = ApiCall.objects.filter(
        id__gt=first_call, method="GET", path__endswith="/Leads", query__contains="cvid="
    )
    backup_calls = backup_reads.count()
    backup_seconds = (backup.completed_at - backup.started_at).total_seconds()
    update.refresh_from_db()

    last_call = ApiCall.objects.order_by("-id").values_list("id", flat=True).first() or 0
    t0 = time.monotonic()
    undo = undo_start(update=update, member=member)
    work(lambda: Undo.objects.get(pk=undo.pk).finished, "the undo")
    undo_seconds = time.monotonic() - t0
    undo.refresh_from_db()
    calls = ApiCall.objects.filter(id__gt=last_call, path__endswith="/Leads")
    undo_reads = calls.filter(method="GET").count()
    undo_writes = calls.filter(method="PUT").count()
    after = dict(
        SimRecord.objects.filter(record_id__in=list(before)).values_list(
            "record_id", "data__Lead_Status"
        )
    )

    print()
    print(f"update: {update.get_status_display()}, {update.updated_count:,} changed by Zoho")
    print(f"backup: {backup.record_count:,} records in {backup.pages_read} pages")
    print(f"undo:   {undo.get_status_display()}: {undo.restored_count:,} put back, "
          f"{undo.unchanged_count:,} already had their value, {undo.conflict_count:,} changed "
          f"since, {undo.failed_count:,} refused")  # fmt: skip
    print(f"records holding their value from before the update: "
          f"{sum(after[i] == before[i] for i in before):,} of {len(before):,}")  # fmt: skip
    print()
    print(f"{'':<30} {'calls':>8} {'minimum':>8} {'ratio':>7} {'seconds':>9} {'ms/call':>8}")
    print(row("backup: reads (Get Records)", backup_calls, math.ceil(records / 200),
              backup_seconds))  # fmt: skip
    print(row("undo: reads by id (checks)", undo_reads, 0, None))
    print(row("undo: writes (Update Records)", undo_writes, math.ceil(records / 100), None))
    print(row("undo: all calls", undo_reads + undo_writes, math.ceil(records / 100),
              undo_seconds))  # fmt: skip
    print(f"backup stored: {_backup_bytes(backup):,} bytes "
          f"({_backup_bytes(backup) / max(1, backup.record_count):.1f} per record)")  # fmt: skip
    return 0


def _backup_bytes(backup: object) -> int:
    from crmupdate.massupdate.frozen.models import FrozenChunk

    return sum(len(bytes(p)) for p in FrozenChunk.objects.filter(frozen=backup).values_list(
        "payload", flat=True))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
