"""The rights a review revoked, removed: the account deleted from the group's ``member`` in the
directory when Lakthan may write there (read back), the membership ended as a sync would end it;
otherwise a task with a deadline (LAKTHAN_ACCESS_LEAVER_DAYS) for the source's administrators.
Each item records what was done; a failed removal is tried again by the next call."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lakthan.access.engines import group_members
from lakthan.access.engines.entries import SourceError
from lakthan.access.models import IdentitySource, Membership, ReviewCampaign, ReviewItem
from lakthan.access.services import SourceFailed
from lakthan.access.services.sources import directory_config
from lakthan.core import audit

Removal = ReviewItem.Removal


def remove_revoked(
    campaign: ReviewCampaign, actor: str = audit.SYSTEM, at: datetime | None = None
) -> dict[str, int]:
    """Counts per removal outcome of the items handled now (``at``: the moment recorded, default now)."""
    counts: dict[str, int] = {}
    todo = campaign.items.filter(outcome=ReviewItem.Decision.REVOKE, removal__in=["", Removal.FAILED])
    for item in todo.select_related("account__source", "group", "membership"):
        outcome = _remove(item, actor, at or timezone.now())
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _writable(item: ReviewItem) -> bool:
    source = item.account.source
    return (
        source.may_write
        and source.kind == IdentitySource.Kind.LDAP
        and bool(item.account.dn and item.group.dn)
    )


def _remove(item: ReviewItem, actor: str, now: datetime) -> str:
    if item.membership.until is not None:
        return _record(item, Removal.ALREADY_GONE, actor, now)
    if not _writable(item):
        item.removal_deadline = timezone.localdate(now) + timedelta(days=settings.LAKTHAN_ACCESS_LEAVER_DAYS)
        return _record(item, Removal.TASK, actor, now)
    try:
        removed = group_members.remove_member(
            directory_config(item.account.source), item.group.dn, item.account.dn
        )
    except (SourceError, SourceFailed) as exc:
        item.removal_error = str(exc)
        return _record(item, Removal.FAILED, actor, now)
    with transaction.atomic():
        Membership.objects.filter(pk=item.membership_id, until__isnull=True).update(until=now)
        return _record(item, Removal.REMOVED if removed else Removal.ALREADY_GONE, actor, now)


def _record(item: ReviewItem, outcome: str, actor: str, now: datetime) -> str:
    item.removal = outcome
    item.removal_at = now
    if outcome != Removal.FAILED:
        item.removal_error = ""
    item.save(update_fields=["removal", "removal_at", "removal_deadline", "removal_error"])
    audit.record(actor, f"access.review.removal.{outcome}", item)
    return outcome


def retry_failed(actor: str = audit.SYSTEM) -> dict[str, int]:
    """Tries again every removal that failed (the directory was down, or refused) of finished campaigns."""
    counts: dict[str, int] = {}
    finished = ReviewCampaign.objects.exclude(state=ReviewCampaign.State.OPEN)
    for campaign in finished.filter(items__removal=Removal.FAILED).distinct():
        for outcome, n in remove_revoked(campaign, actor=actor).items():
            counts[outcome] = counts.get(outcome, 0) + n
    return counts
