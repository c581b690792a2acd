"""Fixtures for item 1: systems backed by real restic repositories in the test's tmp dir."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _fast_lock_backoff(monkeypatch):
    from lakthan.backups.services import systems

    monkeypatch.setattr(systems, "LOCK_RETRIES", 2)
    monkeypatch.setattr(systems, "LOCK_BACKOFF", 0.05)


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text("สวัสดี hello\n" * 50, encoding="utf-8")
    (d / "sub" / "b.bin").write_bytes(os.urandom(40_000))
    (d / "sub" / "c.csv").write_text("id,name\n1,x\n", encoding="utf-8")
    return d


@pytest.fixture
def make_system(org, tmp_path):
    from lakthan.backups.services import add_system

    def make(name="web", *, klass="intranet", paths=None, cheap_key=True, **kw):
        kw.setdefault("unit", org.division)
        kw.setdefault("repo", str(tmp_path / "repos" / name))
        return add_system(name, klass=klass, paths=paths, cheap_key=cheap_key, **kw)

    return make
