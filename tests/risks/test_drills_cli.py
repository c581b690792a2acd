"""`lakthan bcp drill …`, `bcp incident …`, `bcp status`: measurements printed, exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from lakthan.inventory.services import add_host
from lakthan.monitoring.models import Alert
from lakthan.risks.models import ContinuityTarget, Drill

pytestmark = pytest.mark.django_db


def test_drill_record_in_bangkok_time_and_status_json(cli, org, erp):
    ContinuityTarget.objects.create(system=erp, rto_s=3 * 3600, rpo_s=4 * 3600, updated_by="t")
    r = cli(
        "bcp", "drill", "record", "--system", "erp", "--scenario", "fire",
        "--started", "2026-03-01 21:00", "--restored", "2026-03-02T01:00+07:00", "--notes", "ซ้อมไฟไหม้",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "missed" in r.output and "4h" in r.output  # 4 h against a 3 h target
    r = cli("bcp", "status", "--unit", "B-IT", "--json")
    assert r.exit_code == 0
    (system,) = json.loads(r.output)["systems"]
    assert system["drills"] == [
        {
            "scenario": "fire",
            "started": "2026-03-01T14:00:00Z",
            "restored": "2026-03-01T18:00:00Z",
            "rto_s": 14400,
            "rpo_s": 9000,
            "rto_met": False,
            "rpo_met": True,
        }
    ]
    r = cli("bcp", "status", "--unit", "B-IT")
    assert r.exit_code == 0 and "erp" in r.output and "fire" in r.output


def test_a_system_restored_at_its_own_time_and_drill_list_json(cli, org, erp):
    r = cli(
        "bcp", "drill", "record", "--system", "erp@2026-03-01T15:00Z", "--scenario", "power",
        "--started", "2026-03-01T14:00Z", "--restored", "2026-03-01T18:00Z",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    (drill,) = json.loads(cli("bcp", "drill", "list", "--unit", "B-IT", "--json").output)
    assert drill["systems"][0]["rto_s"] == 3600 and drill["kind"] == "drill"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--started", "yesterday", "--restored", "2026-03-01T18:00Z"), "--started"),
        (("--started", "2026-03-01T14:00Z", "--restored", "2026-13-01T18:00Z"), "--restored"),
    ],
)
def test_a_bad_time_is_one_line_naming_the_option_and_exit_2(org, erp, args, option):
    from click.testing import CliRunner

    from lakthan.cli import main

    r = CliRunner().invoke(main, ["bcp", "drill", "record", "--system", "erp", "--scenario", "fire", *args])
    assert r.exit_code == 2
    assert option in r.output and len(r.output.strip().splitlines()) == 1
    assert not Drill.objects.exists()


def test_a_restore_before_the_start_exits_2(org, erp):
    from click.testing import CliRunner

    from lakthan.cli import main

    r = CliRunner().invoke(
        main,
        ["bcp", "drill", "record", "--system", "erp", "--scenario", "fire",
         "--started", "2026-03-01T14:00Z", "--restored", "2026-03-01T13:00Z"],
    )  # fmt: skip
    assert r.exit_code == 2 and "before started" in r.output


def test_incident_escalate_and_update_from_the_cli(cli, org, erp):
    add_host("erp01", unit=org.division, systems=[erp])
    first = datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
    alert = Alert.objects.create(
        rule_id="r", rule_title="Web shell", level="critical", host="erp01", count=3, first=first, last=first
    )
    r = cli("bcp", "incident", "escalate", str(alert.pk))
    assert r.exit_code == 0, r.output
    incident = Drill.objects.get(alert=alert)
    r = cli(
        "bcp", "incident", "update", str(incident.pk), "--restored", "2026-03-01 23:00", "--note", "กู้คืนแล้ว"
    )
    assert r.exit_code == 0, r.output
    row = incident.systems.get()
    assert (row.rto_s, row.rpo_s) == (3 * 3600, 5400)  # 13:00Z → 16:00Z; newest backup 11:30Z
