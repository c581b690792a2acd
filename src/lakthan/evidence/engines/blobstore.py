"""Content-addressed blob store: every file is kept once, read-only, at root/ab/cd/<sha256>."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Literal

from lakthan.core.errors import InvalidInput, NotFound
from lakthan.lib.files import fsync_dir

CHUNK = 1024 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX2 = re.compile(r"[0-9a-f]{2}")


class BlobTooLarge(InvalidInput):
    def __init__(self, max_bytes: int):
        super().__init__(f"ไฟล์มีขนาดเกิน {max_bytes:,} ไบต์", f"the file is larger than {max_bytes:,} bytes")
        self.max_bytes = max_bytes


class BlobNotFound(NotFound):
    def __init__(self, sha256: str):
        super().__init__(f"ไม่พบไฟล์ {sha256} ในคลังไฟล์", f"blob {sha256} is not in the store")
        self.sha256 = sha256


class InvalidDigest(InvalidInput, ValueError):
    def __init__(self, value: object):
        super().__init__(f"'{value}' ไม่ใช่ค่า SHA-256", f"'{value}' is not a SHA-256 hex digest")


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    new: bool = False  # placed by this call (the same content was not there before)


@dataclass(frozen=True)
class Mismatch:
    sha256: str
    kind: Literal["altered", "missing"]


def check_digest(value: str) -> str:
    """The digest in canonical (lower-case) form; InvalidDigest for anything else."""
    digest = value.lower() if isinstance(value, str) else ""
    if not _HEX64.fullmatch(digest):
        raise InvalidDigest(value)
    return digest


def hash_stream(fileobj: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class BlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        # Temp files live in root/.tmp rather than beside their target: the target directory is only
        # known once the content is hashed. Same filesystem, so os.replace stays atomic.
        self.tmp_dir = self.root / ".tmp"

    def path(self, sha256: str) -> Path:
        digest = check_digest(sha256)
        return self.root / digest[:2] / digest[2:4] / digest

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        try:
            return open(self.path(sha256), "rb")
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def put_file(self, src_path: Path, max_bytes: int | None = None) -> StoredBlob:
        with open(src_path, "rb") as src:
            return self.put_stream(src, max_bytes)

    def put_stream(self, fileobj: IO[bytes], max_bytes: int | None = None) -> StoredBlob:
        """Stores the stream's content; BlobTooLarge past max_bytes. Nothing partial is ever left."""
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix="put-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                digest, size = hashlib.sha256(), 0
                while chunk := fileobj.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise BlobTooLarge(max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fchmod(out.fileno(), 0o444)
                os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            target = self.path(sha256)
            new = not target.exists()
            if new:  # identical content already there is left untouched
                self._make_parents(target.parent)
                os.replace(tmp, target)
                fsync_dir(target.parent)
            return StoredBlob(sha256, size, new)
        finally:
            tmp.unlink(missing_ok=True)

    def remove_orphan(self, sha256: str) -> None:
        """Removes a blob that no record refers to (what a failed upload placed). Never for a blob
        that evidence uses: those are kept for ever."""
        path = self.path(sha256)
        if path.exists():
            path.unlink()
            fsync_dir(path.parent)

    def _make_parents(self, directory: Path) -> None:
        for d in (directory.parent, directory):
            if not d.is_dir():
                d.mkdir(exist_ok=True)
                fsync_dir(d.parent)

    def verify(self, sha256: str) -> bool:
        """Re-hashes the blob: False when it is missing or its content no longer matches its name."""
        try:
            with self.open(sha256) as fh:
                return hash_stream(fh)[0] == check_digest(sha256)
        except BlobNotFound:
            return False

    def iter_all(self) -> Iterator[str]:
        """Every blob in the store, in sorted order (temp files and stray names are skipped)."""
        if not self.root.is_dir():
            return
        for d1 in sorted(p for p in self.root.iterdir() if p.is_dir() and _HEX2.fullmatch(p.name)):
            for d2 in sorted(p for p in d1.iterdir() if p.is_dir() and _HEX2.fullmatch(p.name)):
                for f in sorted(d2.iterdir()):
                    if f.is_file() and _HEX64.fullmatch(f.name) and f.name[:4] == d1.name + d2.name:
                        yield f.name

    def verify_all(self, shas: Iterable[str] | None = None) -> list[Mismatch]:
        """Re-hashes the given blobs (default: all stored); names each one altered or missing."""
        problems: list[Mismatch] = []
        seen: set[str] = set()
        for sha in self.iter_all() if shas is None else shas:
            digest = check_digest(sha)
            if digest in seen:
                continue
            seen.add(digest)
            if not self.exists(digest):
                problems.append(Mismatch(digest, "missing"))
            elif not self.verify(digest):
                problems.append(Mismatch(digest, "altered"))
        return problems

    def purge_temp(self, older_than_seconds: float = 24 * 3600) -> int:
        """Removes temp files a killed process left behind; returns how many."""
        if not self.tmp_dir.is_dir():
            return 0
        cutoff, removed = time.time() - older_than_seconds, 0
        for f in self.tmp_dir.iterdir():
            if f.is_file() and f.stat().st_mtime < cutoff:
                f.unlink(missing_ok=True)
                removed += 1
        return removed
