"""Every status as a person reads it: one label, one tone (the badge's colour) and one sentence
saying what it means, for updates, undos, steps and Zoho's own job statuses.

Pages show statuses only through this module (the `status_badge` template tag and the
history rows), so the same state reads the same everywhere. A step is worded from its counts
too: a step Zoho finished with failed records is not shown as a plain green "Completed"
inside an update "Completed with failures".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crmupdate.massupdate.states import StepStatus, UpdateStatus

# Tones, each one colour in the stylesheet (`.tone-<name>`).
NEUTRAL = "neutral"
INFO = "info"
SUCCESS = "success"
WARNING = "warning"
DANGER = "danger"


@dataclass(frozen=True)
class StatusWord:
    code: str  # the stored status (CSS class `status-<code>`)
    label: str | Promise
    tone: str
    explanation: str | Promise


_UPDATE: dict[str, tuple[Promise, str, Promise]] = {
    UpdateStatus.QUEUED: (
        pgettext_lazy("update status", "Waiting to start"),
        INFO,
        _("It starts as soon as the worker, and the view, are free."),
    ),
    UpdateStatus.RUNNING: (
        pgettext_lazy("update status", "In progress"),
        INFO,
        _("Zoho is changing the records."),
    ),
    UpdateStatus.WAITING: (
        pgettext_lazy("update status", "Waiting to retry"),
        WARNING,
        _("Zoho asked us to wait; it carries on by itself."),
    ),
    UpdateStatus.PAUSED: (
        pgettext_lazy("update status", "Paused: sign in again"),
        WARNING,
        _("The Zoho sign-in expired. It carries on once someone signs in again."),
    ),
    UpdateStatus.NEEDS_ATTENTION: (
        pgettext_lazy("update status", "Needs your decision"),
        WARNING,
        _("A step stopped in a way only a person can settle."),
    ),
    UpdateStatus.COMPLETED: (
        pgettext_lazy("update status", "Completed"),
        SUCCESS,
        _("Zoho changed every record."),
    ),
    UpdateStatus.COMPLETED_WITH_FAILURES: (
        pgettext_lazy("update status", "Completed with failures"),
        WARNING,
        _("Zoho changed some records and could not change others."),
    ),
    UpdateStatus.FAILED: (
        pgettext_lazy("update status", "Failed"),
        DANGER,
        _("The update stopped before it finished."),
    ),
    UpdateStatus.REFUSED: (
        pgettext_lazy("update status", "Refused by Zoho"),
        DANGER,
        _("Zoho did not accept the change, so nothing was changed."),
    ),
}

_STEP: dict[str, tuple[Promise, str, Promise]] = {
    StepStatus.PENDING: (
        pgettext_lazy("step status", "Not started yet"),
        NEUTRAL,
        _("It starts when its turn comes."),
    ),
    StepStatus.SUBMITTING: (
        pgettext_lazy("step status", "Sending to Zoho"),
        INFO,
        _("The change is on its way to Zoho."),
    ),
    StepStatus.RUNNING: (
        pgettext_lazy("step status", "In progress"),
        INFO,
        _("Zoho is changing the records."),
    ),
    StepStatus.SENDING: (
        pgettext_lazy("step status", "Sending record by record"),
        INFO,
        _("Zoho changes the records read when the update started, 500 at a time."),
    ),
    StepStatus.VERIFYING: (
        pgettext_lazy("step status", "Checking each record"),
        INFO,
        _("Zoho reported records it could not change: we find which, and ask Zoho why."),
    ),
    StepStatus.PAUSED: (
        pgettext_lazy("step status", "Paused: sign in again"),
        WARNING,
        _("The Zoho sign-in expired. It carries on once someone signs in again."),
    ),
    StepStatus.INTERRUPTED: (
        pgettext_lazy("step status", "Interrupted"),
        WARNING,
        _("Sending stopped before Zoho answered: you decide whether to send it again."),
    ),
    StepStatus.COMPLETED: (
        pgettext_lazy("step status", "Completed"),
        SUCCESS,
        _("Zoho changed every record."),
    ),
    StepStatus.FAILED: (
        pgettext_lazy("step status", "Failed"),
        DANGER,
        _("This step stopped before it finished."),
    ),
    StepStatus.REFUSED: (
        pgettext_lazy("step status", "Refused by Zoho"),
        DANGER,
        _("Zoho did not accept this change, so nothing was changed."),
    ),
    StepStatus.SKIPPED: (
        pgettext_lazy("step status", "Not run"),
        NEUTRAL,
        _("An earlier step did not complete, so this one was not sent."),
    ),
}

_STEP_COMPLETED_WITH_FAILURES = (
    pgettext_lazy("step status", "Completed with failures"),
    WARNING,
    _("Zoho changed some records and could not change others."),
)

# Zoho's own words for a mass-update job (GET .../actions/mass_update?job_id=...).
_ZOHO_JOB: dict[str, tuple[Promise, str, Promise]] = {
    "SCHEDULED": (
        pgettext_lazy("Zoho job status", "Waiting at Zoho"),
        INFO,
        _("Zoho accepted the job and will start it soon."),
    ),
    "RUNNING": (
        pgettext_lazy("Zoho job status", "Running at Zoho"),
        INFO,
        _("Zoho is changing the records."),
    ),
    "COMPLETED": (
        pgettext_lazy("Zoho job status", "Finished at Zoho"),
        SUCCESS,
        _("Zoho went through every record."),
    ),
    "FAILED": (
        pgettext_lazy("Zoho job status", "Stopped by Zoho"),
        DANGER,
        _("Zoho stopped the job before the end."),
    ),
}


def _word(code: str, found: tuple[Promise, str, Promise] | None) -> StatusWord:
    if found is None:  # a status this module does not know yet: shown, never hidden
        return StatusWord(code=code, label=code.replace("_", " ").capitalize(), tone=NEUTRAL,
                          explanation="")  # fmt: skip
    label, tone, explanation = found
    return StatusWord(code=code, label=label, tone=tone, explanation=explanation)


def update_status_word(status: str) -> StatusWord:
    """An update's (or an undo's) status."""
    return _word(status, _UPDATE.get(status))


def step_status_word(status: str, *, failed_count: int = 0) -> StatusWord:
    """A step's status; a completed step with failed records says so."""
    if status == StepStatus.COMPLETED and failed_count > 0:
        return _word(status, _STEP_COMPLETED_WITH_FAILURES)
    return _word(status, _STEP.get(status))


def zoho_job_status_word(status: str) -> StatusWord:
    """Zoho's status of a job (SCHEDULED, RUNNING, COMPLETED, FAILED); empty: not sent yet."""
    if not status:
        return StatusWord(
            code="",
            label=pgettext_lazy("Zoho job status", "Not sent yet"),
            tone=NEUTRAL,
            explanation="",
        )
    return _word(status.lower(), _ZOHO_JOB.get(status.upper()))


def status_word_of(item: Any) -> StatusWord:
    """The word for a step, an update or an undo (anything with a `status`)."""
    if hasattr(item, "position") and hasattr(item, "zoho_status"):  # a step
        return step_status_word(item.status, failed_count=item.failed_count)
    return update_status_word(item.status)


def update_status_label(status: str) -> str:
    """The label alone, as text (for rows built outside templates and for CSV)."""
    return str(update_status_word(status).label)
