"""Sync: a source's accounts, groups and memberships brought in line with what it says now.

Idempotent: a second sync of an unchanged source writes nothing but its SyncRun. Nothing is deleted:
an account (or group) no longer in the source is marked gone, a membership that ended gets its
``until``; a returning account is marked so. The source is read before the transaction opens, and the
whole change is applied in one transaction, so a failed read or write leaves the last state intact."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lakthan.access.engines import csv_accounts, directory
from lakthan.access.engines.entries import SourceAccount, SourceError, SourceSnapshot
from lakthan.access.models import Account, AccountChange, Group, IdentitySource, Membership, SyncRun
from lakthan.access.services import SourceFailed
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
FIELDS = (*TRACKED, "last_login_at")
BATCH = 2000


def read_source(source: IdentitySource) -> SourceSnapshot:
    try:
        if source.kind == IdentitySource.Kind.LDAP:
            return directory.read_directory(directory_config(source))
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


def values_of(entry: SourceAccount) -> dict:
    return {
        "username": entry.username[:255],
        "dn": entry.dn[:500],
        "display_name": entry.display_name[:255],
        "employee_id": entry.employee_id[:60],
        "disabled": entry.disabled,
        "last_login_at": entry.last_login,
        "password_changed_at": entry.password_changed,
        "created_in_source_at": entry.created,
    }


def _json(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def sync(source: IdentitySource, actor: str = audit.SYSTEM) -> SyncRun:
    started = timezone.now()
    try:
        snapshot = read_source(source)
    except SourceFailed as exc:
        SyncRun.objects.create(
            source=source,
            started_at=started,
            finished_at=timezone.now(),
            status=SyncRun.Status.FAILED,
            error=exc.message_en,
        )
        raise
    live = Account.objects.filter(source=source, gone_at__isnull=True).count()
    if not snapshot.accounts and live:
        message = (
            f"the source returned no accounts; {live} would be marked gone (check the base DN or the file)"
        )
        SyncRun.objects.create(
            source=source,
            started_at=started,
            finished_at=timezone.now(),
            status=SyncRun.Status.FAILED,
            error=message,
        )
        raise SourceFailed(f"แหล่ง {source.name} ไม่มีบัญชีเลย: ไม่ทำเครื่องหมายว่าหายไป {live} บัญชี", message)
    return _apply(source, snapshot, started, actor)


@transaction.atomic
def _apply(source: IdentitySource, snapshot: SourceSnapshot, started: datetime, actor: str) -> SyncRun:
    now = timezone.now()
    run = SyncRun.objects.create(
        source=source,
        started_at=started,
        finished_at=now,
        status=SyncRun.Status.OK,
        accounts_seen=len(snapshot.accounts),
        groups_seen=len(snapshot.groups),
    )
    groups = _sync_groups(source, snapshot, now)
    existing = {a.key: a for a in Account.objects.filter(source=source)}
    changes: list[AccountChange] = []
    new: list[Account] = []
    updated: list[Account] = []
    for entry in snapshot.accounts:
        values = values_of(entry)
        account = existing.get(entry.key)
        if account is None:
            account = Account(source=source, key=entry.key, first_seen_at=now, **values)
            account.disabled_seen_at = now if entry.disabled else None
            new.append(account)
            continue
        before = {f: getattr(account, f) for f in TRACKED}
        returned = account.gone_at is not None
        moved = any(getattr(account, f) != v for f, v in values.items())
        if not (moved or returned):
            continue
        if entry.disabled and not account.disabled:
            account.disabled_seen_at = now
        elif not entry.disabled:
            account.disabled_seen_at = None
        for field, value in values.items():
            setattr(account, field, value)
        account.gone_at = None
        updated.append(account)
        diff = {f: (before[f], values[f]) for f in TRACKED if before[f] != values[f]}
        if returned or diff:
            changes.append(
                AccountChange(
                    account=account,
                    sync=run,
                    at=now,
                    kind=AccountChange.Kind.RETURNED if returned else AccountChange.Kind.CHANGED,
                    before={f: _json(b) for f, (b, _a) in diff.items()},
                    after={f: _json(a) for f, (_b, a) in diff.items()},
                )
            )
    Account.objects.bulk_create(new, batch_size=BATCH)
    if new:  # primary keys of the new rows (SQLite's bulk_create does not always return them)
        added = {a.key for a in new}
        new = [
            a for a in Account.objects.filter(source=source).only("pk", "key", "username") if a.key in added
        ]
    changes.extend(
        AccountChange(
            account=a, sync=run, at=now, kind=AccountChange.Kind.APPEARED, after={"username": a.username}
        )
        for a in new
    )
    Account.objects.bulk_update(updated, [*FIELDS, "gone_at", "disabled_seen_at"], batch_size=BATCH)
    seen = {entry.key for entry in snapshot.accounts}
    vanished = [a for a in existing.values() if a.gone_at is None and a.key not in seen]
    for account in vanished:
        account.gone_at = now
        changes.append(AccountChange(account=account, sync=run, at=now, kind=AccountChange.Kind.GONE))
    Account.objects.bulk_update(vanished, ["gone_at"], batch_size=BATCH)
    AccountChange.objects.bulk_create(changes, batch_size=BATCH)
    by_key = {a.key: a for a in Account.objects.filter(source=source, gone_at__isnull=True).only("pk", "key")}
    run.memberships_added, run.memberships_ended = _sync_memberships(source, snapshot, by_key, groups, now)
    run.added, run.changed, run.gone = (
        len(new),
        sum(1 for c in changes if c.kind in ("changed", "returned")),
        len(vanished),
    )
    run.finished_at = timezone.now()
    run.save()
    source.last_sync_at, source.tracks_login = now, snapshot.tracks_login
    source.save(update_fields=["last_sync_at", "tracks_login"])
    audit.record(actor, "access.sync", run)
    return run


def _sync_groups(source: IdentitySource, snapshot: SourceSnapshot, now: datetime) -> dict[str, Group]:
    groups = {g.key: g for g in Group.objects.filter(source=source)}
    seen = set()
    for entry in snapshot.groups:
        seen.add(entry.key)
        group = groups.get(entry.key)
        if group is None:
            groups[entry.key] = Group.objects.create(
                source=source, key=entry.key, name=entry.name[:255], dn=entry.dn[:500], first_seen_at=now
            )
        elif group.gone_at is not None or group.name != entry.name[:255]:
            group.gone_at, group.name = None, entry.name[:255]
            group.save(update_fields=["gone_at", "name"])
    Group.objects.filter(source=source, gone_at__isnull=True).exclude(key__in=seen).update(gone_at=now)
    return groups


def _sync_memberships(
    source: IdentitySource,
    snapshot: SourceSnapshot,
    accounts: dict[str, Account],
    groups: dict[str, Group],
    now: datetime,
) -> tuple[int, int]:
    wanted = {
        (accounts[e.key].pk, groups[g].pk)
        for e in snapshot.accounts
        if e.key in accounts
        for g in e.groups
        if g in groups
    }
    open_rows = {
        (m.account_id, m.group_id): m.pk
        for m in Membership.objects.filter(account__source=source, until__isnull=True).only(
            "pk", "account_id", "group_id"
        )
    }
    ended = [pk for pair, pk in open_rows.items() if pair not in wanted]
    for start in range(0, len(ended), BATCH):
        Membership.objects.filter(pk__in=ended[start : start + BATCH]).update(until=now)
    added = [Membership(account_id=a, group_id=g, since=now) for a, g in wanted - open_rows.keys()]
    Membership.objects.bulk_create(added, batch_size=BATCH)
    return len(added), len(ended)
