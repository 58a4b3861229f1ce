"""Full-page screenshots of the main pages in both languages at both widths, to look at by eye.

    .venv/bin/python -m tests.e2e.screenshots [pytest options, e.g. -k es]

runs the language walk (tests/e2e/test_both_languages.py) against the practice CRM on a live
test server and keeps each page as var/screenshots/{lang}-{width}-{page}.png (SCREENSHOTS_DIR
chooses another folder). The walk's checks run as usual and are reported; the pictures are
written either way. Not part of `make test` (pytest only collects test_*.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    import pytest

    folder = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "var" / "screenshots").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    os.environ["SCREENSHOTS_DIR"] = str(folder)
    os.chdir(ROOT)
    code = pytest.main(
        [
            str(ROOT / "tests" / "e2e" / "test_both_languages.py"),
            "-q",
            "-p",
            "no:cacheprovider",
            *argv,
        ]  # fmt: skip
    )
    shots = sorted(folder.glob("*.png"))
    print(f"{len(shots)} screenshots in {folder}")
    return 0 if shots else int(code) or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
