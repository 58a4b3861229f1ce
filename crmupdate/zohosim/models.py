"""The simulator's own tables: organisations, users, OAuth, metadata, records, jobs, calls.

IDs handed out over the API look like Zoho's (18-digit strings): an organisation's 6-digit
prefix followed by 12 digits. Tokens and grant codes are stored only as SHA-256 hashes.
"""

from __future__ import annotations

import uuid

from django.db import models


def _new_version() -> str:
    return uuid.uuid4().hex


class SimOrg(models.Model):
    zoho_id = models.CharField(max_length=24, unique=True)
    prefix = models.PositiveIntegerField(unique=True)  # first 6 digits of every id in this org
    company_name = models.CharField(max_length=200)
    zgid = models.CharField(max_length=24)
    edition = models.CharField(max_length=40, default="enterprise")
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles")
    country_code = models.CharField(max_length=4, default="US")
    phone = models.CharField(max_length=40, blank=True)
    website = models.CharField(max_length=200, blank=True)
    # None: the project settings decide (ZOHOSIM_CREDITS_PER_DAY / ZOHOSIM_CONCURRENCY).
    credits_per_day = models.PositiveIntegerField(null=True, blank=True)
    concurrency = models.PositiveIntegerField(null=True, blank=True)
    created = models.DateTimeField()

    def __str__(self) -> str:
        return self.company_name

    def make_id(self, n: int) -> str:
        return f"{self.prefix}{n:012d}"


class SimUser(models.Model):
    org = models.ForeignKey(SimOrg, on_delete=models.CASCADE, related_name="users")
    zoho_id = models.CharField(max_length=24, unique=True)
    zuid = models.BigIntegerField(unique=True)
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    profile_name = models.CharField(max_length=80)
    profile_id = models.CharField(max_length=24)
    role_name = models.CharField(max_length=80)
    role_id = models.CharField(max_length=24)
    status = models.CharField(max_length=20, default="active")  # active | disabled
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles")
    locale = models.CharField(max_length=20, default="en_US")
    is_admin = models.BooleanField(default=False)
    can_mass_update = models.BooleanField(default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["org_id", "sort_order"]

    def __str__(self) -> str:
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def ref(self) -> dict[str, str]:
        """The `{"name", "id", "email"}` object Zoho uses for Owner / Created_By /
        Modified_By in records (and, without needing the email, in metadata)."""
        return {"name": self.full_name, "id": self.zoho_id, "email": self.email}


class SimOAuthClient(models.Model):
    client_id = models.CharField(max_length=120, unique=True)
    secret_hash = models.CharField(max_length=64)
    name = models.CharField(max_length=120, default="crmupdate")
    # Registered redirect URIs. The app's own client also accepts any host with the path
    # /oauth/complete/zoho/ (test servers run on random ports).
    redirect_uris = models.JSONField(default=list)
    is_app_client = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.client_id


class SimGrantCode(models.Model):
    code_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(SimOAuthClient, on_delete=models.CASCADE)
    user = models.ForeignKey(SimUser, on_delete=models.CASCADE)
    scopes = models.JSONField(default=list)
    redirect_uri = models.CharField(max_length=500)
    offline = models.BooleanField(default=False)
    force_refresh_token = models.BooleanField(default=False)  # prompt=consent
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"grant for {self.user_id}"


class SimRefreshToken(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(SimOAuthClient, on_delete=models.CASCADE)
    user = models.ForeignKey(SimUser, on_delete=models.CASCADE)
    scopes = models.JSONField(default=list)
    created = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "client", "created"])]

    def __str__(self) -> str:
        return f"refresh token of {self.user_id}"


class SimAccessToken(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(SimOAuthClient, on_delete=models.CASCADE)
    user = models.ForeignKey(SimUser, on_delete=models.CASCADE)
    refresh_token = models.ForeignKey(
        SimRefreshToken, on_delete=models.CASCADE, null=True, blank=True
    )
    scopes = models.JSONField(default=list)
    created = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    from_refresh = models.BooleanField(default=False)  # minted by grant_type=refresh_token

    class Meta:
        indexes = [models.Index(fields=["refresh_token", "created"])]

    def __str__(self) -> str:
        return f"access token of {self.user_id}"


class SimModule(models.Model):
    org = models.ForeignKey(SimOrg, on_delete=models.CASCADE, related_name="modules")
    api_name = models.CharField(max_length=80)
    zoho_id = models.CharField(max_length=24)
    module_name = models.CharField(max_length=80)
    singular_label = models.CharField(max_length=80)
    plural_label = models.CharField(max_length=80)
    generated_type = models.CharField(max_length=20, default="default")
    api_supported = models.BooleanField(default=True)
    status = models.CharField(max_length=30, default="visible")
    sequence_number = models.PositiveSmallIntegerField(default=0)
    # Zoho: one field per mass-update call, three in Deals.
    mass_update_field_limit = models.PositiveSmallIntegerField(default=1)
    layout_id = models.CharField(max_length=24, blank=True)
    # Layouts besides the standard one: [{"id", "name", "missing_values": {field: [values]}}].
    # A record of such a layout cannot take the picklist values its layout lacks.
    layouts = models.JSONField(default=list, blank=True)
    # Changes whenever a record of the module is written (see records.module_touch), so
    # cached view memberships of an older version are never used.
    data_version = models.CharField(max_length=32, default=_new_version)

    class Meta:
        unique_together = [("org", "api_name")]
        ordering = ["org_id", "sequence_number"]

    def __str__(self) -> str:
        return self.api_name


class SimField(models.Model):
    module = models.ForeignKey(SimModule, on_delete=models.CASCADE, related_name="fields")
    api_name = models.CharField(max_length=80)
    zoho_id = models.CharField(max_length=24)
    sequence_number = models.PositiveSmallIntegerField(default=0)
    data_type = models.CharField(max_length=40)
    json_type = models.CharField(max_length=20)
    length = models.PositiveIntegerField(null=True, blank=True)
    decimal_place = models.PositiveSmallIntegerField(null=True, blank=True)
    read_only = models.BooleanField(default=False)
    system_mandatory = models.BooleanField(default=False)
    mass_update = models.BooleanField(default=False)
    # Every other key of Zoho's field metadata (labels, pick_list_values, lookup, ...).
    meta = models.JSONField(default=dict)

    class Meta:
        unique_together = [("module", "api_name")]
        ordering = ["module_id", "sequence_number"]

    def __str__(self) -> str:
        return self.api_name

    def picklist_actual_values(self) -> set[str]:
        return {
            p["actual_value"]
            for p in self.meta.get("pick_list_values", [])
            if p.get("actual_value") != "-None-"
        }


class SimView(models.Model):
    module = models.ForeignKey(SimModule, on_delete=models.CASCADE, related_name="views")
    zoho_id = models.CharField(max_length=24, unique=True)
    name = models.CharField(max_length=120)
    display_value = models.CharField(max_length=120)
    system_name = models.CharField(max_length=40, blank=True)
    # Zoho's criteria shape: {"comparator", "field": {"api_name"}, "value"} or
    # {"group_operator", "group": [...]}; None means every record of the module.
    criteria = models.JSONField(null=True, blank=True)
    owner = models.ForeignKey(SimUser, on_delete=models.SET_NULL, null=True, blank=True)
    access_type = models.CharField(max_length=20, default="public")  # public|shared|only_to_me
    is_default = models.BooleanField(default=False)
    # A view that pretends to hold this many generated records (the over-50,000 view).
    synthetic_total = models.PositiveIntegerField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_time = models.DateTimeField(null=True, blank=True)
    modified_time = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["module_id", "sort_order"]

    def __str__(self) -> str:
        return self.name

    @property
    def system_defined(self) -> bool:
        return bool(self.system_name)


class SimRecord(models.Model):
    module = models.ForeignKey(SimModule, on_delete=models.CASCADE, related_name="records")
    record_id = models.BigIntegerField(unique=True)
    data = models.JSONField(default=dict)
    # A locked record (e.g. awaiting approval): updates to it fail with RECORD_LOCKED.
    locked = models.BooleanField(default=False)
    # Not approved yet (e.g. created through a web form that needs approval): NOT_APPROVED.
    not_approved = models.BooleanField(default=False)
    # The field a Blueprint controls for this record ("" when it is in no Blueprint):
    # updates of that field fail with RECORD_IN_BLUEPRINT, other fields change as usual.
    blueprint_field = models.CharField(max_length=80, blank=True)

    class Meta:
        indexes = [models.Index(fields=["module", "record_id"])]

    def __str__(self) -> str:
        return str(self.record_id)

    def states_set(self, **states: bool | str) -> None:
        """Change what stands in the way of updates, as someone working in Zoho would:
        `locked=False` (unlocked), `not_approved=False` (approved), `blueprint_field=""`
        (moved out of its Blueprint)."""
        allowed = {"locked", "not_approved", "blueprint_field"}
        unknown = set(states) - allowed
        if unknown:
            raise ValueError(f"not a record state: {sorted(unknown)}")
        for name, value in states.items():
            setattr(self, name, value)
        self.save(update_fields=list(states))


class SimMassUpdateJob(models.Model):
    org = models.ForeignKey(SimOrg, on_delete=models.CASCADE)
    module = models.ForeignKey(SimModule, on_delete=models.CASCADE)
    view = models.ForeignKey(SimView, on_delete=models.CASCADE)
    user = models.ForeignKey(SimUser, on_delete=models.CASCADE)
    job_id = models.CharField(max_length=24, unique=True, null=True)
    data = models.JSONField()
    over_write = models.BooleanField(default=False)
    total_count = models.PositiveIntegerField()
    target_ids = models.JSONField(default=list)  # record ids, in processing order
    # Positions (in target_ids) of the records that will fail, e.g. locked ones.
    failed_positions = models.JSONField(default=list)
    # Copied from settings when scheduled, so every process computes the same progress.
    start_delay = models.FloatField()
    seconds_per_record = models.FloatField()
    created = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["org", "applied_at", "due_at"])]

    def __str__(self) -> str:
        return self.job_id or "job"


class SimAutomationRule(models.Model):
    """A workflow rule, approval process or Blueprint that runs when a record's `field`
    changes (and, if set, the record then matches `criteria`, Zoho's criteria shape).
    Effects: a workflow applies `field_updates`; an approval locks the record (submitted for
    approval); a Blueprint puts the record in the Blueprint for `field`."""

    class Kind(models.TextChoices):
        WORKFLOW = "workflow"
        APPROVAL = "approval"
        BLUEPRINT = "blueprint"

    module = models.ForeignKey(SimModule, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WORKFLOW)
    name = models.CharField(max_length=120)
    field = models.CharField(max_length=80)
    criteria = models.JSONField(null=True, blank=True)
    field_updates = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["module_id", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"


class SimAutomationRun(models.Model):
    """One rule fired for one record by one call, so tests can check which automation a
    mass update or an update of records set off."""

    class Source(models.TextChoices):
        VIEW_JOB = "mass_update_cvid"  # a scheduled mass update of a view
        IDS = "mass_update_ids"  # a mass update by record ids
        UPDATE_RECORDS = "update_records"  # PUT /crm/{v}/{module}

    org = models.ForeignKey(SimOrg, on_delete=models.CASCADE)
    rule = models.ForeignKey(SimAutomationRule, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)
    record_id = models.BigIntegerField()
    source = models.CharField(max_length=20, choices=Source.choices)
    job_id = models.CharField(max_length=24, blank=True)
    created = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["org", "created"])]

    def __str__(self) -> str:
        return f"{self.rule_id} on {self.record_id} ({self.source})"


class SimCreditUsage(models.Model):
    """API calls per organisation per hour; the last 24 rows make the rolling daily budget."""

    org = models.ForeignKey(SimOrg, on_delete=models.CASCADE)
    hour = models.DateTimeField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("org", "hour")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.hour}: {self.used}"


class SimInFlight(models.Model):
    """One row per CRM request being served, so the concurrency limit holds across threads
    and processes (web server, worker, test live server) sharing the database."""

    org = models.ForeignKey(SimOrg, on_delete=models.CASCADE)
    started = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.org_id} since {self.started}"


class ApiCall(models.Model):
    """Every request the simulator received, so tests can assert what "Zoho" was sent.
    Secrets (client_secret, codes, tokens) are masked before they are stored."""

    org = models.ForeignKey(SimOrg, on_delete=models.SET_NULL, null=True, blank=True)
    user = models.ForeignKey(SimUser, on_delete=models.SET_NULL, null=True, blank=True)
    host = models.CharField(max_length=20)  # "accounts" or "crm"
    method = models.CharField(max_length=16)
    path = models.CharField(max_length=500)  # path below the simulator's prefix
    query = models.TextField(blank=True)
    body = models.TextField(blank=True)
    status = models.PositiveSmallIntegerField()
    response_code = models.CharField(max_length=60, blank=True)  # Zoho's error code, if any
    created = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"

    def json(self) -> object:
        import json

        return json.loads(self.body) if self.body else None
