"""On a phone (390 x 844), in Spanish: the team history's rows are cards whose every cell
says what it is ("Estado: ...", "Actualizados / fallidos / total: ..."), with the status and
the counts on screen and nothing scrolling sideways, long Spanish labels included; the
dashboard's charts fit as well."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from crmupdate.accounts.language import SESSION_KEY
from crmupdate.massupdate.models import UpdateStatus
from tests.history.conftest import add_update, change

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR", "")
LABELS = ["Cuándo", "Quién", "Módulo", "Vista", "Cambios", "ID de trabajos de Zoho", "Estado",
          "Actualizados / fallidos / total", "Error"]  # fmt: skip


def scroll_width(page) -> int:
    """How wide the page is: more than the window means it scrolls sideways."""
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert inner == PHONE["width"]
    return width


def sign_in_in_spanish(page, user, origin: str):
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = "es"
    session.save()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": origin}]
    )
    return page


def test_on_a_phone_in_spanish_every_card_labels_its_cells(page, member_factory, zoho_sim_origin):
    user = member_factory()
    sam = user.member
    now = timezone.now()
    add_update(
        sam, created_at=now - timedelta(hours=3), view_name="Clientes potenciales importados",
        changes=[change("Lead Status", "Contacted"), change("Descripción de la empresa",
                                                            "Distribuidora mayorista")],
        job_ids="7389640000021521049 7389640000021521050",
        status=UpdateStatus.COMPLETED_WITH_FAILURES, total_count=12000, updated_count=11990,
        failed_count=10, last_error_code="RECORD_LOCKED",
    )  # fmt: skip
    add_update(sam, created_at=now - timedelta(hours=2), status=UpdateStatus.REFUSED,
               job_ids="", updated_count=0, total_count=0)  # fmt: skip
    add_update(sam, created_at=now - timedelta(hours=1), status=UpdateStatus.RUNNING,
               total_count=3000, updated_count=1000)  # fmt: skip

    page.set_viewport_size(PHONE)
    sign_in_in_spanish(page, user, zoho_sim_origin)
    page.goto(zoho_sim_origin + reverse("history:list"))
    expect(page.get_by_role("heading", name="Historial del equipo")).to_be_visible()
    rows = page.locator("#history-results tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#history-count")).to_have_text("Coinciden 3 actualizaciones.")

    for n in range(3):
        row = rows.nth(n)
        labels = row.locator("td").evaluate_all(
            """tds => tds.filter(td => td.getBoundingClientRect().height > 0)
                        .map(td => getComputedStyle(td, '::before').content)"""
        )
        with_error = n == 2  # an empty error cell is left out of the card
        assert labels == [f'"{label}: "' for label in LABELS[: 9 if with_error else 8]]
        for part in (row.locator(".status"), row.locator(".history-counts")):
            part.scroll_into_view_if_needed()
            expect(part).to_be_visible()
            expect(part).to_be_in_viewport()
            box = part.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    expect(rows.nth(2).locator(".history-counts")).to_contain_text("11\u00a0990 / 10 / 12\u00a0000")
    expect(rows.nth(1).locator(".status")).to_have_text("Rechazada por Zoho")

    assert scroll_width(page) <= PHONE["width"]
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/history-phone-es.png", full_page=True)

    # the dashboard's charts, with their longer Spanish titles, fit too
    page.goto(zoho_sim_origin + "/")
    expect(page.get_by_role("heading", name="Actualizaciones por semana")).to_be_visible()
    page.locator("#chart-failures details summary").click()
    expect(page.locator("#chart-failures table")).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/dashboard-phone-es.png", full_page=True)
