"""History test helpers: people in two teams and their updates, stored as the app stores them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crmupdate.accounts.models import Member
from crmupdate.massupdate.models import MassUpdate, UpdateStatus

# The mass update's fixtures too (`member` with a Zoho connection, `zoho_api` mocking Zoho at
# the HTTP seam, `fast_worker`), for the tests that run real updates.
from tests.massupdate.conftest import fast_worker, make_member, member, zoho_api  # noqa: F401

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def change(label: str, display: str, api_name: str = "", data_type: str = "picklist",
           **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {"api_name": api_name or label.replace(" ", "_"), "label": label,
            "data_type": data_type, "value": display, "display": display, "clear": False,
            "over_write": None, **extra}  # fmt: skip


def add_update(person: Member, **fields: Any) -> MassUpdate:
    """One stored update by `person` (defaults: a completed Leads update)."""
    changes = fields.pop("changes", None) or [change("Lead Status", "Contacted")]
    values: dict[str, Any] = {
        "team": person.team,
        "created_by": person.user,
        "created_by_name": person.full_name,
        "created_by_email": person.email,
        "created_at": T0,
        "module_api_name": "Leads",
        "module_label": "Leads",
        "cvid": "738964000000091563",
        "view_name": "All Leads",
        "summary": "; ".join(f"{c['label']} -> {c['display']}" for c in changes),
        "field_names": ", ".join(c["label"] for c in changes),
        "changes": changes,
        "job_ids": "738964000002152104",
        "status": UpdateStatus.COMPLETED,
        "record_count": 300,
        "total_count": 300,
        "updated_count": 300,
        "run_token": uuid.uuid4(),
    }
    values.update(fields)
    return MassUpdate.objects.create(**values)


def add_updates(
    person: Member, count: int, *, start: datetime = T0, **fields: Any
) -> list[MassUpdate]:
    """`count` updates an hour apart, oldest first."""
    return [
        add_update(
            person,
            created_at=start + timedelta(hours=i),
            job_ids=f"73896400000{i:07d}",
            **fields,
        )
        for i in range(count)
    ]


@pytest.fixture
def sam(db) -> Member:
    return make_member(email="sam.ops@zylker.example", org_id="org-zylker", time_zone="UTC")


@pytest.fixture
def pat(sam) -> Member:
    """Sam's colleague in the same team."""
    return make_member(email="patricia.boyle@zylker.example", org_id="org-zylker",
                       time_zone="UTC")  # fmt: skip


@pytest.fixture
def gary(db) -> Member:
    """Someone of another organisation (another team)."""
    return make_member(email="gary.globex@globex.example", org_id="org-globex",
                       company="Globex Corporation", time_zone="UTC")  # fmt: skip


@pytest.fixture
def sam_client(sam, client_for):
    return client_for(sam.user)
