"""The `lakthan logs` commands end to end in-process: hosts, ingest, seal, verify, detect, coverage."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import polars as pl
import pytest

from .gen import known_attacks

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def loaded(org, tmp_path, cli):
    syslog, web = known_attacks()
    (tmp_path / "syslog").write_text("\n".join(syslog) + "\nthis line is not syslog\n")
    (tmp_path / "access.log").write_text("\n".join(web) + "\n")
    assert cli("logs", "host", "add", "web01", "--unit", "B-IT", "--addr", "10.0.0.1").exit_code == 0
    assert cli("logs", "host", "add", "db01", "--unit", "B-IT").exit_code == 0
    assert cli("logs", "host", "add", "mail01", "--unit", "B").exit_code == 0
    r = cli("logs", "ingest", str(tmp_path / "syslog"))
    assert r.exit_code == 0 and "1 kept raw" in r.output
    assert (
        cli("logs", "ingest", str(tmp_path / "access.log"), "--host", "web01", "--format", "nginx").exit_code
        == 0
    )
    r = cli("logs", "seal")
    assert r.exit_code == 0 and "segment 1:" in r.output
    return tmp_path


def test_ingest_is_incremental_and_follows_rotation(loaded, cli):
    from lakthan.monitoring.models import Segment

    path = loaded / "syslog"
    r = cli("logs", "ingest", str(path))
    assert "0 events" in r.output  # nothing new since last time
    with open(path, "a") as fh:
        fh.write(
            "<38>1 2013-03-06T10:00:00+07:00 db01 sshd 1 - - Accepted password for a from 10.1.1.1 port 1 ssh2\n"
        )
    assert "1 events" in cli("logs", "ingest", str(path)).output
    os.rename(path, loaded / "syslog.1")
    with open(loaded / "syslog.1", "a") as fh:  # written to the old file after rotation
        fh.write(
            "<38>1 2013-03-06T10:00:01+07:00 db01 sshd 1 - - Accepted password for b from 10.1.1.1 port 1 ssh2\n"
        )
    path.write_text(
        "<38>1 2013-03-06T10:00:02+07:00 db01 sshd 1 - - Accepted password for c from 10.1.1.1 port 1 ssh2\n"
    )
    assert "2 events" in cli("logs", "ingest", str(path)).output
    cli("logs", "seal")
    assert Segment.objects.get(index=2).count == 3


def test_verify_json_shape_and_tamper_exit_code(loaded, cli, settings):
    r = cli("logs", "verify", "--json")
    out = json.loads(r.output)
    assert r.exit_code == 0 and out["intact"] is True and out["problems"] == []
    assert set(out["checkpoint"]) == {"origin", "size", "root"} and out["checkpoint"]["size"] == 1
    seg = settings.LAKTHAN_LOG_DIR / "segments" / "00000001.parquet"
    df = pl.read_parquet(seg)
    os.chmod(seg, 0o644)
    pl.concat([df[:40], df[41:]]).write_parquet(seg)
    r = cli("logs", "verify", "--json")
    assert r.exit_code == 1
    assert json.loads(r.output)["problems"] == [
        {"segment": 1, "position": 40, "kind": "removed", "detail": ""}
    ]
    r = cli("logs", "verify")
    assert r.exit_code == 1 and "removed: segment 1 position 40" in r.output


def test_detect_json_shape(loaded, cli, settings):
    settings.LAKTHAN_DISABLED_ACCOUNTS = ["former01"]
    r = cli("logs", "detect", "--json")
    alerts = json.loads(r.output)
    brute = [a for a in alerts if a["rule_id"] == "2d6a4b37-8a1c-4e0a-bb3e-7d5b0f3f9a01"]
    assert {(a["host"], a["count"]) for a in brute} == {("web01", 12), ("db01", 15)}
    assert set(brute[0]) == {"rule_id", "rule_title", "level", "host", "count", "first", "last", "events"}
    assert brute[0]["events"][0] == {"segment": 1, "position": brute[0]["events"][0]["position"]}
    assert any(a["rule_title"] == "Access by a disabled account" for a in alerts)
    # the period filter: nothing on another day
    assert json.loads(cli("logs", "detect", "--from", "2013-04-01", "--json").output) == []


def test_rules_import_reports_bad_rules_and_loads_the_rest(loaded, cli, tmp_path):
    from lakthan.monitoring.models import Rule

    d = tmp_path / "rules"
    d.mkdir()
    (d / "good.yml").write_text(
        "title: Cron noise\nid: 5d0f6a0e-0000-4000-8000-0000000000c1\nlogsource: {product: linux, service: cron}\n"
        "detection: {k: ['run-parts'], condition: k}\nlevel: low\n"
    )
    (d / "bad.yml").write_text(
        "title: b\nid: 5d0f6a0e-0000-4000-8000-0000000000c2\nlogsource: {product: linux}\ndetection: {s: {CommandLine|foo: x}, condition: s}\n"
    )
    r = cli("logs", "rules", "import", str(d))
    assert r.exit_code == 0 and "1 rule(s) loaded, 1 skipped" in r.output and "bad.yml" in r.output
    assert Rule.objects.count() == 1
    alerts = json.loads(cli("logs", "detect", "--json").output)
    assert [a["count"] for a in alerts if a["rule_title"] == "Cron noise"] == [200]


def test_sample_sigma_rules_import(loaded, cli):
    from .test_detect import SAMPLES

    r = cli("logs", "rules", "import", str(SAMPLES))
    assert r.exit_code == 0 and "21 rule(s) loaded, 0 skipped" in r.output


def test_coverage_json(loaded, cli):
    out = json.loads(cli("logs", "coverage", "--json").output)
    hosts = {h["name"]: h for h in out["hosts"]}
    assert set(hosts) == {"web01", "db01", "mail01"}
    assert hosts["mail01"]["silent"] is True and hosts["mail01"]["last_event"] is None
    assert set(hosts["web01"]) == {"name", "unit", "last_event", "events_per_day", "silent"}
    assert hosts["web01"]["unit"] == "B-IT" and hosts["web01"]["events_per_day"] > 0
    # the one line that did not parse names no host: it shows as an unknown sender, not dropped
    assert [(u["host"], u["count"]) for u in out["unknown_senders"]] == [("(unknown)", 1)]


def test_bad_input_is_one_line_exit_2(org, cli, tmp_path):
    r = cli("logs", "ingest", str(tmp_path / "nope.log"))
    assert r.exit_code == 2 and r.output.count("\n") <= 2 and "file not found" in r.output
    r = cli("logs", "retention", "30")
    assert r.exit_code == 2 and "section 26" in r.output
    r = cli("logs", "host", "add", "x1", "--unit", "NOPE")
    assert r.exit_code == 2 and "no unit with code NOPE" in r.output


def test_a_damaged_store_is_named_by_seal_and_verify_makes_no_key(loaded, cli, settings):
    from pathlib import Path

    root = Path(settings.LAKTHAN_LOG_DIR)
    header = root / "segments" / "00000001.json"
    os.chmod(header, 0o644)
    header.unlink()
    r = cli("logs", "ingest", str(loaded / "syslog"))  # ingest still takes events into the open chunks
    assert r.exit_code == 0
    (loaded / "syslog").write_text("<38>1 2013-01-05T10:00:00+07:00 web01 sshd 1 - - new line\n")
    r = cli("logs", "seal")
    assert r.exit_code != 0 and "00000001.json is missing" in r.output and "Traceback" not in r.output
    r = cli("logs", "verify")
    assert r.exit_code == 1 and "segment 1" in r.output
    vkey = (root / "checkpoint.vkey").read_bytes()
    (root / "checkpoint.key").unlink()
    cli("logs", "verify")
    assert not (root / "checkpoint.key").exists() and (root / "checkpoint.vkey").read_bytes() == vkey


def test_a_far_future_time_never_stops_sealing(org, tmp_path, cli):
    from lakthan.monitoring.models import HostDay, Segment
    from lakthan.monitoring.services.home import store

    hostile = (
        "<38>1 9999-12-31T23:59:59Z web01 sshd 1 - - Failed password for root from 10.6.6.6 port 22 ssh2"
    )
    ancient = "<38>1 1900-01-01T00:00:00Z web01 sshd 2 - - epoch clock"
    fine = "<38>1 2013-01-05T10:00:00+07:00 web01 sshd 3 - - an ordinary line"
    (tmp_path / "syslog").write_text("\n".join([hostile, ancient, fine]) + "\n")
    r = cli("logs", "ingest", str(tmp_path / "syslog"))
    assert r.exit_code == 0 and "2 event(s) gave a time far in the future or before 1990" in r.output
    for _ in range(2):  # every later seal works too
        r = cli("logs", "seal")
        assert r.exit_code == 0, r.output
        (tmp_path / "syslog").write_text(fine + "\n")
        cli("logs", "ingest", str(tmp_path / "syslog"))
    assert Segment.objects.count() == 2
    stored = store().read_segment(1)
    assert hostile in stored["raw"].to_list()  # the line is kept as the sender gave it
    years = {d.year for d in HostDay.objects.values_list("day", flat=True)}
    assert years <= {2013, datetime.now(UTC).year}
    assert cli("logs", "verify").exit_code == 0


def test_lines_whose_header_does_not_parse_are_detected_searched_and_counted(org, tmp_path, cli, client):
    from lakthan.monitoring.models import Alert, HostDay
    from lakthan.monitoring.services import events

    from .test_detect import MALFORMED, SAMPLES, SHELLSHOCK

    (tmp_path / "broken.log").write_bytes(b"\n".join(MALFORMED) + b"\n")
    r = cli("logs", "ingest", str(tmp_path / "broken.log"))
    assert r.exit_code == 0 and "4 kept raw" in r.output
    assert cli("logs", "seal").exit_code == 0
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "shellshock.yml").write_text((SAMPLES / "linux" / "lnx_shellshock.yml").read_text())
    r = cli("logs", "rules", "import", str(rules))
    assert r.exit_code == 0 and "1 rule(s) loaded" in r.output
    r = cli("logs", "detect", "--json")
    assert r.exit_code == 0
    found = {a["rule_title"]: a["count"] for a in json.loads(r.output)}
    assert found.get("Shellshock Expression") == 2
    assert Alert.objects.filter(rule_title="Shellshock Expression").count() == 1
    hits = events.search(text="() { :; }").rows
    assert len(hits) == 2 and all(h["parsed"] is False for h in hits) and SHELLSHOCK in hits[0]["msg"]
    assert sum(HostDay.objects.values_list("unparsed", flat=True)) == 4  # counted, under no host


def test_a_file_with_lines_not_utf8_keeps_their_bytes_and_a_flipped_byte_is_named(
    org, tmp_path, cli, settings
):
    import base64

    from lakthan.monitoring.engines import eventhash

    lines = [
        b"<38>1 2013-01-05T10:00:00+07:00 web01 sshd 1 - - Failed password for caf\xe9 from 10.0.0.1 port 1 ssh2",
        "<38>1 2013-01-05T10:00:01+07:00 web01 sshd 2 - - Accepted password for ผู้ใช้ from 10.0.0.1 port 1 ssh2".encode(),
        b"\xa1\xb9\xe0\xd2\xa4\xc3",  # TIS-620 Thai, as an old system writes it
        b"",
        b"<38>Jan  5 10:00:02 web01 app[3]: cut \xe0\xb8\r",  # a Thai letter cut short, CRLF
        "<38>Jan  5 10:00:03 web01 app[3]: a real \ufffd".encode(),
    ]
    (tmp_path / "mixed.log").write_bytes(b"\n".join(lines) + b"\n")
    r = cli("logs", "ingest", str(tmp_path / "mixed.log"), "--year", "2013")
    assert r.exit_code == 0 and "5 events" in r.output
    assert cli("logs", "seal").exit_code == 0
    seg = settings.LAKTHAN_LOG_DIR / "segments" / "00000001.parquet"
    stored = pl.read_parquet(seg)
    kept = [line.rstrip(b"\r") for line in lines if line]
    assert stored["raw_bytes"].to_list() == [kept[0], None, kept[2], kept[3], None]
    assert stored["raw"].to_list() == [line.decode("utf-8", errors="replace") for line in kept]

    r = cli("logs", "proof", "1", "2")
    assert r.exit_code == 0
    proof = json.loads(r.stdout)
    event = proof["event"]
    assert base64.b64decode(event["raw_bytes_base64"]) == b"\xa1\xb9\xe0\xd2\xa4\xc3"
    assert event["raw"] == kept[2].decode("utf-8", errors="replace") and "\ufffd" in event["raw"]
    assert "ไม่ใช่ UTF-8" in r.stderr and "not valid UTF-8" in r.stderr
    # the leaf is computed again from what the proof shows
    values = [
        datetime.fromisoformat(event["ts"]),
        event["host"],
        event["source"],
        event["parser"],
        event["raw"],
    ]
    leaf = eventhash.leaf_of([*values, base64.b64decode(event["raw_bytes_base64"])], bytes_last=True)
    assert leaf.hex() == proof["leaf"]
    r = cli("logs", "proof", "1", "1")
    assert "raw_bytes_base64" not in json.loads(r.stdout)["event"] and r.stderr == ""

    flipped = stored.with_columns(
        pl.when(pl.int_range(pl.len()) == 3)
        .then(pl.lit(kept[3][:-1] + b"\xb9"))
        .otherwise("raw_bytes")
        .alias("raw_bytes")
    )
    os.chmod(seg, 0o644)
    flipped.write_parquet(seg)
    r = cli("logs", "verify", "--json")
    assert r.exit_code == 1
    assert json.loads(r.output)["problems"] == [
        {"segment": 1, "position": 3, "kind": "altered", "detail": ""}
    ]
