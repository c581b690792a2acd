"""An application's own user table, exported as CSV or XLSX: one row per account.

Columns (header names, any order): ``username`` (required), ``display_name``, ``employee_id``,
``disabled`` (true/false, yes/no, 1/0; or ``status`` active/disabled), ``last_login``,
``password_changed``, ``created``, ``groups`` (separated by ``;``). Without a ``last_login`` column
the source does not track logins and no account of it is judged dormant."""

from __future__ import annotations

from lakthan.access.engines.entries import SourceAccount, SourceError, SourceGroup, SourceSnapshot
from lakthan.access.engines.tabular import TableError, parse_moment, read_table, text_of

TRUE = {"true", "yes", "y", "1", "disabled", "locked", "inactive", "ใช่"}
FALSE = {"false", "no", "n", "0", "", "active", "enabled", "ไม่ใช่"}


def read_accounts(data: bytes) -> SourceSnapshot:
    try:
        table = read_table(data)
    except TableError as exc:
        raise SourceError(exc.message_en) from None
    if "username" not in table.header:
        raise SourceError("the user table has no 'username' column")
    accounts: dict[str, SourceAccount] = {}
    groups: dict[str, SourceGroup] = {}
    for number, row in table.rows:
        username = text_of(row.get("username"))
        if not username:
            raise SourceError(f"row {number}: no username")
        if username.lower() in accounts:
            raise SourceError(f"row {number}: username {username} appears twice")
        flag = text_of(row.get("disabled", row.get("status"))).lower()
        if flag not in TRUE | FALSE:
            raise SourceError(f"row {number}: disabled '{flag}' is neither true nor false")
        held = tuple(sorted({g.strip() for g in text_of(row.get("groups")).split(";") if g.strip()}))
        for name in held:
            groups.setdefault(name.lower(), SourceGroup(key=name.lower(), name=name))
        try:
            last_login = parse_moment(row.get("last_login"))
            changed = parse_moment(row.get("password_changed"))
            created = parse_moment(row.get("created"))
        except ValueError as exc:
            raise SourceError(f"row {number}: a time is not ISO 8601 ({exc})") from None
        accounts[username.lower()] = SourceAccount(
            key=username.lower(),
            username=username,
            display_name=text_of(row.get("display_name")),
            employee_id=text_of(row.get("employee_id")),
            disabled=flag in TRUE,
            last_login=last_login,
            password_changed=changed,
            created=created,
            groups=tuple(g.lower() for g in held),
        )
    return SourceSnapshot(
        accounts=tuple(accounts.values()),
        groups=tuple(groups.values()),
        tracks_login="last_login" in table.header,
    )
