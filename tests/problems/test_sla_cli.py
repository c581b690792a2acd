"""`lakthan problem sla …` and `lakthan problem calendar …` exactly as issue 20's CLI block: set a
target, the summary (--json: problems, within_sla, breached [{id, …}], median_fix_s), the targets, the
document, loading and showing the calendar; bad input is one line, exit 2, nothing stored."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from lakthan.problems.models import Holiday, SlaTarget, WorkCalendar

from .sla_fixtures import make_problem, standard_targets


def test_sla_set_then_show(cli, org):
    result = cli("problem", "sla", "set", "--severity", "2", "--hours", "8", "--business-hours")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "severity 2: 8 business hours"
    cli("problem", "sla", "set", "--severity", "1", "--hours", "4")
    rows = json.loads(cli("problem", "sla", "show", "--json").output)
    assert [(r["severity"], r["hours"], r["business_hours"]) for r in rows] == [
        (1, 4, False),
        (2, 8, True),
        (3, None, None),
        (4, None, None),
    ]
    assert rows[0]["set_by"] == "cli" and rows[0]["label_th"] == "วิกฤต"
    assert "4 hours" in cli("problem", "sla", "show").output


def test_the_summary_as_json(cli, org):
    standard_targets()
    ok = make_problem(org.division, severity=1, reported="2013-04-02 09:00", fixed="2013-04-02 12:00")
    late = make_problem(org.division, severity=2, reported="2013-04-12 15:00", fixed="2013-04-18 10:00")
    result = cli("problem", "sla", "--unit", "B", "--from", "2013-04-01", "--to", "2013-04-30", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert (body["unit"], body["from"], body["to"]) == ("B", "2013-04-01", "2013-04-30")
    assert (body["problems"], body["within_sla"], body["no_sla"]) == (2, 1, 0)
    assert body["breached"][0]["id"] == late.pk and body["breached"][0]["over_s"] == 3 * 3600
    assert body["median_fix_s"] == (3 * 3600 + 11 * 3600) // 2
    assert body["months"] == [
        {"month": "2013-04", "problems": 2, "within_sla": 1, "breached": 1, "median_fix_s": 7 * 3600}
    ]
    text = cli("problem", "sla", "--unit", "B", "--from", "2013-04-01", "--to", "2013-04-30").output
    assert "2 problems" in text and "breached 1" in text and str(late.pk) in text and ok.pk


def test_bad_input_is_one_line_and_exit_2(cli, org):
    for args, words in (
        (("problem", "sla", "--from", "2013-04-01", "--to", "2013-04-30"), "--unit CODE is required"),
        (
            ("problem", "sla", "--unit", "B", "--from", "2013-02-30", "--to", "2013-04-30"),
            "bad date 2013-02-30",
        ),
        (("problem", "sla", "--unit", "NOPE", "--from", "2013-04-01", "--to", "2013-04-30"), "NOPE"),
        (("problem", "sla", "--unit", "B", "--from", "2013-05-01", "--to", "2013-04-30"), "before"),
        (("problem", "sla", "set", "--severity", "2", "--hours", "99999"), "hours must be from 1 to"),
    ):
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output and "Traceback" not in result.output
    assert cli("problem", "sla", "set", "--severity", "5", "--hours", "3").exit_code == 2
    assert not SlaTarget.objects.exists()


def test_the_report_is_written_as_pdf(cli, org, tmp_path):
    out = tmp_path / "sla.pdf"
    result = cli(
        "problem",
        "sla",
        "report",
        "--unit",
        "B",
        "--from",
        "2013-04-01",
        "--to",
        "2013-04-30",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    bad = cli(
        "problem",
        "sla",
        "report",
        "--unit",
        "B",
        "--from",
        "2013-04-01",
        "--to",
        "2013-04-30",
        "--out",
        str(tmp_path / "x.docx"),
    )
    assert bad.exit_code == 2 and "must end in .pdf" in bad.output


def test_calendar_load_refuses_a_bad_file_by_line_and_stores_nothing(cli, db, tmp_path):
    bad = tmp_path / "agency.yaml"
    bad.write_text(
        'name: agency\noffice_hours: {start: "08:30", end: "16:30"}\nworkdays: [mon, tues, xyz]\nholidays: []\n'
    )
    result = cli("problem", "calendar", "load", str(bad))
    assert result.exit_code == 2
    assert f"{bad}: line 3: unknown day xyz" in result.output
    assert not WorkCalendar.objects.exists() and not Holiday.objects.exists()


def test_calendar_load_and_show(cli, db, tmp_path):
    from lakthan.problems.engines.work_calendar import SHIPPED_PATH

    own = tmp_path / "agency.yaml"
    own.write_text(
        SHIPPED_PATH.read_text(encoding="utf-8") + '  - {day: 2027-04-12, th: "วันหยุดราชการเพิ่มเป็นกรณีพิเศษ"}\n',
        encoding="utf-8",
    )
    result = cli("problem", "calendar", "load", str(own))
    assert result.exit_code == 0, result.output
    assert "calendar th-government loaded: office 08:30–16:30, 374 holidays, 2012–2027" in result.output
    body = json.loads(cli("problem", "calendar", "show", "--year", "2027", "--json").output)
    assert body["source"] == "loaded" and body["loaded_by"] == "cli"
    assert {"day": "2027-04-12", "name_th": "วันหยุดราชการเพิ่มเป็นกรณีพิเศษ", "name_en": ""} in body["holidays"]
    assert all(h["day"].startswith("2027-") for h in body["holidays"])
    text = cli("problem", "calendar", "show", "--year", "2013").output
    assert "2013-04-16" in text and "Tue" in text


def test_the_command_as_a_process_of_its_own(process_env):
    """The summary group runs Django itself when called without a subcommand."""
    args = [sys.executable, "-m", "lakthan.cli", "problem", "sla"]
    result = subprocess.run(
        [*args, "show", "--json"], env=process_env, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout)[0]["hours"] is None
    result = subprocess.run(
        [*args, "--unit", "X", "--from", str(date(2013, 4, 1)), "--to", "2013-04-30"],
        env=process_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and result.stderr.strip() == "error: no unit with code X"
