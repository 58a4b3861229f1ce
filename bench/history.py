"""Benchmark of the team history: server time per page against a floor, queries per page, and
the memory of a streamed CSV export. See bench/README.md for how to prepare the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crmupdate_bench \
        .venv/bin/python bench/history.py --team bench-org

Everything runs in this one process, through Django's own request handler (the test client,
signed in with a real session), with DEBUG off. The floor is `/history/_floor`: the same
middleware, session, sign-in and team check, rendering a trivial template that extends the
site's base layout. Pages are measured in interleaved rounds so that noise from other
processes hits every page alike.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Production-like settings, with bench-only secrets when none are given.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crmupdate.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("TOKEN_ENCRYPTION_KEYS", "0PDmyxSybPzNXYDd4MBJy2-gAlUgZeKbSAO9UuKV_Zo=")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def _rss_kib() -> int:
    """Resident memory of this process now (Linux), in KiB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--team", default="bench-org", help="team id or Zoho org id")
    parser.add_argument("--rounds", type=int, default=80, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page")
    parser.add_argument("--csv-rows", type=int, default=100_000, help="rows in the CSV export")
    args = parser.parse_args()

    import django

    # whitenoise warns that collectstatic never ran; the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from crmupdate.accounts.models import Member
    from crmupdate.history.seeding import team_find
    from crmupdate.massupdate.models import MassUpdate

    settings.BENCH = True  # enables /history/_floor
    # No collectstatic needed: plain static storage (the manifest lookup is not what we measure).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if connection.vendor != "postgresql":
        print("warning: the targets are for PostgreSQL; this database is", connection.vendor)

    team = team_find(args.team)
    if team is None:
        print(f"No team {args.team!r}: run manage.py seed_history first (see bench/README.md).")
        return 2
    member = Member.objects.filter(team=team).order_by("pk").first()
    if member is None:
        print("The team has no people: run manage.py seed_history (it adds them).")
        return 2
    rows = MassUpdate.objects.filter(team=team)
    total = rows.count()
    ordered = rows.order_by("-created_at", "-pk").values_list("created_at", "pk")
    deep_at, deep_pk = ordered[int(total * 0.9)] if total > 100 else ordered[0]
    from crmupdate.history.cursors import Cursor

    deep_cursor = Cursor(deep_at, deep_pk).encode()
    job_ids = (
        rows.exclude(job_ids="")
        .order_by("-created_at", "-pk")
        .values_list("job_ids", flat=True)[total // 2 : total // 2 + 1]
    )
    job_id = (list(job_ids) or ["738964000002152104"])[0].split()[0]

    client = Client()
    client.force_login(member.user)
    pages = {
        "floor (trivial signed-in page)": "/history/_floor",
        "history: first page": "/history/",
        "history: 90% deep (keyset)": f"/history/?before={deep_cursor}",
        "history: module+status+search": "/history/?module=Leads&status=completed&q=Lead+Status",
        "history: search by job ID": f"/history/?q={job_id}",
        "history: htmx table fragment": "/history/?status=refused&module=Deals&q=Stage",
    }
    htmx_headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "history-results"}

    def get(url: str):  # type: ignore[no-untyped-def]
        extra = htmx_headers if "fragment" in name_of[url] else {}
        response = client.get(url, **extra)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    name_of = {url: name for name, url in pages.items()}
    print(f"team {team} (id {team.pk}): {total:,} history rows; signed in as {member}")
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    for _ in range(args.warmup):
        for url in pages.values():
            get(url)
    # Queries of each page as it is usually served (the filter options are read again once a
    # minute per person: one more query, and the session saved, on that view).
    counts = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = get(url)
        shown = response.content.count(b'class="history-row"')
        counts[name] = (len(queries.captured_queries), shown)
    timings: dict[str, list[float]] = {name: [] for name in pages}
    gc.collect()
    for _ in range(args.rounds):
        for name, url in pages.items():
            started = time.perf_counter()
            get(url)
            timings[name].append((time.perf_counter() - started) * 1000)

    floor = statistics.median(timings["floor (trivial signed-in page)"])
    floor_p95 = _percentile(timings["floor (trivial signed-in page)"], 0.95)
    print(f"\n{args.rounds} timed requests per page (after {args.warmup} warm-up), in rounds")
    print(f"{'page':34} {'min ms':>7} {'median ms':>9} {'p95 ms':>8} {'x floor':>8} "
          f"{'p95 x':>6} {'queries':>7} {'rows':>5}")  # fmt: skip
    for name, values in timings.items():
        median, p95 = statistics.median(values), _percentile(values, 0.95)
        queries, shown = counts[name]
        print(f"{name:34} {min(values):7.2f} {median:9.2f} {p95:8.2f} {median / floor:8.2f} "
              f"{p95 / floor_p95:6.2f} {queries:7d} {shown:5d}")  # fmt: skip

    # --- Exports: all rows of a date range holding about --csv-rows updates ------------------
    print()
    for kind in ("csv", "xlsx"):
        for wanted in sorted({min(10_000, args.csv_rows), args.csv_rows}):
            _export_measure(client, rows, wanted, member, kind)
    return 0


def _export_measure(client, rows, wanted: int, member, kind: str) -> None:  # type: ignore[no-untyped-def]
    from crmupdate.massupdate.fieldforms import person_zone

    zone = person_zone(member.time_zone)
    total = rows.count()
    at = rows.order_by("-created_at", "-pk").values_list("created_at", flat=True)[
        min(wanted, total) - 1
    ]
    since = at.astimezone(zone).date().isoformat()
    url = f"/history/export.{kind}?since={since}"
    for traced in (False, True):
        gc.collect()
        if traced:
            tracemalloc.start()
        rss_before = peak_rss = _rss_kib()
        started = time.perf_counter()
        response = client.get(url)
        lines = size = 0
        peak_rss = max(peak_rss, _rss_kib())  # an .xlsx is written before the response starts
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
            peak_rss = max(peak_rss, _rss_kib())
        if kind == "xlsx":
            lines = 1 + _count_since(rows, since, member)
        elapsed = time.perf_counter() - started
        response.close()
        if traced:
            _, traced_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                "  same export under tracemalloc: peak Python allocations "
                f"{traced_peak / 1024 / 1024:.1f} MiB"
            )
        else:
            growth = (peak_rss - rss_before) / 1024
            print(
                f"{kind.upper()} export since {since}: {lines - 1:,} rows, "
                f"{size / 1024 / 1024:.1f} MiB in {elapsed:.2f}s; "
                f"RSS {rss_before / 1024:.1f} MiB before, "
                f"peak {peak_rss / 1024:.1f} MiB (+{growth:.1f} MiB)"
            )


def _count_since(rows, since: str, member) -> int:  # type: ignore[no-untyped-def]
    import datetime as dt

    from crmupdate.massupdate.fieldforms import person_zone

    start = dt.datetime.combine(dt.date.fromisoformat(since), dt.time.min)
    return rows.filter(created_at__gte=start.replace(tzinfo=person_zone(member.time_zone))).count()


if __name__ == "__main__":
    raise SystemExit(main())
