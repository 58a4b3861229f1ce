"""Choosing the language on the account page, in a real browser."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]


def test_choosing_spanish_on_the_account_page_shows_the_dashboard_in_spanish(signed_in_page):
    page = signed_in_page
    expect(page.get_by_role("heading", name="Welcome, Sam Ortega")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("link", name="Account").click()
    page.get_by_label("Language of crmupdate").select_option(label="Español")
    page.get_by_role("button", name="Save language").click()

    expect(page.get_by_text("Idioma guardado.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_label("Idioma de crmupdate")).to_have_value("es")

    page.get_by_role("link", name="Panel").click()
    expect(page.get_by_role("heading", name="Hola, Sam Ortega")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Está trabajando en")
    expect(page.get_by_role("link", name="Nueva actualización masiva", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()

    page.get_by_role("link", name="Cuenta").click()
    page.get_by_label("Idioma de crmupdate").select_option(value="")
    page.get_by_role("button", name="Guardar idioma").click()
    expect(page.get_by_text("Language saved.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
