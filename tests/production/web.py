"""A person using the app over real HTTP (the live server), without a browser: signing in
through the practice CRM's consent page and going through the mass-update pages. Every
request it makes is remembered, so tests can match them with the server's log lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests


@dataclass
class Visit:
    method: str
    path: str
    status: int


@dataclass
class WebPerson:
    origin: str
    http: requests.Session = field(default_factory=requests.Session)
    visits: list[Visit] = field(default_factory=list)
    grant_codes: list[str] = field(default_factory=list)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        if url.startswith("/"):
            url = self.origin + url
        if method == "POST":
            data = dict(kwargs.pop("data", None) or {})
            data.setdefault("csrfmiddlewaretoken", self.csrf_token())
            kwargs["data"] = data
            kwargs.setdefault("headers", {}).setdefault("Referer", self.origin + "/")
        response = self.http.request(method, url, allow_redirects=False, timeout=60, **kwargs)
        parts = urlsplit(url)
        self.visits.append(Visit(method, parts.path, response.status_code))
        return response

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, data: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", url, data=data, **kwargs)

    def follow(self, response: requests.Response) -> requests.Response:
        """Follow redirects the way a browser does (GET), remembering each request."""
        while response.is_redirect:
            location = response.headers["Location"]
            if "/oauth/complete/" in location:
                self.grant_codes += parse_qs(urlsplit(location).query).get("code", [])
            response = self.get(location)
        return response

    def csrf_token(self) -> str:
        token = self.http.cookies.get("csrftoken")
        if token is None:
            self.get("/")
            token = self.http.cookies["csrftoken"]
        return str(token)

    def sign_in(self, email: str) -> requests.Response:
        """Home, "Sign in with Zoho", pick `email` on the practice CRM's page, and back."""
        self.get("/")
        consent = self.follow(self.post("/oauth/login/zoho/"))
        assert "Practice CRM sign-in" in consent.text, consent.text[:500]
        dashboard = self.follow(self.post(consent.url, {"user": email}))
        assert "Welcome," in dashboard.text, dashboard.text[:2000]
        return dashboard

    def start_update(self, *, module: str, cvid: str, field_values: dict[str, str]) -> str:
        """New update, module and view, the changes, the review; returns the review's URL."""
        self.get("/updates/new/")
        self.get(f"/updates/new/?module={module}", headers={"HX-Request": "true"})
        changes = self.post("/updates/new/", {"module": module, "cvid": cvid})
        assert changes.status_code == 302, changes.text[:2000]
        changes_url = changes.headers["Location"]
        self.get(changes_url)
        form: dict[str, Any] = {"action": "review", "field": list(field_values)}
        form.update({f"value__{name}": value for name, value in field_values.items()})
        review = self.post(changes_url, form)
        assert review.status_code == 302, review.text[:3000]
        return str(review.headers["Location"])

    def run(self, review_url: str) -> str:
        """Open the review and press "Run mass update"; returns the update's page URL."""
        review = self.get(review_url)
        token = re.search(r'name="run_token" value="([^"]+)"', review.text)
        assert token, review.text[:3000]
        run_url = review_url.removesuffix("review/") + "run/"
        ran = self.post(run_url, {"run_token": token.group(1)})
        assert ran.status_code == 302, ran.text[:2000]
        return str(ran.headers["Location"])
