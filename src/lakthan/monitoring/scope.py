"""Who may see and do what in monitoring, for the pages and the API alike (the role rules of
lakthan.core.roles applied to hosts, alerts and verification)."""

from __future__ import annotations

from lakthan.core import access, roles
from lakthan.inventory.models import Host
from lakthan.monitoring.models import Alert
from lakthan.monitoring.services import hosts as log_hosts


def visible_senders(user) -> set[str] | None:
    """The sender names (hosts and their addresses) of the user's units; None: every sender."""
    allowed = access.visible_unit_ids(user)
    if allowed is None:
        return None
    return log_hosts.sender_names(log_hosts.hosts_in_units(allowed))


def visible_alerts(user):
    names = visible_senders(user)
    return Alert.objects.all() if names is None else Alert.objects.filter(host__in=names)


def may_verify(user) -> bool:
    """Verification reads the whole store, every unit's events: administrators start it (the periodic
    task runs it for everyone)."""
    return roles.is_global_admin(user)


def reviewable(user, alerts) -> set[int]:
    """The ids among ``alerts`` the user may review (``may_review`` for a page of them, in two queries)."""
    allowed = roles.scope(user, roles.DECIDE)
    if allowed is None:
        return {a.pk for a in alerts}
    names = log_hosts.sender_names(log_hosts.hosts_in_units(allowed)) if allowed else set()
    return {a.pk for a in alerts if a.host in names}


def may_review(user, alert: Alert) -> bool:
    """Reviewing an alert is a decision on the unit's evidence: the capability to decide in the unit
    of the alert's host (administrators: any alert, an unknown sender's too)."""
    if roles.scope(user, roles.DECIDE) is None:
        return True
    host = Host.objects.filter(name=alert.host).first() or next(
        (h for h in Host.objects.all() if alert.host in h.addresses), None
    )
    return host is not None and roles.can(user, roles.DECIDE, host.unit_id)


def may_hunt(user) -> bool:
    """A retro-hunt writes alerts for review: the capability to review them (decide) in some unit
    starts one, as on the alerts page; administrators too."""
    return roles.scope(user, roles.DECIDE) != set()
