"""Findings about accounts, judged on one day from the accounts' state and the HR roster.

Pure: the services hand in plain facts, this returns plain findings, the same for the same input.
Rules (issue 17):
- ``leaver_active``: an enabled account of a person whose status is a leaver's (suspended, resigned,
  retired, dismissed, deceased) with an effective date on or before the day judged.
- ``dormant``: an enabled account whose last login is more than ``dormant_days`` before the end of the
  day judged, or that never logged in and was created longer ago than that. Only for sources that
  record logins; an account with neither a login nor a creation time is not judged.
- ``orphan``: a (non-service) account with no employee id, or one the roster does not know, and no
  person linked by hand.
- ``no_owner``: a service account without an owner.
- ``password_age``: only when a maximum age is set: an enabled account whose password (or, never
  changed, the account) is older than that.
Disabled accounts give no dormant nor password_age finding (nor, by definition, leaver_active)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lakthan.access.engines.roster import LEAVER_STATUSES

BANGKOK = ZoneInfo("Asia/Bangkok")
KINDS = ("leaver_active", "dormant", "orphan", "no_owner", "password_age")


@dataclass(frozen=True)
class AccountFacts:
    account_id: int
    source: str
    system: str
    username: str
    enabled: bool
    tracks_login: bool
    employee_id: str = ""  # the source's attribute
    linked_employee_id: str = ""  # a person linked by hand (overrides the attribute)
    is_service: bool = False
    owner_employee_id: str = ""
    last_login: datetime | None = None
    created: datetime | None = None
    password_changed: datetime | None = None


@dataclass(frozen=True)
class PersonFacts:
    employee_id: str
    name: str
    unit: str
    status: str
    effective_date: date


@dataclass(frozen=True)
class Policy:
    as_of: date
    dormant_days: int = 90
    password_max_days: int | None = None


@dataclass(frozen=True)
class Finding:
    kind: str
    account_id: int
    account: str
    system: str
    person: str  # employee id, "" when none
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "account": self.account,
            "system": self.system,
            "person": self.person or None,
            "detail": self.detail,
        }


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Bangkok, in UTC: what "on the day judged" includes."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=BANGKOK).astimezone(UTC)


def is_leaver(person: PersonFacts, as_of: date) -> bool:
    return person.status in LEAVER_STATUSES and person.effective_date <= as_of


def judge(
    accounts: Iterable[AccountFacts], people: Mapping[str, PersonFacts], policy: Policy
) -> list[Finding]:
    cutoff = end_of_day(policy.as_of)
    dormant_before = cutoff - timedelta(days=policy.dormant_days)
    password_before = (
        cutoff - timedelta(days=policy.password_max_days) if policy.password_max_days is not None else None
    )
    found: list[Finding] = []
    for a in accounts:
        employee_id = a.linked_employee_id or a.employee_id
        person = people.get(employee_id) if employee_id else None

        def add(
            kind: str, detail: dict, a: AccountFacts = a, who: str = employee_id if person else ""
        ) -> None:
            found.append(Finding(kind, a.account_id, f"{a.source}:{a.username}", a.system, who, detail))

        if a.is_service:
            if not a.owner_employee_id:
                add("no_owner", {})
        elif person is None:
            add("orphan", {"employee_id": a.employee_id} if a.employee_id else {})
        if not a.enabled:
            continue
        if person is not None and not a.is_service and is_leaver(person, policy.as_of):
            add(
                "leaver_active",
                {
                    "status": person.status,
                    "effective_date": person.effective_date.isoformat(),
                    "days": (policy.as_of - person.effective_date).days,
                },
            )
        if a.tracks_login:
            if a.last_login is not None and a.last_login < dormant_before:
                add("dormant", {"last_login": a.last_login.isoformat(), "days": (cutoff - a.last_login).days})
            elif a.last_login is None and a.created is not None and a.created < dormant_before:
                add("dormant", {"last_login": None, "created": a.created.isoformat()})
        if password_before is not None:
            since = a.password_changed or a.created
            if since is not None and since < password_before:
                add(
                    "password_age",
                    {
                        "changed": since.isoformat(),
                        "days": (cutoff - since).days,
                        "max_days": policy.password_max_days,
                    },
                )
    return found
