"""Reading our downloads back as a spreadsheet program does: LibreOffice (headless) converts
them to a flat OpenDocument file, and we read the cells it made, with their types.

LibreOffice is installed by `.ci/run` (Debian's libreoffice-calc-nogui); CI fails without it,
a developer's machine without it skips these tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

# LibreOffice's CSV import options: separator, quote, charset (76: UTF-8), first line,
# column types (none: detected), language, "format quoted field as text".
CSV_COMMA = "CSV:44,34,76,1,,0,false"
CSV_COMMA_QUOTED_AS_TEXT = "CSV:44,34,76,1,,0,true"
CSV_SEMICOLON = "CSV:59,34,76,1,,0,false"


@dataclass(frozen=True)
class Cell:
    type: str  # "string", "float", "date", ... ("" for an empty cell)
    text: str  # what the cell shows
    value: str  # the stored value: office:value or office:date-value, else the text
    formula: str  # "" unless the cell is a formula


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: .ci/run installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    return found


def cells_of(data: bytes, suffix: str, tmp_path: Path, infilter: str = "") -> list[list[Cell]]:
    """`data` (a .csv or .xlsx file's bytes) as LibreOffice reads it: its first sheet's rows."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / f"download{suffix}"
    source.write_bytes(data)
    out = tmp_path / "converted"
    command = [
        soffice(),
        f"-env:UserInstallation=file://{tmp_path / 'profile'}",
        "--headless",
        "--convert-to",
        "fods",
        "--outdir",
        str(out),
        str(source),
    ]
    if infilter:
        command[3:3] = [f"--infilter={infilter}"]
    subprocess.run(command, check=True, capture_output=True, timeout=180)  # noqa: S603
    tree = ET.parse(out / "download.fods")  # noqa: S314  (LibreOffice's own output)
    sheet = tree.find(f".//{{{TABLE}}}table")
    assert sheet is not None
    rows = []
    for row in sheet.iter(f"{{{TABLE}}}table-row"):
        cells = []
        for cell in row.findall(f"{{{TABLE}}}table-cell"):
            repeat = int(cell.get(f"{{{TABLE}}}number-columns-repeated", "1"))
            kind = cell.get(f"{{{OFFICE}}}value-type", "")
            text = "\n".join("".join(p.itertext()) for p in cell.findall(f"{{{TEXT}}}p"))
            value = cell.get(f"{{{OFFICE}}}date-value") or cell.get(f"{{{OFFICE}}}value") or text
            formula = cell.get(f"{{{TABLE}}}formula", "")
            cells.extend([Cell(kind, text, value, formula)] * min(repeat, 50))
        while cells and not cells[-1].type and not cells[-1].formula:
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


def as_dicts(rows: list[list[Cell]]) -> list[dict[str, Cell]]:
    header = [c.text for c in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]
