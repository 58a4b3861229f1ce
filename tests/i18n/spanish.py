"""What of a page is still English when it is shown in Spanish.

The visible text of the page (scripts, styles, hidden inputs and `translate="no"` elements left
out) is split into words; a word counts as English when it is one of the common English words
below and not a Spanish word too. Data from Zoho (record names, module labels, view names, the
people's names) is the CRM's own and stays as Zoho gives it: mark such an element
`translate="no"`, as a translator's tools would skip it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Frequent English words of the app's text that are not Spanish words.
ENGLISH = frozenset(
    """
    the and of to your you with from for this that these those what which when who how why
    will would can could should must may not yes are is was were been being have has had
    do does did done all any each every some more less only also again here there then than
    into onto about after before while until other its it's it they them their our we
    update updates updated updating change changes changed changing record records field
    fields view views value values new old run running ran sent send sending undo undone
    history dashboard account sign signed out in on at by or if but so be an
    failed failure failures completed complete waiting queued scheduled stopped cancelled
    review reviewed confirm choose chosen pick add remove keep kept back next previous page
    show shown hide download downloads please try later because people team
    module modules search filter filters status date time started finished
    """.split()  # noqa: SIM905
)
# Spanish words spelt like one of the above (and words both languages share).
ALSO_SPANISH = {"a", "no", "son", "era", "once", "come", "pie", "sin", "dame"}


class _Text(HTMLParser):
    SKIP = {"script", "style", "template", "noscript"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr", "area"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            values = dict(attrs)
            for name in ("alt", "placeholder", "aria-label", "title"):
                if values.get(name) and not self._skipping():
                    self.parts.append(str(values[name]))
            return
        values = dict(attrs)
        skip = tag in self.SKIP or values.get("translate") == "no" or "hidden" in values
        self.stack.append(skip)
        if not self._skipping():
            for name in ("aria-label", "title", "placeholder"):
                if values.get(name):
                    self.parts.append(str(values[name]))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if self.stack:
            self.stack.pop()

    def _skipping(self) -> bool:
        return any(self.stack)

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def english_words(html: str) -> list[str]:
    """The English words left on a page (in page order, each once)."""
    found: dict[str, None] = {}
    for word in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", visible_text(html)):
        lower = word.lower()
        if lower in ENGLISH and lower not in ALSO_SPANISH:
            found[lower] = None
    return list(found)
