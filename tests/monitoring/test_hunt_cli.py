"""`lakthan logs hunt` and `lakthan logs hunts` as processes of their own, on a new home: rule files
(one that does not parse named, the others run), the rules in force against `logs detect` over the same
period, the hunts listed, and bad input refused in one line with exit 2."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import lakthan_argv

from .gen import known_attacks
from .hunt_fixtures import BAD_RULE, CRON_ID, CRON_RULE, NOT_YAML


def run(env, *args: str) -> subprocess.CompletedProcess:
    env = {**env, "COLUMNS": "200"}  # the tables unwrapped
    return subprocess.run(lakthan_argv(*args), env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def rule_files(process_env, tmp_path):
    """The process's own home, and rule files: one that compiles, one that is not YAML, a bad one."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "cron.yml").write_text(CRON_RULE)
    (rules / "broken.yml").write_text(NOT_YAML)
    (tmp_path / "bad.yml").write_text(BAD_RULE)
    return process_env, rules


@pytest.fixture
def home(rule_files, tmp_path):
    """The known attacks ingested from a file and sealed in the process's own home."""
    env, rules = rule_files
    log = tmp_path / "auth.log"
    log.write_text("\n".join(known_attacks()[0]) + "\n")
    assert run(env, "logs", "ingest", str(log), "--format", "syslog").returncode == 0
    assert run(env, "logs", "seal").returncode == 0
    return env, rules


def test_hunt_with_rule_files_then_with_the_rules_in_force_then_the_list(home):
    env, rules = home
    done = run(env, "logs", "hunt", str(rules), "--from", "2013-03-05", "--to", "2013-03-05", "--json")
    assert done.returncode == 0, done.stderr
    assert f"not run: {rules / 'broken.yml'}" in done.stderr
    body = json.loads(done.stdout)
    hunt = body["hunt"]
    assert (hunt["status"], hunt["alerts"], hunt["new_alerts"], hunt["segments"]) == ("done", 1, 1, 1)
    assert hunt["start"] == "2013-03-04T17:00:00+00:00" and hunt["end"].startswith("2013-03-05T16:59:59")
    assert [r["rule_id"] for r in hunt["rules"]] == [CRON_ID] and hunt["started_by"] == "cli"
    (alert,) = body["alerts"]
    assert (alert["rule_id"], alert["host"], alert["count"], alert["hunt"]) == (
        CRON_ID,
        "db01",
        200,
        hunt["id"],
    )

    # the rules in force over a day: what `logs detect` finds over it; the alerts are the hunt's first
    in_force = run(env, "logs", "hunt", "--from", "2013-03-05", "--to", "2013-03-05", "--json")
    assert in_force.returncode == 0, in_force.stderr
    second = json.loads(in_force.stdout)
    detect = run(env, "logs", "detect", "--from", "2013-03-05", "--to", "2013-03-05", "--json")
    detected = json.loads(detect.stdout)
    assert detected and [{k: v for k, v in a.items() if k != "hunt"} for a in second["alerts"]] == detected
    assert {a["hunt"] for a in second["alerts"]} == {second["hunt"]["id"]}
    assert second["hunt"]["new_alerts"] == len(detected)

    table = run(env, "logs", "hunt", "--from", "2013-03-05", "--to", "2013-03-05")
    assert table.returncode == 0 and f"hunt #{second['hunt']['id'] + 1}:" in table.stdout
    assert (
        f"{len(detected)} alert(s), 0 new" in table.stdout and f"hunt #{second['hunt']['id']}" in table.stdout
    )

    listed = json.loads(run(env, "logs", "hunts", "--json").stdout)
    assert [h["id"] for h in listed] == [hunt["id"] + 2, hunt["id"] + 1, hunt["id"]]  # newest first
    assert "2013-03-05 – 2013-03-05" in run(env, "logs", "hunts").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{tmp}/bad.yml", "{rules}/broken.yml"], "no rule compiles — bad.yml:"),
        (["{tmp}/missing.yml"], "no rule file"),
        (["--master", "local[2]"], "--master and --segments go with --engine spark"),
        (["--from", "2013-03-06", "--to", "2013-03-05"], "the start of the period is after its end"),
        (["--from", "2013-13-01"], "is not a YYYY-MM-DD date"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(rule_files, args, message):
    env, rules = rule_files  # refused before any segment is read
    args = [a.format(tmp=rules.parent, rules=rules) for a in args]
    done = run(env, "logs", "hunt", *args)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert json.loads(run(env, "logs", "hunts", "--json").stdout) == []  # nothing recorded
