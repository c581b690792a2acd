"""Real source databases for the dataset tests: a SQLite file made per test, and a database of its
own on the PostgreSQL server of the test run (skipped only when this pass has no server)."""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path
from urllib.parse import urlparse

import pytest

SECRET = "Zq9-very-secret-pw"  # a password no message, reading, page or output may show

# a recursive CTE that counts far past any test's timeout (stopped by the progress handler)
SQLITE_SLOW = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"


def sqlite_source(tmp_path: Path, name: str = "source.db") -> tuple[str, Path]:
    """(DSN, file) of a SQLite database with ``imports`` (times written naive, in Thai local time,
    with an offset and as epoch seconds) and ``people`` (one NULL e-mail in four)."""
    path = tmp_path / name
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            CREATE TABLE imports (id INTEGER PRIMARY KEY, at TEXT, at_zoned TEXT, at_epoch INTEGER, d TEXT);
            INSERT INTO imports VALUES (1, '2026-11-30 08:00:00', '2026-11-30T08:00:00+00:00', 1796025600, '2026-11-30');
            INSERT INTO imports VALUES (2, '2026-12-01 10:00:00', '2026-12-01T10:00:00+00:00', 1796119200, '2026-12-01');
            CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
            INSERT INTO people VALUES (1, 'a', 'a@x'), (2, 'b', NULL), (3, 'c', 'c@x'), (4, 'd', 'd@x');
            """
        )
    return f"sqlite://{path}", path


def server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(scope="module")
def pg_source():
    """The DSN of a database of its own on this pass's PostgreSQL server, with ``imports`` (a naive
    ``timestamp`` and a ``timestamptz``) and ``people``; dropped afterwards."""
    server = server_url()
    if server is None:
        if os.environ.get("LAKTHAN_TEST_DB") == "postgres":
            pytest.fail("the PostgreSQL pass has no DATABASE_URL")
        pytest.skip(
            "no PostgreSQL server in this pass (LAKTHAN_TEST_DB=postgres scripts/with-postgres.sh runs it)"
        )
    import psycopg

    name = f"lakthan_src_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = urlparse(server)._replace(path=f"/{name}").geturl()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE imports (id int, at timestamp, at_zoned timestamptz);"
            "INSERT INTO imports VALUES (1, '2026-12-01 10:00:00', '2026-12-01 10:00:00+00');"
            "CREATE SCHEMA hr; CREATE TABLE hr.people (id int, name text, email text);"
            "INSERT INTO hr.people VALUES (1, 'a', 'a@x'), (2, 'b', NULL), (3, 'c', 'c@x'), (4, 'd', 'd@x');"
        )
    try:
        yield url
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def with_password(url: str, password: str = SECRET) -> str:
    """The same server with a user and password in the DSN (the test server trusts loopback, so the
    password is carried but not needed)."""
    parts = urlparse(url)
    return parts._replace(
        netloc=f"{parts.username or 'lakthan'}:{password}@{parts.hostname}:{parts.port}"
    ).geturl()
