"""What a source says about its accounts and groups, the same whichever kind of source it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SourceAccount:
    key: str  # the normalised DN, or the application's user name
    username: str
    dn: str = ""
    display_name: str = ""
    employee_id: str = ""
    disabled: bool = False
    last_login: datetime | None = None
    password_changed: datetime | None = None
    created: datetime | None = None
    groups: tuple[str, ...] = field(default=())  # keys of the groups it is a member of


@dataclass(frozen=True)
class SourceGroup:
    key: str
    name: str
    dn: str = ""


@dataclass(frozen=True)
class SourceSnapshot:
    """Every account and group of a source at one time; ``tracks_login``: the source says when its
    accounts last logged in (no last-login time then means never).

    A ``partial`` snapshot (an incremental read) has in ``accounts`` only the entries that changed or
    are new; ``present`` holds the key of every account the source has now, ``logins`` the last
    logins seen for the others, ``members`` the searched groups' member lists (account key → group
    keys); an account's memberships in groups that were not searched stay as they were."""

    accounts: tuple[SourceAccount, ...]
    groups: tuple[SourceGroup, ...]
    tracks_login: bool
    partial: bool = False
    present: frozenset[str] = frozenset()
    logins: Mapping[str, datetime] = field(default_factory=dict)
    members: Mapping[str, frozenset[str]] = field(default_factory=dict)
    searched_groups: frozenset[str] = frozenset()


class SourceError(Exception):
    """The source could not be read or written; ``message`` says why, for the operator."""
