"""A granted right applied in an LDAP directory (OpenLDAP or Active Directory; taken back at expiry by
group_members.remove_member): the account added to the group's ``member`` — or ``uniqueMember`` for a
``groupOfUniqueNames`` — and, when granting, unlocked if it was locked (OpenLDAP: the ppolicy
``pwdAccountLockedTime`` deleted; AD: the disable bit of ``userAccountControl`` cleared). Every change is
read back before it is reported done."""

from __future__ import annotations

from dataclasses import dataclass

import ldap3
from ldap3.core.exceptions import LDAPException

from lakthan.access.engines.directory import (
    AD_DISABLED_BIT,
    DirectoryConfig,
    _all,
    _first,
    connect,
    normal_dn,
    read_account,
)
from lakthan.access.engines.entries import SourceAccount, SourceError


@dataclass(frozen=True)
class Applied:
    account: SourceAccount  # the entry as read after the change
    added: bool  # False: it was a member already
    unlocked: bool  # it was locked and is not any more


def _member_attribute(conn: ldap3.Connection, group_dn: str) -> tuple[str, set[str]]:
    """The attribute that lists the group's members, and the members (normalised DNs)."""
    try:
        conn.search(
            group_dn,
            "(objectClass=*)",
            search_scope=ldap3.BASE,
            attributes=["objectClass", "member", "uniqueMember"],
        )
    except LDAPException as exc:
        raise SourceError(f"cannot read the group {group_dn}: {exc}") from None
    if not conn.response:
        raise SourceError(f"the group {group_dn} is not in the directory")
    attrs = {k.lower(): v for k, v in conn.response[0]["attributes"].items()}
    classes = {c.lower() for c in _all(attrs, "objectclass")}
    name = "uniqueMember" if "groupofuniquenames" in classes else "member"
    return name, {normal_dn(m) for m in _all(attrs, name.lower())}


def _modify(conn: ldap3.Connection, dn: str, changes: dict, what: str) -> None:
    try:
        conn.modify(dn, changes)
    except LDAPException as exc:
        raise SourceError(f"cannot {what}: {exc}") from None


def _unlock(conn: ldap3.Connection, dn: str) -> None:
    conn.search(
        dn,
        "(objectClass=*)",
        search_scope=ldap3.BASE,
        attributes=["userAccountControl", "pwdAccountLockedTime"],
    )
    attrs = conn.response[0]["attributes"] if conn.response else {}
    uac = _first(attrs, "userAccountControl")
    if uac.isdigit() and int(uac) & AD_DISABLED_BIT:
        change = {"userAccountControl": [(ldap3.MODIFY_REPLACE, [str(int(uac) & ~AD_DISABLED_BIT)])]}
        _modify(conn, dn, change, f"enable {dn}")
    if _first(attrs, "pwdAccountLockedTime"):
        _modify(conn, dn, {"pwdAccountLockedTime": [(ldap3.MODIFY_DELETE, [])]}, f"unlock {dn}")


def grant_membership(config: DirectoryConfig, group_dn: str, account_dn: str) -> Applied:
    """Adds the account to the group (if it is not a member) and unlocks it (if it is locked); reads
    both back. Raises SourceError when the directory refuses or does not show the change."""
    conn = connect(config)
    try:
        before = read_account(conn, account_dn, config)
        attribute, members = _member_attribute(conn, group_dn)
        added = normal_dn(account_dn) not in members
        if added:
            _modify(
                conn,
                group_dn,
                {attribute: [(ldap3.MODIFY_ADD, [account_dn])]},
                f"add {account_dn} to {group_dn}",
            )
        if before.disabled:
            _unlock(conn, account_dn)
        _attr, members = _member_attribute(conn, group_dn)
        if normal_dn(account_dn) not in members:
            raise SourceError(f"{account_dn} is not a member of {group_dn} after the change")
        after = read_account(conn, account_dn, config)
        if after.disabled:
            raise SourceError(f"{account_dn} still reads as locked after the change")
        return Applied(account=after, added=added, unlocked=before.disabled)
    except LDAPException as exc:
        raise SourceError(f"cannot grant {group_dn} to {account_dn}: {exc}") from None
    finally:
        conn.unbind()
