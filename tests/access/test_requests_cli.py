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
    from lakthan.access.models import AccessRequest
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
    n = str(AccessRequest.objects.get().pk)  # PostgreSQL's sequences run on across tests
    assert f"filed #{n} pending E006 dir:admins until {last_day}" in out.output

    refused = cli("access", "request", "approve", n, "--person", str(office.head_hr.pk))
    assert refused.exit_code == 2
    assert f"is not an approver of request #{n}" in refused.output
    assert len(refused.output.strip().splitlines()) == 1  # one line, no traceback

    assert cli("access", "request", "approve", n, "--person", str(office.head_it.pk)).exit_code == 0
    done = cli("access", "request", "approve", n, "--person", str(office.owner.pk), "--comment", "ตกลง")
    assert done.exit_code == 0, done.output
    assert f"#{n} applied E006" in done.output
    assert MAI in members(office, ADMINS)

    listed = json.loads(cli("access", "request", "list", "--state", "applied", "--json").output)
    assert [(r["id"], r["person"], r["right"]) for r in listed] == [(int(n), "นางสาวใหม่  เพิ่งมา", "admins")]

    pdf = tmp_path / "form.pdf"
    assert cli("access", "request", "pdf", n, "-o", str(pdf)).exit_code == 0
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "นางสาวใหม่ เพิ่งมา" in " ".join(text.split())

    after = (today() + timedelta(days=1)).isoformat()
    expired = cli("access", "request", "expire", "--as-of", after)
    assert f"removed #{n} E006 admins" in expired.output
    assert MAI not in members(office, ADMINS)


def test_a_rejection_without_approver_rights_or_a_comment_is_refused(office, cli):
    from lakthan.access.models import AccessRequest

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
    n = str(AccessRequest.objects.get().pk)
    assert (
        cli("access", "request", "reject", n, "--person", str(office.owner.pk)).exit_code == 2
    )  # no --comment
    out = cli("access", "request", "reject", n, "--person", str(office.owner.pk), "--comment", "ไม่จำเป็น")
    assert f"#{n} rejected E001 dir:ผู้ตรวจสอบรายงาน" in out.output
    again = cli("access", "request", "apply", n, "--manual")
    assert again.exit_code == 2 and "not approved" in again.output
