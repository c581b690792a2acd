"""Fixtures for item 1: systems backed by real restic repositories in the test's tmp dir."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

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


def cheap_repository(repo: Path, key: Path) -> Path:
    """A test repository, initialised and re-keyed cheaply as the demo does; returns its key file."""
    from lakthan.backups.demo import use_cheap_key
    from lakthan.backups.engines.restic import Restic
    from lakthan.lib.files import write_private

    if not (repo / "config").exists():
        password = secrets.token_urlsafe(16)
        write_private(key, password)
        repo.parent.mkdir(parents=True, exist_ok=True)
        Restic(repo, password_file=key).init()
        use_cheap_key(repo, password.encode())
    return key


@pytest.fixture
def make_system(org, tmp_path):
    from lakthan.backups.services.systems import add_system

    def make(name="web", *, klass="intranet", paths=None, cheap_key=True, **kw):
        kw.setdefault("unit", org.division)
        kw.setdefault("repo", str(tmp_path / "repos" / name))
        if cheap_key and kw.get("init_repo", True) and "password_file" not in kw:
            kw["password_file"] = str(cheap_repository(Path(kw["repo"]), tmp_path / "keys" / f"{name}.key"))
        return add_system(name, klass=klass, paths=paths, **kw)

    return make
