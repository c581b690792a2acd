"""Start-up of the `lakthan` command: help never starts Django, a light command imports no heavy
library, and the start-up against a bare `python -c pass` (printed with `pytest -s`; bench/cli/run.py
gives the figures)."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_lakthan_reporting_imports

pytestmark = pytest.mark.e2e

# Runs the command as the console script does, then reports what the process holds.
PROBE = """
import json, sys
from lakthan.cli import main
try:
    main(sys.argv[1:], prog_name="lakthan")
except SystemExit as exc:
    code = exc.code
apps = sys.modules.get("django.apps")
print("PROBE " + json.dumps({
    "code": code,
    "django_set_up": bool(apps and apps.apps.ready),
    "imported": sorted({name.split(".")[0] for name in sys.modules}),
}))
"""
# Imported by the commands that use them, never at start-up. psycopg only with PostgreSQL (the
# homes here are SQLite); huey only by `lakthan worker`.
HEAVY = {"polars", "pyarrow", "sigma", "weasyprint", "psycopg", "huey"}
LAKTHAN = [
    sys.executable,
    "-c",
    "import sys; from lakthan.cli import main; sys.exit(main(prog_name='lakthan'))",
]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["LAKTHAN_HOME"] = str(home)
    return env


def _probe(home: Path, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=_env(home), capture_output=True, text=True, timeout=120
    )
    return json.loads(proc.stdout.splitlines()[-1].removeprefix("PROBE "))


@pytest.mark.parametrize(
    ("args", "code"),
    [(["--help"], 0), (["logs", "--help"], 0), (["unit", "add", "--help"], 0), (["logs"], 2)],
    ids=["--help", "logs --help", "unit add --help", "logs (no sub-command: help)"],
)
def test_help_never_sets_up_django_nor_creates_a_home(tmp_path, args, code):
    home = tmp_path / "home"
    report = _probe(home, *args)
    assert report["code"] == code and not report["django_set_up"]
    assert not HEAVY & set(report["imported"]), HEAVY & set(report["imported"])
    assert not home.exists()  # no database, no secret key: settings were never read


def test_a_light_command_reads_without_django_once_the_home_is_set_up(tmp_path):
    home = tmp_path / "home"
    first = _probe(home, "unit", "list")  # an empty home: Django creates and migrates it
    assert first["code"] == 0 and first["django_set_up"] and (home / "lakthan.sqlite3").exists()
    again = _probe(home, "unit", "list")  # a home in use: the migration check and one query, no ORM
    assert again["code"] == 0 and not again["django_set_up"]
    assert not (HEAVY | {"django"}) & set(again["imported"]), (HEAVY | {"django"}) & set(again["imported"])


def test_library_validate_needs_no_database(tmp_path):
    home = tmp_path / "home"
    bundled = Path(__file__).resolve().parents[2] / "src/lakthan/indicators/library/opdc-2556.yaml"
    report = _probe(home, "library", "validate", str(bundled))
    assert report["code"] == 0 and not report["django_set_up"] and not home.exists()


def _median_seconds(args: list[str], env: dict[str, str], repeat: int = 5) -> tuple[float, float]:
    """Median wall and CPU (user + system) seconds of `args` run `repeat` times after a warm-up."""
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    walls, cpus = [], []
    for _ in range(repeat):
        before, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
        after, t1 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        walls.append(t1 - t0)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def test_start_up_against_a_bare_python(tmp_path):
    """Printed with `pytest -s`. The bound is loose on purpose (a loaded machine must not fail it) and
    on CPU time, which another process's load disturbs less than wall time: each command takes about
    13 times a bare Python here, and setting Django up for `unit list` took 45 times; the bound fails
    a command that pulls in the ORM or heavy libraries again."""
    env = _env(tmp_path / "home")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode compiled once, then read
    subprocess.run([*LAKTHAN, "unit", "list"], env=env, check=True, stdout=subprocess.DEVNULL)  # migrate
    bare_wall, bare_cpu = _median_seconds([sys.executable, "-c", "pass"], env)
    for args in (["--help"], ["logs", "--help"], ["unit", "list"]):
        wall, cpu = _median_seconds([*LAKTHAN, *args], env)
        print(
            f"\nlakthan {' '.join(args):<12} wall {wall * 1000:5.0f} ms ({wall / bare_wall:5.1f} × python -c pass)"
            f"  CPU {cpu * 1000:5.0f} ms ({cpu / bare_cpu:5.1f} ×)"
        )
        assert cpu / bare_cpu < 30, f"lakthan {' '.join(args)}: {cpu:.2f} s of CPU to start"


def test_a_seal_does_not_import_the_rule_compiler(tmp_path):
    """Sealing needs only the key of the rules in force, never pySigma (about 0.15 s a seal)."""
    proc, imported = run_lakthan_reporting_imports(
        {**os.environ, "LAKTHAN_HOME": str(tmp_path / "home")}, "logs", "seal"
    )
    assert proc.returncode == 0 and imported and "sigma" not in imported, proc.stdout + proc.stderr
