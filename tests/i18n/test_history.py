"""The team history, its downloads and the dashboard's charts for a person who reads Spanish:
no English left in what we write (Zoho's own data, people's names and view names are marked
`translate="no"` and stay as Zoho gives them), dates and numbers in the Spanish way, the
spreadsheets' column headers in Spanish with the machine-readable values unchanged; and for
a person who reads English, the same pages as before."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from html import unescape
from unittest import mock

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from crmupdate.accounts.language import SESSION_KEY
from crmupdate.massupdate.models import UpdateStatus
from crmupdate.spreadsheets import BOM
from tests.history.conftest import T0, add_update, add_updates, change
from tests.i18n.spanish import english_words, visible_text
from tests.massupdate.conftest import make_member

pytestmark = pytest.mark.django_db

SPANISH_HEADER = [
    "Actualización", "Inicio", "Fin", "Persona", "Correo electrónico", "Módulo", "Vista",
    "ID de la vista", "Cambios", "Campos", "ID de trabajos de Zoho", "Estado", "Actualizados",
    "Fallidos", "Sin actualizar", "Total", "Registros en la vista al revisar",
    "Código de error de Zoho", "Explicación", "Deshacer", "Deshecha por", "Deshecha el",
    "Deshace la actualización",
]  # fmt: skip
JOB_ID = "7389640000021521049"


@pytest.fixture
def sam(db):
    return make_member(email="sam.ops@zylker.example", org_id="org-zylker", time_zone="UTC")


@pytest.fixture
def pat(sam):
    """Sam's colleague in the same team."""
    return make_member(email="patricia.boyle@zylker.example", org_id="org-zylker",
                       time_zone="UTC")  # fmt: skip


@pytest.fixture
def sam_client(sam, client_for):
    return client_for(sam.user)


def spanish(client):
    session = client.session
    session[SESSION_KEY] = "es"
    session.save()
    return client


@pytest.fixture
def es_client(sam_client):
    return spanish(sam_client)


def get(client, path: str = "/history/", **headers) -> str:
    response = client.get(path, **headers)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def main_of(html: str) -> str:
    """The page's own content (the site's header and footer are the layout's)."""
    return html[html.index('<main id="main"') : html.index("</main>")]


def text(html: str) -> str:
    return " ".join(unescape(visible_text(html)).split())


def test_the_history_speaks_spanish(es_client, sam, pat):
    add_update(
        sam,
        changes=[change("Lead Status", "Contacted"), change("Rating", "Hot")],
        job_ids="738964000002152104 738964000002152199",
        status=UpdateStatus.COMPLETED_WITH_FAILURES,
        total_count=1600, updated_count=1596, failed_count=4,
        view_name="All Leads",
    )  # fmt: skip
    add_update(pat, module_api_name="Deals", module_label="Deals", view_name="Open deals",
               status=UpdateStatus.REFUSED, updated_count=0, total_count=0, job_ids="",
               created_at=T0 + timedelta(hours=1))  # fmt: skip
    html = get(es_client)
    page = main_of(html)

    assert english_words(html) == []  # the whole page, the site's header and footer too
    assert '<html lang="es">' in html
    assert "<title>Historial" in html
    assert "Historial del equipo" in page
    shown = text(page)
    assert (
        "Cada actualización masiva que ejecutó su equipo, de la más reciente a la más antigua, "
        "con lo que respondió Zoho. Las horas están en UTC."
    ) in shown
    for header in ("Cuándo", "Quién", "Módulo", "Vista", "Cambios", "ID de trabajos de Zoho",
                   "Estado", "Actualizados / fallidos / total", "Error"):  # fmt: skip
        assert f'<th scope="col">{header}</th>' in page
    assert ">10 mar 2026, 09:00</time>" in page
    assert "1\xa0596 / 4 / 1\xa0600" in page  # numbers as Spanish writes them
    assert "Completada con fallos" in page and "Rechazada por Zoho" in page
    assert '<span class="muted">ninguno</span>' in page  # the refused update has no job id
    assert "Descargar Excel" in page and "Descargar CSV" in page
    # Zoho's data stays as Zoho gives it, marked for translation tools to leave alone
    assert '<span translate="no">All Leads</span>' in page
    assert '<span translate="no">Sam Ops</span>' in page
    assert '<ul class="history-changes" translate="no"><li>Lead Status → Contacted</li>' in page
    assert '<option value="Deals" translate="no">Deals</option>' in page
    assert '<option value="" selected>Cualquier estado</option>' in page
    assert '<option value="refused">Rechazada por Zoho</option>' in page


def test_every_cell_of_a_row_is_labelled_in_spanish_for_the_phone_cards(es_client, sam):
    update = add_update(sam, status=UpdateStatus.RUNNING, total_count=300, updated_count=100)
    html = get(es_client)
    row = html[html.index(f'id="update-{update.pk}"') :]
    row = row[: row.index("</tr>")]
    labels = re.findall(r'<td[^>]*data-label="([^"]*)"', row)
    assert labels == ["Cuándo", "Quién", "Módulo", "Vista", "Cambios", "ID de trabajos de Zoho",
                      "Estado", "Actualizados / fallidos / total", "Error"]  # fmt: skip
    assert row.count("<td") == len(labels)
    assert 'aria-label="Progreso de la actualización n.º ' in row
    assert f'title="Abrir la actualización n.º {update.pk}"' in row
    # the running row refreshes itself: in Spanish too
    refreshed = get(es_client, f"/history/rows/{update.pk}/")
    assert re.findall(r'<td[^>]*data-label="([^"]*)"', refreshed) == labels


def test_filters_empty_states_and_pages_in_spanish(es_client, sam):
    assert "Su equipo aún no ha ejecutado ninguna actualización masiva." in get(es_client)

    html = get(es_client, "/history/?status=failed")
    assert english_words(main_of(html)) == []
    assert "Ninguna actualización coincide con estos filtros." in html
    assert '<option value="failed" selected>Fallida</option>' in html

    html = get(es_client, "/history/?since=2026-03-12&until=2026-03-01&q=to+of+Leads")
    assert english_words(main_of(html)) == []
    assert "La fecha final es anterior a la fecha inicial." in html
    assert (
        "Las palabras de menos de 3 caracteres no se tienen en cuenta en la búsqueda: "
        '<span translate="no">to, of</span>.'
    ) in html

    add_updates(sam, 30)
    html = get(es_client)
    assert english_words(main_of(html)) == []
    assert "Más antiguas ›" in html
    older = unescape(re.search(r'<a rel="next" href="([^"]+)"', html)[1])
    html = get(es_client, "/history/" + older)
    assert english_words(main_of(html)) == []
    assert "« Más recientes" in html and "‹ Más nuevas" in html

    count = get(es_client, "/history/count/", HTTP_HX_REQUEST="true")
    assert count == '<span id="history-count">Coinciden 30 actualizaciones.</span>'
    html = get(es_client, "/history/count/?module=Leads&q=738964000000000029")
    assert english_words(main_of(html)) == []
    assert "Coincide 1 actualización." in html and "Volver al historial" in html


def test_a_filter_that_cannot_be_read_in_a_download_is_explained_in_spanish(es_client, sam):
    response = es_client.get("/history/export.csv?since=ayer")
    assert response.status_code == 400
    html = response.content.decode()
    assert "No se pudieron leer estos filtros" in html
    assert "Cambie los filtros en la página del historial y vuelva a intentarlo." in html


def csv_rows(client, query: str = "") -> list[list[str]]:
    response = client.get(f"/history/export.csv{query}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM) :])))


def test_the_csv_has_spanish_headers_and_the_same_machine_values(es_client, sam):
    sam.time_zone = "Europe/Madrid"
    sam.save()
    update = add_update(sam, job_ids=JOB_ID, status=UpdateStatus.REFUSED,
                        finished_at=T0 + timedelta(minutes=3))  # fmt: skip
    header, row = csv_rows(es_client)
    assert header == SPANISH_HEADER
    values = dict(zip(header, row, strict=True))
    assert values["Actualización"] == str(update.pk)
    assert values["Inicio"] == "2026-03-10T10:00:00+01:00"  # ISO, as machines read it
    assert values["Fin"] == "2026-03-10T10:03:00+01:00"
    assert values["ID de trabajos de Zoho"] == JOB_ID
    assert values["ID de la vista"] == "738964000000091563"
    assert values["Estado"] == "Rechazada por Zoho"


def test_the_excel_file_has_spanish_headers_ids_as_text_and_dates_as_dates(es_client, sam):
    update = add_update(sam, job_ids=JOB_ID, finished_at=T0 + timedelta(minutes=3))
    response = es_client.get("/history/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet.title == "Historial"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == SPANISH_HEADER
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["Actualización"] == str(update.pk)  # a text cell
    assert values["ID de trabajos de Zoho"] == JOB_ID
    assert values["Inicio"] == datetime(2026, 3, 10, 9, 0)  # a date cell
    assert values["Total"] == 300 and values["Estado"] == "Completada"


def test_english_is_unchanged(sam_client, sam):
    add_update(sam)
    html = get(sam_client, HTTP_ACCEPT_LANGUAGE="en")
    assert "Team history" in html and '<th scope="col">When</th>' in html
    assert ">10 Mar 2026, 09:00</time>" in html and "300 / 0 / 300" in html
    header, _row = csv_rows(sam_client)
    assert header[:5] == ["Update", "Started", "Finished", "Person", "Email"]


def test_the_browser_language_counts_when_nothing_was_chosen(sam_client, sam):
    add_update(sam)
    html = get(sam_client, HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert "Historial del equipo" in html and english_words(main_of(html)) == []


# --- The dashboard's charts -----------------------------------------------------------------

NOW = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)  # Thursday; the period is 22 Dec 2025 - 15 Mar


@pytest.fixture
def fixed_now():
    cache.clear()
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield
    cache.clear()


def charts_of(html: str) -> str:
    start = html.index('<section class="card team-work"')
    return html[start : html.index("</section>", start)]


def test_the_dashboard_charts_speak_spanish(fixed_now, es_client, sam, pat):
    add_update(sam, created_at=NOW - timedelta(hours=2), updated_count=2800, failed_count=20,
               total_count=2820, status=UpdateStatus.COMPLETED_WITH_FAILURES)  # fmt: skip
    add_update(sam, created_at=NOW - timedelta(days=10), updated_count=50, total_count=50)
    add_update(pat, created_at=NOW - timedelta(days=3), view_name="Open deals", updated_count=0,
               total_count=0, status=UpdateStatus.REFUSED)  # fmt: skip
    charts = charts_of(get(es_client, "/"))

    assert english_words(charts) == []
    shown = text(charts)
    assert "El trabajo de su equipo" in shown
    assert (
        "Las últimas 12 semanas, del 22 dic 2025 al 15 mar 2026, semana a semana. Cada barra "
        "abre sus actualizaciones en el historial."
    ) in shown
    assert "Actualizaciones por semana" in shown and "3 actualizaciones en 12 semanas." in shown
    assert "2\xa0850 registros cambiados en 12 semanas." in charts  # Spanish thousands
    assert (
        'Más actualizaciones: <span translate="no">All Leads</span>, 2 actualizaciones en 12 '
        "semanas."
    ) in charts
    # week labels under the bars and in the tables behind the charts, in Spanish
    assert '<th scope="col">Semana del</th>' in charts
    assert ">9 mar 2026</a></th>" in charts
    assert 'text-anchor="end">9 mar</text>' in charts
    assert "Las cifras: Actualizaciones por semana" in shown
    # names from Zoho are marked, ours are not
    assert '<span translate="no">All Leads</span>' in charts
    name = '<text class="chart-name" x="0" y="12" translate="no">All Leads (Leads) · 2</text>'
    assert name in charts


def test_the_dashboard_charts_in_english_are_unchanged(fixed_now, sam_client, sam):
    add_update(sam, created_at=NOW - timedelta(hours=2))
    charts = charts_of(get(sam_client, "/"))
    assert "The last 12 weeks, 22 Dec 2025 to 15 Mar 2026, week by week." in charts
    assert ">9 Mar 2026</a></th>" in charts and 'text-anchor="end">9 Mar</text>' in charts
