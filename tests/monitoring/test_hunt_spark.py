"""The retro-hunt on the Spark engine, through sparkhunt's `pipeline.spark.hunt.hunt` (the contract):
the hunt records exactly what the local engine records, reading the store's own files or a copy of
them elsewhere (a shared directory standing in for object storage); without Java, `--engine spark`
says what to install and records nothing."""

from __future__ import annotations

import shutil
import subprocess
from importlib.util import find_spec

import pytest

from lakthan.monitoring.models import Alert
from lakthan.monitoring.services import home, hunts
from lakthan.monitoring.services import rules as log_rules
from tests.conftest import lakthan_argv
from tests.monitoring import hunt_fixtures

sealed, rule_files = hunt_fixtures.sealed, hunt_fixtures.rule_files


def _hunt(sources, **engine):
    hunt, sources, _ = hunts.request_hunt(sources, None, None, actor="analyst", **engine)
    return hunts.carry_out(hunt.pk, sources)


@pytest.mark.skipif(
    find_spec("lakthan.monitoring.pipeline.spark.hunt") is None, reason="sparkhunt's engine is not merged yet"
)
def test_the_spark_engine_records_what_the_local_engine_finds(sealed, spark, rule_files, tmp_path):
    sources = log_rules.rule_sources() + hunts.read_rule_files([rule_files["cron"]])
    local, local_alerts = _hunt(sources)
    assert local.new_alerts == len(local_alerts) > 1
    on_spark, spark_alerts = _hunt(sources, engine="spark", master="local[2]")
    assert spark_alerts == local_alerts
    assert (on_spark.status, on_spark.segments, on_spark.alerts, on_spark.new_alerts) == (
        "done",
        5,
        len(local_alerts),
        0,
    )
    assert on_spark.segments_url == str(home.store().seg_dir) and on_spark.master == "local[2]"
    assert set(Alert.objects.values_list("hunt", flat=True)) == {local.pk}  # the first hunt's, kept

    shared = tmp_path / "shared-segments"  # the files where a cluster reads them
    shutil.copytree(home.store().seg_dir, shared)
    elsewhere, found = _hunt(sources, engine="spark", master="local[2]", segments_url=f"file://{shared}")
    assert found == local_alerts and elsewhere.segments_url == f"file://{shared}"


def test_without_java_the_spark_engine_says_what_to_install(process_env, tmp_path):
    env = {**process_env, "JAVA_HOME": str(tmp_path / "no-java")}
    done = subprocess.run(
        lakthan_argv("logs", "hunt", "--engine", "spark"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "no Java runtime for Spark" in done.stderr, done.stderr
    assert "install-system-deps.sh spark" in done.stderr and "Traceback" not in done.stderr
    listed = subprocess.run(lakthan_argv("logs", "hunts", "--json"), env=env, capture_output=True, text=True)
    assert listed.stdout.strip() == "[]"
