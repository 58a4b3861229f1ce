"""The new-update flow in Spanish: choosing the module and view, the field changes with their
hints and validation messages, and the review, against the practice CRM. Zoho's own words
(module, view and field labels, picklist values, record names) stay as Zoho gives them,
marked translate="no"; everything of ours is Spanish. English pages stay as they were."""

from __future__ import annotations

import html
import re

import pytest

from crmupdate.massupdate.models import Draft, MassUpdate
from tests.i18n.spanish import english_words

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = [
    "Lead_Status",
    "No_of_Employees",
    "Email_Opt_Out",
    "Interests",
    "Follow_Up_Date",
    "Last_Visit",
    "Discount_Rate",
    "Import_Batch",
]


@pytest.fixture
def sam(member_factory):
    return member_factory()


@pytest.fixture
def spanish(sam, client_for):
    client = client_for(sam)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    return client


@pytest.fixture
def english(sam, client_for):
    client = client_for(sam)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en-US"
    return client


def main_of(page: str) -> str:
    """The page's own content (the header, menu and footer are the layout's)."""
    return page[page.index('<main id="main"') : page.index("</main>")]


def text_of(page: str) -> str:
    """What people read: no tags, entities decoded, spaces (no-break ones too) collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


def draft_on_all_leads(client, sim) -> Draft:
    response = client.post(
        "/updates/new/", {"module": "Leads", "cvid": sim.view_id("Leads", "All Leads")}
    )
    assert response.status_code == 302
    return Draft.objects.get()


def changes_url(draft: Draft) -> str:
    return f"/updates/drafts/{draft.public_id}/"


def test_the_module_and_view_picker_speaks_spanish(spanish, sim):
    page = spanish.get("/updates/new/?module=Leads&counts=1").content.decode()
    assert english_words(page) == []
    text = text_of(main_of(page))
    assert "Nueva actualización masiva" in text
    assert "Elija el módulo y la vista cuyos registros quiere cambiar." in text
    assert "All Leads (vista predeterminada)" in text
    total = len(sim.view_records("Leads", "All Leads"))
    assert f"unos {total:,} registros".replace(",", " ") in text
    # Zoho's words are left to Zoho: module names, view names
    assert re.search(r'<option value="Leads"[^>]* translate="no"', page)
    assert '<span translate="no">All Leads</span>' in page


def test_the_changes_page_speaks_spanish_with_the_date_hint_in_spanish(spanish, sim):
    draft = draft_on_all_leads(spanish, sim)
    page = spanish.post(changes_url(draft), {"action": "add", "field": FIELDS}).content.decode()
    assert english_words(page) == []
    text = text_of(main_of(page))
    assert "¿Qué debe cambiar?" in text
    assert "Follow-up Date: valor nuevo" in text
    assert "Escríbala como dd/mm/aaaa, por ejemplo 31/12/2025." in text
    assert "Hasta 40 caracteres." in text  # Import Batch's length
    assert "Elija un valor" in text and "Vaciar este campo" in text
    assert "Sustituir los valores que ya tiene" in text
    assert "Quitar Lead Status" in text
    # the calendar beside the date box is named in Spanish too
    assert 'Elegir <span translate="no">Follow-up Date</span> en un calendario' in page
    # picklist values and field labels are Zoho's
    assert '<legend translate="no">Lead Status</legend>' in page
    assert re.search(r'<option value="Contacted" translate="no"', page)


def test_validation_messages_are_spanish(spanish, sim):
    draft = draft_on_all_leads(spanish, sim)
    page = spanish.post(
        changes_url(draft),
        {
            "action": "review",
            "field": FIELDS,
            "value__No_of_Employees": "lots",
            "value__Email_Opt_Out": "true",
            "value__Interests": ["Widgets"],
            "value__Follow_Up_Date": "31/13/2025",
            "value__Last_Visit": "mañana",
            "value__Discount_Rate": "12.345",
            "value__Import_Batch": "x" * 41,
        },
    ).content.decode()
    assert english_words(page) == []
    text = text_of(main_of(page))
    assert "Corrija esto antes de revisar" in text
    assert "Lead Status: Elija un valor o marque «Vaciar este campo»." in text
    assert "Escriba un número entero, como 1000 (solo cifras, sin puntos ni comas)." in text
    assert "Escriba una fecha como dd/mm/aaaa, por ejemplo 31/12/2025." in text
    assert "Escriba una fecha y una hora como dd/mm/aaaa hh:mm, por ejemplo 31/12/2025 14:30." in (
        text
    )
    assert "Use como máximo 2 cifras después del punto." in text
    assert (
        "Use como máximo 40 caracteres: este texto tiene 41. No se ha cortado nada, así que "
        "acórtelo usted."
    ) in text
    assert Draft.objects.get().changes == []  # nothing reviewable yet


def test_the_review_speaks_spanish_and_the_stored_summary_stays_english(spanish, sim):
    draft = draft_on_all_leads(spanish, sim)
    response = spanish.post(
        changes_url(draft),
        {
            "action": "review",
            "field": ["Lead_Status", "No_of_Employees", "Email_Opt_Out", "Interests"],
            "value__Lead_Status": "Contacted",
            "value__No_of_Employees": "1000",
            "value__Email_Opt_Out": "true",
            "value__Interests": ["Widgets"],
        },
    )
    assert response.status_code == 302
    page = spanish.get(f"{changes_url(draft)}review/").content.decode()
    assert english_words(page) == []
    text = text_of(main_of(page))
    total = len(sim.view_records("Leads", "All Leads", as_user="sam.ops@zylker.example"))
    shown_total = f"{total:,}".replace(",", " ")
    assert (
        "Cambiar Lead Status a Contacted, cambiar No. of Employees a 1 000, cambiar Email Opt Out "
        f"a Sí y añadir Widgets a Interests en los {shown_total} registros de la vista All Leads "
        "al empezar."
    ) in text
    assert f"Registros en la vista: {shown_total}" in text
    assert "Cómo lo ejecuta Zoho y qué automatizaciones se disparan" in text
    assert (
        "Paso 2: registro a registro — Zoho ejecuta reglas de flujo de trabajo, aprobaciones y "
        "blueprints para cada registro"
    ) in text
    assert "Zoho cambia un campo por llamada en Leads, así que esto se ejecuta en 4 pasos" in text
    assert "Muestra: los 10 primeros registros" in text
    assert "Lead Status: ahora" in text and "Lead Status: después" in text
    assert "Ejecutar la actualización masiva" in text

    draft.refresh_from_db()
    spanish.post(f"{changes_url(draft)}run/", {"run_token": str(draft.run_token)})
    # the summary column is searched: it stays English whoever made the update
    assert MassUpdate.objects.get().summary == (
        "Lead Status → Contacted; No. of Employees → 1,000; Email Opt Out → Yes; "
        "Interests → + Widgets"
    )
    # what people read of it is written from the stored changes, in their language
    recent = text_of(spanish.get("/updates/new/").content.decode())
    assert (
        "Lead Status → Contacted; No. of Employees → 1 000; Email Opt Out → Sí; "
        "Interests → + Widgets"
    ) in recent


def test_english_pages_are_unchanged(english, sim):
    draft = draft_on_all_leads(english, sim)
    page = english.post(changes_url(draft), {"action": "add", "field": FIELDS}).content.decode()
    text = text_of(main_of(page))
    assert "What should change?" in text
    assert "Type it as mm/dd/yyyy, like 12/31/2025." in text
    assert "Up to 40 characters." in text
    page = english.post(
        changes_url(draft),
        {"action": "review", "field": ["Follow_Up_Date"], "value__Follow_Up_Date": "13/31/2025"},
    ).content.decode()
    assert "Type a date as mm/dd/yyyy, like 12/31/2025." in text_of(page)
    english.post(
        changes_url(draft),
        {"action": "review", "field": ["Email_Opt_Out"], "value__Email_Opt_Out": "true"},
    )
    page = english.get(f"{changes_url(draft)}review/").content.decode()
    assert "Set Email Opt Out to Yes on the" in text_of(page)
    assert "Run mass update" in page
