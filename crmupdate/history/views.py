"""The team history: the page (and its table fragment for htmx), one row (running rows refresh
themselves), the CSV and Excel downloads, and the benchmark's floor page.

Filters, search and the page position live in the query string, so every state is a
shareable URL and the back button works; htmx swaps only the table and pushes the URL.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from crmupdate import spreadsheets
from crmupdate.accounts.decorators import team_required
from crmupdate.accounts.http import TeamRequest
from crmupdate.history import export, selectors
from crmupdate.history.filters import STATUS_CHOICES, HistoryFilterForm, options_marked
from crmupdate.history.options import filter_options_for
from crmupdate.massupdate.fieldforms import person_zone

RESULTS_TARGET = "history-results"


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    return query.urlencode()


def _parse(request: TeamRequest) -> tuple[HistoryFilterForm, ZoneInfo]:
    form = HistoryFilterForm(request.GET)
    form.is_valid()  # invalid parts are shown next to the form and left out; the rest applies
    return form, person_zone(request.member.time_zone)


def _bad_request(request: HttpRequest, form: HistoryFilterForm) -> HttpResponse:
    """A plain 400 page saying which filter could not be read."""
    problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
    text = gettext("%(problems)s Change the filters on the history page and try again.") % {
        "problems": problems
    }
    context = {"title": gettext("These filters could not be read"), "text": text, "status": 400}
    return render(request, "error.html", context, status=400)


@require_GET
@team_required(allow_reauth=True)
def history_list(request: TeamRequest) -> HttpResponse:
    form, zone = _parse(request)
    page = selectors.history_page(
        team=request.team,
        filters=form.filters(zone),
        zone=zone,
        before=form.cleaned_data.get("before"),
        after=form.cleaned_data.get("after"),
    )
    query = _query_without_page(request)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "query": query,
        "at_newest": page.newer is None and not request.GET.get("before"),
        "ignored_words": form.ignored_words(),
    }
    template = "history/list.html"
    htmx = request.htmx
    if htmx and htmx.target == RESULTS_TARGET and not htmx.history_restore_request:
        template += "#results"
    else:  # the whole page: the filter form and its options too
        options = filter_options_for(
            session=request.session,
            team=request.team,
            rows=page.rows,
        )
        values = form.cleaned_data
        context.update(
            viewer_zone=zone.key,
            module_options=options_marked(options.modules, values.get("module")),
            person_options=options_marked(options.people, values.get("person")),
            status_options=options_marked(STATUS_CHOICES, values.get("status", "")),
        )
    response = render(request, template, context)
    # The same URL answers with the whole page or the table: caches must keep both apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_GET
@team_required(allow_reauth=True)
def history_count(request: TeamRequest) -> HttpResponse:
    """How many updates match the filters (loaded by the page after it is shown)."""
    form, zone = _parse(request)
    cap = selectors.COUNT_CAP
    count = selectors.history_count(team=request.team, filters=form.filters(zone), cap=cap)
    context = {
        "count": count,
        "capped": count > cap,
        "count_cap": cap,
        "query": _query_without_page(request),
    }
    template = "history/count.html"
    if request.htmx:
        template += "#count"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@team_required(allow_reauth=True)
def history_row(request: TeamRequest, pk: int) -> HttpResponse:
    """One row, for running rows that refresh themselves (reads our database, never Zoho)."""
    zone = person_zone(request.member.time_zone)
    row = selectors.history_row(team=request.team, pk=pk, zone=zone)
    return render(request, "history/list.html#row", {"row": row})


def _export(request: TeamRequest, kind: str) -> HttpResponse:
    form, zone = _parse(request)
    if not form.is_valid():  # a download must hold what was asked for, not a guess
        return _bad_request(request, form)
    values = selectors.history_export_values(
        team=request.team,
        filters=form.filters(zone),
        fields=export.FIELDS,
    )
    rows = export.export_rows(values)
    filename = export.export_filename(timezone.now().astimezone(zone).date())
    if kind == "xlsx":
        return spreadsheets.xlsx_response(  # type: ignore[return-value]  # streamed from a file
            export.COLUMNS, rows, zone=zone, filename=filename, sheet_title=export.SHEET_TITLE
        )
    return spreadsheets.csv_response(export.COLUMNS, rows, zone=zone, filename=filename)  # type: ignore[return-value]  # streamed


@require_GET
@team_required(allow_reauth=True)
def history_csv(request: TeamRequest) -> HttpResponse:
    """Every matching update as CSV, streamed."""
    return _export(request, "csv")


@require_GET
@team_required(allow_reauth=True)
def history_xlsx(request: TeamRequest) -> HttpResponse:
    """Every matching update as an Excel workbook."""
    return _export(request, "xlsx")


@require_GET
@team_required(allow_reauth=True)
def floor(request: TeamRequest) -> HttpResponse:
    """A bare signed-in page with a trivial template: the benchmark's baseline. It exists only
    with DEBUG or the BENCH setting on."""
    if not (settings.DEBUG or settings.BENCH):
        raise Http404("Not available")
    return render(request, "history/floor.html")
