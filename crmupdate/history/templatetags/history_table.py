"""The history table's column labels, in the page's language: the headers, and on a phone,
where each row is a card, each cell's `data-label`."""

from __future__ import annotations

from functools import cache

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from crmupdate.history.rows import column_labels

register = template.Library()


@cache
def _escaped(language: str | None) -> dict[str, SafeString]:
    return {key: conditional_escape(label) for key, label in column_labels().items()}


class ColumnLabelNode(template.Node):
    def __init__(self, key: str) -> None:
        self.key = key

    def render(self, context: template.Context) -> str:
        return _escaped(get_language())[self.key]


@register.tag
def column_label(parser: template.base.Parser, token: template.base.Token) -> ColumnLabelNode:
    """`{% column_label when %}`: that column's label, escaped once per language. A row
    writes nine of them: a tag needs no context look-up, and the row partial needs nothing
    more from the view that renders it."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1] not in column_labels():
        raise template.TemplateSyntaxError(
            f"column_label takes one of {', '.join(column_labels())}: {token.contents!r}"
        )
    return ColumnLabelNode(bits[1])
