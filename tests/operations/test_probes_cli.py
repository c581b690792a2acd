"""`lakthan ops probe …`, `ops availability`, `ops incidents`: output, --json, exit codes; and one run
of `lakthan` as a process of its own against a real server on loopback."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime

import pytest

from lakthan.lib.timezones import BANGKOK
from lakthan.operations.models import Probe
from lakthan.operations.services import probes as svc
from tests.conftest import lakthan_argv
from tests.operations import probe_fixtures
from tests.operations.probe_fixtures import HOME_TEXT, refused_port

web = probe_fixtures.web
pytestmark = pytest.mark.django_db


def test_add_run_list_availability_incidents_and_remove(cli, org, web):
    r = cli(
        "ops",
        "probe",
        "add",
        "home",
        "--unit",
        "B-IT",
        "--url",
        web + "/",
        "--expect",
        HOME_TEXT,
        "--every",
        "2m",
    )
    assert r.exit_code == 0, r.output
    assert "probe home added" in r.output
    r = cli(
        "ops",
        "probe",
        "add",
        "smtp",
        "--unit",
        "B-IT",
        "--tcp",
        f"127.0.0.1:{refused_port()}",
        "--timeout",
        "2",
    )
    assert r.exit_code == 0, r.output
    r = cli("ops", "probe", "run", "home")
    assert r.exit_code == 0 and "home: up - status 200" in r.output
    r = cli("ops", "probe", "run", "--all")
    assert r.exit_code == 1 and "smtp: down - connection refused" in r.output
    rows = {p["name"]: p for p in json.loads(cli("ops", "probe", "list", "--json").output)}
    assert rows["home"]["last_status"] == "up" and rows["home"]["last_detail"] == "status 200"
    assert rows["smtp"]["last_status"] == "down" and rows["smtp"]["tls_days_left"] is None
    assert rows["home"]["last_at"].endswith("Z")
    (incident,) = json.loads(cli("ops", "incidents", "--open", "--json").output)
    assert incident["probe"] == "smtp" and incident["open"] and incident["detail"] == "connection refused"
    today = datetime.now(BANGKOK).date().isoformat()  # the days asked are Bangkok's
    data = json.loads(cli("ops", "availability", "home", "--from", today, "--to", today, "--json").output)
    assert data["probe"] == "home" and data["down_s"] == 0 and data["months"][0]["month"] == today[:7]
    r = cli("ops", "availability", "home", "--from", today, "--to", today)
    assert r.exit_code == 0 and today[:7] in r.output
    r = cli("ops", "probe", "remove", "smtp")
    assert r.exit_code == 0 and not Probe.objects.filter(name="smtp").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (("ops", "probe", "add", "x", "--unit", "B-IT", "--url", "ftp://x/"), "not an http(s) URL"),
        (("ops", "probe", "add", "x", "--unit", "B-IT", "--tcp", "h"), "host:port"),
        (("ops", "probe", "add", "x", "--unit", "B-IT", "--url", "http://a/", "--every", "soon"), "--every"),
        (("ops", "probe", "add", "x", "--unit", "NOPE", "--url", "http://a/"), "NOPE"),
        (("ops", "probe", "run"), "--all"),
        (("ops", "probe", "run", "ghost"), "ghost"),
        (("ops", "availability", "ghost", "--from", "2026-01-01", "--to", "2026-01-31"), "ghost"),
        (("ops", "availability", "p", "--from", "2026-13-01", "--to", "2026-01-31"), "--from"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, org, args, message):
    svc.add_probe("p", org.division, url="http://example.invalid/")
    from click.testing import CliRunner

    from lakthan.cli import main

    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output
    assert Probe.objects.count() == 1


def test_the_command_as_a_process_against_a_real_server(process_env, web):
    def run(*args):
        return subprocess.run(
            lakthan_argv(*args), env=process_env, capture_output=True, text=True, timeout=120
        )

    assert run("migrate").returncode == 0
    r = run("unit", "add", "B", "--name-th", "สำนักงานทดสอบ")
    assert r.returncode == 0, r.stderr + r.stdout
    assert run("ops", "probe", "add", "home", "--unit", "B", "--url", web + "/down").returncode == 0
    r = run("ops", "probe", "run", "home")
    assert r.returncode == 1 and "status 503, expected 200" in r.stdout
    (row,) = json.loads(run("ops", "probe", "list", "--json").stdout)
    assert row["last_status"] == "down" and row["last_detail"] == "status 503, expected 200"
