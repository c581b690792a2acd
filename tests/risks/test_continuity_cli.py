"""`lakthan bcp target|scenario|plan …`: what they write, and one line with exit 2 for a bad duration,
an unknown system or a bad file; `bcp plan verify` exits 1 when an approved document was changed."""

from __future__ import annotations

import json

from lakthan.evidence.services import blob_store
from lakthan.risks.models import ContinuityTarget, PlanApproval, Scenario


def test_targets_are_set_and_listed(bcp_org, cli, tmp_path):
    manual = tmp_path / "manual.txt"
    manual.write_text("รับคำขอด้วยแบบฟอร์มกระดาษ\n", encoding="utf-8")
    out = cli(
        "bcp",
        "target",
        "set",
        "db",
        "--rto",
        "4h",
        "--rpo",
        "1h30m",
        "--mtd",
        "1d",
        "--manual-file",
        str(manual),
    )
    assert out.exit_code == 0, out.output
    assert "db: RTO 4h RPO 1h30m MTD 1d" in out.output
    out = cli(
        "bcp",
        "target",
        "set",
        "erp",
        "--rto",
        "8h",
        "--rpo",
        "4h",
        "--depends-on",
        "db",
        "--depends-on",
        "net",
    )
    assert out.exit_code == 0, out.output
    target = ContinuityTarget.objects.get(system__code="db")
    assert (target.rto_s, target.rpo_s, target.mtd_s) == (14400, 5400, 86400)
    assert target.manual_procedure == "รับคำขอด้วยแบบฟอร์มกระดาษ"
    out = cli("bcp", "target", "set", "db", "--rto", "2h", "--rpo", "1h")  # the manual is kept
    assert ContinuityTarget.objects.get(system__code="db").manual_procedure == "รับคำขอด้วยแบบฟอร์มกระดาษ"
    out = cli("bcp", "target", "list", "--unit", "B", "--json")
    assert out.exit_code == 0, out.output
    rows = {r["system"]: r for r in json.loads(out.output)["targets"]}
    assert set(rows) == {"db", "erp", "net", "web"}
    assert rows["erp"]["depends_on"] == ["db", "net"] and rows["erp"]["rto_s"] == 28800
    assert rows["net"]["missing"] is True and rows["web"]["missing"] is False
    out = cli("bcp", "target", "list")
    assert out.exit_code == 0 and "x-mail" in out.output


def test_bad_input_is_one_line_and_exit_2(bcp_org, cli):
    for args, message in (
        (("--rto", "4 hours", "--rpo", "1h"), "--rto '4 hours' is not a duration such as 30m, 4h or 1d"),
        (("--rto", "4h", "--rpo", "0m"), "--rpo '0m' is not a duration"),
        (("--rto", "2d", "--rpo", "1h", "--mtd", "1d"), "must not be longer than the MTD"),
        (("--rto", "1h", "--rpo", "1h", "--depends-on", "db"), "cannot depend on itself"),
    ):
        out = cli("bcp", "target", "set", "db", *args)
        assert out.exit_code == 2, (args, out.output)
        assert message in out.output and "Traceback" not in out.output
        assert len(out.output.strip().splitlines()) == 1
    out = cli("bcp", "target", "set", "nope", "--rto", "1h", "--rpo", "1h")
    assert out.exit_code == 2 and "no information system with code nope" in out.output
    assert not ContinuityTarget.objects.exists()


def test_scenarios_load_the_default_or_a_file_and_a_bad_file_is_refused(bcp_org, cli, tmp_path):
    out = cli("bcp", "scenario", "load", "--unit", "B")
    assert out.exit_code == 0, out.output
    assert "6 scenarios" in out.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenarios:\n  - kind: fire\n    steps: []\n    contacts: [{role: x}]\n", encoding="utf-8")
    out = cli("bcp", "scenario", "load", "--unit", "B", str(bad))
    assert out.exit_code == 2 and "line 3: steps must be a non-empty list" in out.output
    out = cli("bcp", "scenario", "load", "--unit", "B", str(tmp_path / "absent.yaml"))
    assert out.exit_code == 2 and "cannot read" in out.output
    out = cli("bcp", "scenario", "list", "--unit", "B")
    assert out.exit_code == 0 and "system-down" in out.output
    assert Scenario.objects.filter(unit=bcp_org.unit).count() == 6


def test_the_plan_is_written_approved_and_verified(bcp_org, cli, tmp_path):
    cli("bcp", "target", "set", "db", "--rto", "4h", "--rpo", "1h")
    for name in ("plan.docx", "plan.pdf"):
        out = cli("bcp", "plan", "--unit", "B", "--fy", "2569", "--out", str(tmp_path / name))
        assert out.exit_code == 0, out.output
    assert (tmp_path / "plan.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "plan.docx").read_bytes().startswith(b"PK")
    out = cli("bcp", "plan", "--unit", "B", "--fy", "2569", "--out", str(tmp_path / "plan.odt"))
    assert out.exit_code == 2 and "must end in .docx or .pdf" in out.output
    out = cli("bcp", "plan", "--unit", "B", "--fy", "69", "--out", str(tmp_path / "p.pdf"))
    assert out.exit_code == 2 and "not a B.E. year" in out.output
    out = cli(
        "bcp",
        "plan",
        "approve",
        "--unit",
        "B",
        "--fy",
        "2569",
        "--approver",
        str(bcp_org.head.pk),
        "--note",
        "ok",
    )
    assert out.exit_code == 0, out.output
    approval = PlanApproval.objects.get()
    assert approval.docx_sha256 in out.output and approval.note == "ok"
    out = cli("bcp", "plan", "approve", "--unit", "B", "--fy", "2569", "--approver", "99999")
    assert out.exit_code == 2 and "no person with id 99999" in out.output
    out = cli("bcp", "plan", "verify", "--unit", "B", "--fy", "2569")
    assert out.exit_code == 0 and "ok   version 1" in out.output
    blob_store().path(approval.pdf_sha256).unlink()
    out = cli("bcp", "plan", "verify", "--unit", "B", "--fy", "2569")
    assert out.exit_code == 1 and f"the PDF file {approval.pdf_sha256} is missing" in out.output
