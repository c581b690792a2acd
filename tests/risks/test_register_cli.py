"""`lakthan risk …` for the register, in this process through click's runner: the exit codes and the
one-line errors of bad input."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.risks import register_fixtures
from tests.risks.test_register import THREE_BY_THREE

bureau = register_fixtures.bureau
pytestmark = pytest.mark.django_db


def one_line_error(result, code=2) -> str:
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    return lines[0]


def test_add_update_accept_close_and_list(bureau, cli):
    from django.utils import timezone

    out = cli(
        "risk",
        "add",
        "--unit",
        "B-IT",
        "--system",
        "mail",
        "--title",
        "อีเมลหลอกลวง",
        "--likelihood",
        "4",
        "--impact",
        "3",
        "--residual-likelihood",
        "2",
        "--residual-impact",
        "2",
        "--treatment",
        "mitigate",
        "--owner",
        "สมชาย ใจดี",
        "--due",
        "2027-03-31",
        "--threat",
        "ฟิชชิง",
        "--plan",
        "อบรมผู้ใช้",
    )
    assert out.exit_code == 0, out.output
    assert "added R-0001 level high residual medium" in out.output
    out = cli(
        "risk", "update", "R-0001", "--likelihood", "5", "--status", "in_progress", "--reason", "พบเหตุจริง"
    )
    assert out.exit_code == 0 and "R-0001 level very_high residual medium revision 2" in out.output
    expires = (timezone.localdate() + timedelta(days=180)).isoformat()
    out = cli("risk", "accept", "R-0001", "--approver", str(bureau.head.pk), "--expires", expires)
    assert out.exit_code == 0 and f"until {expires}" in out.output
    rows = json.loads(cli("risk", "list", "--unit", "B", "--json").output)
    assert [(r["ref"], r["level"], r["treatment_status"], r["acceptance"], r["owner"]) for r in rows] == [
        ("R-0001", "very_high", "in_progress", "accepted", bureau.owner.pk)
    ]
    assert json.loads(cli("risk", "list", "--unit", "X", "--json").output) == []
    cleared = cli("risk", "update", "R-0001", "--clear-residual", "--owner", "", "--due", "")
    assert cleared.exit_code == 0 and "R-0001 level very_high revision 4" in cleared.output
    assert cli("risk", "close", "R-0001").exit_code == 0
    final = json.loads(cli("risk", "list", "--json").output)[0]
    assert (final["closed"], final["owner"], final["due"], final["residual_level"]) == (
        True,
        None,
        None,
        None,
    )


def test_bad_input_is_one_line_and_exit_2(bureau, cli):
    base = ["risk", "add", "--unit", "B-IT", "--title", "t", "--treatment", "avoid"]
    assert "likelihood 9 is outside the matrix" in one_line_error(
        cli(*base, "--likelihood", "9", "--impact", "1")
    )
    assert "--impact is required" in one_line_error(cli(*base, "--likelihood", "1"))
    assert "both, or neither" in one_line_error(
        cli(*base, "--likelihood", "1", "--impact", "1", "--residual-likelihood", "1")
    )
    assert "no unit with code NOPE" in one_line_error(
        cli(
            "risk",
            "add",
            "--unit",
            "NOPE",
            "--title",
            "t",
            "--likelihood",
            "1",
            "--impact",
            "1",
            "--treatment",
            "avoid",
        )
    )
    assert "no risk with ref R-0404" in one_line_error(cli("risk", "update", "R-0404", "--impact", "2"))
    cli(*base, "--likelihood", "1", "--impact", "1", "--owner", str(bureau.owner.pk))
    assert "cannot accept it themselves" in one_line_error(
        cli("risk", "accept", "R-0001", "--approver", str(bureau.owner.pk), "--expires", "2030-01-01")
    )
    assert "not a YYYY-MM-DD date" in one_line_error(
        cli("risk", "accept", "R-0001", "--approver", str(bureau.head.pk), "--expires", "tomorrow")
    )


def test_export_import_and_a_refused_import(bureau, cli, tmp_path):
    from openpyxl import load_workbook

    from lakthan.risks.models import Risk

    cli(
        "risk",
        "add",
        "--unit",
        "B-IT",
        "--title",
        "ก",
        "--likelihood",
        "2",
        "--impact",
        "2",
        "--treatment",
        "avoid",
    )
    path = tmp_path / "register.xlsx"
    out = cli("risk", "export", "--unit", "B", str(path))
    assert out.exit_code == 0 and path.exists()
    assert (
        cli("risk", "import", str(path)).output.strip()
        == "imported register.xlsx: 1 rows, 0 added, 0 changed"
    )

    book = load_workbook(path)
    book.active.append([None, "B-IT", None, "ข", None, None, 7, 1, None, None, None, None, "ลด"])
    book.active.append([None, "ZZ", None, "ค", None, None, 1, 1, None, None, None, None, "ลด"])
    book.save(path)
    line = one_line_error(cli("risk", "import", str(path)))
    assert "register.xlsx:3 (โอกาส): 7 is outside the matrix (1–5)" in line
    assert "register.xlsx:4 (หน่วยงาน): no unit with code ZZ" in line
    assert Risk.objects.count() == 1


def test_matrix_load_and_show(bureau, cli, tmp_path):
    shown = cli("risk", "matrix", "show")
    assert (
        shown.exit_code == 0 and "เมทริกซ์ความเสี่ยง ๕ × ๕" in shown.output and "very_high: สูงมาก" in shown.output
    )
    path = tmp_path / "three.yaml"
    path.write_bytes(THREE_BY_THREE.replace(b"min_score: 4", b"min_score: 0"))
    assert "three.yaml: line 15: min_score must grow" in one_line_error(
        cli("risk", "matrix", "load", str(path))
    )
    path.write_bytes(THREE_BY_THREE)
    assert "matrix three in force" in cli("risk", "matrix", "load", str(path)).output
    assert "red: แดง" in cli("risk", "matrix", "show").output
