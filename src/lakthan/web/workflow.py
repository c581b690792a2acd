"""Small compositions of the domain services that the web pages and the API share.

Every state change still happens inside the indicators/evidence/checks services (each in its
transaction, each with its audit entry); this module only strings them together.
"""

from __future__ import annotations

from django.db import transaction

from lakthan.checks.services import propose_results, run_all
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Person
from lakthan.indicators import services as ind
from lakthan.indicators.models import IndicatorReport


def actor_name(user) -> str:
    return user.get_username() if user is not None and user.is_authenticated else "system"


def person_of(user) -> Person:
    person = Person.objects.filter(user=user).first()
    if person is None:
        raise InvalidInput(
            "บัญชีนี้ยังไม่ผูกกับบุคคลในหน่วยงาน จึงลงนามไม่ได้",
            "this account is not linked to a person of the unit, so it cannot sign",
        )
    return person


def propose(report: IndicatorReport, trigger: str = "web") -> dict[int, tuple[str, str]]:
    """Run the checks that feed the indicator, then propose each item's result."""
    run_all(report, trigger=trigger)
    return propose_results(report)


@transaction.atomic
def accept_proposals(report: IndicatorReport, actor: str) -> int:
    """Takes every item's proposal as the decision (items without a proposal stay as they are)."""
    changed = 0
    for result in report.results.select_related("criterion"):
        if result.proposed_status != "undecided" and result.status != result.proposed_status:
            ind.set_result(report, result.criterion.number, result.proposed_status, actor=actor)
            changed += 1
    return changed


def paragraphs(text: str) -> list[str]:
    """The report form's numbered paragraphs: one per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
