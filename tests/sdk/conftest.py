"""Zoho's own SDKs as judges of the practice CRM.

Each SDK gets its own virtualenv (their packages clash), made once from the pin in
pyproject.toml (`sdk2`, `sdk8` extras) under var/sdk-venvs/ and reused by later runs, so the
SQLite and PostgreSQL runs of `make test` install it once. Only PyPI is needed. A missing or
broken SDK fails the tests (never skips them).

`sdk_run(version, steps)` runs that SDK's driver (tests/sdk/driver_v2.py, driver_v8.py) as a
subprocess against the live server, with a fresh token for the admin user and a fresh SDK
resource_path (the SDK caches field metadata there), and returns one result per step.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures_sim import ADMIN_EMAIL
from tests.sdk.venvs import SDKS, sdk_venv

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def sdk_pythons() -> dict[str, Path]:
    return {version: sdk_venv(version) for version in SDKS}


@pytest.fixture
def sdk_run(
    sdk_pythons: dict[str, Path], sim_token: Any, live_server: Any, tmp_path: Path
) -> Callable[..., list[dict[str, Any]]]:
    def run(version: str, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        tokens = sim_token(ADMIN_EMAIL, live_server.url)
        resource_path = tmp_path / f"sdk-{version}-{len(list(tmp_path.iterdir()))}"
        resource_path.mkdir()
        config = {
            "api_url": tokens["api_domain"],
            "accounts_url": tokens["accounts_server"] + "/oauth/v2/token",
            "access_token": tokens["access_token"],
            "email": ADMIN_EMAIL,
            "resource_path": str(resource_path),
            "steps": steps,
        }
        done = subprocess.run(
            [str(sdk_pythons[version]), str(HERE / f"driver_{version}.py")],
            input=json.dumps(config),
            capture_output=True,
            text=True,
            timeout=300,
            cwd=resource_path,
            env={**os.environ, "PYTHONPATH": str(HERE)},
        )
        assert done.returncode == 0, f"the {version} SDK driver failed:\n{done.stderr}"
        results: list[dict[str, Any]] = json.loads(done.stdout)
        return results

    return run
