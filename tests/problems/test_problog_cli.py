"""`lakthan problem add|assign|start|close|cancel|reopen|list|show|form` and `problem owner add|list|
remove` as issue 20's CLI block writes them; bad input is one line and exit 2, nothing written."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from lakthan.evidence.models import Evidence
from lakthan.problems.models import Problem, ProblemOwner
from tests.conftest import pdf_bytes
from tests.problems import problog_fixtures

office = problog_fixtures.office
pytestmark = pytest.mark.django_db


def refused(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    for word in words:
        assert word in lines[0], result.output


def test_add_json_prints_the_new_problem_with_its_id_and_close_judges_the_sla(cli, office):
    owner = cli(
        "problem", "owner", "add", "mail", "ร.ต.อ.สมชาย ใจดี", "--order-evidence", str(office.order.pk)
    )
    assert owner.exit_code == 0, owner.output
    out = cli(
        "problem", "add", "--unit", "B-IT", "--system", "mail", "--severity", "1",
        "--title", "อีเมลส่งออกไม่ได้", "--reported", "2013-07-11T09:05", "--json",
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    added = json.loads(out.output)
    problem = Problem.objects.get(pk=added["id"])
    assert added["assignee"] == office.central.pk and added["status"] == "open"
    assert added["reported_at"] == "2013-07-11T02:05:00Z" and added["sla_hours"] == 4
    closed = cli(
        "problem", "close", str(problem.pk), "--fixed", "2013-07-11T12:00+07:00", "--fix", "ตั้งค่าใหม่",
        "--result", "ใช้งานได้",
    )  # fmt: skip
    assert closed.exit_code == 0, closed.output
    assert f"problem #{problem.pk}" in closed.output and "within SLA" in closed.output
    refused(
        cli("problem", "close", str(problem.pk), "--fixed", "2013-07-11T12:30", "--fix", "x"),
        "closed",
    )
    shown = json.loads(cli("problem", "show", str(problem.pk), "--json").output)
    assert shown["within_sla"] is True and [u["status"] for u in shown["updates"]] == ["open", "closed"]


def test_the_plain_add_line_and_the_other_transitions(cli, office):
    out = cli(
        "problem", "add", "--unit", "B-IT", "--system", "ระบบตรวจคนเข้าเมือง", "--severity", "3",
        "--title", "พิมพ์ไม่ได้", "--reported", "2013-07-12T15:30", "--detail", "เครื่องพิมพ์ช่อง ๓",
        "--reported-by", "ด.ต. ทดสอบ",
    )  # fmt: skip
    pk = Problem.objects.get().pk
    assert out.output.strip() == (
        f"added problem #{pk} severity 3 open assignee unassigned due 2013-07-16T15:30+07:00"
    )
    assert "assignee ร.ต.ท.มานพ  ตั้งใจ" in cli("problem", "assign", str(pk), "ร.ต.ท.มานพ ตั้งใจ").output
    assert "in_progress" in cli("problem", "start", str(pk)).output
    assert " cancelled " in cli("problem", "cancel", str(pk), "--reason", "ซ้ำ").output
    assert " open " in cli("problem", "reopen", str(pk), "--reason", "ไม่ซ้ำ").output
    listed = json.loads(cli("problem", "list", "--unit", "B", "--status", "open", "--json").output)
    assert [p["id"] for p in listed] == [pk]
    assert json.loads(cli("problem", "list", "--from", "2013-07-13", "--json").output) == []
    assert len(json.loads(cli("problem", "list", "--to", "2013-07-12", "--json").output)) == 1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--severity", "9"), ("--severity", "1–4")),
        (("--severity", "x"), ("--severity",)),
        (("--reported", "yesterday"), ("--reported", "ISO-8601")),
        (("--reported", "2099-01-01T00:00"), ("future",)),
        (("--unit", "NOPE"), ("NOPE",)),
        (("--system", "nope"), ("nope",)),
        (("--assignee", "ไม่มี คนนี้"), ("--assignee",)),
    ],
)
def test_bad_input_is_one_line_and_exit_2_with_nothing_added(cli, office, args, words):
    base = {"--unit": "B-IT", "--severity": "1", "--title": "ปัญหา", "--reported": "2013-07-11T09:05"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    refused(cli("problem", "add", *(x for kv in base.items() for x in kv)), *words)
    assert not Problem.objects.exists()


def test_owner_add_with_the_order_file_list_and_remove(cli, office, tmp_path):
    scan = tmp_path / "order-15-2556.pdf"
    scan.write_bytes(pdf_bytes("order 15"))
    out = cli(
        "problem", "owner", "add", "pibics", "ด.ต.หญิงสมศรี มีสุข", "--unit", "B-IT-1", "--since",
        "2012-10-01", "--order", str(scan), "--order-no", "15/2556", "--order-date", "2555-10-01BE",
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    owner = ProblemOwner.objects.get()
    assert owner.order.kind == Evidence.Kind.ORDER and owner.order.doc_no == "15/2556"
    assert owner.order.unit == office.cp and owner.order.doc_date.isoformat() == "2012-10-01"
    rows = json.loads(cli("problem", "owner", "list", "--json").output)
    assert rows == [
        {
            "id": owner.pk,
            "system": "pibics",
            "unit": "B-IT-1",
            "person": office.local.pk,
            "person_name": "ด.ต.หญิงสมศรี  มีสุข",
            "since": "2012-10-01",
            "until": None,
            "order": {"evidence": owner.order.pk, "doc_no": "15/2556", "doc_date": "2012-10-01"},
        }
    ]
    refused(cli("problem", "owner", "add", "pibics", str(office.central.pk)), "--order")
    refused(
        cli("problem", "owner", "add", "pibics", str(office.central.pk), "--order", str(scan)),
        "--order-no",
    )
    assert ProblemOwner.objects.count() == 1 and Evidence.objects.filter(doc_no="15/2556").count() == 1
    yesterday = timezone.localdate() - timedelta(days=1)
    out = cli("problem", "owner", "remove", str(owner.pk)).output.strip()
    assert out == f"owner #{owner.pk} ended {yesterday.isoformat()}"
    owner.refresh_from_db()  # the assignment ended yesterday; the row and its order stay
    assert owner.until == timezone.localdate() - timedelta(days=1)


def test_form_writes_the_pdf(cli, office, tmp_path):
    added = json.loads(
        cli(
            "problem", "add", "--unit", "B-IT", "--severity", "2", "--title", "เครือข่ายช้า",
            "--reported", "2013-07-11T09:05", "--json",
        ).output
    )  # fmt: skip
    out = tmp_path / "form.pdf"
    assert cli("problem", "form", str(added["id"]), "--out", str(out)).exit_code == 0
    assert len(PdfReader(out).pages) == 1
