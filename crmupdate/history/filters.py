"""The history's filters, as the URL carries them: module, person, status, dates, search, page.

Everything is optional and forgiving: a value that does not parse is reported next to the
form and left out, the rest still applies. Dates are the viewer's own calendar days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crmupdate.history.cursors import MAX_ID, Cursor, cursor_parse
from crmupdate.massupdate.models import UpdateStatus

# The statuses a person filters by, each covering one or more stored statuses.
STATUS_GROUPS: dict[str, tuple[Promise, tuple[str, ...]]] = {
    "running": (
        _("Running"),
        (UpdateStatus.QUEUED, UpdateStatus.RUNNING, UpdateStatus.WAITING),
    ),
    "attention": (_("Needs attention"), (UpdateStatus.PAUSED, UpdateStatus.NEEDS_ATTENTION)),
    "completed": (_("Completed"), (UpdateStatus.COMPLETED,)),
    "completed_with_failures": (
        _("Completed with failures"),
        (UpdateStatus.COMPLETED_WITH_FAILURES,),
    ),
    "failed": (_("Failed"), (UpdateStatus.FAILED,)),
    "refused": (_("Refused by Zoho"), (UpdateStatus.REFUSED,)),
}
STATUS_CHOICES = [("", _("Any status"))] + [
    (key, label) for key, (label, _statuses) in STATUS_GROUPS.items()
]

# Shorter words cannot use the search index and would match almost everything anyway.
MIN_WORD_LENGTH = 3
MAX_WORDS = 5


@dataclass(frozen=True)
class HistoryFilters:
    """What the history is narrowed to (empty: everything of the team)."""

    module: str = ""
    person: int | None = None
    statuses: tuple[str, ...] = ()
    since: dt.datetime | None = None  # first instant included
    until: dt.datetime | None = None  # first instant no longer included
    words: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(
            self.module or self.person or self.statuses or self.since or self.until or self.words
        )


class CursorField(forms.CharField):
    def to_python(self, value: Any) -> Cursor | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        cursor = cursor_parse(text)
        if cursor is None:
            raise forms.ValidationError(
                gettext("This page link is not valid; showing the newest updates.")
            )
        return cursor


class HistoryFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Search"), strip=True)
    module = forms.CharField(required=False, max_length=100, label=_("Module"))
    person = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label=_("Person"))
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES, label=_("Status"))
    since = forms.DateField(required=False, label=_("From"))
    until = forms.DateField(required=False, label=_("To"))
    before = CursorField(required=False)
    after = CursorField(required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", gettext("The end date is before the start date."))
            data.pop("until", None)
        return data

    def words(self) -> tuple[str, ...]:
        text = self.cleaned_data.get("q") or ""
        found = [w for w in text.split() if len(w) >= MIN_WORD_LENGTH]
        return tuple(dict.fromkeys(found))[:MAX_WORDS]

    def ignored_words(self) -> list[str]:
        text = self.cleaned_data.get("q") or ""
        return [w for w in text.split() if len(w) < MIN_WORD_LENGTH]

    def filters(self, zone: ZoneInfo) -> HistoryFilters:
        """The valid part of the input (call after `is_valid()`, whatever it returned)."""
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        status = data.get("status") or ""
        return HistoryFilters(
            module=data.get("module") or "",
            person=data.get("person"),
            statuses=STATUS_GROUPS[status][1] if status in STATUS_GROUPS else (),
            since=_day_start(since, zone) if since and since > _FIRST_DAY else None,
            until=_day_start(until + dt.timedelta(days=1), zone)
            if until and until < _LAST_DAY
            else None,
            words=self.words(),
        )


# The calendar's first and last days hold no update, and their starts in some time zones are
# outside the calendar in UTC: from the first day or to the last one means no bound at all.
_FIRST_DAY, _LAST_DAY = dt.date.min + dt.timedelta(days=1), dt.date.max - dt.timedelta(days=1)


def _day_start(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def options_marked(
    choices: Iterable[tuple[Any, str | Promise]], selected: Any
) -> list[tuple[str, str, bool]]:
    """A filter's choices as (value, label, chosen) for its `<select>`: the comparison is made
    here once, not per option in the template."""
    chosen = "" if selected is None else str(selected)
    return [(str(value), str(label), str(value) == chosen) for value, label in choices]
