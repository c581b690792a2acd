"""The audit trail read as sentences: who did what to what, and when (B.E. in the Thai UI), in the
active language. The pages show these instead of the entry's JSON; the JSON stays in the trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from lakthan.lib import thai

# The act each action names, as the verb phrase of "{actor} {act} {object}". An action not listed
# reads with its own name, so a new action is never hidden.
ACTS = {
    "agreement.rebind": gettext_lazy("rebound the agreement"),
    "agreement.set": gettext_lazy("set the agreement"),
    "alert.review": gettext_lazy("reviewed the alert"),
    "api_token.create": gettext_lazy("created an API token"),
    "assignment.add": gettext_lazy("assigned the indicator"),
    "auth.locked_out": gettext_lazy("was locked out"),
    "auth.login": gettext_lazy("signed in"),
    "auth.login_failed": gettext_lazy("failed to sign in"),
    "auth.logout": gettext_lazy("signed out"),
    "backup.import": gettext_lazy("imported the backup runs of"),
    "backup.reconcile": gettext_lazy("reconciled the backups of"),
    "backup.restore_test": gettext_lazy("tested a restore of"),
    "backup.run": gettext_lazy("ran a backup of"),
    "backup.system.add": gettext_lazy("put under backup the system"),
    "backup.verify": gettext_lazy("verified the backups of"),
    "evidence.add": gettext_lazy("added the evidence"),
    "evidence.link": gettext_lazy("linked the evidence"),
    "evidence.retitle": gettext_lazy("renamed the evidence"),
    "evidence.revise": gettext_lazy("revised the evidence"),
    "evidence.unlink": gettext_lazy("unlinked the evidence"),
    "inventory.host.add": gettext_lazy("added the host"),
    "inventory.host.update": gettext_lazy("edited the host"),
    "inventory.system.add": gettext_lazy("added the system"),
    "inventory.system.update": gettext_lazy("edited the system"),
    "library.load": gettext_lazy("loaded the indicator library"),
    "library.replace": gettext_lazy("replaced the indicator library"),
    "loghold.add": gettext_lazy("placed the legal hold"),
    "logretention.set": gettext_lazy("set the log retention"),
    "logrule.import": gettext_lazy("imported the detection rule"),
    "logs.seal_request": gettext_lazy("asked for the logs to be sealed"),
    "logs.verify_request": gettext_lazy("asked for the logs to be verified"),
    "logsegment.prune": gettext_lazy("pruned the log segment"),
    "notifications.update": gettext_lazy("changed the notification settings"),
    "pack.issue": gettext_lazy("issued the evidence pack"),
    "person.add": gettext_lazy("added the person"),
    "report.reopen": gettext_lazy("reopened the report"),
    "report.sign": gettext_lazy("signed the report"),
    "report.update": gettext_lazy("edited the report"),
    "result.set": gettext_lazy("set the result"),
    "two_factor.enrol": gettext_lazy("set up a second factor"),
    "unit.add": gettext_lazy("added the unit"),
    "user.admin_set_password": gettext_lazy("set the password of"),
}
# the admin's generic acts: "<model>.admin_add|change|delete"
ADMIN_ACTS = {
    "add": pgettext_lazy("audit", "added (administration)"),
    "change": pgettext_lazy("audit", "changed (administration)"),
    "delete": pgettext_lazy("audit", "deleted (administration)"),
}
# acts on the actor alone: no object follows
ALONE = {"auth.locked_out", "auth.login", "auth.login_failed", "auth.logout", "two_factor.enrol"}


def act(action: str) -> str:
    known = ACTS.get(action)
    if known is not None:
        return str(known)
    model, _dot, verb = action.rpartition(".admin_")
    if model and verb in ADMIN_ACTS:
        return str(ADMIN_ACTS[verb])
    return action


def when(at: datetime) -> str:
    """B.E. with Thai digits (unless turned off) in the Thai UI; C.E. in the English one."""
    if (get_language() or "th").startswith("th"):
        return thai.format_datetime(at, thai_digits=settings.LAKTHAN_THAI_DIGITS)
    return thai.format_datetime_en(at)


NAMING_FIELDS = ("name", "code", "username", "title", "order_ref", "rule_title", "host_name")


def name_of(entry: dict[str, Any]) -> str:
    """What the entry acted on, by the name people know it by (a host's name, a system's code) where
    its snapshot has one, else by its id."""
    for state in (entry.get("after"), entry.get("before")):
        if isinstance(state, dict):
            for field in NAMING_FIELDS:
                if state.get(field):
                    return str(state[field])
    object_id = str(entry.get("object_id") or "")
    return f"#{object_id}" if object_id.isdigit() else object_id


def describe(entry: dict[str, Any], with_time: bool = True) -> str:
    """One sentence for an audit entry given as the trail's JSON line has it (``at`` an ISO time or a
    datetime, ``actor``, ``action``, ``object_type``, ``object_id``); without its time where a column
    beside it shows that already."""
    at = entry.get("at")
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            at = None
    actor = str(entry.get("actor") or _("someone"))
    action = str(entry.get("action") or "")
    target = name_of(entry)
    if action in ALONE or not target:
        what = ""
    elif action in ACTS:
        what = target
    else:
        what = f"{entry.get('object_type') or ''} {target}".strip()
    values = {"actor": actor, "act": act(action), "what": what}
    done = (_("%(actor)s %(act)s %(what)s") % values).strip() if what else _("%(actor)s %(act)s") % values
    if with_time and isinstance(at, datetime):
        return _("%(when)s: %(done)s") % {"when": when(at), "done": done}
    return done
