"""Every template stays within the Content-Security-Policy: no inline style, no inline event
handler (`onclick=`, htmx's `hx-on`: neither runs under our policy), and every script is a
file of our own carrying the response's nonce. Checked on the templates themselves, so a page
no browser test opens is covered too."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    [*ROOT.glob("templates/**/*.html"), *ROOT.glob("crmupdate/**/templates/**/*.html")]
)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_has_no_inline_style_handler_or_script(template):
    text = template.read_text()

    assert not re.search(r"\sstyle\s*=", text), "inline style attribute"
    assert not re.search(r"<style\b", text), "inline <style> element"
    assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), "inline event handler"
    assert not re.search(r"\shx-on[:-]", text), "hx-on handler (needs eval)"
    assert not re.search(r"javascript:", text, re.IGNORECASE), "javascript: URL"
    for script in re.findall(r"<script\b[^>]*>", text):
        assert "{% csp_nonce_attr %}" in script, f"script without the nonce: {script}"
        assert re.search(r'\ssrc="\{% static ', script), f"inline or foreign script: {script}"
