"""Migrations run by themselves only on an empty database; one in use is migrated by `lakthan migrate`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def _run(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LAKTHAN_HOME": str(home), "DJANGO_SETTINGS_MODULE": "lakthan.settings"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300)


def test_pending_migrations_of_a_database_in_use_wait_for_lakthan_migrate(tmp_path):
    home = tmp_path / "home"
    first = _run(home, "-m", "lakthan.cli", "unit", "list")
    assert first.returncode == 0  # an empty home is created and migrated by itself
    assert _run(home, "-m", "django", "migrate", "reports", "zero", "--verbosity", "0").returncode == 0
    refused = _run(home, "-m", "lakthan.cli", "unit", "list")
    assert refused.returncode == 2 and "1 migration(s) pending" in refused.stderr
    assert "lakthan migrate" in refused.stderr and "Traceback" not in refused.stderr
    done = _run(home, "-m", "lakthan.cli", "migrate")
    assert done.returncode == 0 and "database up to date" in done.stderr
    assert _run(home, "-m", "lakthan.cli", "unit", "list").returncode == 0
