"""Shared fixtures: a small organisation with the FY 2556 agreement for 9.2, built through the services."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
# The tests that run the installed `lakthan` go through its warm copy as a user does; a copy leaves
# five seconds after its last command rather than ten minutes after the pass (tests/cli/test_warm.py
# sets its own).
os.environ.setdefault("LAKTHAN_WARM", "5")


def lakthan_argv(*args: str) -> list[str]:
    """The `lakthan` command (this checkout's), to run as a process of its own."""
    return [sys.executable, "-m", "lakthan.cli", *args]


IMPORTED = "IMPORTED "  # the line run_lakthan_reporting_imports ends the output with


def run_lakthan_reporting_imports(env: dict, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """`lakthan ARGS` as a process of its own, and the top-level packages it had imported at its end."""
    code = (
        "import sys, runpy, atexit, json; sys.argv = ['lakthan', *sys.argv[1:]];"
        f"atexit.register(lambda: print({IMPORTED!r} + json.dumps(sorted({{m.split('.')[0] for m in sys.modules}}))));"
        "runpy.run_module('lakthan.cli', run_name='__main__')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300
    )
    last = proc.stdout.splitlines()[-1] if proc.stdout else ""
    return proc, set(json.loads(last.removeprefix(IMPORTED))) if last.startswith(IMPORTED) else set()


def _process_environ(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "LAKTHAN_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "lakthan.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
    }


def _postgres_server() -> str:
    server = os.environ.get("DATABASE_URL", "")
    return server if server.startswith(("postgres://", "postgresql://")) else ""


@contextlib.contextmanager
def _database(server: str, template: str | None = None):
    """A new database on the pass's PostgreSQL server (a copy of ``template``), dropped afterwards."""
    import psycopg

    name = f"lakthan_{secrets.token_hex(6)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield name
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _migrated_database(tmp_path_factory):
    """One database migrated by `lakthan migrate` (bundled libraries loaded) for the whole pass: the
    SQLite file, or the name of a PostgreSQL database to copy. Migrating costs a process seconds (about
    8 on PostgreSQL), and the tests of processes are about what comes after; the first command on an
    empty home or database is tested by tests/cli/test_migrate.py and bare_process_env's users."""
    home = tmp_path_factory.mktemp("migrated") / "home"
    env = _process_environ(home)
    server = _postgres_server()
    if not server:
        env.pop("DATABASE_URL", None)
        subprocess.run(lakthan_argv("migrate"), env=env, check=True, capture_output=True, timeout=300)
        yield home / "lakthan.sqlite3"
        return
    with _database(server) as name:
        env["DATABASE_URL"] = urlparse(server)._replace(path=f"/{name}").geturl()
        subprocess.run(lakthan_argv("migrate"), env=env, check=True, capture_output=True, timeout=300)
        yield name


@contextlib.contextmanager
def _environ_on_a_new_database(home: Path, migrated: Path | str | None):
    """`lakthan`'s environment on ``home`` and a database of its own of the kind this pass tests: SQLite
    under that home, or a database on the pass's PostgreSQL server, dropped afterwards; a copy of the
    pass's ``migrated`` one, or (None) an empty one."""
    env = _process_environ(home)
    server = _postgres_server()
    if not server:
        env.pop("DATABASE_URL", None)
        if migrated is not None:
            home.mkdir(parents=True)
            shutil.copyfile(migrated, home / "lakthan.sqlite3")
        yield env
        return
    with _database(server, template=None if migrated is None else str(migrated)) as name:
        env["DATABASE_URL"] = urlparse(server)._replace(path=f"/{name}").geturl()
        yield env
    assert not (home / "lakthan.sqlite3").exists(), "the process did not use PostgreSQL"


@pytest.fixture
def bare_process_env(tmp_path):
    """The environment of `lakthan` run as a process of its own, on a new LAKTHAN_HOME and a new, empty
    database. Unlike the `e2e` tests, these run in both passes."""
    with _environ_on_a_new_database(tmp_path / "home", None) as env:
        yield env


@pytest.fixture
def process_env(tmp_path, _migrated_database):
    """Like bare_process_env, its database already migrated: a copy of the pass's migrated one."""
    with _environ_on_a_new_database(tmp_path / "home", _migrated_database) as env:
        yield env


@pytest.fixture(autouse=True)
def _private_blob_store(settings, tmp_path):
    """Each test gets its own evidence store and log store, so what one test stores (an audit line
    sealed into a signed checkpoint, say) never shows in another."""
    settings.LAKTHAN_BLOB_DIR = tmp_path / "blobs"
    settings.LAKTHAN_LOG_DIR = tmp_path / "logs"


@pytest.fixture
def org(db):
    from lakthan.core.services import add_person, add_unit
    from lakthan.indicators import services as ind
    from lakthan.indicators.libraries import ensure_bundled_libraries

    ensure_bundled_libraries()
    bureau = add_unit("B", "สำนักงานทดสอบ", name_en="Test Bureau")
    division = add_unit("B-IT", "ศูนย์เทคโนโลยีสารสนเทศ", parent="B")
    other = add_unit("X", "สำนักงานอื่น")
    supervisor = add_person(division, "สมหญิง", "ใจงาม", title_th="พ.ต.ท.หญิง")
    collector = add_person(division, "สมชาย", "ขยันยิ่ง", title_th="ร.ต.ท.")
    indicator = ind.find_indicator("9.2", 2556)
    ind.set_agreement(bureau, 2556, [(indicator, 3)])
    ind.assign(bureau, indicator, 2556, supervisor, "supervisor")
    ind.assign(bureau, indicator, 2556, collector, "collector")
    report = ind.get_report(bureau, 2556, 12, "9.2")

    class Org:
        pass

    o = Org()
    o.bureau, o.division, o.other, o.supervisor, o.collector, o.indicator, o.report = (
        bureau,
        division,
        other,
        supervisor,
        collector,
        indicator,
        report,
    )
    return o


def pdf_bytes(text: str = "หลักฐาน") -> bytes:
    """A tiny but real PDF."""
    body = f"BT /F1 12 Tf 10 10 Td ({text.encode('ascii', 'replace').decode()}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


@pytest.fixture
def webhook_receiver(settings):
    """A webhook receiver on 127.0.0.1 answering ``status``; records each POST's headers and JSON.
    Loopback is made a trusted network for the test (a webhook may not reach it otherwise)."""
    settings.LAKTHAN_WEBHOOK_TRUSTED_NETWORKS = ["127.0.0.0/8"]
    received: list[dict] = []
    status = {"code": 204}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # the name http.server calls
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"headers": dict(self.headers), "json": json.loads(body)})
            self.send_response(status["code"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received, status
    server.shutdown()
    server.server_close()


@pytest.fixture
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "lakthan@agency.example"


@pytest.fixture
def require_2fa(settings):
    settings.LAKTHAN_REQUIRE_2FA = True


PASSWORD = "a-long-test-password"
ROLES = ("admin", "supervisor", "collector", "reviewer", "auditor")


@pytest.fixture
def world(db, django_user_model):
    """Two sibling bureaux A (with a division A-1) and B, each with the FY 2556 agreement for 9.2 and one
    piece of evidence; one user per role, each granted the role in A."""
    import io
    from decimal import Decimal

    from lakthan.core.models import RoleGrant
    from lakthan.core.services import add_person, add_unit
    from lakthan.evidence import services as ev
    from lakthan.indicators import services as ind
    from lakthan.indicators.libraries import ensure_bundled_libraries

    ensure_bundled_libraries()
    a = add_unit("A", "สำนักงาน ก", name_en="Bureau A")
    a1 = add_unit("A-1", "กอง ก ๑", parent="A", name_en="Division A-1")
    b = add_unit("B", "สำนักงาน ข", name_en="Bureau B")
    indicator = ind.find_indicator("9.2", 2556)
    reports, evidence = {}, {}
    for unit in (a, a1, b):
        ind.set_agreement(unit, 2556, [(indicator, Decimal(3))])
        reports[unit.code] = ind.get_report(unit, 2556, 12, "9.2")
        evidence[unit.code] = ev.add_file(
            unit,
            io.BytesIO(pdf_bytes(unit.code)),
            f"{unit.code}.pdf",
            ev.Metadata(title=f"คำสั่ง {unit.code}", kind="order"),
        )
    users = {}
    for role in ROLES:
        user = django_user_model.objects.create_user(
            f"{role}-a", password=PASSWORD, email=f"{role}@example.invalid"
        )
        RoleGrant.objects.create(user=user, unit=a, role=role)
        users[role] = user
    # The supervisor is also the indicator's named supervisor in A, so they may sign there.
    person = add_person(a, "ผู้กำกับ", "ทดสอบ", title_th="พ.ต.อ.", user=users["supervisor"])
    ind.assign(a, indicator, 2556, person, "supervisor")

    class World:
        pass

    w = World()
    w.a, w.a1, w.b, w.indicator, w.reports, w.evidence, w.users = (
        a,
        a1,
        b,
        indicator,
        reports,
        evidence,
        users,
    )
    w.password = PASSWORD
    return w


@pytest.fixture
def cli():
    """Runs a `lakthan` command in this process (against the test database); returns click's Result."""
    from click.testing import CliRunner

    from lakthan.cli import main

    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


def api_key(user, scope: str = "write") -> str:
    """A new API token's key for ``user`` (read-and-write unless asked), made as the account page does."""
    from lakthan.core import tokens

    return tokens.issue(user, "test", scope, actor="test")[1]


# Headless Chromium as the browser tests run it: Debian's, without the background connections this
# machine's closed network would refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def chromium(
    width: int = 1366, height: int = 900, locale: str | None = "th-TH", timeout: int = 15000, **options
):
    """A page of a new headless Chromium (``options``: more of Playwright's context options)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        if locale:
            options["locale"] = locale
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        page = context.new_page()
        page.set_default_timeout(timeout)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture
def chromium_page():
    """A Thai page 1366 px wide (the width the layout is judged at)."""
    with chromium() as page:
        yield page


# What makes a test touch a database: pytest-django's fixtures and marker, or a `lakthan` process on
# the pass's database (process_env). A module that starts processes or reads DATABASE_URL itself is
# counted as touching one too.
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "process_env",
        "bare_process_env",
        "live_server",
    }
)
PROCESS_WORDS = ("subprocess", "lakthan_argv", "DATABASE_URL", "call_command")


@functools.cache
def module_text(path: Path) -> str:
    """A test module's source, read once however many tests it holds ("" when it cannot be read)."""
    try:
        return path.read_text()
    except OSError:
        return ""


BROWSER_WORDS = ("chromium", "playwright")


def touches_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    return any(word in module_text(item.path) for word in PROCESS_WORDS)


def page_or_browser(item: pytest.Item) -> bool:
    """A page test (its queries are its services', whose tests run on both databases) or a test that
    drives a browser (it drives a page the same way on either)."""
    name = item.path.name
    if name.endswith(("_web.py", "_pages.py")) or name == "test_views.py" or name.startswith("test_pages"):
        return True
    return any(word in module_text(item.path) for word in BROWSER_WORDS)


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL pass runs the tests whose answer may depend on the database: one that touches
    none (an engine, a parser, a PDF from given values) gives the same result on both, and so do page
    and browser tests (page_or_browser). The SQLite pass runs every one of them."""
    if os.environ.get("LAKTHAN_TEST_DB") != "postgres":
        return
    kept, left = [], []
    for item in items:
        (kept if touches_database(item) and not page_or_browser(item) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
