"""What people asked Zoho to change, and how each Zoho job went.

A `Draft` holds the choices while a person fills in the form (so reloads, the back button and
second tabs lose nothing). Running it creates exactly one `MassUpdate` (one per draft and
review: `run_token` is unique) with its ordered `Step`s, all stored before anything is sent
to Zoho. The worker then runs the steps one Zoho job at a time.

`MassUpdate` keeps denormalised summary columns (module, view, people, a readable summary of
the changes, job ids, status, counts, last error) so the team history can filter, search and
list a million rows without a join per row.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from crmupdate.massupdate import texts
from crmupdate.massupdate.claims import WorkRow
from crmupdate.massupdate.states import (
    FINISHED_STEP_STATUSES,
    FINISHED_UPDATE_STATUSES,
    StepStatus,
    UpdateStatus,
)


class Draft(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    module_api_name = models.CharField(max_length=100)
    module_label = models.CharField(max_length=200)
    cvid = models.CharField(max_length=40)
    view_name = models.CharField(max_length=300)
    # The rows of the changes form (field API names) and what was typed, not yet valid.
    selected_fields = models.JSONField(default=list)
    raw_input = models.JSONField(default=dict)
    # Validated changes (fieldforms.Change dicts), set when the form is complete.
    changes = models.JSONField(default=list)
    # Replaced whenever the changes are saved: a review shown before an edit cannot run.
    run_token = models.UUIDField(default=uuid.uuid4)
    record_count = models.IntegerField(null=True, blank=True)
    update = models.OneToOneField(
        "MassUpdate", null=True, blank=True, on_delete=models.SET_NULL, related_name="draft"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["team", "created_by", "-updated_at"])]

    def __str__(self) -> str:
        return f"Draft {self.public_id} ({self.module_api_name})"


class MassUpdate(models.Model):
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=200, blank=True)
    created_by_email = models.CharField(max_length=254, blank=True)
    # Who last pressed "Retry" or "Resume": the worker then sends with their Zoho token, never
    # with another person's. None: the author's.
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    module_api_name = models.CharField(max_length=100)
    module_label = models.CharField(max_length=200)
    cvid = models.CharField(max_length=40)
    view_name = models.CharField(max_length=300)
    summary = models.TextField()  # "Lead Status -> Contacted; Rating -> Hot"
    field_names = models.TextField(blank=True)  # "Lead Status, Rating" (search)
    changes = models.JSONField(default=list)
    job_ids = models.TextField(blank=True)  # Zoho job ids, space separated (search)
    status = models.CharField(
        max_length=30, choices=UpdateStatus.choices, default=UpdateStatus.QUEUED
    )
    record_count = models.IntegerField(null=True, blank=True)  # the view's count at review
    # The records the update acts on, read when it starts (see frozen.models.FrozenView).
    frozen_count = models.IntegerField(null=True, blank=True)
    step_count = models.PositiveSmallIntegerField(default=1)
    # Per record of the frozen set, once known: total = frozen count; updated = changed by
    # every step; failed = not changed by some step; deleted = gone from Zoho since; not
    # updated = not reached yet. While a view job runs: that job's counts.
    total_count = models.IntegerField(default=0)
    updated_count = models.IntegerField(default=0)
    not_updated_count = models.IntegerField(default=0)
    failed_count = models.IntegerField(default=0)
    deleted_count = models.IntegerField(default=0)
    last_error_code = models.CharField(max_length=80, blank=True)
    # What went wrong, as a text code and its parameters (see `texts`), worded when read:
    # `last_error_explanation`. Rows from before codes keep their English text.
    last_error_explanation_code = models.CharField(max_length=40, blank=True)
    last_error_explanation_params = models.JSONField(default=dict, blank=True)
    last_error_explanation_text = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")  # the creator's, for display
    run_token = models.UUIDField(unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["team", "-created_at"], name="mu_team_created"),
            models.Index(fields=["team", "status", "-created_at"], name="mu_team_status"),
            models.Index(fields=["team", "module_api_name", "-created_at"], name="mu_team_module"),
            models.Index(fields=["team", "created_by", "-created_at"], name="mu_team_person"),
        ]

    def __str__(self) -> str:
        return f"Mass update {self.pk}: {self.summary}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_UPDATE_STATUSES

    @property
    def last_error_explanation(self) -> str:
        """What went wrong and what to do, in the reader's language."""
        return texts.stored_text(
            self.last_error_explanation_code,
            self.last_error_explanation_params,
            self.last_error_explanation_text,
        )

    @last_error_explanation.setter
    def last_error_explanation(self, text: str) -> None:
        """A sentence kept as it is (shown in every language as written)."""
        self.last_error_explanation_code = ""
        self.last_error_explanation_params = {}
        self.last_error_explanation_text = text


class StepMode(models.TextChoices):
    VIEW = "view", "Zoho's mass update job on the view"
    IDS = "ids", "Record by record"


class Step(WorkRow):  # due_at, claimed_by, claim_expires_at
    update = models.ForeignKey(MassUpdate, on_delete=models.CASCADE, related_name="steps")
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()  # 1, 2, 3... in the order they run
    module_api_name = models.CharField(max_length=100)
    cvid = models.CharField(max_length=40)
    changes = models.JSONField(default=list)
    request_data = models.JSONField(default=dict)  # the `data[0]` object sent to Zoho
    over_write = models.BooleanField(null=True, blank=True)
    # The first step runs as Zoho's job on the view; later ones on the frozen ids.
    mode = models.CharField(max_length=4, choices=StepMode.choices, default=StepMode.VIEW)
    ids_done = models.PositiveIntegerField(default=0)  # ids mode: frozen records sent so far
    verify_done = models.PositiveIntegerField(default=0)  # frozen records read back so far
    retry_ids = models.JSONField(default=list, blank=True)  # read back without the new value
    retry_done = models.PositiveIntegerField(default=0)  # of retry_ids, sent again so far
    ids_calls = models.PositiveIntegerField(default=0)  # ids-mode calls (step and retries)
    verify_calls = models.PositiveIntegerField(default=0)  # reads by id after the job
    deleted_count = models.IntegerField(default=0)
    status = models.CharField(max_length=20, choices=StepStatus.choices, default=StepStatus.PENDING)
    zoho_status = models.CharField(max_length=20, blank=True)  # SCHEDULED ... COMPLETED, FAILED
    job_id = models.CharField(max_length=40, blank=True)
    total_count = models.IntegerField(default=0)
    updated_count = models.IntegerField(default=0)
    not_updated_count = models.IntegerField(default=0)
    failed_count = models.IntegerField(default=0)
    submit_attempts = models.PositiveIntegerField(default=0)
    poll_count = models.PositiveIntegerField(default=0)
    poll_errors = models.PositiveIntegerField(default=0)  # consecutive failed status checks
    # True from "sending to Zoho" until the job ends: at most one per view and team.
    holds_view = models.BooleanField(default=False)
    # Why it is waiting, as a text code and its parameters (see `texts`): `wait_reason`.
    maybe_sent = models.BooleanField(default=False)  # interrupted after it may have reached Zoho
    error_code = models.CharField(max_length=80, blank=True)
    error_message = models.TextField(blank=True)
    error_details = models.JSONField(default=dict, blank=True)
    error_http_status = models.IntegerField(null=True, blank=True)
    error_category = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["update", "position"]
        constraints = [
            models.UniqueConstraint(fields=["update", "position"], name="massupdate_step_position"),
            # Zoho runs one mass update per view at a time; so do we, across all updates.
            models.UniqueConstraint(
                fields=["team", "cvid"],
                condition=Q(holds_view=True),
                name="massupdate_one_job_per_view",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="mu_step_due")]

    def __str__(self) -> str:
        return f"Step {self.position} of update {self.update_id}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STEP_STATUSES

    @property
    def progress_percent(self) -> int:
        if not self.total_count:
            return 100 if self.status == StepStatus.COMPLETED else 0
        done = self.updated_count + self.failed_count
        return max(0, min(100, round(100 * done / self.total_count)))


class StepEvent(models.Model):
    """What happened to a step, in order: sent, Zoho's answers, errors, retries."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30)  # submitted, status, error, waiting, retry, resumed...
    code = models.CharField(max_length=80, blank=True)
    message = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    http_status = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.code}".strip()


class MetadataCache(models.Model):
    """Zoho metadata per team (fields also per profile: read-only-ness differs by profile;
    views per Zoho user: who may see a view differs by person)."""

    class Kind(models.TextChoices):
        MODULES = "modules"
        VIEWS = "views"
        FIELDS = "fields"
        USERS = "users"

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    module_api_name = models.CharField(max_length=100, blank=True)
    profile = models.CharField(max_length=200, blank=True)
    # Set for what differs from person to person (views: "only to me", role visibility).
    zoho_user = models.CharField(max_length=64, blank=True)
    payload = models.JSONField()
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "kind", "module_api_name", "profile", "zoho_user"],
                name="massupdate_metadata_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.module_api_name}".strip()


# The frozen records and undo's tables belong to this app too.
from crmupdate.massupdate.frozen.models import (  # noqa: E402
    FrozenChunk,
    FrozenView,
    RecordFailure,
    RecordRetry,
)
from crmupdate.massupdate.undo.models import (  # noqa: E402
    BackupChoice,
    Undo,
    UndoRecord,
)

__all__ = [
    "FINISHED_STEP_STATUSES",
    "FINISHED_UPDATE_STATUSES",
    "BackupChoice",
    "Draft",
    "FrozenChunk",
    "FrozenView",
    "MassUpdate",
    "MetadataCache",
    "RecordFailure",
    "RecordRetry",
    "Step",
    "StepEvent",
    "StepMode",
    "StepStatus",
    "Undo",
    "UndoRecord",
    "UpdateStatus",
]
