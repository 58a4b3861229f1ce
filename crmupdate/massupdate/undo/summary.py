"""The undo's row in the team history: a `MassUpdate` whose status and counts mirror the undo.

Counts follow Zoho's job counts, so the history reads the same for updates and undos:
updated = put back; failed = refused by Zoho or changed since by someone (not put back);
not updated = still to do, plus records that already had their previous value.
"""

from __future__ import annotations

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from crmupdate.massupdate import explanations
from crmupdate.massupdate.models import MassUpdate
from crmupdate.massupdate.undo.models import Undo, UndoOutcome, UndoRecord


def entry_refresh(undo_id: int) -> None:
    undo = Undo.objects.filter(pk=undo_id).first()
    if undo is None:
        return
    pending = max(0, undo.total_count - undo.done_count)
    MassUpdate.objects.filter(pk=undo.entry_id).update(
        status=undo.status,
        started_at=undo.started_at,
        finished_at=undo.finished_at,
        total_count=undo.total_count,
        updated_count=undo.restored_count,
        failed_count=undo.failed_count + undo.conflict_count,
        not_updated_count=pending + undo.unchanged_count,
        last_error_code=_error_code(undo),
        last_error_explanation=undo_problems_text(undo),
        updated_at=timezone.now(),
    )


def _error_code(undo: Undo) -> str:
    if undo.error_code:
        return undo.error_code
    if undo.failed_count:
        code = (
            UndoRecord.objects.filter(undo=undo, outcome=UndoOutcome.FAILED)
            .exclude(code="")
            .values_list("code", flat=True)
            .first()
        )
        return code or ""
    return ""


def undo_problems_text(undo: Undo) -> str:
    """What did not go as planned, in plain words ("" when nothing)."""
    parts = []
    if undo.error_code:
        found = explanations.explain(
            undo.error_code, undo.error_message, http_status=undo.error_http_status
        )
        if undo.error_code == "BACKUP_EXPIRED":
            parts.append(gettext("The backup was deleted before the undo could finish."))
        else:
            parts.append(f"{found.text} {found.next_step}")
    if undo.conflict_count:
        n = undo.conflict_count
        parts.append(
            ngettext(
                "%(count)s record changed in Zoho after the update was left as it is.",
                "%(count)s records changed in Zoho after the update were left as they are.",
                n,
            )
            % {"count": intcomma(n)}
        )
    if undo.failed_count:
        n = undo.failed_count
        parts.append(
            ngettext(
                "%(count)s record could not be put back (see the undo's page).",
                "%(count)s records could not be put back (see the undo's page).",
                n,
            )
            % {"count": intcomma(n)}
        )
    return " ".join(parts)
