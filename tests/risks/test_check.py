"""Item 3's check: what it judges for a unit's round and how it turns that into a status."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lakthan.checks.registry import Period
from lakthan.risks.checks import judge, summary
from lakthan.risks.engines.matrix import DEFAULT_PATH
from lakthan.risks.services.round_facts import round_facts

ASSESSED = datetime(2012, 10, 10, 3, tzinfo=UTC)
ROUND = Period(date(2012, 10, 1), date(2013, 9, 30))  # FY 2556, 12 months


@pytest.fixture
def bureau(db):
    from lakthan.core.services import add_person, add_unit
    from lakthan.inventory.services import add_system

    bureau = add_unit("B", "สำนักงานทดสอบ")
    it = add_unit("B-IT", "ศูนย์เทคโนโลยีสารสนเทศ", parent="B")
    head = add_person(it, "ผู้อำนวย", "การทดสอบ")
    add_system("core", name_th="ระบบหลัก", unit=it, klass="intranet", criticality=5)
    add_system("web", name_th="เว็บไซต์", unit=it, klass="internet", criticality=4)
    add_system("misc", name_th="ระบบย่อย", unit=it, klass="intranet", criticality=2)
    return bureau, head


def _target(code, rto, rpo):
    from lakthan.inventory.models import System
    from lakthan.risks.models import ContinuityTarget

    return ContinuityTarget.objects.create(
        system=System.objects.get(code=code), rto_s=rto, rpo_s=rpo, updated_by="t"
    )


def _plan(unit, approver, fy=2556, at=datetime(2012, 9, 20, 3, tzinfo=UTC)):
    from lakthan.risks.models import PlanApproval

    return PlanApproval.objects.create(
        unit=unit,
        fiscal_year=fy,
        version=1,
        approved_by=approver,
        approved_at=at,
        docx_sha256="0" * 64,
        pdf_sha256="1" * 64,
        recorded_by="t",
    )


def _drill(unit, started, restored, measured):
    from lakthan.inventory.models import System
    from lakthan.risks.models import Drill, DrillSystem

    drill = Drill.objects.create(
        unit=unit, scenario="fire", started=started, restored=restored, recorded_by="t"
    )
    for code, rto_met, rpo_met in measured:
        DrillSystem.objects.create(
            drill=drill,
            system=System.objects.get(code=code),
            rto_s=3600,
            rpo_s=7200,
            rto_target_s=7200,
            rpo_target_s=86400,
            rto_met=rto_met,
            rpo_met=rpo_met,
        )
    return drill


def _risk(
    unit, ref, likelihood, impact, level, *, due=None, status="planned", accepted_by=None, expires=None
):
    from lakthan.risks.models import Risk, RiskMatrix, RiskRevision
    from lakthan.risks.services.register import state

    matrix = RiskMatrix.objects.first() or RiskMatrix.objects.create(
        name="default-5x5", text=DEFAULT_PATH.read_text(), sha256="x", loaded_by="t"
    )
    risk = Risk.objects.create(
        ref=ref,
        unit=unit,
        title=ref,
        matrix=matrix,
        likelihood=likelihood,
        impact=impact,
        level=level,
        treatment="mitigate",
        due=due,
        treatment_status=status,
        accepted_by=accepted_by,
        acceptance_expires=expires,
    )
    RiskRevision.objects.create(risk=risk, number=1, data=state(risk), actor="t", at=ASSESSED)
    return risk


def test_nothing_recorded_is_no_data(bureau):
    unit, _ = bureau
    status, figures = judge(round_facts(ROUND, unit))
    assert status == "no_data"
    assert summary(status, figures)[1].startswith("no risk register")


def test_an_approved_plan_targets_for_every_critical_system_and_a_drill_within_target_is_met(bureau):
    unit, head = bureau
    from lakthan.core.models import Unit

    it = Unit.objects.get(code="B-IT")
    _plan(unit, head)
    _target("core", 7200, 86400)
    _target("web", 7200, 86400)
    _drill(
        it, datetime(2013, 3, 1, 2, tzinfo=UTC), datetime(2013, 3, 1, 3, tzinfo=UTC), [("core", True, True)]
    )
    _risk(it, "R-1", 5, 5, "very_high", due=date(2014, 1, 1))  # high, but not yet due
    facts = round_facts(ROUND, unit)
    status, figures = judge(facts)
    assert status == "met", figures
    assert figures["plan_approved"]["version"] == 1 and figures["systems_measured"] == 1
    assert figures["critical_systems"] == 2 and figures["critical_without_target"] == []
    th, en = summary(status, figures)
    assert "อนุมัติแล้ว" in th and "1 drill(s)" in en


def test_without_a_plan_of_the_year_or_without_a_drill_in_the_round_it_is_not_met(bureau):
    unit, head = bureau
    from lakthan.core.models import Unit

    it = Unit.objects.get(code="B-IT")
    _plan(unit, head, fy=2555, at=datetime(2011, 9, 20, tzinfo=UTC))  # last year's plan does not count
    _drill(
        it, datetime(2013, 3, 1, 2, tzinfo=UTC), datetime(2013, 3, 1, 3, tzinfo=UTC), [("core", True, True)]
    )
    assert judge(round_facts(ROUND, unit))[0] == "not_met"
    _plan(unit, head)
    from lakthan.risks.models import Drill

    Drill.objects.update(
        started=datetime(2012, 9, 30, 16, 59, tzinfo=UTC)
    )  # 23:59 in Bangkok, the day before the round
    status, figures = judge(round_facts(ROUND, unit))
    assert status == "not_met" and figures["drills"] == []


def test_shortfalls_make_it_partly_and_are_named(bureau):
    unit, head = bureau
    from lakthan.core.models import Unit

    it = Unit.objects.get(code="B-IT")
    _plan(unit, head)
    _target("core", 7200, 86400)  # web (criticality 4) has none; misc (2) needs none
    _drill(
        it, datetime(2013, 3, 1, 2, tzinfo=UTC), datetime(2013, 3, 1, 9, tzinfo=UTC), [("core", False, True)]
    )
    _risk(it, "R-1", 4, 4, "very_high", due=date(2013, 6, 1))  # overdue on the round's last day
    _risk(it, "R-2", 4, 4, "very_high", due=date(2013, 6, 1), status="done")
    _risk(it, "R-3", 2, 2, "medium", due=date(2013, 6, 1))  # overdue but not high
    _risk(it, "R-4", 4, 4, "very_high", due=date(2013, 6, 1), accepted_by=head, expires=date(2014, 1, 1))
    _risk(it, "R-5", 4, 4, "very_high", due=date(2013, 6, 1), accepted_by=head, expires=date(2013, 7, 1))
    status, figures = judge(round_facts(ROUND, unit))
    assert status == "partly"
    assert figures["critical_without_target"] == ["web"]
    assert [r["ref"] for r in figures["overdue_high_risks"]] == ["R-1", "R-5"]
    assert [m["system"] for m in figures["recoveries_missed"]] == ["core"]
    th, en = summary(status, figures)
    assert "web" in th and "R-1, R-5" in en


def test_an_incident_not_yet_recovered_is_listed_open_and_not_measured(bureau):
    unit, head = bureau
    from lakthan.core.models import Unit

    it = Unit.objects.get(code="B-IT")
    _plan(unit, head)
    _target("core", 7200, 86400)
    _target("web", 7200, 86400)
    _drill(
        it, datetime(2013, 3, 1, 2, tzinfo=UTC), datetime(2013, 3, 1, 3, tzinfo=UTC), [("core", True, True)]
    )
    open_one = _drill(it, datetime(2013, 4, 1, 2, tzinfo=UTC), None, [])
    status, figures = judge(round_facts(ROUND, unit))
    assert status == "partly" and figures["open_incidents"] == [open_one.pk]


def test_a_plan_approved_after_the_round_ended_does_not_count_for_it(bureau):
    unit, head = bureau
    _plan(unit, head, at=datetime(2013, 10, 2, tzinfo=UTC))
    six_months = Period(date(2012, 10, 1), date(2013, 3, 31))
    assert round_facts(six_months, unit).plan is None
    assert round_facts(ROUND, unit).plan is None  # approved on 2 October, after the year's last day


def test_a_treatment_marked_done_after_the_round_does_not_rewrite_the_round(bureau):
    from lakthan.core.models import Unit
    from lakthan.risks.models import RiskRevision
    from lakthan.risks.services.register import state

    it = Unit.objects.get(code="B-IT")
    risk = _risk(it, "R-1", 4, 4, "very_high", due=date(2013, 6, 1))
    risk.treatment_status = "done"
    risk.save()
    RiskRevision.objects.create(
        risk=risk, number=2, data=state(risk), actor="t", at=datetime(2013, 11, 1, tzinfo=UTC)
    )
    facts = round_facts(ROUND, bureau[0])
    assert [r["ref"] for r in facts.overdue_high] == ["R-1"]  # as it stood on 30 Sep 2013
    later = Period(date(2013, 10, 1), date(2014, 3, 31))
    assert round_facts(later, bureau[0]).overdue_high == []  # the next round sees it done
