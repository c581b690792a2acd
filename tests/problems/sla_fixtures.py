"""Problems made directly with the ORM for the service-level tests (the log's services are another
part's): each takes the terms `sla.terms_for` gives, as the log does when a problem is added."""

from __future__ import annotations

from datetime import datetime

from lakthan.lib.timezones import BANGKOK


def bkk(text: str) -> datetime:
    """'2013-04-12 15:00' in Bangkok."""
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


def make_problem(
    unit,
    *,
    severity: int,
    reported: str,
    fixed: str | None = None,
    title: str = "ระบบใช้งานไม่ได้",
    assignee=None,
    status: str | None = None,
    system=None,
):
    from lakthan.problems.models import Problem
    from lakthan.problems.services import sla

    reported_at = bkk(reported)
    terms = sla.terms_for(severity, reported_at)
    return Problem.objects.create(
        unit=unit,
        system=system,
        severity=severity,
        title=title,
        reported_at=reported_at,
        assignee=assignee,
        status=status or (Problem.Status.CLOSED if fixed else Problem.Status.OPEN),
        fixed_at=bkk(fixed) if fixed else None,
        fix="เริ่มบริการใหม่" if fixed else "",
        sla_hours=terms.hours if terms else None,
        sla_business_hours=terms.business_hours if terms else False,
        due_at=terms.due_at if terms else None,
        created_by="test",
    )


def standard_targets() -> None:
    """Severity 1: 4 calendar hours; 2: 8 business hours; 3: 16 business hours (4 is left unset)."""
    from lakthan.problems.models import SlaTarget
    from lakthan.problems.services import sla

    sla.set_target(1, 4, actor="test")
    sla.set_target(2, 8, business_hours=True, actor="test")
    sla.set_target(3, 16, business_hours=True, actor="test")
    # back-date them so problems of 2013 are held to them (set_at is when they were set)
    SlaTarget.objects.update(set_at=bkk("2012-01-01 00:00"))
