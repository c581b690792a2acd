"""A full disk: every command says so in one line, exits non-zero and leaves nothing half-written."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_arguments import A_ROUND


@pytest.fixture
def full_disk(tmp_path):
    """A 256 KiB tmpfs filled to the last byte (needs root, as CI and the dev machine run)."""
    mount = tmp_path / "full"
    mount.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a tmpfs here (not root)")
    try:
        (mount / "keep").mkdir()
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"\0" * 512):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_a_report_onto_a_full_disk_is_one_line_and_no_file(world, cli, full_disk):
    before = _files(full_disk)
    r = cli(
        "report", "--unit", world.a.code, *A_ROUND, "--format", "pdf", "--out", str(full_disk / "report.pdf")
    )
    assert r.exit_code == 1 and "No space left on device" in r.output and "Traceback" not in r.output
    assert _files(full_disk) == before  # no report.pdf, no temporary file


def test_evidence_onto_a_full_store_is_one_line_and_no_record(world, cli, full_disk, settings, tmp_path):
    from lakthan.evidence.models import Evidence
    from tests.conftest import pdf_bytes

    settings.LAKTHAN_BLOB_DIR = full_disk / "keep"
    count = Evidence.objects.count()
    upload = tmp_path / "plan.pdf"
    upload.write_bytes(pdf_bytes("a plan for a full disk"))
    r = cli("evidence", "add", str(upload), "--unit", world.a.code, "--title", "แผน")
    assert r.exit_code == 1 and "No space left on device" in r.output and "Traceback" not in r.output
    assert Evidence.objects.count() == count
    assert not [p for p in (full_disk / "keep").rglob("*") if p.is_file()]


def test_log_ingest_onto_a_full_disk_is_one_line_and_loses_the_place_of_nothing(
    world, cli, full_disk, settings, tmp_path
):
    settings.LAKTHAN_LOG_DIR = full_disk / "keep" / "logs"
    os.makedirs(settings.LAKTHAN_LOG_DIR / "state")
    source = tmp_path / "syslog"
    source.write_text("<38>1 2013-01-05T10:00:00+07:00 web01 sshd 1 - - a line\n" * 2000)
    r = cli("logs", "ingest", str(source))
    assert r.exit_code == 1 and "No space left on device" in r.output and "Traceback" not in r.output
    assert not (settings.LAKTHAN_LOG_DIR / "state" / "files.json").exists()  # the file will be read again
