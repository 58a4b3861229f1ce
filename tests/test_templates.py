import re
from pathlib import Path

TEMPLATE_DIRS = [Path(__file__).resolve().parent.parent / "templates"] + list(
    (Path(__file__).resolve().parent.parent / "crmupdate").glob("*/templates")
)


def test_no_template_has_a_multi_line_short_comment():
    # Django's {# #} comments end at the line's end: a multi-line one is printed on the page.
    offenders = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            for match in re.finditer(r"\{#(.*?)#\}", path.read_text(), re.S):
                if "\n" in match.group(1):
                    offenders.append(str(path))
    assert offenders == []
