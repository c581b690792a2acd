"""Fixtures of the retro-hunt tests: the known attacks sealed in five segments (brute forces across
segment boundaries, web attacks in a segment of their own) and Sigma files to hunt with."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakthan.monitoring.services import home, ingest
from lakthan.monitoring.services import seal as sealing

from .gen import known_attacks

CRON_ID = "5d0f6a0e-0000-4000-8000-0000000000c1"
CRON_RULE = (
    f"title: Cron noise\nid: {CRON_ID}\nlogsource: {{product: linux, service: cron}}\n"
    "detection: {k: ['run-parts'], condition: k}\nlevel: low\n"
)
BAD_RULE = (
    "title: b\nid: 5d0f6a0e-0000-4000-8000-0000000000c2\nlogsource: {product: linux}\n"
    "detection: {s: {CommandLine|foo: x}, condition: s}\n"
)
NOT_YAML = "title: [unclosed\n"


@pytest.fixture
def sealed(db, settings):
    """Five segments: the syslog lines dealt round four, then the web server's access log."""
    settings.LAKTHAN_DISABLED_ACCOUNTS = ["former01"]
    syslog, access = known_attacks()
    for part in range(4):
        ingest.ingest_lines(syslog[part::4], "syslog")
        sealing.seal()
    ingest.ingest_lines(access, "nginx")
    sealing.seal()
    assert home.store().size() == 5


@pytest.fixture
def rule_files(tmp_path) -> dict[str, Path]:
    d = tmp_path / "hunt-rules"
    d.mkdir()
    files = {"cron": d / "cron.yml", "bad": d / "bad.yml", "broken": d / "broken.yml"}
    files["cron"].write_text(CRON_RULE)
    files["bad"].write_text(BAD_RULE)
    files["broken"].write_text(NOT_YAML)
    return files
