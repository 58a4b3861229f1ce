"""The records an update acts on, frozen when it starts, and what happened to each of them.

- `FrozenView`: one per update, read by the worker right before the first Zoho job is sent:
  every record of the view (id and name as Zoho shows it) and, when the review's "Keep the
  current values" box was ticked, the current value of every field the update changes (what
  undo puts back). One compressed `FrozenChunk` per page Zoho returned, so 50,000 records
  are 250 small rows. Every step changes exactly these records: the first as Zoho's view
  job, the later ones by id.
- `RecordFailure`: a record of the frozen set a step did not change (refused by Zoho, or
  deleted since), with Zoho's code and our explanation; cleared when a retry changes it.
- `RecordRetry`: one press of "Retry these records": the worker sends the failed records
  again, record by record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from crmupdate.massupdate import texts
from crmupdate.massupdate.claims import WorkRow
from crmupdate.massupdate.states import UpdateStatus


class FrozenStatus(models.TextChoices):
    READING = "reading", "Reading the view's records"
    COMPLETE = "complete", "Kept"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Deleted after the retention period"


class FrozenView(models.Model):
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    update = models.OneToOneField(
        "massupdate.MassUpdate", on_delete=models.CASCADE, related_name="frozen"
    )
    module_api_name = models.CharField(max_length=100)
    cvid = models.CharField(max_length=40)
    # API names of the fields the update changes, in the order chunks store their values.
    fields = models.JSONField(default=list)
    name_fields = models.JSONField(default=list)  # read to name each record as Zoho does
    keep_values = models.BooleanField(default=True)  # the review's box: undo needs them
    status = models.CharField(
        max_length=10, choices=FrozenStatus.choices, default=FrozenStatus.READING
    )
    record_count = models.IntegerField(default=0)
    # Where reading carries on after a wait or a worker restart.
    next_page = models.PositiveIntegerField(default=1)
    page_token = models.TextField(blank=True)
    pages_read = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(default=0)
    read_seconds = models.FloatField(default=0)  # time spent in Zoho calls
    attempts = models.PositiveIntegerField(default=0)  # failed tries in a row
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=80, blank=True)
    error_message = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "expires_at"], name="mu_frozen_expiry")]

    def __str__(self) -> str:
        return f"Records of update {self.update_id} ({self.status})"

    @property
    def expired(self) -> bool:
        if self.status == FrozenStatus.EXPIRED:
            return True
        return self.expires_at is not None and self.expires_at <= timezone.now()


class FrozenChunk(models.Model):
    frozen = models.ForeignKey(FrozenView, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField()  # 1, 2, 3... one per page read
    record_count = models.PositiveIntegerField()
    # zlib-compressed JSON: [[id, name, value, value...], ...] (values only when kept)
    payload = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["frozen", "position"], name="mu_frozen_chunk_position")
        ]

    def __str__(self) -> str:
        return f"Chunk {self.position} of {self.frozen_id}"


class RecordFailure(models.Model):
    """A record of the frozen set that a step did not change."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    update = models.ForeignKey(
        "massupdate.MassUpdate", on_delete=models.CASCADE, related_name="record_failures"
    )
    step = models.ForeignKey(
        "massupdate.Step", on_delete=models.CASCADE, related_name="record_failures"
    )
    record_id = models.CharField(max_length=30)
    name = models.CharField(max_length=300, blank=True)
    fields = models.JSONField(default=list)  # labels of the fields not changed
    code = models.CharField(max_length=80, blank=True)  # Zoho's
    message = models.TextField(blank=True)  # Zoho's
    details = models.JSONField(default=dict, blank=True)
    # Ours, worded when read (see `texts`): what happened (`explanation`) and what to do
    # (`next_step`), from Zoho's code, message and details and these parameters (`labels`,
    # `deleted`). Rows from before codes keep their English sentences.
    explanation_code = models.CharField(max_length=40, blank=True)
    explanation_params = models.JSONField(default=dict, blank=True)
    explanation_text = models.TextField(blank=True)
    next_step_text = models.TextField(blank=True)
    deleted = models.BooleanField(default=False)  # the record no longer exists in Zoho
    attempt = models.PositiveIntegerField(default=0)  # 0: the step itself; n: retry n
    resolved_at = models.DateTimeField(null=True, blank=True)  # a retry changed it
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["step", "record_id"], name="mu_failure_record")
        ]
        indexes = [
            models.Index(fields=["update", "resolved_at", "id"], name="mu_failure_open"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.code}"

    def _worded(self, part: str, old_text: str) -> str:
        if not self.explanation_code:
            return old_text
        return texts.render_message(
            texts.record_message(part, self.code, self.message, self.details,
                                 self.explanation_params)
        )  # fmt: skip

    @property
    def explanation(self) -> str:
        """What happened to the record, in the reader's language."""
        return self._worded(texts.RECORD_TEXT, self.explanation_text)

    @explanation.setter
    def explanation(self, text: str) -> None:
        """A sentence kept as it is (shown in every language as written)."""
        self.explanation_code, self.explanation_text = "", text

    @property
    def next_step(self) -> str:
        """What to do about it, in the reader's language."""
        return self._worded(texts.RECORD_NEXT, self.next_step_text)

    @next_step.setter
    def next_step(self, text: str) -> None:
        self.explanation_code, self.next_step_text = "", text


class RecordRetry(WorkRow):  # due_at, claimed_by, claim_expires_at
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    update = models.ForeignKey(
        "massupdate.MassUpdate", on_delete=models.CASCADE, related_name="record_retries"
    )
    number = models.PositiveIntegerField()  # 1, 2, ... per update
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=30, choices=UpdateStatus.choices, default=UpdateStatus.QUEUED
    )
    record_count = models.IntegerField(default=0)
    changed_count = models.IntegerField(default=0)
    failed_count = models.IntegerField(default=0)
    calls = models.PositiveIntegerField(default=0)
    error_code = models.CharField(max_length=80, blank=True)
    error_message = models.TextField(blank=True)
    # Why it waits or stopped, as a text code and its parameters (see `texts`): `wait_reason`.

    class Meta:
        constraints = [models.UniqueConstraint(fields=["update", "number"], name="mu_retry_number")]
        indexes = [models.Index(fields=["status", "due_at"], name="mu_retry_due")]

    def __str__(self) -> str:
        return f"Retry {self.number} of update {self.update_id}"
