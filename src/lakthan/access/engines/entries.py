"""What a source says about its accounts and groups, the same whichever kind of source it is."""

from __future__ import annotations

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
    accounts last logged in (no last-login time then means never)."""

    accounts: tuple[SourceAccount, ...]
    groups: tuple[SourceGroup, ...]
    tracks_login: bool


class SourceError(Exception):
    """The source could not be read or written; ``message`` says why, for the operator."""
