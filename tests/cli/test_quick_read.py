"""`lakthan unit list` read without Django (lakthan.quick_read) prints what the ORM path prints, on
SQLite and on PostgreSQL, and gives way to Django whenever the answer could differ."""

from __future__ import annotations

import json
import subprocess
import sys

from django.conf import settings
from django.utils import translation

from lakthan import migration_state, quick_read
from lakthan.core.cli import UNIT_KINDS_TH
from lakthan.core.models import Unit
from tests.conftest import lakthan_argv

# Runs `lakthan ARGS` in this process and reports its output and whether Django was set up. With
# FORCE_ORM, Django is set up first, so the command takes the ORM path.
PROBE = """
import contextlib, io, json, sys
from lakthan import cli
force_orm, args = sys.argv[1] == "orm", sys.argv[2:]
if force_orm:
    cli.setup_django()
out, code = io.StringIO(), 0
with contextlib.redirect_stdout(out):
    try:
        cli.main(args, prog_name="lakthan")
    except SystemExit as exc:
        code = exc.code
apps = sys.modules.get("django.apps")
print("PROBE " + json.dumps({"code": code, "django": bool(apps and apps.apps.ready), "out": out.getvalue()}))
"""


def _probe(env, path: str, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, path, *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.stdout, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1].removeprefix("PROBE "))


def _run(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(lakthan_argv(*args), env=env, capture_output=True, text=True, timeout=120)


def test_the_migrations_found_by_path_are_djangos():
    assert quick_read.migrations_on_disk(settings.INSTALLED_APPS) == migration_state.on_disk()


def test_the_unit_kinds_printed_are_the_models():
    with translation.override("th"):
        assert UNIT_KINDS_TH == {kind.value: str(kind.label) for kind in Unit.Kind}


def test_an_app_that_cannot_be_found_sends_the_command_to_django():
    assert quick_read.migrations_on_disk(["lakthan.core", "no_such_package_here"]) == {
        ("", "no_such_package_here not found")
    }


# Five units on three levels, Thai names, a head: made through the services in one process.
UNITS = """
from lakthan.cli import setup_django
setup_django()
from lakthan.core.services import add_person, add_unit, get_unit, set_unit_head
for code, name, parent, kind in [
    ("B", "สำนักงานทดสอบ", None, "bureau"),
    ("B-IT", "ศูนย์เทคโนโลยีสารสนเทศ", "B", "division"),
    ("B-CP", "ด่านทดสอบ", "B", "checkpoint"),
    ("A", "กองอื่น", None, "division"),
    ("B-IT-1", "ฝ่ายระบบ", "B-IT", "subdivision"),
]:
    add_unit(code, name, name_en=f"Unit {code}", parent=parent, kind=kind)
head = add_person(get_unit("B-IT"), "สมปอง", "ทดลอง")
set_unit_head(get_unit("B-IT"), head)
print(head.pk)
"""


def test_unit_list_without_django_prints_what_the_orm_prints(process_env):
    made = subprocess.run([sys.executable, "-c", UNITS], env=process_env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    head = int(made.stdout.split()[-1])

    printed = {}
    for args in (["unit", "list", "--json"], ["unit", "list"]):
        quick = _probe(process_env, "quick", *args)
        orm = _probe(process_env, "orm", *args)
        assert quick["code"] == orm["code"] == 0
        assert not quick["django"] and orm["django"]
        assert quick["out"] == orm["out"]
        printed[args[-1]] = quick["out"]
    rows = json.loads(printed["--json"])
    assert [(r["code"], r["depth"], r["parent"]) for r in rows] == [
        ("A", 0, None),
        ("B", 0, None),
        ("B-CP", 1, "B"),
        ("B-IT", 1, "B"),
        ("B-IT-1", 2, "B-IT"),
    ]
    assert [r["head"] for r in rows if r["code"] == "B-IT"] == [head]


def test_a_pending_migration_is_named_not_read_around(process_env):
    assert _probe(process_env, "quick", "unit", "list")["django"] is False  # migrated: read quickly
    forget = (
        "from django.db import connection; from lakthan.cli import setup_django; setup_django();"
        "connection.cursor().execute(\"DELETE FROM django_migrations WHERE app = 'core' AND name = "
        "(SELECT MAX(name) FROM django_migrations WHERE app = 'core')\")"
    )
    subprocess.run([sys.executable, "-c", forget], env=process_env, check=True, timeout=120)
    report = _probe(process_env, "quick", "unit", "list")
    assert report["code"] != 0 and report["django"]  # Django's path: it names the pending migration


def test_the_quick_connection_writes_nothing(process_env):
    assert _run(process_env, "unit", "add", "B", "--name-th", "สำนักงานทดสอบ").returncode == 0
    write = (
        "from lakthan import quick_read; c = quick_read.connect(); assert c is not None\n"
        "try:\n    c.cursor().execute(\"UPDATE core_unit SET name_th = 'x'\"); c.commit()\n"
        "except Exception as exc:\n    print('REFUSED', type(exc).__name__)\n"
    )
    proc = subprocess.run([sys.executable, "-c", write], env=process_env, capture_output=True, text=True)
    assert "REFUSED" in proc.stdout, proc.stdout + proc.stderr
    rows = json.loads(_probe(process_env, "quick", "unit", "list", "--json")["out"])
    assert rows[0]["name_th"] == "สำนักงานทดสอบ"
