"""Sync: a source's accounts, groups and memberships brought in line with what it says now.

Idempotent: a second sync of an unchanged source writes nothing but its SyncRun. Nothing is deleted:
an account (or group) no longer in the source is marked gone, a membership that ended gets its
``until``; a returning account is marked so. The source is read before the transaction opens, and the
whole change is applied in one transaction, so a failed read or write leaves the last state intact.

A directory is read incrementally (only the entries changed since the last sync, minus a margin) once
a full sync has been made within ``LAKTHAN_ACCESS_FULL_SYNC_HOURS``; the full one guards against a
change the timestamps missed. The rows are written with bulk statements (an unchanged sync of 10,000
accounts builds no model instance), the history row by row exactly as the change was seen."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lakthan.access.engines import csv_accounts, directory
from lakthan.access.engines.entries import SourceAccount, SourceError, SourceSnapshot
from lakthan.access.models import Account, AccountChange, Group, IdentitySource, Membership, SyncRun
from lakthan.access.services import SourceFailed, bulk
from lakthan.access.services.lakthan_users import read_lakthan_users
from lakthan.access.services.sources import directory_config
from lakthan.core import audit

# what an account's history records when it changes; the last login moves with every login and is
# kept current on the account without a history row each time
TRACKED = (
    "username",
    "dn",
    "display_name",
    "employee_id",
    "disabled",
    "password_changed_at",
    "created_in_source_at",
)
FIELDS = (*TRACKED, "last_login_at")  # the order of row_of
NEW_COLUMNS = ("source", "key", *FIELDS, "first_seen_at", "disabled_seen_at", "is_service")
BATCH = 2000
KEYS_PER_QUERY = 900  # under SQLite's oldest limit of 999 variables a statement


def read_source(source: IdentitySource, since: datetime | None = None) -> SourceSnapshot:
    try:
        if source.kind == IdentitySource.Kind.LDAP:
            config = directory_config(source)
            if since is None:
                return directory.read_directory(config)
            known = Account.objects.filter(source=source, gone_at__isnull=True).values_list("key", flat=True)
            return directory.read_directory_changes(config, since, set(known))
        if source.kind == IdentitySource.Kind.LAKTHAN:
            return read_lakthan_users()
        return csv_accounts.read_accounts(Path(source.csv_path).read_bytes())
    except SourceError as exc:
        raise SourceFailed(
            f"อ่านแหล่ง {source.name} ไม่สำเร็จ: {exc}", f"cannot read source {source.name}: {exc}"
        ) from None
    except OSError as exc:
        raise SourceFailed(
            f"อ่านไฟล์ {source.csv_path} ไม่ได้: {exc.strerror}", f"cannot read {source.csv_path}: {exc.strerror}"
        ) from None


def changes_since(source: IdentitySource, now: datetime) -> datetime | None:
    """Where an incremental read starts: the last good sync's start minus the margin; None (read
    everything) for a CSV source, a first sync, or when the last full sync is too old."""
    if source.kind != IdentitySource.Kind.LDAP:
        return None
    runs = SyncRun.objects.filter(source=source, status=SyncRun.Status.OK)
    last = runs.order_by("-started_at").first()
    last_full = runs.filter(full=True).order_by("-started_at").first()
    if last is None or last_full is None:
        return None
    if now - last_full.started_at >= timedelta(hours=settings.LAKTHAN_ACCESS_FULL_SYNC_HOURS):
        return None
    return last.started_at - timedelta(minutes=settings.LAKTHAN_ACCESS_SYNC_MARGIN_MINUTES)


def values_of(entry: SourceAccount) -> dict:
    return dict(zip(FIELDS, row_of(entry), strict=True))


def row_of(entry: SourceAccount) -> tuple:
    """An entry's values in the order of FIELDS, cut to the columns' lengths."""
    return (
        entry.username[:255],
        entry.dn[:500],
        entry.display_name[:255],
        entry.employee_id[:60],
        entry.disabled,
        entry.password_changed,
        entry.created,
        entry.last_login,
    )


def _json(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def sync(source: IdentitySource, actor: str = audit.SYSTEM, full: bool = False) -> SyncRun:
    """Brings the source's accounts in line; ``full`` reads every entry even where an incremental
    read would do."""
    started = timezone.now()
    since = None if full else changes_since(source, started)
    try:
        snapshot = read_source(source, since)
    except SourceFailed as exc:
        SyncRun.objects.create(
            source=source,
            started_at=started,
            finished_at=timezone.now(),
            status=SyncRun.Status.FAILED,
            full=since is None,
            error=exc.message_en,
        )
        raise
    live = Account.objects.filter(source=source, gone_at__isnull=True).count()
    if not (snapshot.present if snapshot.partial else snapshot.accounts) and live:
        message = (
            f"the source returned no accounts; {live} would be marked gone (check the base DN or the file)"
        )
        SyncRun.objects.create(
            source=source,
            started_at=started,
            finished_at=timezone.now(),
            status=SyncRun.Status.FAILED,
            full=since is None,
            error=message,
        )
        raise SourceFailed(f"แหล่ง {source.name} ไม่มีบัญชีเลย: ไม่ทำเครื่องหมายว่าหายไป {live} บัญชี", message)
    return _apply(source, snapshot, started, actor)


def _stored(source: IdentitySource, keys: set[str] | None) -> dict[str, tuple]:
    """key → (pk, *FIELDS, gone_at, disabled_seen_at) of every account, or of those ``keys``."""
    columns = ("pk", "key", *FIELDS, "gone_at", "disabled_seen_at")
    accounts = Account.objects.filter(source=source)
    if keys is None:
        rows = list(accounts.values_list(*columns))
    else:
        wanted = sorted(keys)
        rows = [
            row
            for start in range(0, len(wanted), KEYS_PER_QUERY)
            for row in accounts.filter(key__in=wanted[start : start + KEYS_PER_QUERY]).values_list(*columns)
        ]
    return {row[1]: (row[0], *row[2:]) for row in rows}


@transaction.atomic
def _apply(source: IdentitySource, snapshot: SourceSnapshot, started: datetime, actor: str) -> SyncRun:
    now = timezone.now()
    run = SyncRun.objects.create(
        source=source,
        started_at=started,
        finished_at=now,
        status=SyncRun.Status.OK,
        full=not snapshot.partial,
        accounts_seen=len(snapshot.present) if snapshot.partial else len(snapshot.accounts),
        groups_seen=len(snapshot.groups),
    )
    groups = _sync_groups(source, snapshot, now)
    # an incremental read needs the stored values only of the entries it read and the logins it saw;
    # converting every account's times was most of an unchanged incremental sync of 100,000
    wanted_keys = {e.key for e in snapshot.accounts} | set(snapshot.logins) if snapshot.partial else None
    stored = _stored(source, wanted_keys)
    n = len(FIELDS)
    changes: list[tuple] = []  # (account pk, kind, before, after)
    new: list[tuple] = []  # rows of NEW_COLUMNS
    updated: list[tuple] = []
    returned_or_changed = 0
    for entry in snapshot.accounts:
        values = row_of(entry)
        row = stored.get(entry.key)
        if row is None:
            new.append((source.pk, entry.key, *values, now, now if entry.disabled else None, False))
            continue
        pk, before, gone_at, disabled_seen_at = row[0], row[1 : n + 1], row[n + 1], row[n + 2]
        returned = gone_at is not None
        if before == values and not returned:
            continue
        disabled = values[FIELDS.index("disabled")]
        if disabled and not before[FIELDS.index("disabled")]:
            disabled_seen_at = now
        elif not disabled:
            disabled_seen_at = None
        updated.append((*values, None, disabled_seen_at, pk))
        diff = {f: (b, a) for f, b, a in zip(FIELDS, before, values, strict=True) if f in TRACKED and b != a}
        if returned or diff:
            returned_or_changed += 1
            changes.append(
                (
                    pk,
                    AccountChange.Kind.RETURNED if returned else AccountChange.Kind.CHANGED,
                    {f: _json(b) for f, (b, _a) in diff.items()},
                    {f: _json(a) for f, (_b, a) in diff.items()},
                )
            )
    bulk.update(Account, (*FIELDS, "gone_at", "disabled_seen_at"), updated)
    if snapshot.partial:  # the others: only a login the read saw since
        read = {entry.key for entry in snapshot.accounts}
        logins = [
            (when, row[0])
            for key, when in snapshot.logins.items()
            if key not in read
            and (row := stored.get(key)) is not None
            and row[n + 1] is None
            and row[n] != when
        ]
        bulk.update(Account, ("last_login_at",), logins)
        live = Account.objects.filter(source=source, gone_at__isnull=True).values_list("key", "pk")
        vanished = [pk for key, pk in live if key not in snapshot.present]
    else:
        present = frozenset(entry.key for entry in snapshot.accounts)
        vanished = [row[0] for key, row in stored.items() if row[n + 1] is None and key not in present]
    bulk.insert(Account, NEW_COLUMNS, new)
    if new:
        added = {row[1]: row[2] for row in new}  # key → username
        changes.extend(
            (pk, AccountChange.Kind.APPEARED, {}, {"username": added[key]})
            for pk, key in Account.objects.filter(source=source).values_list("pk", "key")
            if key in added
        )
    for start in range(0, len(vanished), BATCH):
        Account.objects.filter(pk__in=vanished[start : start + BATCH]).update(gone_at=now)
    changes.extend((pk, AccountChange.Kind.GONE, {}, {}) for pk in vanished)
    bulk.insert(
        AccountChange,
        ("account", "sync", "at", "kind", "before", "after"),
        [(pk, run.pk, now, kind, before, after) for pk, kind, before, after in changes],
    )
    run.memberships_added, run.memberships_ended = _sync_memberships(source, snapshot, groups, now)
    _mark_groups_gone(source, snapshot, now)
    run.added, run.changed, run.gone = len(new), returned_or_changed, len(vanished)
    run.finished_at = timezone.now()
    run.save()
    source.last_sync_at, source.tracks_login = now, snapshot.tracks_login
    source.save(update_fields=["last_sync_at", "tracks_login"])
    audit.record(actor, "access.sync", run)
    return run


def _sync_groups(source: IdentitySource, snapshot: SourceSnapshot, now: datetime) -> dict[str, int]:
    """Creates the groups the source names that are new, marks returning ones; key → pk of every
    group of the source. Gone groups are marked after the memberships (_mark_groups_gone)."""
    groups = {g.key: g for g in Group.objects.filter(source=source)}
    for entry in snapshot.groups:
        group = groups.get(entry.key)
        if group is None:
            groups[entry.key] = Group.objects.create(
                source=source, key=entry.key, name=entry.name[:255], dn=entry.dn[:500], first_seen_at=now
            )
        elif group.gone_at is not None or group.name != entry.name[:255]:
            group.gone_at, group.name = None, entry.name[:255]
            group.save(update_fields=["gone_at", "name"])
    return {key: g.pk for key, g in groups.items()}


def _mark_groups_gone(source: IdentitySource, snapshot: SourceSnapshot, now: datetime) -> None:
    """A group the source no longer names is gone, unless (after an incremental read) an unchanged
    account still holds it: a group outside the search is known only through memberOf."""
    seen = {g.key for g in snapshot.groups}
    held = Membership.objects.filter(until__isnull=True).values("group_id")
    Group.objects.filter(source=source, gone_at__isnull=True).exclude(key__in=seen).exclude(
        pk__in=held
    ).update(gone_at=now)


def _sync_memberships(
    source: IdentitySource, snapshot: SourceSnapshot, groups: dict[str, int], now: datetime
) -> tuple[int, int]:
    accounts = dict(Account.objects.filter(source=source, gone_at__isnull=True).values_list("key", "pk"))
    open_rows = {
        (account, group): pk
        for pk, account, group in Membership.objects.filter(
            account__source=source, until__isnull=True
        ).values_list("pk", "account_id", "group_id")
    }
    wanted = {
        (accounts[e.key], groups[g])
        for e in snapshot.accounts
        if e.key in accounts
        for g in e.groups
        if g in groups
    }
    if snapshot.partial:  # unchanged accounts: the searched groups' lists, and the rest as they were
        read = {accounts[e.key] for e in snapshot.accounts if e.key in accounts}
        live = set(accounts.values())
        searched = {groups[g] for g in snapshot.searched_groups if g in groups}
        wanted.update(
            (pk, groups[g])
            for key, pk in accounts.items()
            if pk not in read
            for g in snapshot.members.get(key, ())
            if g in groups
        )
        wanted.update(
            (account, group)
            for account, group in open_rows
            if account in live and account not in read and group not in searched
        )
    ended = [pk for pair, pk in open_rows.items() if pair not in wanted]
    for start in range(0, len(ended), BATCH):
        Membership.objects.filter(pk__in=ended[start : start + BATCH]).update(until=now)
    added = [(a, g, now) for a, g in wanted - open_rows.keys()]
    bulk.insert(Membership, ("account", "group", "since"), added)
    return len(added), len(ended)
