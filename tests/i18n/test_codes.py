"""What the worker stores about a step, an update or a record is a code and its parameters,
worded when read: in English for an English reader, in Spanish for a Spanish one (against the
practice CRM)."""

import importlib

import pytest
from django.utils import translation

from crmupdate.massupdate import texts
from crmupdate.massupdate.frozen.models import RecordFailure
from crmupdate.massupdate.models import MassUpdate, Step, StepStatus, UpdateStatus
from tests.fixtures_sim import SALES_REP_EMAIL, SEED_CVID
from tests.massupdate.conftest import change, run_update, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sam(member_factory):
    return member_factory()


def spanish_page(client_for, sam, url):
    response = client_for(sam).get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    return response.content.decode()


def test_a_step_waiting_for_a_job_started_elsewhere(sam, sim, slow_jobs, fast_worker, client_for):
    from crmupdate.accounts.tokens import zoho_client_for

    outside = zoho_client_for(sam).mass_update("Leads", data={"Rating": "Active"}, cvid=SEED_CVID)
    update = run_update(sam.member, [change("No_of_Employees", 1000)], cvid=SEED_CVID)
    run_worker(max_actions=1)

    step = Step.objects.get(update=update)
    assert step.status == StepStatus.PENDING and step.error_code == "ALREADY_SCHEDULED"
    assert step.wait_reason_code == texts.AGAIN_AT and step.wait_reason_text == ""
    reason = step.wait_reason_params["reason"]
    assert (reason["code"], reason["params"]["code"]) == (texts.ZOHO_TEXT, "ALREADY_SCHEDULED")
    at = step.wait_reason_params["at"]
    with translation.override("en"):
        assert step.wait_reason == (
            "Another mass update is still running on this view in Zoho (perhaps started by "
            "someone else, or directly in Zoho). Zoho runs only one at a time per view. "
            f"Trying again at {at}."
        )
    with translation.override("es"):
        assert step.wait_reason == (
            "Otra actualización masiva sigue en curso en esta vista en Zoho (quizá la inició "
            "otra persona, o se inició directamente en Zoho). Zoho solo ejecuta una a la vez "
            f"por vista. Se volverá a intentar a las {at}."
        )

    stored = MassUpdate.objects.get(pk=update.pk)
    assert stored.last_error_explanation_code == texts.ZOHO_BOTH
    with translation.override("es"):
        assert stored.last_error_explanation.endswith(
            "No tiene que hacer nada: este paso espera y empieza solo en cuanto termine la otra."
        )
    page = spanish_page(client_for, sam, f"/updates/{update.pk}/")
    assert f"Se volverá a intentar a las {at}." in page
    assert "Otra actualización masiva sigue en curso en esta vista en Zoho" in page
    slow_jobs.finish(outside.job_id)


def test_an_update_zoho_refused(member_factory, sim, fast_worker, client_for):
    rita = member_factory(SALES_REP_EMAIL)  # her Zoho profile may not mass update
    update = run_update(rita.member, [change("No_of_Employees", 1000)], cvid=SEED_CVID)
    run_worker()

    update.refresh_from_db()
    assert update.status == UpdateStatus.REFUSED
    assert update.last_error_explanation_code == texts.ZOHO_BOTH
    assert update.last_error_explanation_text == ""
    params = update.last_error_explanation_params
    assert params["code"] == update.last_error_code == "NO_PERMISSION"
    assert params["message"]  # Zoho's own words, kept as Zoho's
    with translation.override("en"):
        assert update.last_error_explanation == (
            "Your Zoho profile is not allowed to do this mass update (mass update permission, "
            "edit permission on the field, or access to the view). Ask a Zoho administrator to "
            "give your profile the 'Mass Update' permission, edit access to the field and "
            "access to the view."
        )
    spanish = (
        "Su perfil de Zoho no tiene permiso para hacer esta actualización masiva (permiso de "
        "actualización masiva, permiso de edición del campo o acceso a la vista)."
    )
    with translation.override("es"):
        assert update.last_error_explanation.startswith(spanish)

    page = spanish_page(client_for, rita, f"/updates/{update.pk}/")
    assert spanish in page
    history = spanish_page(client_for, rita, "/history/")
    assert spanish in history


def test_records_zoho_refused(sam, sim, fast_worker, client_for):
    update = run_update(sam.member, [change("No_of_Employees", 1000, label="No. of Employees")],
                        cvid=SEED_CVID)  # fmt: skip
    run_worker()

    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED_WITH_FAILURES
    failure = RecordFailure.objects.filter(update=update).first()
    assert failure.code == "RECORD_LOCKED"
    assert (failure.explanation_code, failure.explanation_params) == (texts.RECORD_TEXT, {})
    assert failure.explanation_text == failure.next_step_text == ""
    with translation.override("en"):
        assert failure.explanation == (
            "This record is locked in Zoho (waiting for approval, or locked by a rule)."
        )
        assert (
            failure.next_step == "Unlock or approve it in Zoho (or ask its owner), then retry it."
        )
        assert "This record is locked in Zoho" in update.last_error_explanation
    with translation.override("es"):
        assert failure.explanation == (
            "Este registro está bloqueado en Zoho (pendiente de aprobación, o bloqueado por una "
            "regla)."
        )
        assert failure.next_step == (
            "Desbloquéelo o apruébelo en Zoho (o pídaselo a su propietario) y luego vuelva a "
            "intentarlo."
        )
        explanation = update.last_error_explanation
    failed, total = update.failed_count, update.total_count
    assert explanation.startswith(f"Cambio hecho en {total - failed} de {total} leads; ")
    assert "Este registro está bloqueado en Zoho" in explanation

    page = spanish_page(client_for, sam, f"/updates/{update.pk}/")
    assert "Este registro está bloqueado en Zoho (pendiente de aprobación" in page
    assert "Desbloquéelo o apruébelo en Zoho" in page


def test_sentences_stored_before_codes_are_converted_when_the_code_words_them_alike():
    migration = importlib.import_module("crmupdate.massupdate.migrations.0006_stored_text_codes")
    with translation.override("en"):
        skipped = migration._match("Not started, because an earlier step did not complete.", None)
        waiting = migration._match(
            "Zoho is limiting how many requests your organisation can make right now (its API "
            "limit for the day, or too many at the same moment). Trying again at 10:04:05 UTC.",
            {"code": "TOO_MANY_REQUESTS", "error_message": "limit", "http_status": 429},
        )
        unknown = migration._match("A sentence no code words.", None)
    assert skipped == texts.message(texts.STEP_SKIPPED)
    assert waiting["code"] == texts.AGAIN_AT and waiting["params"]["at"] == "10:04:05 UTC"
    assert unknown is None
    # A row left with its English sentence shows it as it is, in every language.
    with translation.override("es"):
        assert texts.stored_text("", {}, "A sentence no code words.") == "A sentence no code words."
        assert texts.render_message(skipped) == (
            "Sin empezar, porque un paso anterior no se completó."
        )
