"""Undo in Spanish: the review's backup box, the update page's undo panel, the undo page
before it starts, while it runs and once done, with nothing left in English but Zoho's own
data; the English pages read as before."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from crmupdate.massupdate.undo import services
from tests.i18n.spanish import english_words
from tests.undo import conftest as undo_fixtures
from tests.undo.conftest import edit_in_zoho, lead_status, run_with_backup, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

sam = undo_fixtures.sam  # Sam Ops, who may mass update Leads
fast_worker = undo_fixtures.fast_worker


def spanish(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    return client


def text(html: str) -> str:
    """What a person reads, Zoho's data included."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def main(html: str) -> str:
    """The page's own part (the frame around it, with the menu, is the layout's)."""
    return html[html.index('<main id="main"') : html.index("</main>")]


def undo_words(html: str) -> list[str]:
    """English words left in what undo says; the status badge's words are the status words'
    own (`crmupdate.massupdate.statuses`, checked with them)."""
    return english_words(re.sub(r'<span class="status status-[^"]*">[^<]*</span>', "", html))


def panel(html: str) -> str:
    start = html.index('<div class="undo-panel">')
    return html[start : html.index("</div>", start) + len("</div>")]


@pytest.fixture
def done_update(sam, sim, fast_worker):
    """Lead Status set to Contacted on every lead of All Leads, with a backup."""
    leads = sim.records("Leads")
    update = run_with_backup(sam.member, [lead_status("Contacted")])
    run_worker()
    update.refresh_from_db()
    assert update.finished, update.last_error_explanation
    return update, leads


def test_the_backup_choice_in_spanish():
    with translation.override("es"):
        html = render_to_string("massupdate/undo_backup_choice.html", {"calls": 2, "days": 30})
    assert undo_words(html) == []
    assert "Guardar los valores actuales para poder deshacer esta actualización" in html
    assert (
        "Al empezar la actualización leemos una vez los registros de la vista (alrededor de 2 "
        "llamadas a la API de Zoho)"
    ) in text(html)
    assert "durante 30 días." in text(html)


def test_the_plan_and_the_panel_in_spanish(done_update, sam, client_for):
    update, leads = done_update
    client = spanish(client_for(sam))
    page = main(client.get(f"/updates/{update.pk}/undo/").content.decode())
    assert undo_words(page) == []
    shown = text(page)
    assert f"Deshacer la actualización masiva n.º {update.pk}" in shown
    assert f"Restaurar el valor anterior de Lead Status en {len(leads)} registros." in shown
    assert "Esto requiere unas 8 llamadas a la API de Zoho" in shown
    assert '<span translate="no">Lead Status</span>' in page  # Zoho's label, as Zoho has it
    assert ">Deshacer esta actualización</button>" in page

    detail = client.get(f"/updates/{update.pk}/").content.decode()
    assert undo_words(panel(detail)) == []
    assert "Se guarda una copia de seguridad de los valores que reemplazó" in text(panel(detail))


def test_a_running_undo_in_spanish(done_update, sam, client_for):
    update, _ = done_update
    services.undo_start(update=update, member=sam.member)  # queued: the worker has not run
    client = spanish(client_for(sam))
    for url in (f"/updates/{update.pk}/undo/", f"/updates/{update.pk}/undo/status/"):
        html = (
            main(client.get(url).content.decode())
            if url.endswith("undo/")
            else (client.get(url).content.decode())
        )
        assert undo_words(html) == [], url
        assert "Esta página se actualiza sola; puede cerrarla." in text(html)
        assert f'<span translate="no">{sam.member.full_name}</span>' in html
    detail = client.get(f"/updates/{update.pk}/").content.decode()
    assert undo_words(panel(detail)) == []
    assert "Acción de deshacer iniciada por" in text(panel(detail))


def test_a_finished_undo_in_spanish(done_update, sam, sim_token, zoho_sim_origin, client_for):
    update, leads = done_update
    some = next(r for r in leads if r.data.get("Lead_Status") not in ("Junk Lead", "Contacted"))
    junk = [{"id": str(some.record_id), "Lead_Status": "Junk Lead"}]
    edit_in_zoho(sim_token, zoho_sim_origin, "Leads", junk)
    services.undo_start(update=update, member=sam.member)
    run_worker()
    client = spanish(client_for(sam))
    html = main(client.get(f"/updates/{update.pk}/undo/").content.decode())
    assert undo_words(html) == []
    shown = text(html)
    assert "Deshecha el " in shown and f"por {sam.member.full_name}." in shown
    assert (
        "1 registro que se cambió en Zoho después de la actualización se dejó como está."
    ) in shown
    assert "Cambiados después de la actualización: se dejan como están" in shown
    assert "El resultado de cada registro:" in shown
    name = f"{some.data['First_Name']} {some.data['Last_Name']} ({some.data['Company']})"
    assert f"{name} {some.record_id}" in shown  # the record named beside its id

    detail = client.get(f"/updates/{update.pk}/").content.decode()
    assert undo_words(panel(detail)) == []
    assert "Ver lo que hizo la acción de deshacer" in text(panel(detail))


def test_the_undo_page_in_english_is_unchanged(done_update, sam, client_for):
    update, leads = done_update
    page = text(client_for(sam).get(f"/updates/{update.pk}/undo/").content.decode())
    assert f"Put back the previous Lead Status on {len(leads)} records." in page
    assert "This takes about 8 Zoho API calls (one read and one write per 100 records)." in page
    assert "Each record gets back the value it had right before the update." in page
