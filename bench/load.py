"""Load benchmark: N concurrent signed-in clients against a running `make run`, over real HTTP.

    BENCH=1 make run                                   # terminal 1 (see bench/README.md)
    .venv/bin/python bench/load.py --clients 50 --seconds 20

For each page, N clients request it as fast as the server answers for a fixed time, each with
its own keep-alive connection and its own session cookie; the pages take turns (five rounds
by default) so that whatever else the machine does weighs on all of them alike. It prints,
per page: requests, throughput, median and p99 latency, and errors (anything but HTTP 200,
or no answer within 30 seconds).

Pages: the floor (`/history/_floor`, a bare signed-in page with the site's layout and the
same sign-in and team checks; served when the server runs with BENCH=1, else `/healthz`),
the dashboard, the team history, and the status fragment of a running update (the part of
the update's page that htmx refreshes every 3 seconds while it runs).

Preparation, done by the script against the practice CRM (no Zoho credentials needed): one
real sign-in through the practice CRM's consent page, a mass update started through the
pages (the worker runs it meanwhile, as it would), then N sessions for the N clients, copied
in the database from the signed-in one (so the script needs the server's DATABASE_URL, and
nothing else).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
SAM = "sam.ops@zylker.example"
ALL_LEADS = "738964000000091563"


# --- preparation ---------------------------------------------------------------------------------


class Person:
    """A browser without a browser: cookies, CSRF token, redirects followed by hand."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.url(path), timeout=60, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs) -> requests.Response:
        if "csrftoken" not in self.http.cookies:
            self.get("/")
        payload = {"csrfmiddlewaretoken": self.http.cookies["csrftoken"], **(data or {})}
        headers = {"Referer": self.base + "/"}
        return self.http.post(self.url(path), data=payload, headers=headers, timeout=60, **kwargs)

    def sign_in(self, email: str) -> None:
        consent = self.post("/oauth/login/zoho/")
        if "Practice CRM sign-in" not in consent.text:
            sys.exit(
                "The server does not offer the practice CRM's sign-in page: run it without "
                "ZOHO_CLIENT_ID (the benchmark signs in through the practice CRM)."
            )
        home = self.post(consent.url, {"user": email})
        if "Welcome," not in home.text:
            sys.exit(f"Signing in as {email} failed (HTTP {home.status_code}).")

    def start_update(self) -> str:
        """Run a mass update through the pages (All Leads: No. of Employees -> 1000); returns
        the path of its page. Its status fragment is what browsers poll while it runs."""
        picked = self.post("/updates/new/", {"module": "Leads", "cvid": ALL_LEADS})
        changes = urlsplit(picked.url).path
        review = self.post(
            changes,
            {"action": "review", "field": "No_of_Employees", "value__No_of_Employees": "1000"},
        )
        token = re.search(r'name="run_token" value="([^"]+)"', review.text)
        if not token:
            sys.exit(f"Could not reach the review page ({review.url}).")
        ran = self.post(
            urlsplit(review.url).path.removesuffix("review/") + "run/",
            {"run_token": token.group(1), "keep_backup": "on", "backup_offered": "1"},
        )
        return urlsplit(ran.url).path

    def still_running(self, update: str) -> bool:
        return "hx-trigger" in self.get(f"{update}status/", headers={"HX-Request": "true"}).text


def copy_sessions(session_key: str, count: int) -> list[str]:
    """`count` new sessions holding the same sign-in, written straight into the server's
    database (its DATABASE_URL, or the default SQLite file)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crmupdate.settings")
    os.environ["DEBUG"] = "1"  # this process only reads settings to find the database
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.sessions.models import Session
    from django.db import connection

    original = Session.objects.get(session_key=session_key)
    keys = [secrets.token_hex(16) for _ in range(count)]
    Session.objects.bulk_create(
        Session(session_key=k, session_data=original.session_data, expire_date=original.expire_date)
        for k in keys
    )
    connection.close()
    return keys


def drop_sessions(keys: list[str]) -> None:
    from django.contrib.sessions.models import Session
    from django.db import connection

    Session.objects.filter(session_key__in=keys).delete()
    connection.close()


# --- the load ------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    page: Page
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies) + sum(self.errors.values())

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def hammer(base: str, page: Page, cookies: list[str], seconds: float, warmup: float,
           into: Result) -> None:  # fmt: skip
    """Every client requests the page again and again until the time is up; the answers
    after the warm-up are added to `into`."""
    lock = threading.Lock()
    start = time.monotonic() + warmup
    stop = start + seconds

    def client(cookie: str) -> None:
        http = requests.Session()
        http.cookies.set("sessionid", cookie)
        latencies: list[float] = []
        errors: dict[str, int] = {}
        while (now := time.monotonic()) < stop:
            began = now
            try:
                answer = http.get(base + page.path, headers=page.headers, timeout=30)
                problem = "" if answer.status_code == 200 else f"HTTP {answer.status_code}"
            except requests.RequestException as exc:
                problem = type(exc).__name__
            if began < start:
                continue  # warm-up: connections opened, the server's threads busy
            if problem:
                errors[problem] = errors.get(problem, 0) + 1
            else:
                latencies.append(time.monotonic() - began)
        http.close()
        with lock:
            into.latencies.extend(latencies)
            for key, n in errors.items():
                into.errors[key] = into.errors.get(key, 0) + n

    threads = [threading.Thread(target=client, args=(c,)) for c in cookies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    into.seconds += seconds


def measure(base: str, pages: list[Page], cookies: list[str], *, seconds: float, rounds: int,
            warmup: float) -> list[Result]:  # fmt: skip
    """The pages take turns, `rounds` times each, so that whatever else the machine is doing
    at some moment weighs on every page alike."""
    results = [Result(page=p, seconds=0.0) for p in pages]
    for _ in range(rounds):
        for result in results:
            hammer(base, result.page, cookies, seconds / rounds, warmup, result)
    return results


def report(results: list[Result], clients: int, seconds: float) -> bool:
    print(f"\n{clients} concurrent clients, {seconds:g} s per page (in turns)\n")
    print(f"{'page':<26} {'requests':>9} {'req/s':>8} {'median ms':>10} {'p99 ms':>8}  errors")
    for r in results:
        errors = ", ".join(f"{k}: {v}" for k, v in r.errors.items()) or "0"
        print(
            f"{r.page.name:<26} {r.requests:>9} {r.throughput:>8.1f} "
            f"{r.percentile(0.5):>10.1f} {r.percentile(0.99):>8.1f}  {errors}"
        )
    floor = results[0]
    status = next(r for r in results if r.page.name.startswith("status"))
    ratio = status.throughput / floor.throughput if floor.throughput else 0.0
    no_errors = not any(r.errors for r in results)
    print(f"\nstatus fragment / floor throughput: {ratio:.2f} (target at least 0.50)")
    print(f"errors: {'none' if no_errors else 'SOME'} (target none)")
    passed = no_errors and ratio >= 0.5
    print("targets met" if passed else "TARGETS MISSED")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="where `make run` listens")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per page")
    parser.add_argument("--rounds", type=int, default=5, help="turns each page takes")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured start per turn")
    args = parser.parse_args()
    base = args.url.rstrip("/")

    try:
        requests.get(f"{base}/healthz", timeout=10).raise_for_status()
    except requests.RequestException as exc:
        sys.exit(f"No server answering at {base} ({exc}). Start it with `BENCH=1 make run`.")
    person = Person(base)
    person.sign_in(SAM)
    update = person.start_update()
    floor = Page("floor (bare signed-in page)", "/history/_floor")
    if person.get(floor.path).status_code != 200:
        floor = Page("floor (/healthz)", "/healthz")
        print("The server runs without BENCH=1: using /healthz as the floor.", file=sys.stderr)
    pages = [
        floor,
        Page("dashboard", "/"),
        Page("history", "/history/"),
        Page("status fragment", f"{update}status/", {"HX-Request": "true"}),
    ]
    for page in pages[1:]:
        answer = person.get(page.path, headers=page.headers)
        if answer.status_code != 200:
            sys.exit(f"{page.path} answers HTTP {answer.status_code} to a signed-in person.")

    cookies = copy_sessions(person.http.cookies["sessionid"], args.clients)
    try:
        results = measure(
            base, pages, cookies, seconds=args.seconds, rounds=args.rounds, warmup=args.warmup
        )
    finally:
        drop_sessions(cookies)
    passed = report(results, args.clients, args.seconds)
    if not person.still_running(update):
        print(
            f"note: the update {update} finished during the measurement; its status fragment "
            "is polled only while it runs. Start the server with ZOHOSIM_JOB_SECONDS_PER_RECORD=1 "
            "so it keeps running.",
            file=sys.stderr,
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
