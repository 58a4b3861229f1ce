"""The person's locale, and how dates are typed and shown in it.

The locale is the Zoho user's own (`locale` of the CRM user, e.g. "en_GB", kept in the session
at sign-in), else the browser's first Accept-Language, else the site's. Date formats come
from Django's per-locale formats: the locale's first numeric format with a four-digit year is
the one shown (hint, review, history) and the first one accepted; the locale's other input
formats and ISO (what a native date picker sends) are accepted too. One style for typing and
for showing, so "31/12/2025" typed reads back as "31/12/2025".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.formats import get_format
from django.utils.translation import pgettext, to_language
from django.utils.translation.trans_real import parse_accept_lang_header

SESSION_KEY = "zoho_locale"
ISO_DATE = "%Y-%m-%d"
TIME_FORMATS = ("%H:%M", "%H:%M:%S")
_LOCALE = re.compile(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class DateStyle:
    language: str  # Django's form of the locale, e.g. "en-gb"
    date_format: str  # strftime, e.g. "%d/%m/%Y"
    date_inputs: tuple[str, ...]

    @property
    def datetime_format(self) -> str:
        return f"{self.date_format} %H:%M"

    @property
    def datetime_inputs(self) -> tuple[str, ...]:
        dates = (*self.date_inputs, ISO_DATE)
        typed = tuple(f"{d} {t}" for d in dict.fromkeys(dates) for t in TIME_FORMATS)
        return typed + tuple(f"{ISO_DATE}T{t}" for t in TIME_FORMATS)

    @property
    def date_hint(self) -> str:
        """The format in words a person types: "dd/mm/yyyy"."""
        return _hint(self.date_format)

    @property
    def datetime_hint(self) -> str:
        return _hint(self.datetime_format)

    def show_date(self, day: dt.date) -> str:
        return day.strftime(self.date_format.replace("%Y", f"{day.year:04d}"))

    def show_datetime(self, moment: dt.datetime) -> str:
        # the year always in four digits (strftime writes year 1 as "1")
        return moment.strftime(self.datetime_format.replace("%Y", f"{moment.year:04d}"))


def _hint(fmt: str) -> str:
    parts = {
        "%d": pgettext("date format hint: day", "dd"),
        "%m": pgettext("date format hint: month", "mm"),
        "%Y": pgettext("date format hint: year", "yyyy"),
        "%y": pgettext("date format hint: year", "yy"),
        "%H": pgettext("date format hint: hours", "hh"),
        "%M": pgettext("date format hint: minutes", "mm"),
    }
    return re.sub(r"%[dmYyHM]", lambda m: parts[m.group(0)], fmt)


@cache
def date_style(locale: str | None) -> DateStyle:
    language = to_language(locale or settings.LANGUAGE_CODE).lower()
    formats = [str(f) for f in get_format("DATE_INPUT_FORMATS", lang=language)]
    numeric = [f for f in formats if "%b" not in f and "%B" not in f]
    shown = next((f for f in numeric if "%Y" in f and f != ISO_DATE), ISO_DATE)
    inputs = tuple(dict.fromkeys([shown, *numeric, ISO_DATE]))
    return DateStyle(language=language, date_format=shown, date_inputs=inputs)


def person_locale(request: Any) -> str:
    """The Zoho user's locale, else the browser's, else the site's ("en_GB", "de-de"...)."""
    session = getattr(request, "session", None)
    zoho = session.get(SESSION_KEY, "") if session is not None else ""
    if isinstance(zoho, str) and _LOCALE.fullmatch(zoho):
        return zoho
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "") if request is not None else ""
    for language, _quality in parse_accept_lang_header(header[:500]):
        if language != "*" and _LOCALE.fullmatch(language):
            return language
    return str(settings.LANGUAGE_CODE)
