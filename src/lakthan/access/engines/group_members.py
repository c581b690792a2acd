"""Removing an account from a group in an LDAP directory (OpenLDAP or Active Directory), read back.

A group of OpenLDAP's ``groupOfNames`` must keep at least one ``member``: removing its last member is
refused by the schema (objectClassViolation), which is reported as it comes. ``groupOfUniqueNames``
uses ``uniqueMember``; the attribute the group holds the account under is the one changed."""

from __future__ import annotations

import ldap3
from ldap3.core.exceptions import LDAPException

from lakthan.access.engines.directory import DirectoryConfig, connect, normal_dn
from lakthan.access.engines.entries import SourceError

MEMBER_ATTRIBUTES = ("member", "uniqueMember")


def _members(conn: ldap3.Connection, group_dn: str) -> dict[str, list[str]]:
    """The group's member values per attribute, as the directory holds them now."""
    try:
        conn.search(group_dn, "(objectClass=*)", search_scope=ldap3.BASE, attributes=list(MEMBER_ATTRIBUTES))
    except LDAPException as exc:
        raise SourceError(f"cannot read {group_dn}: {exc}") from None
    if not conn.response:
        raise SourceError(f"{group_dn} is not in the directory")
    attributes = {k.lower(): v for k, v in conn.response[0]["attributes"].items()}
    found = {}
    for name in MEMBER_ATTRIBUTES:
        value = attributes.get(name.lower()) or []
        found[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return found


def remove_member(config: DirectoryConfig, group_dn: str, member_dn: str) -> bool:
    """Deletes ``member_dn`` from ``group_dn`` and reads the group back. Returns False when the account
    was not a member any more (nothing to do), True when removed; SourceError when refused or when the
    read-back still shows it."""
    wanted = normal_dn(member_dn)
    conn = connect(config)
    try:
        held = {
            name: [v for v in values if normal_dn(v) == wanted]
            for name, values in _members(conn, group_dn).items()
        }
        if not any(held.values()):
            return False
        change = {name: [(ldap3.MODIFY_DELETE, values)] for name, values in held.items() if values}
        try:
            conn.modify(group_dn, change)
        except LDAPException as exc:
            raise SourceError(f"cannot remove {member_dn} from {group_dn}: {exc}") from None
        after = _members(conn, group_dn)
        if any(normal_dn(v) == wanted for values in after.values() for v in values):
            raise SourceError(f"{member_dn} is still a member of {group_dn} after the change")
        return True
    finally:
        conn.unbind()
