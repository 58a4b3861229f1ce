"""Pages of undo: what the undo will do (then confirm), its progress and per-record results,
the results as CSV, and resuming a paused undo. Reads our database only; the worker talks to
Zoho."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from crmupdate import spreadsheets
from crmupdate.accounts.decorators import team_required
from crmupdate.accounts.http import TeamRequest
from crmupdate.massupdate.fieldforms import person_zone
from crmupdate.massupdate.permissions import may_undo, refused_page
from crmupdate.massupdate.undo import export, selectors, services
from crmupdate.massupdate.undo.models import UndoOutcome, UndoRecord
from crmupdate.massupdate.undo.runner import NOT_FOUND
from crmupdate.massupdate.undo.summary import undo_problems_text
from crmupdate.massupdate.undo.values import display


def _render(request: TeamRequest, pk: int, template: str) -> HttpResponse:
    team = request.team
    undone = selectors.undo_entry_target(team=team, pk=pk)
    if undone is not None:  # the undo's own row in the history: show the undo
        return redirect("undo:page", pk=undone)
    update = selectors.update_for_undo(team=team, pk=pk)
    state = selectors.undo_state(update)
    undo = state.undo
    context: dict[str, Any] = {
        "update": update,
        "state": state,
        "undo": undo,
        "may_undo": may_undo(member=request.member, update=update),
    }
    if undo is not None:
        labels = selectors.undo_field_labels(undo)
        for key, outcome in (("conflicts", UndoOutcome.CONFLICT), ("failures", UndoOutcome.FAILED)):
            records = selectors.records_named(selectors.undo_results(undo, outcome), undo)
            context[key] = _rows(records, labels)
        context["problems"] = undo_problems_text(undo)
    zone = person_zone(request.member.time_zone)
    context["viewer_zone"] = zone
    with timezone.override(zone):
        return render(request, template, context)


NOT_CONFIRMED = "NOT_CONFIRMED"  # the runner's code for a write Zoho did not confirm


def _our_message(code: str) -> str:
    """Our words for the results that are ours, not Zoho's ("" for Zoho's own)."""
    if code == NOT_FOUND:
        return gettext("The record no longer exists in Zoho (deleted, merged or converted).")
    if code == NOT_CONFIRMED:
        return gettext("Zoho did not confirm this record was updated.")
    return ""


def _rows(records: list[tuple[UndoRecord, str]], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Results as table rows: one per record and field, values as people read them."""
    rows = []
    for record, name in records:
        ours = _our_message(record.code)
        for api_name, value in (record.values or {}).items():
            rows.append(
                {
                    "record_id": record.record_id,
                    "name": name,
                    "field": labels.get(api_name, api_name),
                    "previous": display(value.get("previous")),
                    "set": display(value.get("set")),
                    "current": display(value.get("current")),
                    "code": record.code,
                    "message": ours or record.message,
                    "ours": bool(ours),
                }
            )
    return rows


@require_GET
@team_required(allow_reauth=True)
def page(request: TeamRequest, pk: int) -> HttpResponse:
    return _render(request, pk, "massupdate/undo.html")


@require_GET
@team_required(allow_reauth=True)
def status(request: TeamRequest, pk: int) -> HttpResponse:
    """The self-refreshing part of the undo's page."""
    return _render(request, pk, "massupdate/undo.html#undo_status")


@require_POST
@team_required
def start(request: TeamRequest, pk: int) -> HttpResponse:
    update = selectors.update_for_undo(team=request.team, pk=pk)
    decision = may_undo(member=request.member, update=update)
    if not decision:
        return refused_page(request, decision, title=gettext("You cannot undo this update"))
    try:
        services.undo_start(update=update, member=request.member)
    except services.UndoRefused as refused:
        messages.error(request, str(refused))
    return redirect("undo:page", pk=update.pk)


@require_POST
@team_required
def resume(request: TeamRequest, pk: int) -> HttpResponse:
    update = selectors.update_for_undo(team=request.team, pk=pk)
    decision = may_undo(member=request.member, update=update, action="resume the undo of")
    if not decision:
        return refused_page(request, decision, title=gettext("You cannot resume this undo"))
    undo = selectors.undo_state(update).undo
    if undo is not None and services.undo_resume(undo=undo, member=request.member):
        messages.success(request, gettext("The undo carries on where it stopped."))
    return redirect("undo:page", pk=update.pk)


def _results(request: TeamRequest, pk: int, kind: str) -> HttpResponse:
    """Every record's result, as CSV or .xlsx."""
    update = selectors.update_for_undo(team=request.team, pk=pk)
    undo = selectors.undo_state(update).undo
    if undo is None:
        messages.info(request, gettext("This update has not been undone."))
        return redirect("undo:page", pk=update.pk)
    zone = person_zone(request.member.time_zone)
    rows = export.result_rows(selectors.undo_result_rows(undo))
    name = export.results_filename(update.pk, timezone.now().astimezone(zone).date())
    columns = export.columns()
    if kind == "xlsx":
        return spreadsheets.xlsx_response(  # type: ignore[return-value]  # streamed from a file
            columns, rows, zone=zone, filename=name, sheet_title=export.sheet_title(update.pk)
        )
    return spreadsheets.csv_response(columns, rows, zone=zone, filename=name)  # type: ignore[return-value]  # streamed


@require_GET
@team_required(allow_reauth=True)
def results_csv(request: TeamRequest, pk: int) -> HttpResponse:
    return _results(request, pk, "csv")


@require_GET
@team_required(allow_reauth=True)
def results_xlsx(request: TeamRequest, pk: int) -> HttpResponse:
    return _results(request, pk, "xlsx")
