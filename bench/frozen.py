"""Benchmark of the frozen records: Zoho calls and time spent reading the view when an update
starts, checking each record after a view job that reported failures, and retrying the records
not changed, for a 50,000-record view where 1% of the records are locked, against the least
possible (freeze: records / 200; read-back: records / 100, only after a view job that
reported failures; retry: failed / 500). See bench/README.md.

    .venv/bin/python bench/frozen.py                     # SQLite file var/bench_frozen.sqlite3
    createdb -h 127.0.0.1 -U postgres crmupdate_bench_frozen
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crmupdate_bench_frozen \
        .venv/bin/python bench/frozen.py

Everything runs in this one process, as in bench/undo.py: the app with its simulator served
over HTTP on a local port, the worker loop in the main thread. The script makes the view
"Imported batch 2024-Q3" hold the wanted number of leads, locks every hundredth of them, runs
"Lead Status -> Contacted" then "Rating -> Active" (two steps: a view job, then by id) and
prints what it measured.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench.inprocess import ORIGIN, SAM, VIEW, ZYLKER, configure, serve, work  # noqa: E402

configure("bench_frozen.sqlite3")


def row(name: str, calls: int, minimum: int, seconds: float | None) -> str:
    ratio = f"{calls / minimum:.2f}x" if minimum else "-"
    timing = f"{seconds:>9.1f}" if seconds is not None else ""
    return f"{name:<42} {calls:>8,} {minimum:>8,} {ratio:>7} {timing}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000, help="leads in the view")
    parser.add_argument("--failing", type=float, default=0.01, help="share of locked leads")
    args = parser.parse_args()

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
    from crmupdate.massupdate.models import MassUpdate, Step
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
    ids = sorted(members.values_list("record_id", flat=True))
    step = max(1, round(1 / args.failing)) if args.failing else 0
    locked = set(ids[::step]) if step else set()
    SimRecord.objects.filter(record_id__in=ids).update(locked=False)
    SimRecord.objects.filter(record_id__in=locked).update(locked=True)
    records = len(ids)
    print(f"view {VIEW!r}: {records:,} leads, {len(locked):,} locked "
          f"(set up in {time.monotonic() - started:.0f} s)")  # fmt: skip
    print(f"database: {django.db.connection.vendor}")

    changes = [
        Change(api_name="Lead_Status", label="Lead Status", data_type="picklist",
               value="Contacted", display="Contacted"),
        Change(api_name="Rating", label="Rating", data_type="picklist", value="Active",
               display="Active"),
    ]  # fmt: skip
    draft = services.draft_create(member=member, module_api_name="Leads", module_label="Leads",
                                  cvid=view.zoho_id, view_name=VIEW)  # fmt: skip
    services.draft_save_changes(draft=draft, changes=changes, selected=[], raw={})
    metadata.fields_for(member, "Leads")  # as the review does: the update knows the name fields
    first_call = ApiCall.objects.order_by("-id").values_list("id", flat=True).first() or 0
    t0 = time.monotonic()
    update = services.massupdate_run(draft=draft, member=member, run_token=str(draft.run_token))
    work(lambda: MassUpdate.objects.get(pk=update.pk).finished, "the mass update")
    total_seconds = time.monotonic() - t0
    update.refresh_from_db()
    frozen = FrozenView.objects.get(update=update)
    first, second = Step.objects.filter(update=update).order_by("position")
    calls = ApiCall.objects.filter(id__gt=first_call, path__contains="/crm/")
    freeze = calls.filter(method="GET", query__contains="cvid=").count()
    read_back = calls.filter(method="GET", query__startswith="ids=").count()
    posts = calls.filter(method="POST", path__endswith="/actions/mass_update")
    view_jobs = posts.filter(body__contains='"cvid"').count()
    by_id = posts.filter(body__contains='"ids"').order_by("id")
    retries = [c for c in by_id if '"Lead_Status"' in c.body]
    step_two = [c for c in by_id if '"Rating"' in c.body]
    failed = len(locked)

    print()
    print(f"update: {update.get_status_display()}: {update.updated_count:,} of "
          f"{update.frozen_count:,} changed, {update.failed_count:,} not changed, "
          f"{update.deleted_count:,} deleted")  # fmt: skip
    print(f"not changed by step 1 (view job, after the check): {first.failed_count:,}; "
          f"by step 2 (by id): {second.failed_count:,}")  # fmt: skip
    print()
    print(f"{'':<42} {'calls':>8} {'minimum':>8} {'ratio':>7} {'seconds':>9}")
    freeze_seconds = (frozen.completed_at - frozen.started_at).total_seconds()
    print(row("freeze: reads of the view (200 a call)", freeze, math.ceil(records / 200),
              freeze_seconds))  # fmt: skip
    job_ended = first.events.filter(kind="status", code__in=["COMPLETED", "FAILED"]).first()
    checked = first.events.filter(kind="checked").first()
    check_seconds = None
    if job_ended and checked:  # reading back and retrying, from the job's end
        check_seconds = (checked.created_at - job_ended.created_at).total_seconds()
    print(row("verify: reads by id after the job (100)", read_back, math.ceil(records / 100),
              check_seconds))  # fmt: skip
    print(row("retry: records not changed, by id (500)", len(retries), math.ceil(failed / 500),
              None))  # fmt: skip
    print(row("step 2: the frozen ids, by id (500)", len(step_two), math.ceil(records / 500),
              None))  # fmt: skip
    print(row("view jobs sent", view_jobs, 1, None))
    print(f"whole update: {total_seconds:.1f} s; frozen records stored: "
          f"{frozen.record_count:,}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
