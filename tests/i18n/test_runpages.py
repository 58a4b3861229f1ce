"""The update's page, the dashboard's section, the refusal and "please wait" pages and the
records-not-changed downloads, for a person who reads Spanish (against the practice CRM, or
Zoho mocked at the HTTP seam); the same pages in English stay as they were."""

import csv
import io

import openpyxl
import pytest
from django.utils import timezone

from crmupdate.massupdate.models import MassUpdate, Step, StepStatus, UpdateStatus
from tests.fixtures_sim import ADMIN_EMAIL, SALES_REP_EMAIL, SEED_CVID
from tests.i18n.spanish import english_words, visible_text
from tests.massupdate.conftest import change, fast_worker, member, run_update, run_worker, zoho_api
from tests.massupdate.test_records_not_changed import REFUSED, finished

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["fast_worker", "finished", "member", "zoho_api"]  # fixtures used by name


def spanish(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    return client


def assert_spanish(html: str) -> None:
    """No English words left; the failure names the lines that hold some."""
    words = english_words(html)
    lines = [
        " ".join(line.split())
        for line in visible_text(html).splitlines()
        if set(english_words(line.replace("<", " "))) & set(words)
    ]
    assert words == [], "\n".join(lines)


def section(page: str, start: str, end: str = "</section>") -> str:
    """The part of `page` from `start` to the first `end` after it."""
    begin = page.index(start)
    return page[begin : page.index(end, begin) + len(end)]


@pytest.fixture
def sam(member_factory):
    return member_factory()


@pytest.fixture
def rita(member_factory):
    return member_factory(SALES_REP_EMAIL)


@pytest.fixture
def completed(sam, sim, fast_worker):
    for record in sim.refusing("Leads", locked=True):  # unlocked in Zoho: every lead changes
        sim.record_states_set(record.record_id, locked=False)
    update = run_update(sam.member, [change("No_of_Employees", 7, label="No. of Employees")],
                        cvid=SEED_CVID)  # fmt: skip
    run_worker()
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED
    return update


def test_a_completed_update_reads_in_spanish(completed, sam, client_for):
    page = spanish(client_for(sam)).get(f"/updates/{completed.pk}/").content.decode()
    assert_spanish(page)
    count = f"{completed.frozen_count:,}".replace(",", ".")
    assert f"Actualización masiva n.º {completed.pk}" in page
    assert "Ejecutada por Sam Ortega el " in page
    assert f"Esta actualización actúa sobre los <strong>{count}</strong> registros" in page
    assert "Trabajo de actualización masiva de Zoho sobre la vista" in page
    assert "Iniciar otra actualización masiva" in page


def test_a_completed_update_still_reads_in_english(completed, sam, client_for):
    page = client_for(sam).get(f"/updates/{completed.pk}/").content.decode()
    count = f"{completed.frozen_count:,}"
    assert f"Mass update #{completed.pk}" in page
    assert f"{count} of {count} leads changed." in page
    assert "Run by Sam Ortega on " in page
    assert "Start another mass update" in page


def test_records_not_changed_read_in_spanish(finished, member, client):
    client.force_login(member.user)
    page = spanish(client).get(f"/updates/{finished.pk}/").content.decode()
    assert_spanish(page)
    assert "Registros sin cambiar (60)" in page
    assert "Reintentar estos 60 registros" in page
    assert "Sin cambiar: 60 (en la lista de abajo)" in page
    assert "Página 1 de 2" in page and "Siguiente" in page


def test_the_csv_and_excel_headers_are_in_spanish_and_the_data_stays_as_stored(
    finished, member, client
):
    client.force_login(member.user)
    spanish(client)
    response = client.get(f"/updates/{finished.pk}/records-not-changed.csv")
    name = f"actualizacion-{finished.pk}-registros-sin-cambiar"
    assert response["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "ID del registro", "Nombre del registro", "Paso", "Campos sin cambiar", "Código de Zoho",
        "Mensaje de Zoho", "Qué pasó", "Qué hacer", "Eliminado", "Intento",
    ]  # fmt: skip
    assert {r[0] for r in rows[1:]} == REFUSED
    assert {r[4] for r in rows[1:]} == {"RECORD_LOCKED"}  # Zoho's code, as Zoho sent it
    assert {r[8] for r in rows[1:]} == {"no"}  # machine-friendly, whatever the language

    response = client.get(f"/updates/{finished.pk}/records-not-changed.xlsx")
    assert f'filename="{name}.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet.title == f"Actualización {finished.pk}"
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:3] == ["ID del registro", "Nombre del registro", "Paso"]
    assert {row[0].value for row in sheet.iter_rows(min_row=2)} == REFUSED


def test_the_english_downloads_keep_their_english_headers(finished, member, client):
    client.force_login(member.user)
    response = client.get(f"/updates/{finished.pk}/records-not-changed.csv")
    assert f"update-{finished.pk}-records-not-changed.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text)))[:2] == ["Record ID", "Record name"]


def test_a_waiting_then_paused_update_reads_in_spanish(sam, sim, client_for):
    update = run_update(sam.member, [change("No_of_Employees", 8)], cvid=SEED_CVID)
    client = spanish(client_for(sam))
    waiting = client.get(f"/updates/{update.pk}/").content.decode()
    assert_spanish(waiting)
    assert "Esta página se actualiza sola. Puede cerrarla: la actualización continúa." in waiting
    assert "aún no enviado" in waiting

    Step.objects.filter(update=update).update(status=StepStatus.PAUSED, paused_at=timezone.now())
    MassUpdate.objects.filter(pk=update.pk).update(status=UpdateStatus.PAUSED)
    paused = client.get(f"/updates/{update.pk}/").content.decode()
    assert_spanish(paused)
    assert (
        "Su sesión de Zoho ha caducado, así que la actualización está en pausa. No se pierde "
        "nada: vuelva a iniciar sesión con Zoho y continuará donde se detuvo."
    ) in paused
    assert "Volver a iniciar sesión con Zoho" in paused and "Reanudar ahora" in paused


def test_the_sales_rep_is_refused_in_spanish(rita, sim, client_for):
    client = spanish(client_for(rita))
    response = client.post("/updates/new/", {"module": "Leads", "cvid": SEED_CVID})
    assert response.status_code == 403
    page = response.content.decode()
    assert_spanish(page)
    assert "No puede iniciar una actualización masiva" in page
    assert ("Su perfil de Zoho «Sales Rep» no tiene el permiso de actualización masiva en ningún "
            "módulo, así que no puede iniciar, ejecutar, reintentar ni deshacer actualizaciones "
            "masivas. Pida a Patricia Boyle que se lo conceda en Zoho CRM") in page  # fmt: skip
    assert "No se envió nada a Zoho." in page and "Volver al panel" in page


def test_the_sales_rep_is_refused_in_english_as_before(rita, sim, client_for):
    response = client_for(rita).post("/updates/new/", {"module": "Leads", "cvid": SEED_CVID})
    page = response.content.decode()
    assert response.status_code == 403 and "You cannot start a mass update" in page
    assert "Your Zoho profile “Sales Rep” does not have the Mass Update permission for any" in page
    assert "Ask Patricia Boyle to grant it in Zoho CRM (Setup › Profiles)" in page


def test_the_dashboard_section_reads_in_spanish(completed, rita, member_factory, client_for):
    patricia = member_factory(ADMIN_EMAIL)
    page = spanish(client_for(patricia)).get("/").content.decode()
    recent = section(page, '<section class="card" aria-labelledby="recent-updates-title">')
    assert_spanish(recent)
    assert "Actualizaciones masivas recientes" in recent
    assert "por Sam Ortega, hace" in recent
    assert ('Créditos de la API de Zoho que le quedan hoy a su organización: '
            '<strong class="api-credits-left">desconocidos</strong>') in recent  # fmt: skip
    assert "Iniciar una nueva actualización masiva" in recent

    page = spanish(client_for(rita)).get("/").content.decode()
    note = section(page, '<div class="alert alert-warning permission-note"', "</div>")
    assert_spanish(note)
    assert "Pida a Patricia Boyle" in note
    assert "Aun así, puede seguir las actualizaciones masivas de su equipo y su historial." in note
    recent = section(page, '<section class="card" aria-labelledby="recent-updates-title">')
    assert "Iniciar una nueva actualización masiva" not in recent


def test_too_many_zoho_reads_are_explained_in_spanish(sam, client_for, settings):
    settings.ZOHO_PAGE_READS_PER_PERSON = 0
    response = spanish(client_for(sam)).get("/updates/new/")
    assert response.status_code == 429
    page = response.content.decode()
    assert_spanish(page)
    assert "Espere un momento, por favor" in page
    assert "como máximo 0 llamadas a Zoho por minuto y persona" in page
