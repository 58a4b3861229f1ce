"""A browser without JavaScript: `requests` against the live server, following redirects and
submitting forms (with their CSRF tokens) the way a person clicking buttons would."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

import requests

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.DOTALL)
_ACTION = re.compile(r'action="([^"]*)"')
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


class HttpBrowser:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.session = requests.Session()
        self.page: requests.Response | None = None

    def get(self, path: str) -> requests.Response:
        self.page = self.session.get(urljoin(self.origin, path), timeout=30)
        return self.page

    @property
    def text(self) -> str:
        assert self.page is not None
        return self.page.text

    @property
    def url(self) -> str:
        assert self.page is not None
        return self.page.url

    def press(self, button_text: str, **button: str) -> requests.Response:
        """Submit the form holding the button labelled `button_text` (with the button's own
        name=value, if given), following redirects."""
        assert self.page is not None
        for form in _FORM.findall(self.page.text):
            if button_text not in html.unescape(form):
                continue
            action = html.unescape(_ACTION.search(form).group(1)) or self.page.url
            data = {name: html.unescape(value) for name, value in _HIDDEN.findall(form)}
            csrf = _CSRF.search(form)
            if csrf:
                data["csrfmiddlewaretoken"] = csrf.group(1)
            data.update(button)
            self.page = self.session.post(
                urljoin(self.page.url, action),
                data=data,
                headers={"Referer": self.page.url},
                timeout=30,
            )
            return self.page
        raise AssertionError(f"no form with {button_text!r} on {self.page.url}")
