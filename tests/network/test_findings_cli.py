"""`lakthan net findings`: the JSON list and the table with counts by kind, in this process and as a
process of its own on a new LAKTHAN_HOME (as a user runs it); bad input is one line and exit 2."""

from __future__ import annotations

import json
import subprocess
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import lakthan_argv
from tests.network.findings_fixtures import bangkok, prefix, register, seen

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 6, 30)


def _data(org) -> None:
    prefix("10.20.0.0/16", org.bureau)
    prefix("10.20.5.0/24", org.division)
    register("10.20.5.10", org.division, hostname="fs01", mac="aa:bb:cc:00:00:01")
    seen("10.20.5.10", bangkok(DAY - timedelta(days=2)), mac="aa:bb:cc:00:00:02")
    seen("10.20.9.9", bangkok(DAY))
    register("10.99.0.1", org.other, hostname="lost")


@pytest.mark.django_db
def test_the_json_and_the_table(cli, org, capsys):
    _data(org)
    result = cli("net", "findings", "--as-of", DAY.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {
            "kind": "mac_mismatch",
            "address": "10.20.5.10",
            "detail": "registered AA:BB:CC:00:00:01, seen AA:BB:CC:00:00:02 (last 2026-06-28)",
            "unit": "B-IT",
            "hostname": "fs01",
        },
        {
            "kind": "outside_plan",
            "address": "10.99.0.1",
            "detail": "registered, in no prefix of the plan",
            "unit": "X",
            "hostname": "lost",
        },
        {"kind": "stale", "address": "10.99.0.1", "detail": "never seen", "unit": "X", "hostname": "lost"},
        {
            "kind": "unregistered",
            "address": "10.20.9.9",
            "detail": "last seen 2026-06-30",
            "unit": "B",
            "hostname": "",
        },
    ]
    only = cli("net", "findings", "--as-of", DAY.isoformat(), "--unit", "B-IT", "--json")
    assert [f["address"] for f in json.loads(only.output)] == ["10.20.5.10"]
    table = cli("net", "findings", "--as-of", "2569-06-30BE")
    assert table.exit_code == 0
    out = capsys.readouterr().out + table.output
    assert "10.20.9.9" in out and "fs01" in out
    assert (
        "4 finding(s) as of 2026-06-30: unregistered 1, mac_mismatch 1, stale 1, outside_plan 1, "
        "duplicate_registration 0" in " ".join(out.split())
    )


def test_as_a_process_of_its_own_with_bad_input_named(process_env):
    setup = textwrap.dedent(
        """
        from lakthan.cli import setup_django
        setup_django()
        from lakthan.core.services import add_unit
        from tests.network.test_findings_cli import _data
        class Org: pass
        org = Org()
        org.bureau = add_unit("B", "สำนักงานทดสอบ")
        org.division = add_unit("B-IT", "ศูนย์ไอที", parent="B")
        org.other = add_unit("X", "สำนักงานอื่น")
        _data(org)
        """
    )
    env = {**process_env, "PYTHONPATH": f"{process_env['PYTHONPATH']}:{ROOT}"}
    subprocess.run([lakthan_argv()[0], "-c", setup], env=env, check=True, cwd=ROOT)
    run = subprocess.run(
        lakthan_argv("net", "findings", "--json", "--as-of", DAY.isoformat()),
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert [(f["kind"], f["address"]) for f in json.loads(run.stdout)] == [
        ("mac_mismatch", "10.20.5.10"),
        ("outside_plan", "10.99.0.1"),
        ("stale", "10.99.0.1"),
        ("unregistered", "10.20.9.9"),
    ]
    bad = subprocess.run(
        lakthan_argv("net", "findings", "--as-of", "30/06/2026"), env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "--as-of '30/06/2026'" in bad.stderr
    assert "Traceback" not in bad.stderr
    unknown = subprocess.run(
        lakthan_argv("net", "findings", "--unit", "NOPE"), env=env, capture_output=True, text=True
    )
    assert unknown.returncode == 2 and "NOPE" in unknown.stderr
