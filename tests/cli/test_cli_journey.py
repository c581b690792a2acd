"""An IT centre builds a round from nothing with the CLI alone, as the README shows."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_demo_end_to_end import run
from tests.conftest import pdf_bytes

pytestmark = pytest.mark.e2e
ROUND = ["--unit", "U", "--fy", "2557", "--round", "6", "--indicator", "9.2"]


def test_round_from_nothing_to_signed_report(tmp_path):
    home = tmp_path / "home"
    run(home, "unit", "add", "U", "--name-th", "สำนักงานทดลอง")
    person = run(
        home, "person", "add", "--unit", "U", "--title", "ร.ต.ท.", "--first", "สมปอง", "--last", "ทดสอบ"
    )
    person_id = person.stdout.split()[1].lstrip("#")
    agreement = run(home, "agreement", "set", "--unit", "U", "--fy", "2557", "--indicator", "9.2=3")
    assert "warning" in agreement.stdout  # 3 is not 100
    # the 2556 library is the only one bundled: an agreement of another year may still use its indicator
    run(
        home,
        "assign",
        "--unit",
        "U",
        "--fy",
        "2557",
        "--indicator",
        "9.2",
        "--person",
        person_id,
        "--role",
        "supervisor",
    )
    doc = tmp_path / "คู่มือสำรองข้อมูล.pdf"
    doc.write_bytes(pdf_bytes())
    run(
        home,
        "evidence",
        "add",
        str(doc),
        "--unit",
        "U",
        "--fy",
        "2557",
        "--round",
        "6",
        "--item",
        "9.2:1",
        "--item",
        "9.2:3",
        "--kind",
        "manual",
        "--date",
        "2014-01-15",
    )
    actions = tmp_path / "actions.txt"
    actions.write_text("จัดทำคู่มือการสำรองข้อมูล\nทดสอบการกู้คืนข้อมูล\n", encoding="utf-8")
    run(home, "report-text", *ROUND, "--actions", str(actions), "--phone", "0 2000 0000")

    proposed = run(home, "result", "propose", *ROUND, "--accept")
    assert "item 1: proposed met" in proposed.stdout and "item 2: proposed not_met" in proposed.stdout
    unsigned = run(home, "report", *ROUND, "--format", "html", "--out", str(tmp_path / "draft.html"))
    assert "draft" in unsigned.stdout and "ฉบับร่าง" in (tmp_path / "draft.html").read_text(encoding="utf-8")

    run(home, "sign", *ROUND, "--person", person_id)
    data = json.loads(run(home, "score", *ROUND, "--json").stdout)
    assert (data["items_met"], data["score"], data["weighted_score"], data["signed"]) == (
        2,
        "2",
        "0.06",
        True,
    )
    locked = run(home, "result", "set", *ROUND, "--item", "2", "--status", "met", check=False)
    assert locked.returncode == 2 and "reopen" in locked.stderr

    run(home, "report", *ROUND, "--format", "html", "--out", str(tmp_path / "final.html"))
    final = (tmp_path / "final.html").read_text(encoding="utf-8")
    assert "ฉบับร่าง" not in final and "จัดทำคู่มือการสำรองข้อมูล" in final and "สมปอง" in final
