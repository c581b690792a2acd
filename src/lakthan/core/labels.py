"""UI names of the codes that pages show: roles, alert severities, importance. English msgids with
Thai translations in the catalogue, so each UI shows its own language (an unknown code shows as is)."""

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
IMPORTANCE = {"low": _("Low importance"), "medium": _("Medium importance"), "high": _("High importance")}

KINDS = {"role": ROLES, "severity": SEVERITIES, "importance": IMPORTANCE}


def label(kind: str, code: str) -> str:
    return str(KINDS.get(kind, {}).get(code, code))
