"""The app as production runs it, for tests: the documented production environment, a fresh
database, collected static files, and gunicorn in a child process."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_HOST = "crmupdate.example.com"


def production_env(**overrides: str) -> dict[str, str]:
    """The production environment README documents (behind a TLS-terminating proxy), with
    nothing inherited from the test run but the basics a process needs."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": PUBLIC_HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{PUBLIC_HOST}",
        "DATABASE_URL": "postgres://crmupdate:secret@db.internal:5432/crmupdate",
        "BEHIND_PROXY": "1",
        "ZOHO_CLIENT_ID": "1000.PRODUCTIONCLIENTID",
        "ZOHO_CLIENT_SECRET": secrets.token_hex(21),
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def production_server(tmp_path: Path, **overrides: str) -> Iterator[tuple[str, dict[str, str]]]:
    """gunicorn serving the app with the production environment on a fresh SQLite database;
    yields (base URL, environment)."""
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        **overrides,
    )
    for args in (("migrate", "--noinput", "-v0"), ("collectstatic", "--noinput", "-v0")):
        done = manage(env, *args)
        assert done.returncode == 0, done.stderr
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "crmupdate.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/healthz", headers={"Host": PUBLIC_HOST}, timeout=2)
                break
            except (requests.ConnectionError, requests.Timeout):  # not up yet (a busy machine)
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "gunicorn did not start:\n" + (tmp_path / "gunicorn.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield base, env
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
