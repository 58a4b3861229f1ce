"""The undo's row in the team history: a `MassUpdate` whose status and counts mirror the undo.

Counts follow Zoho's job counts, so the history reads the same for updates and undos:
updated = put back; failed = refused by Zoho or changed since by someone (not put back);
not updated = still to do, plus records that already had their previous value.
"""

from __future__ import annotations

from django.utils import timezone

from crmupdate.massupdate import texts
from crmupdate.massupdate.models import MassUpdate
from crmupdate.massupdate.texts import Message
from crmupdate.massupdate.undo.models import Undo, UndoOutcome, UndoRecord

BACKUP_EXPIRED = "BACKUP_EXPIRED"  # the undo runner's code when the kept values are gone


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
        **texts.columns("last_error_explanation", undo_problems(undo)),
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


def undo_problems(undo: Undo) -> Message | None:
    """What did not go as planned, as a stored text (see `texts`); None when nothing."""
    parts: list[Message] = []
    if undo.error_code == BACKUP_EXPIRED:
        parts.append(texts.message(texts.UNDO_BACKUP_GONE))
    elif undo.error_code:
        parts.append(
            texts.zoho_message(undo.error_code, undo.error_message,
                               http_status=undo.error_http_status)
        )  # fmt: skip
    if undo.conflict_count:
        parts.append(texts.message(texts.UNDO_CONFLICTS, count=undo.conflict_count))
    if undo.failed_count:
        parts.append(texts.message(texts.UNDO_FAILED, count=undo.failed_count))
    return texts.message(texts.JOIN, parts=parts) if parts else None


def undo_problems_text(undo: Undo) -> str:
    """What did not go as planned, in plain words, in the active language ("" when nothing)."""
    return texts.render_message(undo_problems(undo))
