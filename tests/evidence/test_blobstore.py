import hashlib
import io
import os
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakthan.evidence.engines import blobstore as bs
from lakthan.evidence.engines.blobstore import (
    BlobNotFound,
    BlobStore,
    BlobTooLarge,
    InvalidDigest,
    Mismatch,
    StoredBlob,
)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leftovers(root):
    """Every file under the store except finished blobs."""
    blobs = {str(p) for p in root.rglob("*") if p.is_file() and p.parent.parent.parent == root}
    return [p for p in root.rglob("*") if p.is_file() and str(p) not in blobs]


@pytest.fixture
def store(tmp_path):
    return BlobStore(tmp_path / "blobs")


def test_put_stream_stores_under_its_sha256_read_only(store):
    data = "หนังสือคำสั่ง ที่ ตช ๐๐๒๙.๙๓/๑๔๖๑".encode()
    blob = store.put_stream(io.BytesIO(data))
    assert blob == StoredBlob(sha(data), len(data), new=True)
    path = store.root / blob.sha256[:2] / blob.sha256[2:4] / blob.sha256
    assert store.path(blob.sha256) == path
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    with store.open(blob.sha256) as fh:
        assert fh.read() == data
    assert store.exists(blob.sha256) and store.verify(blob.sha256)
    assert leftovers(store.root) == []


def test_put_file_and_uppercase_digest(store, tmp_path):
    src = tmp_path / "in.bin"
    src.write_bytes(b"\x00\x01" * 5000)
    blob = store.put_file(src)
    assert blob.sha256 == sha(src.read_bytes()) and blob.size == 10000
    assert store.exists(blob.sha256.upper())


def test_identical_blob_is_not_rewritten(store):
    first = store.put_stream(io.BytesIO(b"same"))
    inode = store.path(first.sha256).stat().st_ino
    second = store.put_stream(io.BytesIO(b"same"))
    assert (second.sha256, second.size, first.new, second.new) == (first.sha256, first.size, True, False)
    assert store.path(first.sha256).stat().st_ino == inode
    assert list(store.iter_all()) == [first.sha256]
    assert leftovers(store.root) == []


def test_max_bytes_is_inclusive_and_exceeding_leaves_nothing(store):
    assert store.put_stream(io.BytesIO(b"x" * 100), max_bytes=100).size == 100
    with pytest.raises(BlobTooLarge) as err:
        store.put_stream(io.BytesIO(b"y" * (3 * bs.CHUNK + 1)), max_bytes=3 * bs.CHUNK)
    assert err.value.max_bytes == 3 * bs.CHUNK and err.value.message_th
    assert not store.exists(sha(b"y" * (3 * bs.CHUNK + 1)))
    assert list(store.iter_all()) == [sha(b"x" * 100)]
    assert leftovers(store.root) == []


class FailingReader(io.RawIOBase):
    """Gives a few chunks, then fails like a dropped connection."""

    def __init__(self, chunks):
        self.chunks = chunks

    def read(self, n=-1):
        if self.chunks == 0:
            raise ConnectionResetError("client went away")
        self.chunks -= 1
        return b"z" * bs.CHUNK


def test_failure_while_reading_leaves_no_partial_file(store):
    with pytest.raises(ConnectionResetError):
        store.put_stream(FailingReader(3))
    assert list(store.iter_all()) == []
    assert leftovers(store.root) == []


@pytest.mark.parametrize("victim", ["fsync", "replace"])
def test_failure_at_fsync_or_rename_leaves_nothing(store, monkeypatch, victim):
    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bs.os, victim, boom)
    with pytest.raises(OSError, match="No space"):
        store.put_stream(io.BytesIO(b"evidence"))
    monkeypatch.undo()
    assert not store.exists(sha(b"evidence"))
    assert leftovers(store.root) == []


def test_tampering_is_named_altered_and_deletion_missing(store):
    a = store.put_stream(io.BytesIO(b"backup report")).sha256
    b = store.put_stream(io.BytesIO(b"access review")).sha256
    c = store.put_stream(io.BytesIO(b"drill minutes")).sha256
    assert store.verify_all([a, b, c]) == []

    path = store.path(a)
    os.chmod(path, 0o644)
    path.write_bytes(b"backup rep0rt")
    store.path(b).unlink()

    assert not store.verify(a) and not store.verify(b) and store.verify(c)
    assert store.verify_all([a, b, c]) == [Mismatch(a, "altered"), Mismatch(b, "missing")]
    assert store.verify_all() == [Mismatch(a, "altered")]  # default: every blob still on disk


def test_open_missing_and_bad_digest(store):
    with pytest.raises(BlobNotFound):
        store.open("0" * 64)
    for bad in ["../../etc/passwd", "g" * 64, "ab" * 31, ""]:
        with pytest.raises(InvalidDigest):
            store.path(bad)


def test_iter_all_skips_temp_and_misplaced_files(store):
    real = store.put_stream(io.BytesIO(b"real")).sha256
    (store.tmp_dir / "put-abandoned").write_bytes(b"half")
    misplaced = store.root / "00" / "00" / real  # name does not match its directory
    misplaced.parent.mkdir(parents=True)
    misplaced.write_bytes(b"real")
    assert list(store.iter_all()) == [real]


def test_purge_temp_removes_only_old_temp_files(store):
    store.put_stream(io.BytesIO(b"x"))
    old, new = store.tmp_dir / "put-old", store.tmp_dir / "put-new"
    old.write_bytes(b"1")
    new.write_bytes(b"2")
    os.utime(old, (0, 0))
    assert store.purge_temp(older_than_seconds=3600) == 1
    assert not old.exists() and new.exists()


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000))
def test_any_content_round_trips(store, data):
    blob = store.put_stream(io.BytesIO(data))
    assert blob.sha256 == sha(data) and blob.size == len(data)
    with store.open(blob.sha256) as fh:
        assert fh.read() == data
