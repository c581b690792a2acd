"""A damaged store is named, never "repaired" by deleting sealed files or making a new key."""

from __future__ import annotations

import os

import pytest

from lakthan.monitoring.pipeline import parsers
from lakthan.monitoring.pipeline.store import LogStore, StoreDamaged
from lakthan.monitoring.pipeline.verify import verify_dir


def _lines(n, start=0):
    return [
        f"<38>1 2013-01-05T10:00:{i % 60:02d}+07:00 web01 sshd {i} - - line {i}"
        for i in range(start, start + n)
    ]


@pytest.fixture
def six(tmp_path):
    s = LogStore(tmp_path / "logs", origin="test.local/logs")
    for k in range(6):
        s.append(parsers.parse(_lines(50, start=50 * k)).events)
        s.seal()
    return s


def _sealed_files(s: LogStore) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for d in (s.seg_dir, s.cp_dir)
        for p in sorted(d.iterdir())
        if not p.name.startswith(".")
    }


def test_a_missing_header_stops_sealing_and_deletes_nothing(six):
    os.chmod(six.seg_dir / "00000003.json", 0o644)
    (six.seg_dir / "00000003.json").unlink()
    before = _sealed_files(six)
    assert six.size() == 6  # the highest sealed number, not the count of headers
    six.append(parsers.parse(_lines(50, start=1000)).events)  # events still arrive
    assert six.recover() == ["segment header 00000003.json is missing"]
    with pytest.raises(StoreDamaged, match="00000003.json is missing"):
        six.seal()
    assert _sealed_files(six) == before  # segment 6, its leaves and signed checkpoint untouched
    assert len(six.open_chunks()) == 1  # the new events wait, whole, in the open chunk
    report = verify_dir(six.root, six.vkey())
    assert (3, None, "removed") in [(p["segment"], p["position"], p["kind"]) for p in report.problems]


def test_a_missing_checkpoint_file_does_not_make_the_next_seal_reuse_its_number(six):
    os.chmod(six.cp_dir / "00000006.txt", 0o644)
    note = (six.cp_dir / "00000006.txt").read_text()
    (six.cp_dir / "00000006.txt").unlink()
    six.append(parsers.parse(_lines(10, start=2000)).events)
    sealed = six.seal()
    assert (
        six.cp_dir / "00000006.txt"
    ).read_text() == note  # re-signed over the same tree (Ed25519 is deterministic)
    assert sealed.header["index"] == 7


def test_uncommitted_segment_files_are_moved_aside_not_deleted(six):
    six.append(parsers.parse(_lines(10, start=3000)).events)
    orphan = six.seg_dir / "00000007.parquet"
    orphan.write_bytes(b"written by a seal that died before its header")
    sealed = six.seal()
    assert sealed.header["index"] == 7
    kept = list((six.root / "quarantine").iterdir())
    assert [p.read_bytes() for p in kept] == [b"written by a seal that died before its header"]
    assert verify_dir(six.root, six.vkey()).intact


def test_a_missing_signing_key_is_damage_and_no_reader_makes_a_new_one(six):
    vkey_before = (six.root / "checkpoint.vkey").read_bytes()
    (six.root / "checkpoint.key").unlink()
    reader = LogStore(six.root, origin="test.local/logs")
    assert reader.vkey() == vkey_before.decode().strip()
    assert verify_dir(reader.root, reader.vkey()).intact
    reader.append(parsers.parse(_lines(5, start=4000)).events)
    with pytest.raises(StoreDamaged, match="checkpoint.key is missing"):
        reader.seal()
    assert not (six.root / "checkpoint.key").exists()
    assert (six.root / "checkpoint.vkey").read_bytes() == vkey_before


def test_a_key_that_does_not_match_the_published_one_is_refused(six, tmp_path):
    other = LogStore(tmp_path / "other", origin="test.local/logs")
    other.append(parsers.parse(_lines(1)).events)
    other.seal()
    (six.root / "checkpoint.key").write_bytes((other.root / "checkpoint.key").read_bytes())
    store = LogStore(six.root, origin="test.local/logs")
    store.append(parsers.parse(_lines(1, start=9)).events)
    with pytest.raises(StoreDamaged, match="does not match the published public key"):
        store.seal()
