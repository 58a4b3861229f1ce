"""Which language crmupdate speaks: the account page's choice, else the Zoho user's locale,
else the browser's, else English; and the choice outlives signing out and in again."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from crmupdate.accounts.models import Member
from tests.accounts.http_browser import HttpBrowser
from tests.accounts.zoho_fakes import ZohoPerson, save_person
from tests.i18n.spanish import english_words

LUCIA = "lucia.ventas@globex.example"  # the practice CRM's Zoho user with locale es_ES
SAM = "sam.ops@zylker.example"


def html_lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found, html[:300]
    return found.group(1)


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("Vary", "").split(",")}


@pytest.mark.django_db
def test_signed_out_a_spanish_browser_gets_the_home_page_in_spanish(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5")
    page = response.content.decode()

    assert "Cambie muchos registros de Zoho CRM a la vez, con seguridad" in page
    assert "Iniciar sesión con Zoho" in page
    assert english_words(page) == []
    assert html_lang(page) == "es"
    assert response["Content-Language"] == "es"
    assert "accept-language" in vary(response)


@pytest.mark.django_db
def test_signed_out_without_a_known_language_the_home_page_is_english(client):
    for header in ({}, {"HTTP_ACCEPT_LANGUAGE": "fr-FR,de;q=0.8"}):
        response = client.get("/", **header)
        page = response.content.decode()
        assert "Change many Zoho CRM records at once, safely" in page
        assert html_lang(page) == "en"
        assert response["Content-Language"] == "en"
        assert "accept-language" in vary(response)


@pytest.mark.django_db
def test_the_language_form_needs_its_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(save_person(ZohoPerson()))
    response = browser.post("/account/language/", {"language": "es"})
    assert response.status_code == 403
    assert Member.objects.get().language == ""


@pytest.mark.django_db
def test_the_language_form_needs_sign_in(client):
    response = client.post("/account/language/", {"language": "es"})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/signin/"


# Through the practice CRM over real HTTP: sign-in copies the Zoho locale and the choice
# saved on the member into the session, as it does for real Zoho users.


@pytest.fixture
def browser_for(sim, zoho_sim_origin):
    def make(accept_language: str = "en-US,en;q=0.9") -> HttpBrowser:
        web = HttpBrowser(zoho_sim_origin)
        web.session.headers["Accept-Language"] = accept_language
        return web

    return make


def sign_in(web: HttpBrowser, email: str, name: str) -> None:
    web.get("/")
    web.press("Sign in with Zoho" if html_lang(web.text) == "en" else "Iniciar sesión con Zoho")
    web.press(name, user=email)
    assert urlsplit(web.url).path == "/", web.url


def choose_language(web: HttpBrowser, code: str) -> None:
    web.get("/account/")
    button = "Save language" if html_lang(web.text) == "en" else "Guardar idioma"
    web.press(button, language=code)
    assert urlsplit(web.url).path == "/account/"


@pytest.mark.django_db(transaction=True)
def test_a_zoho_user_with_a_spanish_locale_gets_spanish_over_an_english_browser(browser_for):
    lucia = browser_for("en-US,en;q=0.9")
    sign_in(lucia, LUCIA, "Lucía Fernández")

    assert "Hola, Lucía Fernández" in lucia.text
    assert "Está trabajando en" in lucia.text and "Globex Corporation" in lucia.text
    assert html_lang(lucia.text) == "es"
    assert lucia.page.headers["Content-Language"] == "es"
    assert "accept-language" in vary(lucia.page)

    lucia.get("/account/")
    assert "Su cuenta" in lucia.text and "Automático" in lucia.text
    assert english_words(lucia.text) == []


@pytest.mark.django_db(transaction=True)
def test_the_chosen_language_wins_outlives_sign_out_and_automatic_returns_to_zoho(
    browser_for,
):
    lucia = browser_for("es-ES,es;q=0.9")
    sign_in(lucia, LUCIA, "Lucía Fernández")
    assert html_lang(lucia.text) == "es"

    choose_language(lucia, "en")
    assert "Language saved." in lucia.text
    assert html_lang(lucia.text) == "en" and lucia.page.headers["Content-Language"] == "en"
    assert Member.objects.get(email=LUCIA).language == "en"
    lucia.get("/")
    assert "Welcome, Lucía Fernández" in lucia.text

    # Signed out, the browser's Spanish speaks again; signed in, the choice is back.
    lucia.press("Sign out")
    assert html_lang(lucia.text) == "es"
    sign_in(lucia, LUCIA, "Lucía Fernández")
    assert "Welcome, Lucía Fernández" in lucia.text
    assert html_lang(lucia.text) == "en"

    # "Automatic" follows the Zoho locale (es_ES) again.
    choose_language(lucia, "")
    assert "Idioma guardado." in lucia.text
    assert html_lang(lucia.text) == "es"
    assert Member.objects.get(email=LUCIA).language == ""


@pytest.mark.django_db(transaction=True)
def test_an_unknown_language_is_refused_and_another_teams_person_is_unaffected(browser_for):
    sam = browser_for("es")
    sign_in(sam, SAM, "Sam Ortega")
    # No choice made, and Zoho says en_US: Zoho's locale wins over the browser.
    assert "Welcome, Sam Ortega" in sam.text and html_lang(sam.text) == "en"

    lucia = browser_for()
    sign_in(lucia, LUCIA, "Lucía Fernández")
    for code in ("fr", "es-MX", "english", "x" * 40):
        choose_language(lucia, code)
        assert "Elija uno de los idiomas de la lista." in lucia.text
        assert "Idioma guardado." not in lucia.text
        assert html_lang(lucia.text) == "es"
        assert Member.objects.get(email=LUCIA).language == ""
    choose_language(lucia, "en")
    assert "Language saved." in lucia.text

    sam.get("/")
    assert "Welcome, Sam Ortega" in sam.text
    assert Member.objects.get(email=SAM).language == ""

    choose_language(sam, "es")
    assert "Idioma guardado." in sam.text
    sam.get("/")
    assert "Hola, Sam Ortega" in sam.text
    lucia.get("/")
    assert "Welcome, Lucía Fernández" in lucia.text
    assert Member.objects.get(email=LUCIA).language == "en"
    assert Member.objects.get(email=SAM).team != Member.objects.get(email=LUCIA).team
