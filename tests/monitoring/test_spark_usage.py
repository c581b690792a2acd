"""Usage over a period on Spark (local[2]): events per host and Bangkok day counted again from the
segments equal the host-days the seal counted, and `lakthan logs usage` gives the same JSON on both
engines (days with events, events, unparsed lines, silent spells of each inventoried host)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from lakthan.monitoring.pipeline.spark.usage import host_days

from .sparkverify_fixtures import build, rolled_back

# the module's store is built with the test database, which pytest-django sets up for marked tests
pytestmark = pytest.mark.django_db
PERIODS = [("2013-01-03", "2013-01-12"), ("2013-01-06", "2013-01-08")]


@pytest.fixture(scope="module")
def counted(django_db_setup, django_db_blocker, spark, tmp_path_factory):
    """Everything both engines answered on one store, taken while its rows exist."""
    from click.testing import CliRunner

    from lakthan.cli import main
    from lakthan.core.services import add_unit
    from lakthan.monitoring.models import HostDay
    from lakthan.monitoring.services import hosts as log_hosts
    from lakthan.monitoring.services.engines import segment_files

    log_dir = tmp_path_factory.mktemp("sparkusage") / "logs"
    out: dict = {}
    with rolled_back(django_db_blocker, log_dir):
        add_unit("B", "สำนักงานทดสอบ")
        log_hosts.add_host("db01", "B")
        log_hosts.add_host("mail01", "B", ["10.0.0.9"])  # sends as its address too
        log_hosts.add_host("quiet01", "B")  # never sends
        build(segments=6, per_segment=40)
        out["hostday"] = sorted(
            (d.host_name, d.day, d.count, d.unparsed, d.first_ts, d.last_ts) for d in HostDay.objects.all()
        )
        everything = host_days(spark, segment_files(list(range(1, 7)), None))
        out["spark"] = sorted(everything.iter_rows())
        runner = CliRunner()
        for start, end in PERIODS:
            for engine in ("local", "spark"):
                argv = ["logs", "usage", "--from", start, "--to", end, "--engine", engine, "--json"]
                done = runner.invoke(main, argv + (["--master", "local[2]"] if engine == "spark" else []))
                assert done.exit_code == 0, done.output
                out[(start, end, engine)] = done.output
        done = runner.invoke(main, ["logs", "usage", "--from", PERIODS[0][0], "--to", PERIODS[0][1]])
        out["table"] = done.output
    return out


def test_host_days_counted_on_spark_equal_those_the_seal_counted(counted):
    assert counted["spark"] == counted["hostday"]
    hosts = {row[0] for row in counted["spark"]}
    assert hosts == {"web01", "db01", "10.0.0.9", "mail01"}
    parsed_days = {row[1] for row in counted["spark"] if row[0] != "web01" or row[3] == 0}
    assert date(2013, 1, 8) in parsed_days and date(2013, 1, 4) in parsed_days
    unparsed = [row for row in counted["spark"] if row[3]]  # the kept-raw lines, dated on arrival
    assert sum(row[3] for row in unparsed) == 6 and all(row[0] == "web01" for row in unparsed)
    assert all(row[4].tzinfo is not None and row[4] <= row[5] for row in counted["spark"])
    assert sum(row[2] for row in counted["spark"]) == 6 * 41


@pytest.mark.parametrize("period", PERIODS)
def test_usage_json_is_the_same_on_both_engines(counted, period):
    local, on_spark = counted[(*period, "local")], counted[(*period, "spark")]
    assert on_spark == local
    report = json.loads(local)
    assert (report["from"], report["to"]) == period
    by_name = {h["name"]: h for h in report["hosts"]}
    assert sorted(by_name) == ["db01", "mail01", "quiet01"]
    assert by_name["quiet01"]["events"] == 0 and by_name["quiet01"]["silent"] == [list(period)]
    if period == PERIODS[0]:
        # db01 sends nothing on 8 January (segment 4 is web01's alone), nor before the first segment
        # or after the last one
        assert by_name["db01"]["silent"] == [
            ["2013-01-03", "2013-01-03"],
            ["2013-01-08", "2013-01-08"],
            ["2013-01-12", "2013-01-12"],
        ]
        # mail01's events are its name's and its address's
        assert by_name["mail01"]["events"] == sum(
            n for host, _, n, *_ in counted["hostday"] if host in ("mail01", "10.0.0.9")
        )
        assert [u["host"] for u in report["unknown_senders"]] == ["web01"]
        first = datetime.fromisoformat(by_name["db01"]["first"])
        assert first.astimezone(UTC) == min(r[4] for r in counted["hostday"] if r[0] == "db01")


def test_usage_table_names_days_events_and_silent_spells(counted):
    rows = {
        line.split("│")[1].strip(): line for line in counted["table"].splitlines() if line.startswith("│ ")
    }
    cells = {name: [c.strip() for c in line.split("│")[2:7]] for name, line in rows.items() if name}
    assert cells["quiet01"] == ["B", "0", "0", "0", "2013-01-03..2013-01-12"]
    assert cells["db01"][:4] == ["B", "7", "50", "0"] and cells["db01"][4] == "2013-01-03"
    assert cells["web01"] == ["—", "8", "90", "0", ""]  # a sender no inventoried host accounts for
    spells = [line.split("│")[6].strip() for line in counted["table"].splitlines() if line.startswith("│ ")]
    assert spells[:3] == ["2013-01-03", "2013-01-08", "2013-01-12"]  # db01's, one a line
