"""Atomic file writes: the old file or the new one, never half; no temporary file left behind."""

from __future__ import annotations

import os
import stat

import pytest

from lakthan.lib.files import atomic_writer, temp_name, write_atomic, write_private


def test_write_atomic_replaces_the_content_and_creates_missing_directories(tmp_path):
    target = tmp_path / "a" / "b" / "report.html"
    write_atomic(target, b"first")
    write_atomic(target, "ข้อความ")
    assert target.read_bytes() == "ข้อความ".encode()
    assert os.listdir(target.parent) == ["report.html"]


def test_write_private_is_readable_by_its_owner_only_even_over_a_public_file(tmp_path):
    target = tmp_path / "secret_key"
    write_atomic(target, "public", mode=0o644)
    write_private(target, "s3cret")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == "s3cret"


def test_a_stale_temporary_file_does_not_lend_its_mode_to_a_private_write(tmp_path):
    target = tmp_path / "key"
    stale = temp_name(target)
    stale.write_text("left by a crash")
    stale.chmod(0o666)
    write_private(target, "k")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not stale.exists()


def test_a_write_that_fails_midway_leaves_the_old_file_intact_and_no_temporary_file(tmp_path):
    target = tmp_path / "pack.zip"
    write_atomic(target, b"old content")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write(b"half of the new")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old content"
    assert os.listdir(tmp_path) == ["pack.zip"]


def test_streamed_writes_are_visible_only_when_the_block_ends(tmp_path):
    target = tmp_path / "big.bin"
    with atomic_writer(target) as fh:
        for i in range(3):
            fh.write(bytes([i]) * 1000)
        assert not target.exists()
        assert temp_name(target).exists()
    assert target.read_bytes() == b"\x00" * 1000 + b"\x01" * 1000 + b"\x02" * 1000


def test_the_directory_is_synced_after_the_rename(tmp_path, monkeypatch):
    """The rename is durable only once the directory is fsynced: the last fsync is the directory's."""
    synced: list[str] = []
    real_fsync = os.fsync

    def spy(fd):
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    write_atomic(tmp_path / "x", b"data")
    assert synced == ["file", "dir"]


def test_the_temporary_file_names_its_writer_process(tmp_path):
    """Monitoring's recovery reads the pid after ``.tmp`` to tell a live writer from a dead one."""
    assert temp_name(tmp_path / "seg.parquet").name == f".seg.parquet.tmp{os.getpid()}"
