"""Texts the worker and the services store, as a code and parameters, worded when read.

Why a step waits, what an update's problem was, why a record was not changed: these are
stored as a sentence code and its parameters (two columns, `<name>_code` and
`<name>_params`), never as English sentences, and worded here in the language of whoever
reads them (`render`). Rewording a sentence, or adding a language, changes every stored text.

Parameters are plain JSON. A parameter may itself be a stored text (`{"code": ..., "params":
...}`, worded first) or a list of them (worded and joined with spaces); whole numbers are
shown with the reader's digit grouping. Zoho's own words (its error message, field labels,
module names) are parameters, shown as Zoho gives them.

Rows stored before codes existed keep their English sentence in `<name>_text`, shown as it is
when no code is stored (`stored_text`).

Codes:
- `zoho.text`, `zoho.next`, `zoho.both`: the explanation of a Zoho error (what happened, what
  to do, or both): `code`, `message`, `details`, `http_status`, `labels` (field API name ->
  label), `maybe_sent` (see `explanations.explain`).
- `record.text`, `record.next`: the same for one record (`explanations.explain_record`);
  `deleted` when the record no longer exists.
- the others are sentences of their own, listed in `_SENTENCES`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext, ngettext

from crmupdate.massupdate import explanations

Message = dict[str, Any]  # {"code": str, "params": dict}

ZOHO_TEXT = "zoho.text"
ZOHO_NEXT = "zoho.next"
ZOHO_BOTH = "zoho.both"
RECORD_TEXT = "record.text"
RECORD_NEXT = "record.next"
JOIN = "join"
PLAIN = "plain"  # a text kept as it is (an English sentence stored before codes)
AGAIN_AT = "wait.again_at"
AGAIN_SHORTLY = "wait.again_shortly"
STEP_SKIPPED = "step.skipped"
VIEW_BUSY = "step.view_busy"
READING = "freeze.reading"
READING_WAIT = "freeze.waiting"
RECORDS = "word.records"
COUNTS = "outcome.counts"
APPLIED = "outcome.applied"
REASON = "outcome.reason"
UNDO_CONFLICTS = "undo.conflicts"
UNDO_FAILED = "undo.failed"
UNDO_BACKUP_GONE = "undo.backup_gone"


def message(code: str, /, **params: Any) -> Message:
    return {"code": code, "params": params}


def columns(name: str, found: Message | None) -> dict[str, Any]:
    """The stored columns of text `name` (for `update(**...)`): its code and parameters, and
    no old English text. None: no text."""
    if not found:
        return {f"{name}_code": "", f"{name}_params": {}, f"{name}_text": ""}
    return {f"{name}_code": found["code"], f"{name}_params": found["params"], f"{name}_text": ""}


def zoho_message(
    code: str,
    error_message: str = "",
    details: Mapping[str, Any] | None = None,
    *,
    http_status: int | None = None,
    labels: Mapping[str, str] | None = None,
    maybe_sent: bool = False,
    part: str = ZOHO_BOTH,
) -> Message:
    """The explanation of a Zoho error, to store (`part`: ZOHO_TEXT, ZOHO_NEXT or ZOHO_BOTH)."""
    params: dict[str, Any] = {"code": code}
    if error_message:
        params["message"] = error_message
    if details:
        params["details"] = dict(details)
    if http_status is not None:
        params["http_status"] = http_status
    if labels:
        params["labels"] = dict(labels)
    if maybe_sent:
        params["maybe_sent"] = True
    return message(part, **params)


def error_message_of(error: Any, *, labels: Mapping[str, str] | None = None,
                     part: str = ZOHO_BOTH) -> Message:  # fmt: skip
    """The explanation of a `ZohoError`, to store."""
    return zoho_message(error.code, error.message, error.details, http_status=error.http_status,
                        labels=labels, part=part)  # fmt: skip


class _Params(dict[str, Any]):
    """Parameters as a sentence shows them (`%` formatting reads them through here)."""

    def __getitem__(self, key: str) -> Any:
        return _shown(super().get(key))

    def raw(self, key: str, default: Any = 0) -> Any:
        value = super().get(key)
        return default if value is None else value


def _shown(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return "" if value is None else value
    if isinstance(value, int):
        return intcomma(value)
    if isinstance(value, Mapping) and "code" in value:
        return render(value.get("code", ""), value.get("params"))
    if isinstance(value, list):
        return " ".join(w for w in (str(_shown(v)) for v in value) if w)
    return value


def _explained(p: _Params) -> explanations.Explanation:
    return explanations.explain(
        str(p.raw("code", "")),
        str(p.raw("message", "")),
        p.raw("details", {}),
        http_status=p.raw("http_status", None),
        field_labels=p.raw("labels", {}),
        maybe_sent=bool(p.raw("maybe_sent", False)),
    )


def record_message(part: str, code: str, error_message: str, details: Any,
                   params: Mapping[str, Any] | None) -> Message:  # fmt: skip
    """The stored text of a record failure (`part`: RECORD_TEXT or RECORD_NEXT): its row keeps
    Zoho's code, message and details; its parameters only what else is needed (`labels`,
    `deleted`)."""
    return message(part, code=code, message=error_message, details=details or {},
                   **dict(params or {}))  # fmt: skip


def _record(p: _Params) -> explanations.Explanation:
    if p.raw("deleted", False):
        return explanations.explain_record("INVALID_DATA", "", {"id": "?"})
    return explanations.explain_record(
        str(p.raw("code", "")),
        str(p.raw("message", "")),
        p.raw("details", {}),
        field_labels=p.raw("labels", {}),
    )


def _reason_clause(text: str) -> str:
    """A sentence used after "because": its first letter small (not in a name: "Zoho"), its
    full stop dropped."""
    if not text.startswith("Zoho"):
        text = f"{text[:1].lower()}{text[1:]}"
    return text.rstrip(".")


def _noun(p: _Params, count: int) -> str:
    """The module's name for its records ("deals"), one of them when `count` is 1 (Zoho's
    label, so it is not translated); our own word "records" when the module has no label."""
    noun = str(p["noun"])
    if count == 1 and isinstance(p.raw("noun", ""), str) and noun.endswith("s"):
        return noun[:-1]
    return noun


def _counts(p: _Params) -> str:
    frozen = int(p.raw("frozen"))
    words = {
        "changed": p["changed"],
        "frozen": p["frozen"],
        "noun": _noun(p, frozen),
        "not_changed": p["not_changed"],
        "deleted": p["deleted"],
    }
    if p.raw("not_changed") and p.raw("deleted"):
        text = ngettext(
            "%(changed)s of %(frozen)s %(noun)s changed; %(not_changed)s not changed; "
            "%(deleted)s deleted in Zoho since the update started",
            "%(changed)s of %(frozen)s %(noun)s changed; %(not_changed)s not changed; "
            "%(deleted)s deleted in Zoho since the update started",
            frozen,
        )
    elif p.raw("not_changed"):
        text = ngettext(
            "%(changed)s of %(frozen)s %(noun)s changed; %(not_changed)s not changed",
            "%(changed)s of %(frozen)s %(noun)s changed; %(not_changed)s not changed",
            frozen,
        )
    elif p.raw("deleted"):
        text = ngettext(
            "%(changed)s of %(frozen)s %(noun)s changed; %(deleted)s deleted in Zoho since "
            "the update started",
            "%(changed)s of %(frozen)s %(noun)s changed; %(deleted)s deleted in Zoho since "
            "the update started",
            frozen,
        )
    else:
        text = ngettext(
            "%(changed)s of %(frozen)s %(noun)s changed",
            "%(changed)s of %(frozen)s %(noun)s changed",
            frozen,
        )
    return text % words + ("." if p.raw("end", False) else "")


def _applied(p: _Params) -> str:
    words = {
        "applied": p["applied"],
        "total": p["total"],
        "changed": p["changed"],
        "noun": _noun(p, int(p.raw("changed"))),
        "missing": p["missing"],
    }
    reason = str(p["reason"]) if p.raw("reason", None) else ""
    if reason:
        words["reason"] = _reason_clause(reason)
        return (
            gettext(
                "%(applied)s of %(total)s field changes applied to %(changed)s %(noun)s; "
                "%(missing)s not applied because %(reason)s."
            )
            % words
        )
    return (
        gettext(
            "%(applied)s of %(total)s field changes applied to %(changed)s %(noun)s; "
            "%(missing)s not applied."
        )
        % words
    )


def _view_busy(p: _Params) -> str:
    if p.raw("update", None):
        return gettext(
            "Waiting for another update of this view (update #%(update)s) to finish: Zoho "
            "runs one mass update per view at a time. This one starts by itself right after."
        ) % {"update": p.raw("update")}
    return gettext(
        "Waiting for another update of this view to finish: Zoho runs one mass update per "
        "view at a time. This one starts by itself right after."
    )


_SENTENCES: dict[str, Callable[[_Params], str]] = {
    ZOHO_TEXT: lambda p: str(_explained(p).text),
    ZOHO_NEXT: lambda p: str(_explained(p).next_step),
    ZOHO_BOTH: lambda p: f"{_explained(p).text} {_explained(p).next_step}",
    RECORD_TEXT: lambda p: str(_record(p).text),
    RECORD_NEXT: lambda p: str(_record(p).next_step),
    JOIN: lambda p: str(p["parts"]),
    PLAIN: lambda p: str(p.raw("text", "")),
    AGAIN_AT: lambda p: gettext("%(reason)s Trying again at %(at)s.") % p,
    AGAIN_SHORTLY: lambda p: gettext("%(reason)s Trying again shortly.") % p,
    STEP_SKIPPED: lambda p: gettext("Not started, because an earlier step did not complete."),
    VIEW_BUSY: _view_busy,
    READING: lambda p: (
        ngettext(
            "Reading the records of the view before sending the first job: %(records)s records "
            "read so far (%(calls)s Zoho call).",
            "Reading the records of the view before sending the first job: %(records)s records "
            "read so far (%(calls)s Zoho calls).",
            int(p.raw("calls")),
        )
        % p
    ),
    READING_WAIT: lambda p: (
        gettext(
            "Reading the records of the view before sending (%(records)s read so far). "
            "%(reason)s Trying again at %(at)s."
        )
        % p
    ),
    RECORDS: lambda p: gettext("records"),
    COUNTS: _counts,
    APPLIED: _applied,
    REASON: lambda p: (
        ngettext("%(count)s record: %(words)s", "%(count)s records: %(words)s", int(p.raw("count")))
        % p
    ),
    UNDO_CONFLICTS: lambda p: (
        ngettext(
            "%(count)s record changed in Zoho after the update was left as it is.",
            "%(count)s records changed in Zoho after the update were left as they are.",
            int(p.raw("count")),
        )
        % p
    ),
    UNDO_FAILED: lambda p: (
        ngettext(
            "%(count)s record could not be put back (see the undo's page).",
            "%(count)s records could not be put back (see the undo's page).",
            int(p.raw("count")),
        )
        % p
    ),
    UNDO_BACKUP_GONE: lambda p: gettext("The backup was deleted before the undo could finish."),
}

#: Every code `render` words.
CODES = frozenset(_SENTENCES)


def render(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The stored text `code` with its `params`, in the active language ("" for no code; an
    unknown code, from a newer version, is shown as it is)."""
    if not code:
        return ""
    sentence = _SENTENCES.get(code)
    if sentence is None:
        return code
    return sentence(_Params(params or {}))


def render_message(found: Mapping[str, Any] | None) -> str:
    if not found:
        return ""
    return render(str(found.get("code", "")), found.get("params"))


def stored_text(code: str, params: Any, old_text: str = "") -> str:
    """A stored text in the active language; rows stored before codes: their English text."""
    if code:
        return render(code, params if isinstance(params, Mapping) else {})
    return old_text or ""


#: The columns of a row that no longer waits (`update(**NO_WAIT_REASON)`).
NO_WAIT_REASON: dict[str, Any] = columns("wait_reason", None)


# An update's explanation as read by plain-value queries (the history's rows and exports).
EXPLANATION_COLUMNS = (
    "last_error_explanation_code",
    "last_error_explanation_params",
    "last_error_explanation_text",
)


def explanation_of(values: Mapping[str, Any]) -> str:
    """An update's explanation in the active language, from its EXPLANATION_COLUMNS values
    (parameters as read from the database: raw SQL returns JSON as text)."""
    params = values.get("last_error_explanation_params")
    if isinstance(params, str | bytes):
        params = json.loads(params or "{}")
    return stored_text(
        str(values.get("last_error_explanation_code") or ""),
        params,
        str(values.get("last_error_explanation_text") or ""),
    )
