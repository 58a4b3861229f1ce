"""Whose Zoho sign-in the worker uses for a row: the one place that builds the client for a
step (and its backup) or an undo. `worker_client` takes the person explicitly; `step_client`
and `undo_client` say whose sign-in each kind of row runs with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crmupdate.accounts.models import ZohoConnection
from crmupdate.accounts.tokens import ReauthRequired, zoho_client_for
from crmupdate.massupdate.models import Step
from crmupdate.massupdate.undo.models import Undo
from crmupdate.zoho.client import ZohoClient


def worker_client(*, user: Any) -> ZohoClient:
    """A Zoho client acting as `user` (whose sign-in a row runs with). ReauthRequired (an
    AUTH error: the row pauses) when the person is gone or has no usable sign-in."""
    if user is None:
        raise ReauthRequired("The person who started this no longer has an account here.")
    return zoho_client_for(user)


def step_client(step: Step) -> ZohoClient:
    """Whose sign-in a step is sent and followed with: the person who last pressed "Retry" or
    "Resume" on its update, else the person who started it."""
    return worker_client(user=step.update.run_by or step.update.created_by)


def undo_client(undo: Undo) -> ZohoClient:
    """Whose sign-in an undo runs with: the person who last pressed "Resume" on it, else
    the person who started it."""
    return worker_client(user=undo.run_by or undo.created_by)


def signed_in_since(*, user_id: int | None, since: datetime | None) -> bool:
    """Has this person a usable Zoho sign-in, renewed after `since`?"""
    if user_id is None or since is None:
        return False
    connection = ZohoConnection.objects.filter(user_id=user_id).first()
    return bool(connection and connection.usable and connection.updated_at > since)
