"""The fuzz tests are reproducible in CI: with CI=true every settings object the tests build
is derandomised (same examples on every run) and keeps no example database."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = (
    "import tests.conftest\n"
    "from hypothesis import settings\n"
    "s = settings(max_examples=7, deadline=None)\n"
    "print(settings.default.derandomize, s.derandomize, s.database is None)\n"
)


def probe(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"CI", "HYPOTHESIS_PROFILE"}}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_ci_runs_the_same_examples_every_time():
    assert probe(CI="true") == "True True True"


def test_local_runs_explore_at_random():
    assert probe() == "False False False"
