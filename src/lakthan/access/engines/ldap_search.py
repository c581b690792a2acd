"""Reading a directory in bulk through python-ldap (OpenLDAP's C libldap).

A sync reads every user entry; ldap3 decodes the answer in pure Python, which cost about ten times
what ``ldapsearch`` takes for the same entries (bench/access). libldap decodes in C, so the bulk reads
go through here, while single-entry writes (disable, read back) stay with ldap3. Values come back as
text (UTF-8, as LDAP strings are), attribute names lower-cased."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias

import ldap
from ldap.controls import SimplePagedResultsControl

from lakthan.access.engines.entries import SourceError

PAGE_SIZE = 1000
Entry = tuple[str, dict[str, list[str]]]
Connection: TypeAlias = Any  # ldap.ldapobject.LDAPObject; python-ldap ships no type information


@contextmanager
def bound(url: str, bind_dn: str, password: str, timeout: int) -> Iterator[Connection]:
    conn = ldap.initialize(url)
    conn.set_option(ldap.OPT_REFERRALS, 0)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, timeout)
    conn.set_option(ldap.OPT_TIMEOUT, timeout)
    conn.protocol_version = 3
    try:
        conn.simple_bind_s(bind_dn, password)
    except ldap.LDAPError as exc:
        raise SourceError(f"cannot bind to {url} as {bind_dn}: {_reason(exc)}") from None
    try:
        yield conn
    finally:
        conn.unbind_s()


def _reason(exc: ldap.LDAPError) -> str:
    info = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {}
    return " ".join(str(info.get(k, "")) for k in ("desc", "info")).strip() or type(exc).__name__


def search(
    conn: Connection,
    base: str,
    ldap_filter: str,
    attributes: list[str],
    scope: int = ldap.SCOPE_SUBTREE,
) -> Iterator[Entry]:
    """Every entry matching, page by page (RFC 2696), as (DN, {lower-case name: [values]})."""
    control = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie=b"")
    try:
        while True:
            msgid = conn.search_ext(base, scope, ldap_filter, attributes or None, serverctrls=[control])
            _type, data, _msgid, controls = conn.result3(msgid)
            for dn, attrs in data:
                if dn is None:  # a referral: not followed
                    continue
                yield (
                    dn,
                    {
                        name.lower(): [v.decode("utf-8", "replace") for v in values]
                        for name, values in attrs.items()
                    },
                )
            cookie = next(
                (c.cookie for c in controls if c.controlType == SimplePagedResultsControl.controlType), b""
            )
            if not cookie:
                return
            control.cookie = cookie
    except ldap.LDAPError as exc:
        raise SourceError(f"search of {base} with {ldap_filter} failed: {_reason(exc)}") from None


def root_dse(conn: Connection, attributes: list[str]) -> dict[str, list[str]]:
    """The server's root DSE (no paging: a single entry); empty when it is not readable."""
    try:
        found = conn.search_s("", ldap.SCOPE_BASE, "(objectClass=*)", attributes)
    except ldap.LDAPError:
        return {}
    for _dn, attrs in found:
        return {
            name.lower(): [v.decode("utf-8", "replace") for v in values] for name, values in attrs.items()
        }
    return {}
