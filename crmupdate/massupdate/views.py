"""Pages of the mass update: new (module and view), changes, review, run, the update's page.

Every page works without JavaScript; htmx makes it fluid (views load when a module is
chosen, rows appear when a field is added, the update's page refreshes itself while
something runs). One template renders each page and its fragments.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crmupdate import spreadsheets
from crmupdate.accounts.decorators import team_required
from crmupdate.accounts.http import TeamRequest
from crmupdate.accounts.permissions import member_permissions_refresh
from crmupdate.locales import person_locale
from crmupdate.massupdate import metadata, selectors, services, units, viewcounts
from crmupdate.massupdate.explanations import explain
from crmupdate.massupdate.fieldforms import offered_fields, person_zone
from crmupdate.massupdate.forms import (
    ChangesForm,
    ModuleViewForm,
    initial_from_raw,
    raw_input_from,
)
from crmupdate.massupdate.frozen import selectors as frozen_selectors
from crmupdate.massupdate.frozen.retry import RetryRefused, records_retry_start
from crmupdate.massupdate.pagelimits import limited_page, page_reads_take
from crmupdate.massupdate.permissions import (
    ANY_MODULE,
    may_change_run,
    may_start,
    refused_page,
)
from crmupdate.massupdate.review import draft_preview as review_preview
from crmupdate.massupdate.undo.selectors import undo_entry_target
from crmupdate.massupdate.undo.services import backup_choice_save
from crmupdate.zoho.errors import ErrorCategory, ZohoError


def _zoho_problem(error: ZohoError) -> dict[str, Any]:
    """A Zoho failure as the page shows it; expired sign-ins go to "sign in again"."""
    if error.category == ErrorCategory.AUTH:
        raise error  # the accounts middleware sends the person through sign-in and back
    return {
        "error": error,
        "explanation": explain(
            error.code, error.message, error.details, http_status=error.http_status
        ),
    }


@require_http_methods(["GET", "POST"])
@team_required
@limited_page
def new(request: TeamRequest) -> HttpResponse:
    member = request.member
    context: dict[str, Any] = {"recent": selectors.updates_recent(team=member.team, limit=5)}
    if not member.may_mass_update_somewhere:  # say why, and spend no Zoho call on it
        refusal = may_start(member=member, module_api_name="", module_label=ANY_MODULE)
        if request.method == "POST":
            return refused_page(request, refusal, title=_("You cannot start a mass update"))
        context["refusal"] = refusal.reason
        return render(request, "massupdate/new.html", context)
    views_url = reverse("massupdate:new")
    try:
        offered = metadata.modules_for(member)
        modules = [m for m in offered if member.may_mass_update(m.api_name)]
        context["not_allowed"] = [m for m in offered if not member.may_mass_update(m.api_name)]
        module = (request.POST or request.GET).get("module", "")
        chosen = next((m for m in modules if m.api_name == module), None)
        refused = next((m for m in context["not_allowed"] if m.api_name == module), None)
        if refused is not None:
            decision = may_start(
                member=member, module_api_name=refused.api_name, module_label=refused.plural_label
            )
            return refused_page(request, decision, title=_("You cannot mass update this module"))
        views = metadata.views_for(member, chosen.api_name) if chosen else None
    except ZohoError as error:
        context.update(_zoho_problem(error))
        return render(request, "massupdate/new.html", context)
    # "Continue" with the module's views on screen (no view ticked sends no cvid at all).
    picking = "cvid" in request.POST or (module and request.POST.get("views_for") == module)
    if request.method == "POST" and picking:
        form = ModuleViewForm(request.POST, modules=modules, views=views, views_url=views_url)
        if form.is_valid() and chosen is not None:
            draft = services.draft_create(
                member=member,
                module_api_name=chosen.api_name,
                module_label=chosen.plural_label,
                cvid=form.cleaned_data["cvid"],
                view_name=form.view_name(form.cleaned_data["cvid"]),
            )
            return redirect("massupdate:changes", draft_id=draft.public_id)
    else:
        # Choosing a module (htmx, or the button without JavaScript) only shows its views.
        form = ModuleViewForm(
            initial={"module": module}, modules=modules, views=views, views_url=views_url
        )
    context.update(form=form, module=chosen, views=views)
    if chosen is not None:
        # The page never waits for Zoho's counts: it shows those remembered and fetches the
        # others right after loading (or at once, without JavaScript, on "Show counts").
        counting = (
            viewcounts.view_counts_fetch
            if request.GET.get("counts")
            else (viewcounts.view_counts_remembered)
        )
        try:
            counts = counting(member=member, module=chosen.api_name, cvids=_cvids(form))
        except ZohoError as error:
            context.update(_zoho_problem(error))
            counts = {}
        context["picker"] = viewcounts.picker_groups(form.view_groups, counts)
        context["counts_missing"] = any(not c.known for c in counts.values())
    template = "massupdate/new.html"
    if request.htmx and request.method == "GET":
        template += "#view_picker"
    return render(request, template, context)


def _cvids(form: ModuleViewForm) -> list[str]:
    return [v.id for group in form.view_groups for v in group.views]


@require_GET
@team_required
def view_counts(request: TeamRequest) -> HttpResponse:
    """The record counts of a module's views, as out-of-band pieces of the view picker."""
    member = request.member
    try:
        module = metadata.module_for(member, request.GET.get("module", ""))
        views = metadata.views_for(member, module.api_name) if module else None
    except ZohoError as error:
        if error.category == ErrorCategory.AUTH:
            raise
        return HttpResponse(status=204)  # the picker works on without counts
    if module is None:
        return HttpResponse(status=204)
    form = ModuleViewForm(modules=[module], views=views)
    counts = viewcounts.view_counts_fetch(member=member, module=module.api_name, cvids=_cvids(form))
    context = {"counts": list(counts.values())}
    return render(request, "massupdate/new.html#view_counts", context)


@require_POST
@team_required
@limited_page
def refresh_metadata(request: TeamRequest) -> HttpResponse:
    module = request.POST.get("module", "")
    member = request.member
    if module:
        try:
            cvids = [v.id for v in metadata.views_for(member, module).views if v.id]
        except (ZohoError, ValueError):
            cvids = []
        viewcounts.view_counts_forget(member=member, module=module, cvids=cvids)
    metadata.metadata_forget(team=member.team, module=module)
    page_reads_take(member=member, calls=3)  # the person, their profile, the administrators
    try:
        member_permissions_refresh(member=member)
    except ZohoError as error:
        if error.category == ErrorCategory.AUTH:
            raise  # the accounts middleware sends the person through sign-in and back
        messages.error(request, _("Zoho could not tell your permissions just now: try again soon."))
    else:
        messages.success(request, _("Your permissions, modules, views and fields are read again."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(back)
    return redirect("massupdate:new")


@require_http_methods(["GET", "POST"])
@team_required
@limited_page
def changes(request: TeamRequest, draft_id: str) -> HttpResponse:
    member = request.member
    draft = selectors.draft_for_member(member=member, public_id=draft_id)
    if draft.update_id:
        messages.info(request, _("These changes were already run. Here is how it went."))
        return redirect("massupdate:detail", pk=draft.update_id)
    if refused := _draft_refusal(request, draft):
        return refused
    context: dict[str, Any] = {"draft": draft}
    try:
        offered = offered_fields(metadata.fields_for(member, draft.module_api_name))
    except ZohoError as error:
        context.update(_zoho_problem(error))
        return render(request, "massupdate/changes.html", context)
    views = _views_or_none(member, draft.module_api_name)
    kwargs = _changes_form_kwargs(request, offered, draft.selected_fields)
    focus = ""
    if request.method == "GET":
        form = ChangesForm(**kwargs, initial=initial_from_raw(draft.raw_input, offered))
    else:
        action = request.POST.get("action", "review")
        selected = request.POST.getlist("field")
        if action == "add" and request.POST.get("add_field"):
            focus = request.POST["add_field"]
            selected.append(focus)
        elif action.startswith("remove:"):
            selected = [s for s in selected if s != action.removeprefix("remove:")]
        kwargs = _changes_form_kwargs(request, offered, selected)
        if action == "review":
            form = ChangesForm(request.POST, **kwargs)
            if form.is_valid():
                services.draft_save_changes(
                    draft=draft,
                    changes=form.changes(),
                    selected=form.selected,
                    raw=raw_input_from(request.POST, form.selected),
                )
                return redirect("massupdate:review", draft_id=draft.public_id)
        else:
            raw = raw_input_from(request.POST, selected)
            form = ChangesForm(**kwargs, initial=initial_from_raw(raw, offered))
            services.draft_save_input(draft=draft, selected=form.selected, raw=raw)
            if action == "view":
                _change_view(request, draft, views)
                return redirect("massupdate:changes", draft_id=draft.public_id)
            if action == "refresh":  # what was typed is kept in the draft, read back below
                metadata.metadata_forget(team=member.team, module=draft.module_api_name)
                cvids = [v.id for v in views.views if v.id] if views is not None else []
                viewcounts.view_counts_forget(
                    member=member, module=draft.module_api_name, cvids=cvids
                )
                messages.success(request, _("Fields and views were read again from Zoho."))
                return redirect("massupdate:changes", draft_id=draft.public_id)
    form.focus_on(focus)
    context.update(form=form, view_options=_view_options(member, draft, views))
    template = "massupdate/changes.html"
    if request.htmx and request.method == "POST":
        template += "#changes_form"
    return render(request, template, context)  # invalid forms too: 200, so htmx swaps them


def _changes_form_kwargs(request: TeamRequest, offered: list[Any], selected: list[str]) -> Any:
    member = request.member
    chosen = set(selected)
    money = any(f.data_type == "currency" and f.api_name in chosen for f in offered)
    return {
        "offered": offered,
        "selected": selected,
        "time_zone": member.time_zone,
        "locale": person_locale(request),
        "currency_symbol": units.org_currency_symbol(member=member) if money else "",
    }


def _views_or_none(member: Any, module: str) -> Any:
    """The module's views for "change view"; without them the changes page works on."""
    try:
        return metadata.views_for(member, module)
    except ZohoError as error:
        if error.category == ErrorCategory.AUTH:
            raise
        return None


def _change_view(request: HttpRequest, draft: Any, views: Any) -> None:
    cvid = request.POST.get("cvid", "")
    found = views.views if views is not None else []
    view = next((v for v in found if v.id and v.id == cvid), None)
    if view is None:
        messages.error(request, _("Choose a view from the list."))
    elif view.id != draft.cvid:
        services.draft_set_view(draft=draft, cvid=view.id, view_name=view.display_value)
        messages.success(
            request,
            _("The changes now apply to the view %(view)s.") % {"view": view.display_value},
        )


def _view_options(member: Any, draft: Any, views: Any) -> list[tuple[str, str]]:
    """(id, "name (about N records)") for the "change view" list, counts as remembered."""
    if views is None:
        return []
    ids = [v.id for v in views.views if v.id]
    counts = viewcounts.view_counts_remembered(
        member=member, module=draft.module_api_name, cvids=ids
    )
    options = []
    for view in views.views:
        if view.id:
            text = counts[view.id].text
            options.append(
                (view.id, f"{view.display_value} ({text})" if text else view.display_value)
            )
    return options


@require_GET
@team_required
@limited_page
def review(request: TeamRequest, draft_id: str) -> HttpResponse:
    member = request.member
    draft = selectors.draft_for_member(member=member, public_id=draft_id)
    if draft.update_id:
        return redirect("massupdate:detail", pk=draft.update_id)
    if refused := _draft_refusal(request, draft):
        return refused
    if not draft.changes:
        return redirect("massupdate:changes", draft_id=draft.public_id)
    context: dict[str, Any] = {"draft": draft}
    try:
        context["preview"] = review_preview(
            draft=draft, member=member, locale=person_locale(request)
        )
    except ZohoError as error:
        context.update(_zoho_problem(error))
    return render(request, "massupdate/review.html", context)


@require_POST
@team_required
def run(request: TeamRequest, draft_id: str) -> HttpResponse:
    member = request.member
    draft = selectors.draft_for_member(member=member, public_id=draft_id)
    if not draft.update_id and (refused := _draft_refusal(request, draft)):
        return refused
    backup_choice_save(draft=draft, data=request.POST)  # before the worker can look for it
    try:
        update = services.massupdate_run(
            draft=draft, member=member, run_token=request.POST.get("run_token", "")
        )
    except services.RunRefused as refused:
        messages.error(request, str(refused))
        return redirect("massupdate:review", draft_id=draft.public_id)
    return redirect("massupdate:detail", pk=update.pk)


def _draft_refusal(request: TeamRequest, draft: Any) -> HttpResponse | None:
    decision = may_start(
        member=request.member,
        module_api_name=draft.module_api_name,
        module_label=draft.module_label,
    )
    if decision:
        return None
    return refused_page(request, decision, title=_("You cannot run this mass update"))


def _render_update(request: TeamRequest, pk: int, template: str) -> HttpResponse:
    update = selectors.update_for_team(team=request.team, pk=pk)
    zone = person_zone(request.member.time_zone)
    steps = list(update.steps.all())
    context = {
        "update": update,
        "steps": steps,
        "viewer_zone": zone,
        "may_retry": may_change_run(member=request.member, update=update, action="retry"),
        "outcome": frozen_selectors.update_outcome(update, steps),
        "failures": frozen_selectors.failures_page(update, request.GET.get("records")),
    }
    with timezone.override(zone):  # times in the viewer's own time zone
        return render(request, template, context)


@require_GET
@team_required(allow_reauth=True)
def detail(request: TeamRequest, pk: int) -> HttpResponse:
    undone = undo_entry_target(team=request.team, pk=pk)
    if undone is not None:  # this row is an undo: its page is the undone update's undo page
        return redirect("undo:page", pk=undone)
    return _render_update(request, pk, "massupdate/detail.html")


@require_GET
@team_required(allow_reauth=True)
def status(request: TeamRequest, pk: int) -> HttpResponse:
    """The self-refreshing part of the update's page (reads our database, never Zoho)."""
    return _render_update(request, pk, "massupdate/detail.html#status")


@require_POST
@team_required
def retry(request: TeamRequest, pk: int, step_id: int) -> HttpResponse:
    update = selectors.update_for_team(team=request.team, pk=pk)
    decision = may_change_run(member=request.member, update=update, action="retry")
    if not decision:
        return refused_page(request, decision, title=_("You cannot send this step again"))
    if services.step_retry(update=update, step_id=step_id, member=request.member):
        messages.success(request, _("The step is being sent to Zoho again."))
    return redirect(reverse("massupdate:detail", kwargs={"pk": update.pk}))


@require_POST
@team_required
def resume(request: TeamRequest, pk: int) -> HttpResponse:
    update = selectors.update_for_team(team=request.team, pk=pk)
    decision = may_change_run(member=request.member, update=update, action="resume")
    if not decision:
        return refused_page(request, decision, title=_("You cannot resume this update"))
    if services.massupdate_resume(update=update, member=request.member):
        messages.success(request, _("The update carries on where it stopped."))
    return redirect("massupdate:detail", pk=update.pk)


def _failures(request: TeamRequest, pk: int, kind: str) -> HttpResponse:
    """The records the update did not change, with Zoho's reason and ours (the formats are
    `crmupdate.spreadsheets`': in the .xlsx ids are text cells, all 19 digits kept)."""
    update = selectors.update_for_team(team=request.team, pk=pk)
    zone = person_zone(request.member.time_zone)
    rows = frozen_selectors.failures_export_rows(update)
    # The file's name and its header row in the person's language; the data stays as stored.
    name = _("update-%(pk)s-records-not-changed") % {"pk": update.pk}
    columns = frozen_selectors.failures_columns()
    if kind == "xlsx":
        title = _("Update %(pk)s") % {"pk": update.pk}
        return spreadsheets.xlsx_response(  # type: ignore[return-value]  # streamed from a file
            columns, rows, zone=zone, filename=name, sheet_title=title
        )
    return spreadsheets.csv_response(columns, rows, zone=zone, filename=name)  # type: ignore[return-value]  # streamed


@require_GET
@team_required(allow_reauth=True)
def failures_csv(request: TeamRequest, pk: int) -> HttpResponse:
    return _failures(request, pk, "csv")


@require_GET
@team_required(allow_reauth=True)
def failures_xlsx(request: TeamRequest, pk: int) -> HttpResponse:
    return _failures(request, pk, "xlsx")


@require_POST
@team_required
def retry_records(request: TeamRequest, pk: int) -> HttpResponse:
    update = selectors.update_for_team(team=request.team, pk=pk)
    decision = may_change_run(member=request.member, update=update, action="retry")
    if not decision:
        return refused_page(request, decision, title=_("You cannot retry these records"))
    try:
        records_retry_start(update=update, member=request.member)
    except RetryRefused as refused:
        messages.info(request, str(refused))
    else:
        messages.success(request, _("The records not changed are being sent to Zoho again."))
    return redirect("massupdate:detail", pk=update.pk)
