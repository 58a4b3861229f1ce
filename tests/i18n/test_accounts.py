"""The start, dashboard, account, sign-in failure, no-team and error pages in Spanish, with
the CRM's own data (company, people, profiles) left as Zoho gives it; English unchanged."""

from __future__ import annotations

import pytest
from django.test import Client

from crmupdate.accounts.middleware import IDLE_MESSAGE
from crmupdate.accounts.models import Member
from tests.accounts.zoho_fakes import ZohoPerson, save_person, start_signin
from tests.i18n.spanish import english_words, visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_zoho")]

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture
def real_zoho(settings):
    settings.ZOHO_ACCOUNTS_URL = "https://accounts.zoho.com"
    settings.SOCIAL_AUTH_ZOHO_KEY = "1000.TESTCLIENTID"
    settings.SOCIAL_AUTH_ZOHO_SECRET = "test-client-secret-0123456789"
    settings.ALLOWED_ZOHO_ORGS = []
    return settings


def signed_in(language: str) -> Client:
    """Patricia of Zylker Traders (Zoho locale de_DE), who chose `language` on her account
    page ("" for automatic)."""
    member = Member.objects.filter(email="patricia.boyle@zylker.example").first()
    user = member.user if member is not None else save_person(ZohoPerson())
    Member.objects.filter(user=user).update(language=language)
    client = Client()
    client.force_login(user)
    session = client.session
    session["ui_language"] = language
    session.save()
    return client


def text(response) -> str:
    return " ".join(visible_text(response.content.decode()).split())


def test_the_start_page_in_spanish(client):
    response = client.get("/", **SPANISH)
    html = response.content.decode()
    assert english_words(html) == []
    assert '<html lang="es">' in html
    page = text(response)
    assert "Cambie muchos registros de Zoho CRM a la vez, con seguridad" in page
    assert (
        "Usted inicia sesión con su propia cuenta de Zoho; crmupdate nunca ve su contraseña."
    ) in page
    assert "Iniciar sesión con Zoho" in page


def test_the_start_page_in_english_is_unchanged(client):
    page = text(client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB"))
    assert "Change many Zoho CRM records at once, safely" in page
    assert "You sign in with your own Zoho account; crmupdate never sees your password." in page
    assert "Sign in with Zoho" in page


def test_the_sign_in_page_in_spanish(client):
    response = client.get("/signin/?next=/history/", **SPANISH)
    assert english_words(response.content.decode()) == []
    assert (
        "crmupdate funciona con su cuenta de Zoho CRM. Inicie sesión con Zoho para continuar."
    ) in text(response)


def test_the_dashboard_in_spanish():
    response = signed_in("es").get("/")
    html = response.content.decode()
    assert english_words(html) == []
    page = text(response)
    assert "Hola, Patricia Boyle" in page
    assert (
        'Está trabajando en <strong class="team-name" translate="no">Zylker Traders</strong> '
        'con el perfil <span translate="no">Administrator</span>.'
    ) in " ".join(html.split())
    assert "Panel" in page and "Historial" in page and "Cerrar sesión" in page


def test_the_dashboard_its_header_and_its_first_card_in_spanish():
    """The page around the sections other features add to the dashboard."""
    html = signed_in("es").get("/").content.decode()
    first_card_end = html.index("</section>", html.index('aria-labelledby="dashboard-title"'))
    around = html[: first_card_end + len("</section>")] + html[html.index("</main>") :]
    assert english_words(around) == []
    assert "Nueva actualización masiva" in visible_text(around)


def test_the_dashboard_in_english_is_unchanged():
    response = signed_in("en").get("/")
    page = " ".join(response.content.decode().split())
    assert "Welcome, Patricia Boyle" in page
    assert (
        'You are working in <strong class="team-name" translate="no">Zylker Traders</strong>'
    ) in page
    assert "Dashboard" in page and "Sign out" in page


def test_the_account_page_in_spanish():
    response = signed_in("es").get("/account/")
    html = response.content.decode()
    assert english_words(html) == []
    page = text(response)
    assert "Su cuenta" in page
    assert "Perfil de Zoho CRM" in page
    assert "Automático: el idioma de Zoho o, si no, el de su navegador" in page
    assert "Guardar idioma" in page
    assert "Desconectar Zoho" in page and "Cerrar sesión en todas partes" in page
    # Zoho's data stays as Zoho gives it, marked for translators' tools to leave alone.
    assert '<dd translate="no">Patricia Boyle</dd>' in html
    assert '<dd translate="no">Administrator</dd>' in html
    assert '<span translate="no">Zylker Traders</span>' in html


def test_the_account_page_in_english_is_unchanged():
    page = " ".join(signed_in("en").get("/account/").content.decode().split())
    for sentence in (
        "Your account",
        "Automatic: your Zoho language, else your browser's",
        "Save language",
        'Everyone from <span translate="no">Zylker Traders</span> who has signed in to crmupdate.',
        "Disconnect Zoho",
        "Sign out everywhere",
    ):
        assert sentence in page


def test_choosing_a_language_answers_in_the_language_chosen():
    client = signed_in("")
    client.get("/account/")
    response = client.post("/account/language/", {"language": "es"}, follow=True)
    assert "Idioma guardado." in text(response)
    assert english_words(response.content.decode()) == []
    refused = client.post("/account/language/", {"language": "de"}, follow=True)
    assert "Elija uno de los idiomas de la lista." in text(refused)


def test_a_sign_in_failure_in_spanish(client):
    params = start_signin(client)
    response = client.get(
        "/oauth/complete/zoho/",
        {"error": "access_denied", "state": params["state"]},
        **SPANISH,
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert english_words(html) == []
    page = text(response)
    assert "No ha permitido el acceso" in page
    assert "No se ha cambiado nada. Puede intentarlo de nuevo cuando quiera." in page
    assert "Intentar de nuevo" in page and "Volver a la página de inicio" in page


def test_a_sign_in_failure_in_english_is_unchanged(client):
    params = start_signin(client)
    response = client.get(
        "/oauth/complete/zoho/", {"error": "access_denied", "state": params["state"]}
    )
    page = text(response)
    assert "You did not allow access" in page
    assert "Try again" in page and "Back to the start page" in page


def test_every_sign_in_failure_is_translated():
    from django.utils import translation

    from crmupdate.accounts.failures import FAILURES

    for failure in FAILURES.values():
        with translation.override("en"):
            english = (str(failure.title), str(failure.text))
        with translation.override("es"):
            spanish = (str(failure.title), str(failure.text))
        assert english_words(f"<p>{spanish[0]}</p><p>{spanish[1]}</p>") == []
        assert spanish[0] != english[0] and spanish[1] != english[1]


def test_the_no_team_page_in_spanish(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="admin"))
    response = client.get("/", **SPANISH)
    assert response.status_code == 403
    html = response.content.decode()
    assert english_words(html) == []
    page = text(response)
    assert "Esta cuenta no está vinculada a ninguna organización de Zoho CRM" in page
    assert "Cierre la sesión y después inicie sesión con Zoho." in page


def test_the_no_team_page_in_english_is_unchanged(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="admin"))
    page = text(client.get("/"))
    assert "This account is not linked to a Zoho CRM organisation" in page


def test_page_not_found_in_spanish(client):
    response = client.get("/no-such-page/", **SPANISH)
    assert response.status_code == 404
    html = response.content.decode()
    assert english_words(html) == []
    assert '<html lang="es">' in html
    page = text(response)
    assert "Página no encontrada" in page
    assert "Puede que la dirección esté mal escrita o que la página se haya eliminado." in page
    assert "Volver a la página de inicio" in page


def test_page_not_found_in_english_is_unchanged(client):
    page = text(client.get("/no-such-page/"))
    assert "Page not found" in page
    assert "The address may be mistyped, or the page was removed." in page


def test_the_other_error_pages_in_spanish(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from crmupdate import views

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("es"):
        for view, sentence in (
            (views.bad_request, "No se ha podido entender esa solicitud"),
            (views.permission_denied, "No puede abrir esta página"),
            (views.server_error, "Algo ha fallado por nuestra parte"),
        ):
            response = view(request)
            assert english_words(response.content.decode()) == []
            assert sentence in text(response)


def test_the_signed_out_messages_in_spanish():
    client = signed_in("es")
    response = client.post("/signout/", follow=True, **SPANISH)
    assert "Ha cerrado la sesión." in text(response)
    assert english_words(response.content.decode()) == []

    client = signed_in("es")
    response = client.post("/signout/everywhere/", follow=True, **SPANISH)
    assert "Ha cerrado la sesión en todos los navegadores y dispositivos." in text(response)


def test_signed_out_the_message_speaks_the_language_of_the_page_it_is_on():
    """Signed out, the browser's language speaks again: so does the "signed out" message."""
    response = signed_in("es").post("/signout/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    page = text(response)
    assert "You are signed out." in page
    assert "Change many Zoho CRM records at once, safely" in page


def test_the_idle_message_in_spanish():
    from django.utils import translation

    with translation.override("es"):
        assert str(IDLE_MESSAGE) == (
            "Se ha cerrado su sesión tras un tiempo sin actividad. Vuelva a iniciar sesión, "
            "por favor."
        )
    with translation.override("en"):
        assert str(IDLE_MESSAGE).startswith("You were signed out after a while")


def test_a_form_refused_by_csrf_protection_in_spanish_and_english():
    browser = Client(enforce_csrf_checks=True)
    for header, title, sentence in (
        (SPANISH, "No se ha podido aceptar este formulario", "No se ha cambiado nada."),
        ({}, "This form could not be accepted", "Nothing was changed."),
    ):
        response = browser.post("/signout/", **header)
        assert response.status_code == 403
        page = text(response)
        assert title in page and sentence in page
        if header:
            assert english_words(response.content.decode()) == []


def test_zohos_own_explanation_is_quoted_as_zohos_on_a_spanish_failure_page(client):
    import responses

    with responses.RequestsMock() as zoho:
        zoho.add(
            responses.POST,
            "https://accounts.zoho.com/oauth/v2/token",
            json={"error": "invalid_client"},
        )
        params = start_signin(client)
        response = client.get(
            "/oauth/complete/zoho/",
            {
                "code": "1000.grant.code",
                "location": "us",
                "accounts-server": "https://accounts.zoho.com",
                "state": params["state"],
            },
            **SPANISH,
        )
    assert response.status_code == 502
    html = response.content.decode()
    assert english_words(html) == []
    assert "Zoho ha rechazado el inicio de sesión" in text(response)
    assert "Zoho respondió:" in text(response)
    assert '<q translate="no">Zoho does not recognise this app' in html.replace("&#x27;", "'")


def test_the_sign_in_again_page_in_spanish(client):
    session = client.session
    session["zoho_access_ended"] = True
    session.save()
    response = client.get("/signin/again/?next=/history/", **SPANISH)
    assert response.status_code == 200
    assert english_words(response.content.decode()) == []
    page = text(response)
    assert "Su sesión de Zoho ha caducado" in page
    assert "No se ha perdido nada de lo que empezó." in page
    assert "Volver a iniciar sesión con Zoho" in page
