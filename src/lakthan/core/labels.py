"""UI names of the codes that pages show: roles, alert severities, importance, check statuses.
English msgids with Thai translations in the catalogue, so each UI shows its own language (an
unknown code shows as is)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ROLES = {
    "admin": _("Administrator"),
    "supervisor": _("Indicator supervisor"),
    "collector": _("Data collector"),
    "reviewer": _("Reviewer"),
    "auditor": _("Auditor (read only)"),
    "member": _("Member of the unit (read only)"),
}
SEVERITIES = {  # Sigma rule levels
    "informational": _("Informational"),
    "low": _("Low"),
    "medium": _("Medium"),
    "high": _("High"),
    "critical": _("Critical"),
}
CHECK_STATUSES = {
    "met": _("Met"),
    "partly": _("Partly met"),
    "not_met": _("Not met"),
    "no_data": _("No data"),
    "error": _("Error"),
}
IMPORTANCE = {"low": _("Low importance"), "medium": _("Medium importance"), "high": _("High importance")}

KINDS = {"role": ROLES, "severity": SEVERITIES, "importance": IMPORTANCE, "check_status": CHECK_STATUSES}


def label(kind: str, code: str) -> str:
    return str(KINDS.get(kind, {}).get(code, code))
