"""Fixtures of item 10: a real slapd (tests/access/slapd.py), a bureau with units, an HR roster."""

from __future__ import annotations

import shutil

import pytest

from tests.access.slapd import Slapd, User  # noqa: F401 — User is used by the tests


@pytest.fixture
def slapd_factory(tmp_path):
    """start(users, groups) → a running Slapd; every one started is stopped and removed afterwards."""
    started: list[Slapd] = []

    def start(users, groups=None):
        server = Slapd(tmp_path / f"slapd-{len(started)}")
        started.append(server)
        return server.start(users, groups or {})

    yield start
    for server in started:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def units(db):
    from lakthan.core.services import add_unit

    bureau = add_unit("B", "สำนักงานทดสอบ", name_en="Test Bureau")
    add_unit("B-IT", "ศูนย์เทคโนโลยีสารสนเทศ", parent="B")
    add_unit("B-HR", "ฝ่ายบุคคล", parent="B")
    return bureau
