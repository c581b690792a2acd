"""An LDAP directory (OpenLDAP or Active Directory) read and written through ldap3.

OpenLDAP: disabled is ``pwdAccountLockedTime`` of the ppolicy overlay (any value; 000001010000Z is
the permanent lock an administrator sets), last login ``authTimestamp`` of the lastbind overlay.
Active Directory: disabled is bit 2 of ``userAccountControl``, last login ``lastLogonTimestamp`` (a
FILETIME, replicated with up to 14 days' lag, which is far below any dormancy threshold).
Memberships are the union of each group's ``member``/``uniqueMember`` and each user's ``memberOf``
(the memberof overlay keeps the latter; a group outside the group search base shows only there)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import ldap3
from ldap3.core.exceptions import LDAPException
from ldap3.utils.dn import parse_dn

from lakthan.access.engines import ldap_search
from lakthan.access.engines.entries import SourceAccount, SourceError, SourceGroup, SourceSnapshot

LOCKED_FOREVER = "000001010000Z"
AD_DISABLED_BIT = 2
BASE_SCOPE = 0  # LDAP's baseObject scope
AD_CAPABILITY = "1.2.840.113556.1.4.800"  # LDAP_CAP_ACTIVE_DIRECTORY_OID in the root DSE
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
# an AD FILETIME of 0 or of the largest value means "never"
FILETIME_NEVER = {0, 0x7FFFFFFFFFFFFFFF}


@dataclass(frozen=True)
class DirectoryConfig:
    url: str
    bind_dn: str
    password: str
    base_dn: str
    user_filter: str
    group_filter: str
    employee_id_attribute: str = "employeeNumber"
    timeout: int = 30  # seconds (ldap3 packs it as an integer)


def normal_dn(dn: str) -> str:
    """A DN as a key: attribute names and values lower-cased, no spaces around the separators."""
    if (  # the common case, tested first as it is most of a sync's DNs: nothing to strip or unescape
        dn.count("=") == dn.count(",") + 1
        and dn == dn.strip()
        and not any(c in dn for c in ("\\", '"', "+", ";", "<", ">", "#", " ,", ", ", " =", "= "))
    ):
        return dn.lower()
    if not any(
        c in dn for c in '\\"+;<>#'
    ):  # nothing escaped or multi-valued: split it (ldap3's parser is slow)
        pairs = [part.split("=", 1) for part in dn.split(",")]
        if all(len(pair) == 2 for pair in pairs):
            return ",".join(f"{a.strip().lower()}={v.strip().lower()}" for a, v in pairs)
    try:
        parts = parse_dn(dn, strip=True)
    except LDAPException:
        return dn.strip().lower()
    return ",".join(f"{attr.lower()}={value.strip().lower()}" for attr, value, _sep in parts)


def generalized_time(text: str | None) -> datetime | None:
    """LDAP GeneralizedTime (20260101093000Z, with optional fraction) as an aware UTC datetime."""
    if not text:
        return None
    value = text.strip().upper()
    if not value.endswith("Z") or len(value) < 15 or not value[:14].isdigit():
        return None
    digits, fraction = value[:14], value[14:-1].lstrip(".,")
    try:  # sliced by hand: strptime was a fifth of a sync's decoding
        moment = datetime(
            int(digits[:4]),
            int(digits[4:6]),
            int(digits[6:8]),
            int(digits[8:10]),
            int(digits[10:12]),
            int(digits[12:14]),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    if fraction.isdigit():
        moment += timedelta(microseconds=int(fraction[:6].ljust(6, "0")))
    return moment


def filetime(text: str | None) -> datetime | None:
    """An Active Directory FILETIME (100 ns since 1601) as an aware UTC datetime; 0 or max: never."""
    try:
        ticks = int(text) if text else 0
    except ValueError:
        return None
    if ticks in FILETIME_NEVER or ticks < 0:
        return None
    return FILETIME_EPOCH + timedelta(microseconds=ticks // 10)


def _first(attributes: dict, name: str) -> str:
    value = attributes.get(name)
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return "" if value is None else str(value)


def _all(attributes: dict, name: str) -> list[str]:
    value = attributes.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def account_from_entry(dn: str, attributes: dict, employee_id_attribute: str) -> SourceAccount:
    """One user entry as the attributes came (names case-insensitive), OpenLDAP or AD."""
    attrs = {k.lower(): v for k, v in attributes.items()}
    uac = _first(attrs, "useraccountcontrol")
    disabled = bool(_first(attrs, "pwdaccountlockedtime")) or (
        uac.isdigit() and bool(int(uac) & AD_DISABLED_BIT)
    )
    username = _first(attrs, "uid") or _first(attrs, "samaccountname") or _first(attrs, "cn")
    return SourceAccount(
        key=normal_dn(dn),
        username=username,
        dn=dn,
        display_name=_first(attrs, "displayname") or _first(attrs, "cn"),
        employee_id=_first(attrs, employee_id_attribute.lower()).strip(),
        disabled=disabled,
        last_login=generalized_time(_first(attrs, "authtimestamp"))
        or filetime(_first(attrs, "lastlogontimestamp")),
        password_changed=generalized_time(_first(attrs, "pwdchangedtime"))
        or filetime(_first(attrs, "pwdlastset")),
        created=generalized_time(_first(attrs, "createtimestamp"))
        or generalized_time(_first(attrs, "whencreated")),
        groups=tuple(normal_dn(g) for g in _all(attrs, "memberof")),
    )


def _user_attributes(config: DirectoryConfig) -> list[str]:
    return [
        "uid",
        "sAMAccountName",
        "cn",
        "displayName",
        config.employee_id_attribute,
        "memberOf",
        "pwdAccountLockedTime",
        "authTimestamp",
        "pwdChangedTime",
        "createTimestamp",
        "userAccountControl",
        "lastLogonTimestamp",
        "pwdLastSet",
        "whenCreated",
    ]


def connect(config: DirectoryConfig) -> ldap3.Connection:
    server = ldap3.Server(config.url, get_info=ldap3.NONE, connect_timeout=config.timeout)
    try:
        return ldap3.Connection(
            server,
            user=config.bind_dn,
            password=config.password,
            auto_bind=True,
            receive_timeout=config.timeout,
            raise_exceptions=True,
            read_only=False,
        )
    except LDAPException as exc:
        raise SourceError(f"cannot bind to {config.url} as {config.bind_dn}: {exc}") from None


def _read_groups(
    conn: ldap_search.Connection, config: DirectoryConfig
) -> tuple[dict[str, SourceGroup], dict[str, set[str]]]:
    """The searched groups, and for each member's key the keys of the groups that list it."""
    groups: dict[str, SourceGroup] = {}
    members: dict[str, set[str]] = {}
    for dn, attrs in ldap_search.search(
        conn, config.base_dn, config.group_filter, ["cn", "member", "uniqueMember"]
    ):
        key = normal_dn(dn)
        groups[key] = SourceGroup(key=key, name=_first(attrs, "cn") or dn, dn=dn)
        for member in _all(attrs, "member") + _all(attrs, "uniquemember"):
            members.setdefault(normal_dn(member), set()).add(key)
    return groups, members


def _bound(config: DirectoryConfig) -> AbstractContextManager[ldap_search.Connection]:
    return ldap_search.bound(config.url, config.bind_dn, config.password, config.timeout)


def _held(
    account: SourceAccount, members: dict[str, set[str]], groups: dict[str, SourceGroup]
) -> SourceAccount:
    held = set(account.groups) | members.get(account.key, set())
    for key in held - groups.keys():  # named by memberOf only: a group outside the base
        groups[key] = SourceGroup(key=key, name=_rdn_value(key), dn=key)
    return replace(account, groups=tuple(sorted(held)))


def read_directory(config: DirectoryConfig) -> SourceSnapshot:
    """Every user and group under the base DN (paged), with the memberships of both directions."""
    with _bound(config) as conn:
        groups, members = _read_groups(conn, config)
        accounts = [
            _held(account_from_entry(dn, attrs, config.employee_id_attribute), members, groups)
            for dn, attrs in ldap_search.search(
                conn, config.base_dn, config.user_filter, _user_attributes(config)
            )
        ]
    return SourceSnapshot(accounts=tuple(accounts), groups=tuple(groups.values()), tracks_login=True)


def ldap_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%SZ")


def read_directory_changes(
    config: DirectoryConfig, since: datetime, known: Collection[str]
) -> SourceSnapshot:
    """What changed since ``since`` (the caller subtracts its safety margin): full entries only of users
    modified since then (OpenLDAP ``modifyTimestamp``, AD ``whenChanged``) and of users not ``known``
    (new, returned, or restored with an old timestamp); the DN of every user (gone ones are those
    missing); the login times written since (OpenLDAP's lastbind overlay writes ``authTimestamp``
    without touching ``modifyTimestamp``; AD's ``lastLogonTimestamp`` moves ``whenChanged``); every
    searched group in full (a membership change shows in the group's member list)."""
    stamp = ldap_time(since)
    user_filter = config.user_filter
    with _bound(config) as conn:
        groups, members = _read_groups(conn, config)
        searched = set(groups)
        present = {
            normal_dn(dn): dn for dn, _attrs in ldap_search.search(conn, config.base_dn, user_filter, ["1.1"])
        }
        changed = f"(&{user_filter}({_change_attribute(conn)}>={stamp}))"
        accounts = {
            account.key: account
            for dn, attrs in ldap_search.search(conn, config.base_dn, changed, _user_attributes(config))
            for account in [
                _held(account_from_entry(dn, attrs, config.employee_id_attribute), members, groups)
            ]
        }
        unknown = present - accounts.keys() - set(known)
        for dn, attrs in _entries_by_dn(conn, config, sorted(present[key] for key in unknown)):
            account = _held(account_from_entry(dn, attrs, config.employee_id_attribute), members, groups)
            accounts[account.key] = account
        logins = {
            normal_dn(dn): when
            for dn, attrs in ldap_search.search(
                conn, config.base_dn, f"(&{user_filter}(authTimestamp>={stamp}))", ["authTimestamp"]
            )
            if (when := generalized_time(_first(attrs, "authtimestamp"))) is not None
        }
    return SourceSnapshot(
        accounts=tuple(accounts.values()),
        groups=tuple(groups.values()),
        tracks_login=True,
        partial=True,
        present=frozenset(present),
        logins=logins,
        members={key: frozenset(held) for key, held in members.items()},
        searched_groups=frozenset(searched),
    )


def _change_attribute(conn: ldap_search.Connection) -> str:
    """``whenChanged`` on Active Directory (its ``modifyTimeStamp`` is constructed from it, and a
    constructed attribute is not for filters), ``modifyTimestamp`` elsewhere."""
    for _dn, attrs in ldap_search.search(
        conn, "", "(objectClass=*)", ["supportedCapabilities"], scope=BASE_SCOPE
    ):
        if AD_CAPABILITY in attrs.get("supportedcapabilities", []):
            return "whenChanged"
    return "modifyTimestamp"


def _entries_by_dn(
    conn: ldap_search.Connection, config: DirectoryConfig, dns: list[str]
) -> Iterator[tuple[str, dict]]:
    for dn in dns:
        yield from ldap_search.search(
            conn, dn, config.user_filter, _user_attributes(config), scope=BASE_SCOPE
        )


def _rdn_value(dn: str) -> str:
    first = dn.split(",", 1)[0]
    return first.split("=", 1)[1] if "=" in first else first


def read_account(conn: ldap3.Connection, dn: str, config: DirectoryConfig) -> SourceAccount:
    try:
        conn.search(dn, "(objectClass=*)", search_scope=ldap3.BASE, attributes=_user_attributes(config))
    except LDAPException as exc:
        raise SourceError(f"cannot read {dn}: {exc}") from None
    if not conn.entries and not conn.response:
        raise SourceError(f"{dn} is not in the directory")
    entry = conn.response[0]
    return account_from_entry(entry["dn"], entry["attributes"], config.employee_id_attribute)


def disable_account(config: DirectoryConfig, dn: str) -> SourceAccount:
    """Disables one account and reads it back: OpenLDAP's permanent ppolicy lock, or AD's disable bit
    when the entry has ``userAccountControl``. Returns the entry as read after the change."""
    conn = connect(config)
    try:
        before = conn.search(
            dn, "(objectClass=*)", search_scope=ldap3.BASE, attributes=["userAccountControl"]
        )
        uac = _first(conn.response[0]["attributes"], "userAccountControl") if before and conn.response else ""
        if uac.isdigit():
            change = {"userAccountControl": [(ldap3.MODIFY_REPLACE, [str(int(uac) | AD_DISABLED_BIT)])]}
        else:
            change = {"pwdAccountLockedTime": [(ldap3.MODIFY_REPLACE, [LOCKED_FOREVER])]}
        try:
            conn.modify(dn, change)
        except LDAPException as exc:
            raise SourceError(f"cannot disable {dn}: {exc}") from None
        after = read_account(conn, dn, config)
        if not after.disabled:
            raise SourceError(f"{dn} still reads as enabled after the change")
        return after
    except LDAPException as exc:
        raise SourceError(f"cannot disable {dn}: {exc}") from None
    finally:
        conn.unbind()
