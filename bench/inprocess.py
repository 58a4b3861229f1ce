"""What bench/undo.py and bench/frozen.py share: the environment of an in-process run (set
before Django is imported), the app with its simulator served over HTTP on a free local port,
and the worker loop run in the calling thread."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = _free_port()
ORIGIN = f"http://127.0.0.1:{PORT}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crmupdate.settings")
os.environ["DEBUG"] = "0"  # no query log kept in memory over a long worker run
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("TOKEN_ENCRYPTION_KEYS", "0PDmyxSybPzNXYDd4MBJy2-gAlUgZeKbSAO9UuKV_Zo=")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DB_CONN_MAX_AGE", "0")
os.environ["ZOHOSIM_ENABLED"] = "1"
os.environ["ZOHO_ACCOUNTS_URL"] = f"{ORIGIN}/zohosim/accounts"
os.environ["ZOHOSIM_PUBLIC_URL"] = ORIGIN
os.environ["ZOHOSIM_JOB_START_DELAY"] = "0"  # the Zoho job itself is not what is measured
os.environ["ZOHOSIM_JOB_SECONDS_PER_RECORD"] = "0"


def configure(sqlite_name: str) -> None:
    """The database: DATABASE_URL if set, else the SQLite file var/`sqlite_name`."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / sqlite_name}")


VIEW = "Imported batch 2024-Q3"
SAM = "sam.ops@zylker.example"
ZYLKER = "738964000000020005"


def serve() -> None:
    """The app (with the simulator) on ORIGIN, one thread per request."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", PORT), Quiet, allow_reuse_address=True)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()


def work(until: object, what: str, limit: float = 3600) -> None:
    """Run the worker (in this thread) until `until()` is true."""
    from crmupdate.massupdate.worker import worker_run

    deadline = time.monotonic() + limit
    while not until():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        worker_run(until_idle=True, max_actions=200)
        time.sleep(0.05)
