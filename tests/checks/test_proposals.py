"""Proposals: what a control check says about an item outweighs what was uploaded for it."""

import io

import pytest

from lakthan.checks import registry
from lakthan.checks.registry import CheckResult
from lakthan.checks.services import propose_results, run_check
from lakthan.evidence import services as ev
from tests.conftest import pdf_bytes

URN = "urn:lakthan:check:test-control"
OUTCOME = {"status": "met"}


@registry.register
class ScriptedControl:
    """A control whose verdict the test sets, standing in for backups/logs in this unit test only."""

    urn = URN
    title_th = title_en = "test control"

    def run(self, period, unit, report):
        status = OUTCOME["status"]
        return CheckResult(status=status, summary_th=f"ผล {status}", summary_en=f"result {status}")


@pytest.fixture
def item1_fed_by_control(org):
    criterion = org.indicator.criteria.get(number=1)
    criterion.check_urns = [*criterion.check_urns, URN]
    criterion.save()
    evidence = ev.add_file(
        org.bureau, io.BytesIO(pdf_bytes()), "manual.pdf", ev.Metadata("คู่มือการสำรองข้อมูล", "manual")
    )
    ev.link(evidence, org.report, 1)
    return org


@pytest.mark.parametrize(
    "status,proposed,reason_has",
    [
        ("met", "met", "หลักฐานที่มีผล 1 รายการ"),
        ("partly", "met", "ผล partly"),
        ("not_met", "not_met", "ผล not_met"),
        ("no_data", "met", "หลักฐานที่มีผล 1 รายการ"),
    ],
)
def test_control_verdict_shapes_the_proposal(item1_fed_by_control, status, proposed, reason_has):
    OUTCOME["status"] = status
    run_check(URN, item1_fed_by_control.report)
    got_status, reason = propose_results(item1_fed_by_control.report)[1]
    assert got_status == proposed and reason_has in reason


def test_no_evidence_and_no_control_run_proposes_not_met(org):
    assert propose_results(org.report)[1] == ("not_met", "ยังไม่มีหลักฐานที่มีผลใช้บังคับ")


def test_the_report_states_what_the_controls_found_for_each_item(item1_fed_by_control):
    from lakthan.reports.render_html import render_html
    from lakthan.reports.services import build_context

    OUTCOME["status"] = "partly"
    run_check(URN, item1_fed_by_control.report)
    ctx = build_context(item1_fed_by_control.report)
    assert ctx.criteria[0].findings == ["test control: ผล partly"]
    assert ctx.criteria[1].findings == []  # item 2 is not fed by that control
    assert "ผลการตรวจสอบโดยระบบ — test control: ผล partly" in render_html(ctx)
