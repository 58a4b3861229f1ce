"""A step's activity log as sentences, rendered when read.

The worker stores each event as a kind, a code and details (`StepEvent`); older events also
carry an English message. Here each stored event becomes an entry: a sentence code and its
parameters, which `massupdate/_activity.html` words (through the translation machinery).
Nothing is worded at write time, so the log reads in the viewer's language and rewording a
sentence changes every past entry too.

Events carry their parameters in `details` (`records` and `api_calls` of a backup, `by` for
who resumed or resent a step); events stored before that carried them only in their English
message, which is read here as a fallback.

Sending attempts are numbered here, from the events themselves: the stored attempt number
counted failed tries only, which gave "attempt 2" with no attempt 1 before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext, ngettext

from crmupdate.massupdate.changetext import field_labels
from crmupdate.massupdate.explanations import explain

# Sentence codes (the template has one sentence for each).
SENDING = "sending"
SENDING_AGAIN = "sending_again"
ACCEPTED = "accepted"
ZOHO_SCHEDULED = "zoho_scheduled"
ZOHO_RUNNING = "zoho_running"
ZOHO_COMPLETED = "zoho_completed"
ZOHO_COMPLETED_WITH_FAILURES = "zoho_completed_with_failures"
ZOHO_FAILED = "zoho_failed"
ZOHO_OTHER = "zoho_other"
WAITING = "waiting"
REFUSED = "refused"
INTERRUPTED = "interrupted"
PAUSED = "paused"
TRACKING_LOST = "tracking_lost"
RESUMED = "resumed"
RESUMED_BY = "resumed_by"
SENT_AGAIN_BY = "sent_again_by"
BACKUP_KEPT = "backup_kept"
BACKUP_FAILED = "backup_failed"
OTHER = "other"

_BACKUP_COUNTS = re.compile(r"([\d,]+) records? \(([\d,]+) Zoho call")
_BY_PERSON = {
    RESUMED_BY: re.compile(r"^Resumed by (?P<name>.+)\.$"),
    SENT_AGAIN_BY: re.compile(r"^(?P<name>.+) sent it again\.$"),
}


@dataclass(frozen=True)
class ActivityEntry:
    at: datetime
    sentence: str  # one of the codes above
    params: dict[str, Any] = field(default_factory=dict)


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _count(details: Any, key: str) -> int:
    value = details.get(key) if isinstance(details, dict) else None
    return value if isinstance(value, int) else 0


def _zoho_status(event: Any) -> tuple[str, dict[str, Any]]:
    details = event.details
    params = {
        "updated": _count(details, "Updated_Count"),
        "failed": _count(details, "Failed_Count"),
        "total": _count(details, "Total_Count"),
    }
    code = (event.code or "").upper()
    if code == "SCHEDULED":
        return ZOHO_SCHEDULED, params
    if code == "RUNNING":
        return ZOHO_RUNNING, params
    if code == "COMPLETED":
        return (ZOHO_COMPLETED_WITH_FAILURES if params["failed"] else ZOHO_COMPLETED), params
    if code == "FAILED":
        return ZOHO_FAILED, params
    return ZOHO_OTHER, {**params, "code": event.code}


def _explanation(event: Any, labels: dict[str, str]) -> str:
    return str(
        explain(
            event.code,
            event.message,
            event.details,
            http_status=event.http_status,
            field_labels=labels,
        ).text
    )


def _entry(event: Any, sent_before: int, labels: dict[str, str]) -> ActivityEntry:
    kind = event.kind
    at = event.created_at
    if kind == "sending":
        if sent_before:
            return ActivityEntry(at, SENDING_AGAIN, {"attempt": sent_before + 1})
        return ActivityEntry(at, SENDING)
    if kind == "scheduled":
        job_id = event.details.get("job_id", "") if isinstance(event.details, dict) else ""
        return ActivityEntry(at, ACCEPTED, {"job_id": job_id})
    if kind == "status":
        sentence, params = _zoho_status(event)
        return ActivityEntry(at, sentence, params)
    if kind in {"waiting", "refused", "interrupted", "paused", "tracking_lost", "backup_failed"}:
        return ActivityEntry(at, kind, {"explanation": _explanation(event, labels)})
    details = event.details if isinstance(event.details, dict) else {}
    if kind == "backup":
        if isinstance(details.get("records"), int):
            calls = details.get("api_calls")
            calls = calls if isinstance(calls, int) else 0
            params = {"records": details["records"], "calls": calls}
            return ActivityEntry(at, BACKUP_KEPT, params)
        found = _BACKUP_COUNTS.search(event.message or "")
        if found:
            records, calls = _number(found.group(1)), _number(found.group(2))
            return ActivityEntry(at, BACKUP_KEPT, {"records": records, "calls": calls})
    if kind in {"resumed", "retry"}:
        sentence = RESUMED_BY if kind == "resumed" else SENT_AGAIN_BY
        if details.get("by"):
            return ActivityEntry(at, sentence, {"name": str(details["by"])})
        by = _BY_PERSON[sentence].match(event.message or "")
        if by:
            return ActivityEntry(at, sentence, {"name": by.group("name")})
        return ActivityEntry(at, RESUMED if kind == "resumed" else SENT_AGAIN_BY, {"name": ""})
    worded = _counted(kind, details)
    if worded:
        return ActivityEntry(at, OTHER, {"text": worded, "code": event.code})
    # An event this module does not word yet: its stored text, or its kind.
    text = event.message or kind.replace("_", " ").capitalize()
    return ActivityEntry(at, OTHER, {"text": text, "code": event.code})


def _counts(details: dict[str, Any], *keys: str) -> dict[str, Any] | None:
    """The whole-number `keys` of `details`, shown with the reader's digit grouping (None
    when one is missing: an event stored before they were kept)."""
    if not all(isinstance(details.get(key), int) for key in keys):
        return None
    return {key: intcomma(details[key]) for key in keys}


def _counted(kind: str, details: dict[str, Any]) -> str:
    """The sentence of an event worded from its counts ("" when it has none)."""
    if kind == "frozen" and (p := _counts(details, "records", "calls")):
        if details.get("kept"):
            return (
                ngettext(
                    "The update acts on the %(records)s records in the view now, with their "
                    "current values (%(calls)s Zoho call).",
                    "The update acts on the %(records)s records in the view now, with their "
                    "current values (%(calls)s Zoho calls).",
                    details["calls"],
                )
                % p
            )
        return (
            ngettext(
                "The update acts on the %(records)s records in the view now (%(calls)s Zoho call).",
                "The update acts on the %(records)s records in the view now (%(calls)s Zoho "
                "calls).",
                details["calls"],
            )
            % p
        )
    if kind == "done" and (p := _counts(details, "changed", "failed", "deleted", "calls")):
        return (
            ngettext(
                "%(changed)s changed, %(failed)s not changed, %(deleted)s deleted since "
                "(%(calls)s Zoho call).",
                "%(changed)s changed, %(failed)s not changed, %(deleted)s deleted since "
                "(%(calls)s Zoho calls).",
                details["calls"],
            )
            % p
        )
    if kind == "checked" and (
        p := _counts(details, "changed", "failed", "deleted", "reads", "retries")
    ):
        return (
            gettext(
                "Checked each record: %(changed)s changed, %(failed)s not changed, %(deleted)s "
                "deleted since (reads: %(reads)s; retries by id: %(retries)s)."
            )
            % p
        )
    return ""


def step_activity(step: Any) -> list[ActivityEntry]:
    """The step's events (prefetched in order) as entries, oldest first."""
    labels = field_labels(step.changes)
    entries = []
    sent = 0
    for event in step.events.all():
        entries.append(_entry(event, sent, labels))
        if event.kind == "sending":
            sent += 1
    return entries
