"""Reads for the update's page: per-record outcome, the records not changed (paged and as CSV
rows), and the retries pressed. Every caller has already scoped the update to the team."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext

from crmupdate.massupdate import texts
from crmupdate.massupdate.frozen.models import FrozenView, RecordFailure, RecordRetry
from crmupdate.massupdate.frozen.outcome import (
    RecordCounts,
    applied_message,
    counts_message,
    noun_of,
    plural,
    record_counts,
)
from crmupdate.massupdate.frozen.retry import RUNNABLE
from crmupdate.massupdate.models import MassUpdate, Step
from crmupdate.spreadsheets import Column, Kind

FAILURES_PER_PAGE = 50
AUTOMATION_LIMIT = 1_000  # Zoho runs automation for view jobs below this many records


@dataclass
class Outcome:
    """What the update's page says about its records."""

    frozen: FrozenView | None
    counts: RecordCounts | None
    sentence: str = ""  # "1,010 of 1,013 deals changed; 3 not changed"
    applied: str = ""  # "3 of 8 field changes applied to 1,010 deals; 5 not applied because"
    retry: RecordRetry | None = None  # the latest retry
    retrying: bool = False

    @property
    def retryable(self) -> int:
        return self.counts.not_changed if self.counts else 0


def update_outcome(update: MassUpdate, steps: list[Step]) -> Outcome:
    frozen = FrozenView.objects.filter(update=update).first()
    if frozen is None or update.frozen_count is None:
        return Outcome(frozen=frozen, counts=None)
    noun = noun_of(update.module_label)
    counts = record_counts(update.pk, update.frozen_count)
    outcome = Outcome(frozen=frozen, counts=counts)
    if update.finished:
        outcome.sentence = texts.render_message(counts_message(counts, noun))
        failed = next((s for s in steps if s.error_code), None)
        reason = None
        if failed is not None:
            labels = {c.get("api_name", ""): c.get("label", "") for c in failed.changes or []}
            reason = texts.zoho_message(
                failed.error_code,
                failed.error_message,
                failed.error_details,
                http_status=failed.error_http_status,
                labels=labels,
                part=texts.ZOHO_TEXT,
            )
        outcome.applied = texts.render_message(
            applied_message(steps=steps, changed=counts.changed, noun=noun, reason=reason)
        )
    outcome.retry = RecordRetry.objects.filter(update=update).order_by("-number").first()
    outcome.retrying = bool(outcome.retry and outcome.retry.status in RUNNABLE)
    return outcome


def failures_page(update: MassUpdate, page: Any) -> Page:
    """The records not changed (still), 50 a page, in the order they were found."""
    rows = (
        RecordFailure.objects.filter(update=update, resolved_at__isnull=True)
        .select_related("step")
        .order_by("step__position", "id")
    )
    return Paginator(rows, FAILURES_PER_PAGE).get_page(page)


def failures_columns() -> tuple[Column, ...]:
    """The download's header row, in the person's language (the rows stay as stored)."""
    return (
        Column(gettext("Record ID"), Kind.ID, 21),
        Column(gettext("Record name"), width=30),
        Column(gettext("Step"), Kind.NUMBER, 6),
        Column(gettext("Fields not changed"), width=24),
        Column(gettext("Zoho code"), width=20),
        Column(gettext("Zoho message"), width=40),
        Column(gettext("What happened"), width=50),
        Column(gettext("What to do"), width=50),
        Column(gettext("Deleted"), width=8),
        Column(gettext("Attempt"), Kind.NUMBER, 8),
    )


def failures_export_rows(update: MassUpdate) -> Iterator[tuple[Any, ...]]:
    """The records not changed, in the order of failures_columns() (streamed)."""
    rows = (
        RecordFailure.objects.filter(update=update, resolved_at__isnull=True)
        .order_by("step__position", "id")
        .values_list(
            "record_id",
            "name",
            "step__position",
            "fields",
            "code",
            "message",
            "details",
            "explanation_code",
            "explanation_params",
            "explanation_text",
            "next_step_text",
            "deleted",
            "attempt",
        )  # fmt: skip
    )
    for (
        record_id,
        name,
        position,
        fields,
        code,
        message,
        details,
        worded,
        params,
        old_text,
        old_next_step,
        gone,
        attempt,
    ) in rows.iterator(chunk_size=2000):
        text, next_step = old_text, old_next_step
        if worded:
            text = texts.render_message(
                texts.record_message(texts.RECORD_TEXT, code, message, details, params)
            )
            next_step = texts.render_message(
                texts.record_message(texts.RECORD_NEXT, code, message, details, params)
            )
        yield (
            record_id, name, position, ", ".join(fields or []), code, message, text, next_step,
            gone, attempt,
        )  # fmt: skip


def step_automation(position: int, count: int | None, noun: str) -> str:
    """What Zoho runs for step `position`, in words (the review and the update's page): the
    first step is Zoho's job on the view, later ones go record by record."""
    words = {"position": position, "limit": intcomma(AUTOMATION_LIMIT)}
    if position > 1:
        return (
            gettext(
                "Step %(position)s: record by record — Zoho runs workflow rules, approvals "
                "and blueprints for each record"
            )
            % words
        )
    if count is None:
        return (
            gettext(
                "Step %(position)s: Zoho's mass update job on the view — workflow rules run "
                "only if it holds fewer than %(limit)s records"
            )
            % words
        )
    words["what"] = plural(count, noun)
    if count >= AUTOMATION_LIMIT:
        return (
            gettext(
                "Step %(position)s: Zoho's mass update job on %(what)s — no workflow rules, "
                "approvals or blueprints run (%(limit)s records or more)"
            )
            % words
        )
    return (
        gettext(
            "Step %(position)s: Zoho's mass update job on %(what)s — Zoho runs workflow rules, "
            "approvals and blueprints (fewer than %(limit)s records)"
        )
        % words
    )
