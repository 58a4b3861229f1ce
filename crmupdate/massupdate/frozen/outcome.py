"""What an update did, per record of its frozen set, in numbers and in words.

Counts add up per record, not per job: a record is "changed" when no step left it unchanged,
"not changed" when some step (after its retry) did not change it, "deleted" when Zoho no
longer has it; changed + not changed + deleted = the frozen count. The same words go on the
update's page and into the history's explanation column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from crmupdate.massupdate.frozen.models import RecordFailure


@dataclass
class RecordCounts:
    frozen: int
    changed: int
    not_changed: int
    deleted: int
    reasons: list[tuple[str, int, str]] = field(default_factory=list)  # code, records, words


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
            words = refused.filter(code=row["code"]).values_list("explanation", flat=True)[:1]
            counts.reasons.append((row["code"], row["records"], words[0] if words else ""))
    return counts


def plural(count: int, noun: str) -> str:
    """ "1 record" / "3 records"; `noun` is the plural ("deals")."""
    if count == 1 and noun.endswith("s"):
        noun = noun[:-1]
    return f"{count:,} {noun}"


def counts_sentence(counts: RecordCounts, noun: str) -> str:
    """ "1,010 of 1,013 deals changed; 3 not changed; 1 deleted in Zoho since"."""
    text = f"{counts.changed:,} of {plural(counts.frozen, noun)} changed"
    if counts.not_changed:
        text += f"; {counts.not_changed:,} not changed"
    if counts.deleted:
        text += f"; {counts.deleted:,} deleted in Zoho since the update started"
    return text


def reasons_sentence(counts: RecordCounts) -> str:
    parts = [f"{plural(n, 'records')}: {words}" for _, n, words in counts.reasons]
    return " ".join(parts)


def applied_sentence(
    *, steps: list[Any], changed: int, noun: str, reason: str
) -> str:  # fmt: skip
    """ "3 of 8 field changes applied to 1,010 deals; 5 not applied because ..." when some
    field changes never reached Zoho (a step refused, the rest not started); "" otherwise."""
    total = sum(len(s.changes or []) for s in steps)
    applied = sum(len(s.changes or []) for s in steps if s.status == "completed")
    if applied == total or applied == 0:
        return ""
    missing = total - applied
    because = f" because {reason[:1].lower()}{reason[1:]}" if reason else ""
    return (
        f"{applied:,} of {total:,} field changes applied to {plural(changed, noun)}; "
        f"{missing:,} not applied{because.rstrip('.')}."
    )
