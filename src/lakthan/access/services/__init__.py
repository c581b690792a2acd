"""Services of item 10: sources (sources.py), sync (sync.py), the HR roster (roster.py), findings
(findings.py) and the remediation of leavers (remediate.py)."""

from lakthan.core.errors import LakthanError


class SourceFailed(LakthanError):
    """A source could not be read or written (exit 1: the control failed, not the user's input)."""

    exit_code = 1
