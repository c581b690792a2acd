"""`lakthan ops usage` and `lakthan system install|uninstall`: in this process on the shared scene, and
once end to end as a process of its own on a new home (units, system, host, logs ingested and sealed,
then the usage read back)."""

from __future__ import annotations

import json
import subprocess

import pytest

from lakthan.core.models import AuditEntry
from lakthan.inventory import services as inventory
from tests.conftest import lakthan_argv
from tests.operations import usage_fixtures

scene, _password_only = usage_fixtures.scene, usage_fixtures._password_only  # the module's fixtures


def test_ops_usage_json_and_table(cli, scene, tmp_path):
    result = cli("ops", "usage", "--unit", "A-1", "--from", "2026-01-01", "--to", "2026-02-28", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["silent"] == [{"system": "pibics", "unit": "CP3"}]
    assert {"system": "pibics", "unit": "CP1", "month": "2026-01", "events": 3, "users": 2} in body["rows"]
    out = tmp_path / "usage.pdf"
    table = cli(
        "ops", "usage", "--unit", "A-1", "--from", "2026-01-01", "--to", "2026-02-28", "--pdf", str(out)
    )
    assert table.exit_code == 0 and "silent installations: pibics@CP3" in table.output
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01", "--to", "2026-02-28"], "--from '2026-13-01' is not a YYYY-MM-DD date"),
        (["--from", "2026-03-01", "--to", "2026-02-28"], "the end 2026-02-28 is before the start 2026-03-01"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(scene, process_env, args, message):
    # (a process of its own, on an empty home: the period is checked before anything is read)
    subprocess.run(
        lakthan_argv("unit", "add", "A", "--name-th", "ก"), env=process_env, check=True, capture_output=True
    )
    done = subprocess.run(
        lakthan_argv("ops", "usage", "--unit", "A", *args), env=process_env, capture_output=True, text=True
    )
    assert done.returncode == 2 and message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_system_install_and_uninstall(cli, scene):
    assert (
        "tm30 installed at CP1, CP2"
        in cli("system", "install", "tm30", "--unit", "CP1", "--unit", "CP2").output
    )
    shown = json.loads(cli("system", "show", "tm30", "--json").output)
    assert (shown["installed_at"], shown["installations"]) == (["CP1", "CP2"], ["A", "CP1", "CP2"])
    assert "tm30 installed at CP1" in cli("system", "uninstall", "tm30", "--unit", "CP2").output
    assert [u.code for u in scene.tm30.installed_at.all()] == ["CP1"]
    assert {u.code for u in inventory.installations(scene.tm30)} == {"A", "CP1"}
    actions = list(
        AuditEntry.objects.filter(action="inventory.system.installed_at")
        .order_by("pk")
        .values_list("actor", "after")
    )
    assert [a for a, _ in actions][-2:] == ["cli", "cli"]
    assert actions[-1][1]["installed_at"] == ["CP1"]


def test_usage_end_to_end_in_a_process_of_its_own(process_env, tmp_path):
    def lakthan(*args: str) -> str:
        done = subprocess.run(lakthan_argv(*args), env=process_env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    lakthan("unit", "add", "B", "--name-th", "สำนักงาน")
    lakthan("unit", "add", "CP1", "--name-th", "ด่าน ๑", "--parent", "B", "--kind", "checkpoint")
    lakthan("unit", "add", "CP2", "--name-th", "ด่าน ๒", "--parent", "B", "--kind", "checkpoint")
    lakthan(
        "system",
        "add",
        "pibics",
        "--name-th",
        "ระบบ",
        "--unit",
        "B",
        "--class",
        "intranet",
        "--criticality",
        "4",
    )
    lakthan("host", "add", "pib-cp1", "--unit", "CP1", "--address", "10.1.1.10", "--system", "pibics")
    lakthan("system", "install", "pibics", "--unit", "CP2")
    log = tmp_path / "auth.log"
    log.write_text(
        "\n".join(
            usage_fixtures.ssh_login("pib-cp1", user, at)
            for user, at in [
                ("somchai", "2026-01-05T09:00:00+07:00"),
                ("somsri", "2026-01-31T23:30:00+07:00"),
                ("somchai", "2026-02-01T00:30:00+07:00"),
            ]
        )
        + "\n"
    )
    lakthan("logs", "ingest", str(log), "--format", "syslog")
    lakthan("logs", "seal")
    body = json.loads(
        lakthan("ops", "usage", "--unit", "B", "--from", "2026-01-01", "--to", "2026-02-28", "--json")
    )
    assert [(r["unit"], r["month"], r["events"], r["users"]) for r in body["rows"]] == [
        ("CP1", "2026-01", 2, 2),
        ("CP1", "2026-02", 1, 1),
        ("CP2", "2026-01", 0, None),
        ("CP2", "2026-02", 0, None),
    ]
    assert body["silent"] == [{"system": "pibics", "unit": "CP2"}]
