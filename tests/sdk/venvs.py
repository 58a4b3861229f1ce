"""The SDKs' virtualenvs: one per SDK under var/sdk-venvs/, made from the pins in
pyproject.toml (extras `sdk2`, `sdk8`) the first time a test needs it, then reused."""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENVS = ROOT / "var" / "sdk-venvs"
# The SDK driven at each API version, and the package it imports.
SDKS = {"v2": ("sdk2", "zcrmsdk"), "v8": ("sdk8", "zohocrmsdk")}


def pin(extra: str) -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    (requirement,) = project["optional-dependencies"][extra]
    return str(requirement)


def sdk_venv(version: str) -> Path:
    """The python of the SDK's virtualenv, made if missing (one maker at a time)."""
    extra, package = SDKS[version]
    wanted = pin(extra)
    venv = VENVS / f"{extra}-{hashlib.sha256(wanted.encode()).hexdigest()[:10]}"
    python = venv / "bin" / "python"
    ready = venv / "ready"
    VENVS.mkdir(parents=True, exist_ok=True)
    with open(VENVS / f"{extra}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            steps = [
                [sys.executable, "-m", "venv", "--clear", str(venv)],
                [str(python), "-m", "pip", "install", "--quiet", wanted],
                [str(python), "-c", f"import {package}"],
            ]
            for command in steps:
                # A download from PyPI can fail once on a busy network: one more try.
                for _attempt in range(2):
                    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
                    if done.returncode == 0:
                        break
                else:
                    pytest.fail(
                        f"Zoho's SDK {wanted} could not be installed for the {version} tests "
                        f"({' '.join(command[-3:])}, exit status {done.returncode}):\n"
                        f"{done.stdout}\n{done.stderr}"
                    )
            ready.write_text(wanted + "\n")
    return python
