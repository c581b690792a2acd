"""`lakthan access request …`: file, decide, list, print and expire from the command line, against slapd."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta

import pytest

from tests.access import requests_fixtures
from tests.access.requests_fixtures import ADMINS, MAI, members

office = requests_fixtures.office
pytestmark = pytest.mark.django_db


def test_a_request_filed_approved_printed_and_expired_from_the_cli(office, cli, tmp_path):
    from lakthan.access.services.requests import today

    last_day = today().isoformat()
    out = cli(
        "access",
        "request",
        "create",
        "--employee",
        "E006",
        "--system",
        "dir",
        "--group",
        "admins",
        "--justification",
        "ดูแลระบบแทนผู้ลาศึกษาต่อ",
        "--until",
        last_day,
    )
    assert out.exit_code == 0, out.output
    assert f"filed #1 pending E006 dir:admins until {last_day}" in out.output

    refused = cli("access", "request", "approve", "1", "--person", str(office.head_hr.pk))
    assert refused.exit_code == 2
    assert "is not an approver of request #1" in refused.output
    assert len(refused.output.strip().splitlines()) == 1  # one line, no traceback

    assert cli("access", "request", "approve", "1", "--person", str(office.head_it.pk)).exit_code == 0
    done = cli("access", "request", "approve", "1", "--person", str(office.owner.pk), "--comment", "ตกลง")
    assert done.exit_code == 0, done.output
    assert "#1 applied E006" in done.output
    assert MAI in members(office, ADMINS)

    listed = json.loads(cli("access", "request", "list", "--state", "applied", "--json").output)
    assert [(r["id"], r["person"], r["right"]) for r in listed] == [(1, "นางสาวใหม่  เพิ่งมา", "admins")]

    pdf = tmp_path / "form.pdf"
    assert cli("access", "request", "pdf", "1", "-o", str(pdf)).exit_code == 0
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "นางสาวใหม่ เพิ่งมา" in " ".join(text.split())

    after = (today() + timedelta(days=1)).isoformat()
    expired = cli("access", "request", "expire", "--as-of", after)
    assert "removed #1 E006 admins" in expired.output
    assert MAI not in members(office, ADMINS)


def test_a_rejection_without_approver_rights_or_a_comment_is_refused(office, cli):
    cli(
        "access",
        "request",
        "create",
        "--employee",
        "E001",
        "--system",
        "dir",
        "--role",
        "ผู้ตรวจสอบรายงาน",
        "--justification",
        "ตรวจสอบรายงานประจำเดือน",
    )
    assert (
        cli("access", "request", "reject", "1", "--person", str(office.owner.pk)).exit_code == 2
    )  # no --comment
    out = cli("access", "request", "reject", "1", "--person", str(office.owner.pk), "--comment", "ไม่จำเป็น")
    assert "#1 rejected E001 dir:ผู้ตรวจสอบรายงาน" in out.output
    again = cli("access", "request", "apply", "1", "--manual")
    assert again.exit_code == 2 and "not approved" in again.output
