"""`lakthan net prefix|address|changes|observe`: in this process through click's runner, and once as
a process of its own, with the one-line errors and exit code 2 of bad input."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import lakthan_argv
from tests.network import register_fixtures
from tests.network.register_fixtures import DATA

net = register_fixtures.net


def one_line_error(result, code=2) -> str:
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    return lines[0]


@pytest.mark.django_db
def test_plan_register_changes_and_observe_in_process(net, cli, tmp_path):
    assert (
        "added 10.20.0.0/16 to B (สำนักงาน)"
        in cli("net", "prefix", "add", "10.20.0.0/16", "--unit", "B", "--purpose", "สำนักงาน").output
    )
    cli("net", "prefix", "add", "10.20.1.0/24", "--unit", "B-IT")
    one_line_error(cli("net", "prefix", "add", "10.20.1.9/24", "--unit", "B-IT"))
    one_line_error(cli("net", "prefix", "add", "10.20.3.0/24", "--unit", "NOPE"))
    out = cli(
        "net",
        "address",
        "add",
        "10.20.1.10",
        "--unit",
        "B-IT",
        "--mac",
        "aabb.ccdd.ee10",
        "--owner",
        "นายสมชาย ใจดี",
        "--system",
        "mail",
    )
    assert out.output.strip() == "registered 10.20.1.10 in B-IT (AA:BB:CC:DD:EE:10)"
    assert "--owner: more than one person is named มานะ อดทน" in one_line_error(
        cli("net", "address", "add", "10.20.1.11", "--unit", "B-IT", "--owner", "มานะ อดทน")
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("address,hostname,mac,unit,owner\n10.20.1.12,a,,NOPE,\n", encoding="utf-8")
    assert "bad.csv:2 (unit)" in one_line_error(cli("net", "address", "import", str(bad)))
    good = tmp_path / "good.csv"
    good.write_text(
        "address,hostname,mac,unit,owner\n10.20.1.12,db1,,B-IT,\n10.20.1.10,,aa:bb:cc:dd:ee:10,B-IT,\n",
        encoding="utf-8",
    )
    assert "2 rows, 1 added, 1 changed, 0 unchanged" in cli("net", "address", "import", str(good)).output
    listed = json.loads(cli("net", "address", "list", "--unit", "B", "--json").output)
    assert [(a["address"], a["unit"], a["system"], a["hostname"]) for a in listed] == [
        ("10.20.1.10", "B-IT", None, ""),
        ("10.20.1.12", "B-IT", None, "db1"),
    ]
    prefixes = json.loads(cli("net", "prefix", "list", "--json").output)
    assert [(p["cidr"], p["registered"]) for p in prefixes] == [("10.20.0.0/16", 2), ("10.20.1.0/24", 2)]
    exported = tmp_path / "out.csv"
    cli("net", "address", "export", "--unit", "B-IT", "-o", str(exported))
    assert "unchanged" in cli("net", "address", "import", str(exported)).output
    assert "2 rows, 0 added, 0 changed, 2 unchanged" in cli("net", "address", "import", str(exported)).output
    assert (
        cli("net", "address", "remove", "10.20.1.12", "--unit", "B-IT").output.strip()
        == "removed 10.20.1.12 from B-IT"
    )
    one_line_error(cli("net", "address", "remove", "10.20.1.12", "--unit", "B-IT"))
    changes = json.loads(cli("net", "changes", "--unit", "B-IT", "--json").output)
    assert [(c["action"], c["actor"], c["address"]) for c in changes] == [
        ("remove", "cli", "10.20.1.12"),
        ("update", "cli", "10.20.1.10"),
        ("add", "cli", "10.20.1.12"),
        ("add", "cli", "10.20.1.10"),
    ]
    assert changes[1]["before"]["system"] == "mail" and changes[1]["after"]["system"] is None
    assert changes[2]["source"] == "good.csv"
    one_line_error(cli("net", "changes", "--since", "yesterday"))
    out = cli("net", "observe", "--dhcp-leases", str(DATA / "dhcpd.leases")).output
    assert "dhcpd.leases:38" in out and "read 4, added 4, 1 skipped" in out
    assert "read 4, added 0" in cli("net", "observe", "--dhcp-leases", str(DATA / "dhcpd.leases")).output
    arp = tmp_path / "neigh.txt"
    shutil.copy(DATA / "ip-neigh.txt", arp)
    assert "read 3, added 3" in cli("net", "observe", "--arp", str(arp), "--at", "2026-03-02T10:00").output
    one_line_error(cli("net", "observe", "--arp", str(arp), "--at", "noon"))
    one_line_error(cli("net", "observe", "--from-logs", "--arp", str(arp)))
    one_line_error(cli("net", "observe"))
    assert "logs logs: read 0, added 0" in cli("net", "observe", "--from-logs").output
    assert cli("net", "prefix", "remove", "10.20.1.0/24").output.strip() == "removed 10.20.1.0/24"


def test_the_commands_as_a_process_of_their_own(process_env, tmp_path):
    def run(*args, code=0):
        done = subprocess.run(
            lakthan_argv(*args), env=process_env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == code, done.stdout + done.stderr
        return done

    run("migrate")
    run("unit", "add", "B", "--name-th", "สำนักงาน")
    run("net", "prefix", "add", "10.20.0.0/16", "--unit", "B")
    csv = tmp_path / "reg.csv"
    csv.write_text(
        "\ufeffaddress,hostname,mac,unit,owner\n10.20.1.10,web1,00-1a-2b-3c-4d-5e,B,\n", encoding="utf-8"
    )
    assert "1 added" in run("net", "address", "import", str(csv)).stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("address,hostname,mac,unit,owner\n10.20.1.300,x,,B,\n", encoding="utf-8")
    refused = run("net", "address", "import", str(bad), code=2)
    assert "bad.csv:2 (address)" in refused.stderr and "Traceback" not in refused.stderr
    assert "read 4, added 4" in run("net", "observe", "--dhcp-leases", str(DATA / "dhcpd.leases")).stdout
    listed = json.loads(run("net", "address", "list", "--json").stdout)
    assert [(a["address"], a["mac"]) for a in listed] == [("10.20.1.10", "00:1A:2B:3C:4D:5E")]
