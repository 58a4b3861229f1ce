"""What an update did, per record of its frozen set, in numbers and in words.

Counts add up per record, not per job: a record is "changed" when no step left it unchanged,
"not changed" when some step (after its retry) did not change it, "deleted" when Zoho no
longer has it; changed + not changed + deleted = the frozen count. The same words go on the
update's page and into the history's explanation column, as stored texts (see `texts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Count

from crmupdate.massupdate import texts
from crmupdate.massupdate.frozen.models import RecordFailure
from crmupdate.massupdate.texts import Message


@dataclass
class RecordCounts:
    frozen: int
    changed: int
    not_changed: int
    deleted: int
    # (code, records, what happened to them as a stored text: see `texts`)
    reasons: list[tuple[str, int, Message]] = field(default_factory=list)


def record_counts(update_id: int, frozen_count: int, *, reasons: bool = False) -> RecordCounts:
    """Per-record counts of the update's frozen set (each record counted once)."""
    still = RecordFailure.objects.filter(update_id=update_id, resolved_at__isnull=True)
    gone = still.filter(deleted=True).values("record_id")
    refused = still.filter(deleted=False).exclude(record_id__in=gone)
    deleted = gone.distinct().count()
    not_changed = refused.values("record_id").distinct().count()
    counts = RecordCounts(
        frozen=frozen_count,
        changed=max(0, frozen_count - not_changed - deleted),
        not_changed=not_changed,
        deleted=deleted,
    )
    if reasons and not_changed:
        rows = (
            refused.values("code")
            .annotate(records=Count("record_id", distinct=True))
            .order_by("-records", "code")
        )
        for row in rows[:5]:
            counts.reasons.append((row["code"], row["records"], _reason_of(refused, row["code"])))
    return counts


def _reason_of(refused: Any, code: str) -> Message:
    """What happened to the records refused with `code` (one of them speaks for all)."""
    found = (
        refused.filter(code=code)
        .values_list("explanation_code", "explanation_params", "message", "details",
                     "explanation_text")[:1]
    )  # fmt: skip
    if not found:
        return texts.message(texts.PLAIN, text="")
    worded, params, message, details, old_text = found[0]
    if not worded:
        return texts.message(texts.PLAIN, text=old_text)
    return texts.record_message(texts.RECORD_TEXT, code, message, details, params)


def noun_of(module_label: str) -> str | Message:
    """What the module calls its records ("deals", Zoho's label), or our word "records"."""
    return module_label.lower() or texts.message(texts.RECORDS)


def counts_message(counts: RecordCounts, noun: str | Message, *, end: bool = False) -> Message:
    """ "1,010 of 1,013 deals changed; 3 not changed; 1 deleted in Zoho since"."""
    return texts.message(
        texts.COUNTS, changed=counts.changed, frozen=counts.frozen, noun=noun,
        not_changed=counts.not_changed, deleted=counts.deleted, end=end,
    )  # fmt: skip


def reasons_message(counts: RecordCounts) -> Message:
    """ "3 records: <what happened to them>" for each reason."""
    parts = [texts.message(texts.REASON, count=n, words=words) for _, n, words in counts.reasons]
    return texts.message(texts.JOIN, parts=parts)


def applied_message(
    *, steps: list[Any], changed: int, noun: str | Message, reason: Message | None
) -> Message | None:  # fmt: skip
    """ "3 of 8 field changes applied to 1,010 deals; 5 not applied because ..." when some
    field changes never reached Zoho (a step refused, the rest not started); None otherwise."""
    total = sum(len(s.changes or []) for s in steps)
    applied = sum(len(s.changes or []) for s in steps if s.status == "completed")
    if applied == total or applied == 0:
        return None
    return texts.message(
        texts.APPLIED, applied=applied, total=total, changed=changed, noun=noun,
        missing=total - applied, reason=reason,
    )  # fmt: skip


def plural(count: int, noun: str) -> str:
    """ "1 record" / "3 records"; `noun` is the plural ("deals")."""
    if count == 1 and noun.endswith("s"):
        noun = noun[:-1]
    return f"{intcomma(count)} {noun}"
