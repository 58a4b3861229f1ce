"""The language crmupdate speaks to a person.

In order: the language the person chose on their account page (kept on the member and copied
into the session at sign-in and on change), else their Zoho user's locale ("es_ES" -> Spanish),
else the browser's Accept-Language, else English. Only languages in settings.LANGUAGES are
used; anything else falls through to the next source.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from crmupdate.locales import SESSION_KEY as ZOHO_LOCALE_SESSION_KEY

SESSION_KEY = "ui_language"
AUTOMATIC = ""


def supported(code: object) -> str | None:
    """The supported language for a code or locale ("es_ES", "es-mx", "ES"), if any."""
    if not isinstance(code, str) or not code:
        return None
    language = code.replace("_", "-").lower()[:20]
    available = {lang for lang, _name in settings.LANGUAGES}
    for candidate in (language, language.split("-")[0]):
        if candidate in available:
            return candidate
    return None


def language_for(request: HttpRequest) -> str:
    session = getattr(request, "session", None)
    if session is not None:
        chosen = supported(session.get(SESSION_KEY))
        if chosen:
            return chosen
        zoho = supported(session.get(ZOHO_LOCALE_SESSION_KEY))
        if zoho:
            return zoho
    browser = translation.get_language_from_request(request, check_path=False)
    return supported(browser) or str(settings.LANGUAGE_CODE)


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        # Left active for the rest of the request: streamed downloads are written after this
        # returns, in the same thread; the next request activates its own.
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response
