"""The Spanish catalogue is complete, current and compiled.

- every string is translated, none fuzzy, placeholders kept;
- it holds exactly the strings the code marks today (`make messages` run on a copy of the
  tree finds no more and no fewer);
- the shipped .mo says what the .po says.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_0-9]+\)[sdf]|%[sd]|\{[a-z_0-9]*\}", text))


def test_every_string_is_translated_and_none_fuzzy():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert catalogue.metadata["Language"] == "es"


def test_placeholders_survive_translation():
    wrong = []
    for entry in polib.pofile(str(PO)):
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                source = entry.msgid if index == 0 else entry.msgid_plural
                if (
                    set(_placeholders(text))
                    - set(_placeholders(entry.msgid_plural))
                    - set(_placeholders(source))
                ):
                    wrong.append((entry.msgid, text))
        elif _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            wrong.append((entry.msgid, entry.msgstr))
    assert wrong == []


def test_compiled_catalogue_matches_the_po():
    po = {_key(e): (e.msgstr, dict(e.msgstr_plural)) for e in polib.pofile(str(PO)) if e.msgid}
    mo = {_key(e): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(str(MO)) if e.msgid}
    assert mo == po, "run `make messages` to compile locale/es/LC_MESSAGES/django.mo"


def test_catalogue_holds_every_marked_string(tmp_path):
    # `make messages` on a copy of the tree: the catalogue it makes has the same strings.
    assert shutil.which("xgettext"), "GNU gettext is needed (apt-get install gettext)"
    copy = tmp_path / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("crmupdate", "templates"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    shutil.copytree(ROOT / "locale", copy / "locale")
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "crmupdate.settings"}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "es",
            "--no-location",
            "--no-obsolete",
            "--ignore=crmupdate/zohosim/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    made = {_key(e) for e in polib.pofile(str(copy / PO.relative_to(ROOT))) if e.msgid}
    shipped = {_key(e) for e in polib.pofile(str(PO)) if e.msgid and not e.obsolete}
    assert sorted(made - shipped) == [], "strings not in the catalogue: run `make messages`"
    assert sorted(shipped - made) == [], "strings no longer in the code: run `make messages`"
