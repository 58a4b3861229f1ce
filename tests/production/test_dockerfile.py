"""The Docker image carries every folder the running app reads from the project's root."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_image_copies_templates_static_files_and_the_catalogues():
    copied = set()
    for line in re.findall(r"^COPY (.+)$", (ROOT / "Dockerfile").read_text(), re.M):
        copied.update(line.split()[:-1])  # the last one is where they go
    needed = {
        *(Path(d).relative_to(ROOT).as_posix() for d in settings.TEMPLATES[0]["DIRS"]),
        *(Path(d).relative_to(ROOT).as_posix() for d in settings.STATICFILES_DIRS),
        *(Path(d).relative_to(ROOT).as_posix() for d in settings.LOCALE_PATHS),
        "crmupdate",
        "manage.py",
    }
    assert needed <= copied, needed - copied
    # The Spanish catalogue ships compiled: the image has no gettext to compile it.
    assert (ROOT / "locale" / "es" / "LC_MESSAGES" / "django.mo").is_file()
