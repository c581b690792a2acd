"""Item 3's check end to end, through every service of the app: a register assessed at the start of
FY 2556, targets, the plan approved, a drill measured against a real restic repository — met, with
the plan as approved, the heat maps as of the round's end and the drill report as its evidence."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, date, datetime

import pytest
from PIL import Image

from lakthan.risks.checks import URN
from tests.risks.drill_fixtures import backed_up_system

# FY 2556: the org fixture's 12-month report covers 1 Oct 2012 – 30 Sep 2013
SNAPSHOTS = (datetime(2013, 2, 28, 12, 0, tzinfo=UTC), datetime(2013, 3, 1, 1, 0, tzinfo=UTC))
STARTED = datetime(2013, 3, 1, 2, 0, tzinfo=UTC)
ASSESSED = datetime(2012, 10, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def exercised(org, tmp_path):
    from lakthan.risks.services import continuity, drills, plan, register

    erp = backed_up_system("erp", org.division, tmp_path, times=SNAPSHOTS)
    erp.criticality = 5
    erp.save(update_fields=["criticality"])
    register.add_risk(
        unit=org.division,
        system=erp,
        title="ฐานข้อมูลเสียหาย",
        likelihood=4,
        impact=5,
        residual_likelihood=2,
        residual_impact=3,
        treatment="mitigate",
        owner=org.collector,
        due=date(2013, 6, 30),
        actor="t",
        at=ASSESSED,
    )
    continuity.set_target(erp, rto_s=4 * 3600, rpo_s=86400, actor="t")
    plan.approve_plan(
        org.bureau,
        2556,
        approver=org.supervisor,
        approved_at=datetime(2012, 10, 15, 3, tzinfo=UTC),
        actor="t",
    )
    drills.record_drill(
        unit=org.division,
        systems=[erp],
        scenario="fire",
        started=STARTED,
        restored=datetime(2013, 3, 1, 5, 0, tzinfo=UTC),
        actor="t",
    )
    return org


def _pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.slow
def test_an_approved_plan_targets_and_a_drill_within_target_are_met_with_their_evidence(exercised):
    from lakthan.checks.services import propose_results, run_check

    run = run_check(URN, exercised.report)
    assert run.status == "partly", run.summary_en  # the risk's treatment is overdue on 30 Sep 2013
    assert [r["ref"] for r in run.figures["overdue_high_risks"]] == ["R-0001"]

    from lakthan.risks.models import Risk
    from lakthan.risks.services import register

    register.update_risk(
        Risk.objects.get(ref="R-0001"),
        treatment_status="done",
        actor="t",
        at=datetime(2013, 6, 20, 3, tzinfo=UTC),
    )
    run = run_check(URN, exercised.report)
    assert run.status == "met", run.summary_en
    f = run.figures
    assert f["plan_approved"]["version"] == 1 and f["systems_measured"] == 1 and f["recoveries_missed"] == []
    files = {ev.revisions.order_by("-number").first().filename: ev for ev in run.artefacts.all()}
    assert sorted(files) == [
        "continuity-plan.pdf",
        "drill-report.pdf",
        "risk-heatmap-residual.png",
        "risk-heatmap.png",
    ]

    from lakthan.evidence.services import blob_store

    def read_blob(blob) -> bytes:
        with blob_store().open(blob.sha256) as fh:
            return fh.read()

    blobs = {name: ev.revisions.order_by("-number").first().blob for name, ev in files.items()}

    plan_text = _pdf_text(read_blob(blobs["continuity-plan.pdf"]))
    assert "สำนักงานทดสอบ" in plan_text and "R-0001" in plan_text and "๔ ชั่วโมง" in plan_text
    drill_text = _pdf_text(read_blob(blobs["drill-report.pdf"]))
    assert "๓ ชั่วโมง" in drill_text  # RTO measured 02:00 → 05:00 UTC
    assert "๑ ชั่วโมง" in drill_text  # RPO: the snapshot at 01:00, one hour before the start
    # the heat map as of the round's end: the risk where it stood then (one red-ish inherent cell)
    heat = Image.open(io.BytesIO(read_blob(blobs["risk-heatmap.png"])))
    assert heat.format == "PNG" and heat.width > 1000

    proposals = propose_results(exercised.report)
    assert proposals[3][0] == "met"


def test_a_change_to_the_register_may_carry_its_time_but_never_a_future_one_nor_one_before_the_last(org):
    from datetime import timedelta

    from django.utils import timezone

    from lakthan.core.errors import InvalidInput
    from lakthan.risks.models import Risk
    from lakthan.risks.services import register

    def add(**kw):
        return register.add_risk(
            unit=org.division, title="x", likelihood=2, impact=2, treatment="mitigate", actor="t", **kw
        )

    with pytest.raises(InvalidInput, match="future"):
        add(at=timezone.now() + timedelta(hours=1))
    assert not Risk.objects.exists()  # nothing half-written
    risk = add(at=ASSESSED)
    with pytest.raises(InvalidInput, match="before its previous change"):
        register.update_risk(risk, impact=3, actor="t", at=ASSESSED - timedelta(days=1))
    register.update_risk(risk, impact=3, actor="t", at=ASSESSED + timedelta(days=1))
    assert [(r.number, r.at, r.data["impact"]) for r in risk.revisions.order_by("number")] == [
        (1, ASSESSED, 2),
        (2, ASSESSED + timedelta(days=1), 3),
    ]
    assert Risk.objects.get(pk=risk.pk).impact == 3
