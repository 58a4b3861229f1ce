"""Typed results of Zoho calls.

Each `from_api` is tolerant: keys Zoho adds are ignored, keys it omits get defaults. `raw`
keeps the original JSON object for the rare caller that needs more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _i(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return default


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON array (anything else Zoho might put there: none)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _items(value: Any) -> list[Any]:
    """A JSON array's items; anything else (null, a stray true): none."""
    return value if isinstance(value, list) else []


def _api_name(value: Any) -> str:
    """A module or field named either way Zoho names it: v2 sends the API name as a string
    (a lookup's `module`, a view criterion's `field`), v2.1 and later send an object
    `{"api_name", "id"}`. Anything else: ""."""
    if isinstance(value, dict):
        return _s(value.get("api_name") or value.get("name"))
    return value if isinstance(value, str) else ""


def _ref(value: Any) -> tuple[str, str]:
    """(name, id) of a `{"name", "id"}` reference (a user's profile or role); a bare name
    is taken as the name."""
    if isinstance(value, dict):
        return _s(value.get("name")), _s(value.get("id"))
    return (value, "") if isinstance(value, str) else ("", "")


def _oi(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError, OverflowError):
        return None


@dataclass(frozen=True)
class Module:
    api_name: str
    module_name: str
    singular_label: str
    plural_label: str
    api_supported: bool
    generated_type: str
    status: str  # visible | user_hidden | system_hidden | scheduled_for_deletion
    visible: bool
    editable: bool
    id: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Module:
        status = _s(d.get("status")) or (
            "visible" if d.get("visibility", 1) == 1 else "user_hidden"
        )
        visible = d.get("visible")
        if visible is None:
            visible = status == "visible"
        return cls(
            api_name=_s(d.get("api_name")),
            module_name=_s(d.get("module_name") or d.get("api_name")),
            singular_label=_s(d.get("singular_label") or d.get("api_name")),
            plural_label=_s(d.get("plural_label") or d.get("api_name")),
            api_supported=bool(d.get("api_supported", True)),
            generated_type=_s(d.get("generated_type") or "default"),
            status=status,
            visible=bool(visible),
            editable=bool(d.get("editable", True)),
            id=_s(d.get("id")),
            raw=d,
        )


@dataclass(frozen=True)
class ViewCriteria:
    """A custom view's filter: one condition (`comparator`, `field`, `value`) or a group of
    them (`group_operator` "and" / "or", `group`). Zoho's v2 answers name the field as a
    string, later versions as `{"api_name", "id"}`; both become `field`, the API name."""

    comparator: str = ""
    field: str = ""
    value: Any = None
    group_operator: str = ""
    group: tuple[ViewCriteria, ...] = ()

    @property
    def is_group(self) -> bool:
        return bool(self.group_operator or self.group)

    def fields(self) -> set[str]:
        """Every field API name the criteria look at."""
        if self.is_group:
            return set().union(*(c.fields() for c in self.group)) if self.group else set()
        return {self.field} if self.field else set()

    @classmethod
    def from_api(cls, d: Any) -> ViewCriteria | None:
        if isinstance(d, list):  # a bare list of conditions: all must hold
            parts = [c for c in (cls.from_api(x) for x in d) if c is not None]
            return cls(group_operator="and", group=tuple(parts)) if parts else None
        if not isinstance(d, dict) or not d:
            return None
        if d.get("group") is not None:
            parts = [c for c in (cls.from_api(x) for x in _dicts(d.get("group"))) if c]
            operator = _s(d.get("group_operator") or "and").lower()
            return cls(group_operator=operator, group=tuple(parts)) if parts else None
        raw_field = d.get("field")
        api_name = raw_field.get("api_name") if isinstance(raw_field, dict) else raw_field
        if not api_name:
            return None
        return cls(
            comparator=_s(d.get("comparator") or "equal").lower(),
            field=_s(api_name),
            value=d.get("value"),
        )


@dataclass(frozen=True)
class CustomView:
    id: str
    name: str
    display_value: str
    category: str  # public_views | other_users_views | shared_with_me | created_by_me
    default: bool
    system_defined: bool
    system_name: str
    # Only in the answer about one view (Zoho's list of views leaves it out); None: no filter.
    criteria: ViewCriteria | None = None
    module: str = ""  # v2.1+ only (an object there); "" when Zoho does not say
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> CustomView:
        return cls(
            id=_s(d.get("id")),
            name=_s(d.get("name")),
            display_value=_s(d.get("display_value") or d.get("name")),
            category=_s(d.get("category") or "public_views"),
            default=bool(d.get("default", False)),
            system_defined=bool(d.get("system_defined", False)),
            system_name=_s(d.get("system_name")),
            criteria=ViewCriteria.from_api(d.get("criteria")),
            module=_api_name(d.get("module")),
            raw=d,
        )


@dataclass(frozen=True)
class CustomViewList:
    views: list[CustomView]
    default_id: str  # info.default: the module's default view ("" if Zoho did not say)
    # Category -> label, from info.translation ("public_views" -> "Public Views").
    category_labels: dict[str, str]


@dataclass(frozen=True)
class PicklistValue:
    actual_value: str
    display_value: str
    sequence_number: int = 0
    type: str = "used"

    @classmethod
    def from_api(cls, d: dict[str, Any] | str) -> PicklistValue:
        if isinstance(d, str):  # a bare value, as some older answers list them
            return cls(actual_value=d, display_value=d)
        return cls(
            actual_value=_s(d.get("actual_value")),
            display_value=_s(d.get("display_value") or d.get("actual_value")),
            sequence_number=_i(d.get("sequence_number")),
            type=_s(d.get("type") or "used"),
        )


@dataclass(frozen=True)
class Field:
    api_name: str
    field_label: str
    display_label: str
    data_type: str
    json_type: str
    length: int | None
    decimal_place: int | None
    read_only: bool  # read-only for the current user
    field_read_only: bool  # always read-only
    system_mandatory: bool
    visible: bool
    mass_update: bool
    custom_field: bool
    pick_list_values: list[PicklistValue]
    id: str = ""
    # The module a lookup points to, and a subform's own module ("" for other fields).
    lookup_module: str = ""
    subform_module: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def label(self) -> str:
        return self.field_label or self.display_label or self.api_name

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Field:
        return cls(
            api_name=_s(d.get("api_name")),
            field_label=_s(d.get("field_label")),
            display_label=_s(d.get("display_label") or d.get("field_label")),
            data_type=_s(d.get("data_type")),
            json_type=_s(d.get("json_type")),
            length=_oi(d.get("length")),
            decimal_place=_oi(d.get("decimal_place")),
            read_only=bool(d.get("read_only", False)),
            field_read_only=bool(d.get("field_read_only", False)),
            system_mandatory=bool(d.get("system_mandatory", False)),
            visible=bool(d.get("visible", True)),
            mass_update=bool(d.get("mass_update", False)),
            custom_field=bool(d.get("custom_field", False)),
            pick_list_values=[
                PicklistValue.from_api(p)
                for p in _items(d.get("pick_list_values"))
                if isinstance(p, (dict, str))
            ],
            id=_s(d.get("id")),
            lookup_module=_api_name((d.get("lookup") or {}).get("module"))
            if isinstance(d.get("lookup"), dict)
            else "",
            subform_module=_api_name((d.get("subform") or {}).get("module"))
            if isinstance(d.get("subform"), dict)
            else "",
            raw=d,
        )


@dataclass(frozen=True)
class User:
    id: str
    full_name: str
    email: str
    profile_name: str
    profile_id: str
    role_name: str
    time_zone: str
    status: str
    zuid: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> User:
        profile_name, profile_id = _ref(d.get("profile"))
        role_name, _ = _ref(d.get("role"))
        full_name = d.get("full_name") or " ".join(
            p for p in (_s(d.get("first_name")), _s(d.get("last_name"))) if p
        )
        return cls(
            id=_s(d.get("id")),
            full_name=_s(full_name),
            email=_s(d.get("email")),
            profile_name=profile_name,
            profile_id=profile_id,
            role_name=role_name,
            time_zone=_s(d.get("time_zone") or "UTC"),
            status=_s(d.get("status")),
            zuid=_s(d.get("zuid")),
            raw=d,
        )


@dataclass(frozen=True)
class Org:
    id: str
    company_name: str
    edition: str  # license_details.paid_type, e.g. "enterprise"
    time_zone: str
    type: str  # production | sandbox | developer | bigin (v8 capitalises them: lowered here)
    domain_name: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Org:
        license_details = d.get("license_details")
        license_details = license_details if isinstance(license_details, dict) else {}
        return cls(
            id=_s(d.get("id")),
            company_name=_s(d.get("company_name")),
            edition=_s(license_details.get("paid_type")),
            time_zone=_s(d.get("time_zone") or "UTC"),
            type=_s(d.get("type")).lower(),
            domain_name=_s(d.get("domain_name")),
            raw=d,
        )


@dataclass(frozen=True)
class RecordPage:
    records: list[dict[str, Any]]  # each has "id" plus the requested fields
    page: int
    per_page: int
    more_records: bool
    next_page_token: str | None = None


@dataclass(frozen=True)
class MassUpdateScheduled:
    """cvid mode: Zoho scheduled a background job."""

    job_id: str
    message: str = ""


@dataclass(frozen=True)
class RecordResult:
    """One entry of an ids-mode mass update or an update-records call."""

    id: str
    ok: bool
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MassUpdateJobStatus:
    status: str  # SCHEDULED | QUEUED | RUNNING | SUSPENDED | COMPLETED | FAILED
    total_count: int
    updated_count: int
    not_updated_count: int
    failed_count: int

    FINISHED = frozenset({"COMPLETED", "FAILED"})

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> MassUpdateJobStatus:
        return cls(
            status=_s(d.get("Status")).upper(),
            total_count=_i(d.get("Total_Count")),
            updated_count=_i(d.get("Updated_Count")),
            not_updated_count=_i(d.get("Not_Updated_Count")),
            failed_count=_i(d.get("Failed_Count")),
        )


@dataclass(frozen=True)
class TokenResponse:
    access_token: str
    refresh_token: str | None
    api_domain: str
    expires_in: int  # seconds
    scope: str = ""
    token_type: str = "Bearer"

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> TokenResponse:
        # Older Zoho answers carry "expires_in_sec" (seconds) and "expires_in" in milliseconds.
        if d.get("expires_in_sec") is not None:
            expires_in = _i(d.get("expires_in_sec"), 3600)
        else:
            expires_in = _i(d.get("expires_in"), 3600)
        return cls(
            access_token=_s(d.get("access_token")),
            refresh_token=_s(d.get("refresh_token")) or None,
            api_domain=_s(d.get("api_domain")).rstrip("/"),
            expires_in=expires_in,
            scope=_s(d.get("scope")),
            token_type=_s(d.get("token_type") or "Bearer"),
        )

    def __repr__(self) -> str:  # tokens stay out of logs and tracebacks
        return f"TokenResponse(api_domain={self.api_domain!r}, expires_in={self.expires_in!r})"


@dataclass(frozen=True)
class UserInfo:
    zuid: str
    email: str
    first_name: str
    last_name: str
    display_name: str

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> UserInfo:
        return cls(
            zuid=_s(d.get("ZUID")),
            email=_s(d.get("Email")),
            first_name=_s(d.get("First_Name")),
            last_name=_s(d.get("Last_Name")),
            display_name=_s(d.get("Display_Name")),
        )


# A module's Mass Update permission in a profile's `permissions_details`. Zoho's samples name
# module permissions "Crm_Implied_<Action>_<Module>" (View, Create, Edit, Delete) with the
# module in `module`; Mass Update is matched the same way, by name or by its label.
_MASS_UPDATE_NAMES = ("crm_implied_mass_update", "mass_update")
_MASS_UPDATE_LABELS = ("mass update",)


@dataclass(frozen=True)
class Profile:
    """A Zoho CRM profile and what it grants (Profiles API, `GET settings/profiles/{id}`).

    `mass_update_modules` are the API names of the modules whose Mass Update permission is
    enabled. Zoho's Administrator profile is not custom and is named "Administrator".
    """

    id: str
    name: str
    display_label: str
    custom: bool
    mass_update_modules: tuple[str, ...]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_administrator(self) -> bool:
        return not self.custom and "administrator" in (
            self.name.lower(),
            self.display_label.lower(),
        )

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Profile:
        modules: list[str] = []
        for permission in _dicts(d.get("permissions_details")):
            module = _s(permission.get("module"))
            name = _s(permission.get("name")).lower()
            label = _s(permission.get("display_label")).lower()
            is_mass_update = label in _MASS_UPDATE_LABELS or any(
                name.startswith(prefix) for prefix in _MASS_UPDATE_NAMES
            )
            enabled = permission.get("enabled") is True
            if module and is_mass_update and enabled and module not in modules:
                modules.append(module)
        return cls(
            id=_s(d.get("id")),
            name=_s(d.get("name")),
            display_label=_s(d.get("display_label") or d.get("name")),
            custom=d.get("custom") is True,
            mass_update_modules=tuple(modules),
            raw=d,
        )
