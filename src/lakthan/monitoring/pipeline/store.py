"""The tamper-evident event store under ``$LAKTHAN_HOME/logs`` (no Django).

    open/chunk-*.parquet        events not yet sealed (each written atomically)
    open/chunk-*.leaves         their leaf hashes, written just before the chunk (the chunk commits them)
    open/chunk-*.root           the RFC 6962 root of those leaves, likewise
    open/chunk-*.NAME           annotation NAME of a large chunk's events (Parquet), likewise
    segments/00000001.parquet   a sealed segment's events, in arrival order
    segments/00000001.leaves    their RFC 6962 leaf hashes, 32 bytes each (kept when payloads are pruned)
    segments/00000001.json      the segment header: index, count, inner root, SHA-256 of the Parquet file,
                                first/last time, sealed at
    segments/00000001.pruned    present once the payload was pruned (reason, date)
    checkpoints/00000001.txt    signed checkpoint (C2SP note) of the outer tree after segment 1
    checkpoints/00000001.proof  consistency proof (base64 lines) from the previous checkpoint
    checkpoint.vkey             the public verifier key
    annotations/00000001.NAME.parquet
                                a segment's annotation NAME: its chunk's (not evidence, not signed;
                                taken from the parsed events so that nothing need read them again)

Files hold an event's stored columns only (schema.EVIDENCE: time, host, source, parser, the line as
received, and its bytes when they were not UTF-8); the other columns are read out of the line again
when events are read (parsers.derive). A file written before a column was added to them (schema.ADDED)
reads with that column null, and its events keep their leaves (read_stored).
Each event's leaf is SHA-256(0x00 || canonical encoding of its stored columns) (engines/eventhash.py),
computed once, when the event is written; a segment's inner tree is the RFC 6962 tree of its events'
leaves; the outer tree's leaves are SHA-256(0x00 || canonical JSON of the segment header). A checkpoint
is signed after every seal, so each checkpoint pins exactly one more segment.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import io
import json
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TypedDict

import polars as pl
import pyarrow.parquet as pq

from lakthan import config
from lakthan.lib.files import fsync_dir, write_atomic
from lakthan.monitoring.engines import eventhash, merkle
from lakthan.monitoring.engines.checkpoint import Checkpoint, Signer
from lakthan.monitoring.pipeline import parsers
from lakthan.monitoring.pipeline.schema import ADDED, EVIDENCE, SCHEMA, evidence
from lakthan.monitoring.pipeline.segment_layout import HEADER_FIELDS, header_leaf, seg_name

log = logging.getLogger(__name__)


class ParquetOptions(TypedDict, total=False):
    compression: Literal["lz4", "zstd"]
    compression_level: int
    statistics: bool


# How chunks and segments are written, by config.log_compression(). lz4 by default: verification,
# detection and hunts read every event, and lz4 reads in half the CPU of zstd (0.075 against 0.135
# CPU-seconds for a segment of 500,000 events), for files 1.6 times larger (about 55 bytes an event
# against 34). zstd for a store short of disk, at level 1: 4 % larger than at its default level for
# 12 % less CPU, the dearest part of a write.
PARQUET_OPTIONS: dict[str, ParquetOptions] = {
    "lz4": {"compression": "lz4", "statistics": True},
    "zstd": {"compression": "zstd", "compression_level": 1, "statistics": True},
}
ORPHAN_LEAVES_AGE_NS = 600 * 10**9  # a writer dies between a chunk's files only in a crash
# a chunk this large is sealed as a segment of its own: joining it to others would encode it again,
# which costs about 0.5 CPU-seconds per million events; a smaller one costs little, and joining the
# receivers' many small batches keeps segments few (the default of LogStore's ``alone_rows``)
ALONE_ROWS = 100_000
SIDECARS = (".leaves", ".root")  # written before the chunk, which commits them (so are annotations)

Annotate = Mapping[str, Callable[[pl.DataFrame], pl.DataFrame]]


def event_leaves(df: pl.DataFrame) -> bytes:
    """Leaf hashes of the events (their stored columns), 32 bytes each, concatenated."""
    table = evidence(df).to_arrow(compat_level=pl.CompatLevel.newest())  # polars' strings, not copied
    return eventhash.leaves(table)


def read_stored(path: Path, columns: list[str] | None = None) -> pl.DataFrame:
    """The stored columns of a chunk's or a segment's file (all of them, or ``columns`` of them); a
    column added since the file was written (schema.ADDED) is null. Every file of the store is read
    with ``glob=False``: a home under a directory named with ``[`` or ``*`` is not a pattern."""
    if columns is None:
        return evidence(pl.read_parquet(path, glob=False))
    stored = pl.scan_parquet(path, glob=False).collect_schema()
    absent = [c for c in columns if c in ADDED and c not in stored]
    df = pl.read_parquet(path, columns=[c for c in columns if c not in absent], glob=False)
    return df.with_columns(pl.lit(None, dtype=SCHEMA[c]).alias(c) for c in absent).select(columns)


def _writer_alive(tmp: Path) -> bool:
    """Temporary files are named ``.NAME.tmpPID`` (files.write_atomic): is that process still running?"""
    pid = tmp.name.rpartition(".tmp")[2]
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True  # another thread of this process is writing it
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StoreDamaged(Exception):
    """The store is not whole (a sealed file is missing, the key does not match its published half):
    nothing is sealed until an operator restores it; events keep arriving in the open chunks."""


@dataclass(frozen=True)
class Sealed:
    header: dict
    checkpoint: str  # the signed note


class LogStore:
    def __init__(
        self,
        root: Path,
        origin: str = "lakthan.local/logs",
        signer: Signer | None = None,
        alone_rows: int = ALONE_ROWS,
        compression: str | None = None,
    ):
        self.root = Path(root)
        self.origin = origin
        self.alone_rows = alone_rows  # a chunk of this many events or more is sealed as a segment alone
        # new files only (config.log_compression by default): a store may hold segments of both
        self.parquet_options = PARQUET_OPTIONS[compression or config.log_compression()]
        self.open_dir = self.root / "open"
        self.seg_dir = self.root / "segments"
        self.cp_dir = self.root / "checkpoints"
        self.notes_dir = self.root / "annotations"
        for d in (self.open_dir, self.seg_dir, self.cp_dir, self.notes_dir):
            d.mkdir(parents=True, exist_ok=True)
        self._signer = signer

    # --- keys -----------------------------------------------------------------------------------
    @property
    def signer(self) -> Signer:
        """The signing key, made at the first seal of a new store and only then: a key made later would
        not match the public half already published, so a missing or mismatched key is damage."""
        if self._signer is None:
            key, vkey = self.root / "checkpoint.key", self.root / "checkpoint.vkey"
            if key.exists():
                signer = Signer.from_bytes(self.origin, key.read_bytes())
            elif vkey.exists() or self._committed():
                raise StoreDamaged(
                    f"{key} is missing but the store already has a public key or sealed segments: "
                    "restore the key from backup (a new one would not match what was published)"
                )
            else:
                signer = Signer.generate(self.origin)
                write_atomic(key, signer.private_bytes(), mode=0o600)
            published = self.vkey()
            if published is None:
                write_atomic(vkey, (signer.vkey() + "\n").encode())
            elif published != signer.vkey():
                raise StoreDamaged(f"{key} does not match the published public key {vkey}")
            self._signer = signer
        return self._signer

    def vkey(self) -> str | None:
        """The published public key (``checkpoint.vkey``), or None before the first seal. Read only:
        a reader never makes or rewrites the trust anchor."""
        path = self.root / "checkpoint.vkey"
        return path.read_text().strip() if path.exists() else None

    # --- unsealed events --------------------------------------------------------------------------
    def append(self, df: pl.DataFrame, annotate: Callable[[], Annotate] | None = None) -> Path | None:
        """Writes a batch of parsed events durably (fsynced) as an open chunk, with their leaf hashes;
        returns its path. The leaves and their root are computed and written while the Parquet file is
        encoded (both release the GIL), so the two take the time of the slower.

        ``annotate()`` maps a name to what to take from the parsed events (all their columns) and keep
        with the chunk, computed at the same time, for a chunk that will be a segment of its own
        (``alone_rows``); the segment then has them (``annotation``). Smaller chunks are joined at the
        seal, and reading such a segment back once costs less than annotating each small batch (about
        16 ms a batch, whatever its size)."""
        if df.height == 0:
            return None
        parsed, df = df, evidence(df)
        stem = self.open_dir / f"chunk-{time.time_ns():020d}-{secrets.token_hex(4)}"
        # asked only for a large chunk: the application's own audit events come one at a time
        annotations = annotate() if annotate and df.height >= self.alone_rows else {}
        with ThreadPoolExecutor(1 + len(annotations)) as pool:
            hashed = pool.submit(self._write_leaves, df, stem)
            notes = {
                name: pool.submit(self._write_annotation, stem, name, take, parsed)
                for name, take in annotations.items()
            }
            buf = io.BytesIO()
            df.write_parquet(buf, **self.parquet_options)
            hashed.result()
            for name, note in notes.items():
                if note.exception() is not None:  # not evidence: the chunk is written all the same
                    log.warning(
                        "annotation %s of a chunk not taken (%s); it will be read back",
                        name,
                        note.exception(),
                    )
        path = stem.with_suffix(".parquet")
        write_atomic(path, buf.getvalue())  # the commit point of the chunk
        return path

    @staticmethod
    def _write_leaves(df: pl.DataFrame, stem: Path) -> None:
        leaves = event_leaves(df)
        with ThreadPoolExecutor(1) as pool:  # the root is computed while the leaves go to disk
            written = pool.submit(write_atomic, stem.with_suffix(".leaves"), leaves)
            root = eventhash.root(leaves)
            written.result()
        write_atomic(stem.with_suffix(".root"), root)

    @staticmethod
    def _write_annotation(stem: Path, name: str, take: Callable, parsed: pl.DataFrame) -> None:
        buf = io.BytesIO()
        take(parsed).write_parquet(buf)
        write_atomic(stem.with_suffix(f".{name}"), buf.getvalue())

    def annotation(self, index: int, name: str) -> pl.DataFrame | None:
        """Segment ``index``'s annotation ``name``, when its chunk was sealed alone and annotated."""
        path = self.annotation_path(index, name)
        return None if path is None else pl.read_parquet(path, glob=False)

    def annotation_path(self, index: int, name: str) -> Path | None:
        path = self.notes_dir / f"{seg_name(index)}.{name}.parquet"
        return path if path.exists() else None

    def annotation_names(self, index: int) -> list[str]:
        return sorted(p.name.split(".")[1] for p in self.notes_dir.glob(f"{seg_name(index)}.*.parquet"))

    def annotated(self) -> set[int]:
        """The segments that still have annotations (they are dropped once their segment is indexed)."""
        return {int(p.name.split(".")[0]) for p in self.notes_dir.glob("[0-9]*.parquet")}

    def drop_annotations(self, index: int) -> None:
        for path in self.notes_dir.glob(f"{seg_name(index)}.*.parquet"):
            path.unlink(missing_ok=True)

    def open_chunks(self) -> list[Path]:
        return sorted(self.open_dir.glob("chunk-*.parquet"))

    def pending(self) -> int:
        return sum(
            pl.scan_parquet(p, glob=False).select(pl.len()).collect().item() for p in self.open_chunks()
        )

    # --- segments ---------------------------------------------------------------------------------
    def headers(self) -> list[dict]:
        return [json.loads(p.read_text()) for p in sorted(self.seg_dir.glob("*.json"))]

    def size(self) -> int:
        """The highest committed segment number. A header commits its segment and a checkpoint is
        signed after it, so either file numbered N means N was sealed, whatever is missing below."""
        return max(self._numbers(self.seg_dir, "*.json") | self._numbers(self.cp_dir, "*.txt"), default=0)

    def _committed(self) -> bool:
        return self.size() > 0

    @staticmethod
    def _numbers(directory: Path, pattern: str) -> set[int]:
        return {int(p.stem) for p in directory.glob(pattern) if p.stem.isdigit()}

    def damage(self) -> list[str]:
        """What is missing of the sealed store (each named); empty when whole."""
        n, headers = self.size(), self._numbers(self.seg_dir, "*.json")
        return [f"segment header {seg_name(i)}.json is missing" for i in range(1, n + 1) if i not in headers]

    def segment_path(self, index: int) -> Path:
        return self.seg_dir / f"{seg_name(index)}.parquet"

    def read_segment(self, index: int, columns: list[str] | None = None) -> pl.DataFrame:
        """A segment's events (all schema columns, or ``columns``); lines are read again only when a
        column asked for is not stored."""
        if columns is not None and set(columns) <= set(EVIDENCE):
            return read_stored(self.segment_path(index), columns)
        events = parsers.derive(read_stored(self.segment_path(index)))
        return events if columns is None else events.select(columns)

    def leaves_of(self, index: int) -> list[bytes]:
        return eventhash.split((self.seg_dir / f"{seg_name(index)}.leaves").read_bytes())

    def recover(self) -> list[str]:
        """Finishes or undoes an interrupted seal (the header is the commit point); returns the damage
        found, which only an operator repairs (events can still be appended)."""
        with self._exclusive():
            return self._recover()

    def _recover(self) -> list[str]:
        """Tidies after a crash and returns the damage found (see ``damage``). Never deletes a sealed
        file: files of a seal that never committed are moved to ``quarantine/`` (their chunks are
        still open and are sealed again); a damaged store is left exactly as it is."""
        for tmp in (t for d in (self.seg_dir, self.open_dir, self.notes_dir) for t in d.glob(".*.tmp*")):
            if not _writer_alive(tmp):  # a half-written file of a process that died
                tmp.unlink(missing_ok=True)
        damage = self.damage()
        if damage:
            return damage
        headers = self.headers()
        n = len(headers)
        written = [
            *self.seg_dir.glob("*.parquet"),
            *self.seg_dir.glob("*.leaves"),
            *self.notes_dir.glob("[0-9]*.parquet"),
        ]
        for path in written:
            if int(path.name.split(".")[0]) > n:  # written before a crash, never committed: sealed again
                self._quarantine(path)
        if headers:
            for chunk in headers[-1].get("chunks", []):
                self._remove_chunk(self.open_dir / chunk)
            if not (self.cp_dir / f"{seg_name(n)}.txt").exists():
                self._sign(n, headers)
        for sidecar in self.open_dir.glob("chunk-*.*"):
            if sidecar.suffix == ".parquet":
                continue
            born = int(sidecar.stem.split("-")[1])  # a writer that died before its chunk:
            if not sidecar.with_suffix(".parquet").exists() and time.time_ns() - born > ORPHAN_LEAVES_AGE_NS:
                sidecar.unlink()
        return []

    def _quarantine(self, path: Path) -> None:
        aside = self.root / "quarantine"
        aside.mkdir(exist_ok=True)
        os.replace(path, aside / f"{path.parent.name}-{path.name}.{time.time_ns()}")
        log.warning("moved %s, written by a seal that never committed, to %s", path, aside)

    @staticmethod
    def _remove_chunk(chunk: Path) -> None:
        for sidecar in chunk.parent.glob(f"{chunk.stem}.*"):
            if sidecar.suffix != ".parquet":
                sidecar.unlink(missing_ok=True)
        chunk.unlink(missing_ok=True)  # last: a chunk is whole while it is there

    @contextmanager
    def _exclusive(self, name: str = ".seal.lock") -> Iterator[None]:
        """One sealer at a time across processes (the receiver, the periodic task, the CLI)."""
        fd = os.open(self.root / name, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def indexing(self) -> AbstractContextManager[None]:
        """One indexer of the sealed segments at a time across processes: a second sealer waits for
        the first's index, then finds its segments known (a lock of its own: the seal's is released
        before indexing, and flock on a second descriptor of the same file would wait for itself)."""
        return self._exclusive(".index.lock")

    def seal(self, now: datetime | None = None) -> Sealed | None:
        """Seals every open chunk into segments, signing a checkpoint after each; returns the last, or
        None when nothing is open. A chunk of ``alone_rows`` events or more becomes a segment as it is
        (its file linked, not encoded again); the chunks between such ones are joined into one."""
        with self._exclusive():
            damage = self._recover()
            if damage:
                raise StoreDamaged("; ".join(damage) + " — nothing sealed; events stay in the open chunks")
            sealed = None
            chunks = self.open_chunks()
            if chunks:
                self.signer  # noqa: B018 - the key is made, or found missing, before anything is written
            for group in self._groups(chunks):
                sealed = self._seal(group, now)
            return sealed

    def _groups(self, chunks: list[Path]) -> list[list[Path]]:
        groups: list[list[Path]] = []
        joining: list[Path] = []
        for chunk in chunks:
            if pq.ParquetFile(chunk).metadata.num_rows >= self.alone_rows:
                groups += [joining, [chunk]] if joining else [[chunk]]
                joining = []
            else:
                joining.append(chunk)
        return groups + [joining] if joining else groups

    def _seal(self, chunks: list[Path], now: datetime | None) -> Sealed:
        index = self.size() + 1
        segment = self.segment_path(index)
        if segment.exists() or (self.cp_dir / f"{seg_name(index)}.txt").exists():
            raise StoreDamaged(f"segment {seg_name(index)} already has files: not overwritten")
        leaves_path = self.seg_dir / f"{seg_name(index)}.leaves"
        hashed = [self._chunk_leaves(p) for p in chunks]
        leaves = b"".join(h for h, _ in hashed)
        root = None
        if len(chunks) == 1:  # already in segment form: linked, not re-encoded (the chunk stays until commit)
            os.link(chunks[0], segment)
            os.chmod(segment, 0o444)
            if hashed[0][1]:  # the leaves written with the chunk
                os.link(chunks[0].with_suffix(".leaves"), leaves_path)
                os.chmod(leaves_path, 0o444)
                root = self._written_root(chunks[0])
            else:
                write_atomic(leaves_path, leaves, mode=0o444)
            self._link_annotations(index, chunks[0])
            fsync_dir(self.seg_dir)
            payload = segment.read_bytes()
            stats = pl.read_parquet(io.BytesIO(payload), columns=["ts"])["ts"]
        else:
            df = pl.concat([read_stored(p) for p in chunks], how="vertical")  # of any age
            buf = io.BytesIO()
            evidence(df).write_parquet(buf, **self.parquet_options)
            payload = buf.getvalue()
            write_atomic(segment, payload, mode=0o444)
            write_atomic(leaves_path, leaves, mode=0o444)
            stats = df["ts"]
        header = {
            "index": index,
            "count": len(leaves) // eventhash.HASH_SIZE,
            "root": (root or eventhash.root(leaves)).hex(),
            "file_sha256": hashlib.sha256(payload).hexdigest(),
            "first_ts": _iso(stats.min()),
            "last_ts": _iso(stats.max()),
            "sealed_at": (now or datetime.now(UTC)).replace(microsecond=0).isoformat(),
            "chunks": [p.name for p in chunks],
        }
        write_atomic(
            self.seg_dir / f"{seg_name(index)}.json", json.dumps(header, indent=1).encode(), mode=0o444
        )
        note = self._sign(index, self.headers())
        for p in chunks:
            self._remove_chunk(p)
        fsync_dir(self.open_dir)
        return Sealed(header, note)

    def _link_annotations(self, index: int, chunk: Path) -> None:
        for path in self.open_dir.glob(f"{chunk.stem}.*"):
            if path.suffix not in (".parquet", *SIDECARS):
                os.link(path, self.notes_dir / f"{seg_name(index)}.{path.suffix[1:]}.parquet")

    @staticmethod
    def _chunk_leaves(chunk: Path) -> tuple[bytes, bool]:
        """The chunk's leaves, and whether they are those written with it (not computed again because
        that file is missing or short)."""
        rows = pq.ParquetFile(chunk).metadata.num_rows
        path = chunk.with_suffix(".leaves")
        if path.exists() and path.stat().st_size == rows * eventhash.HASH_SIZE:
            return path.read_bytes(), True
        return event_leaves(read_stored(chunk)), False

    @staticmethod
    def _written_root(chunk: Path) -> bytes | None:
        path = chunk.with_suffix(".root")
        root = path.read_bytes() if path.exists() else b""
        return root if len(root) == eventhash.HASH_SIZE else None

    def _sign(self, size: int, headers: list[dict]) -> str:
        outer = [header_leaf(h) for h in headers[:size]]
        note = self.signer.sign(Checkpoint(self.origin, size, merkle.root(outer)))
        if size > 1:
            proof = merkle.consistency_proof(size - 1, outer)
            write_atomic(
                self.cp_dir / f"{seg_name(size)}.proof",
                "".join(base64.b64encode(h).decode() + "\n" for h in proof).encode(),
            )
        write_atomic(self.cp_dir / f"{seg_name(size)}.txt", note.encode())
        return note

    def latest_checkpoint(self) -> str | None:
        notes = sorted(self.cp_dir.glob("*.txt"))
        return notes[-1].read_text() if notes else None

    # --- proofs and pruning -----------------------------------------------------------------------
    def event_proof(self, index: int, position: int) -> dict:
        """Everything needed to show one event is in the signed log: its leaf, the inner proof to the
        segment root, the outer proof from the segment header to the latest checkpoint; and the event's
        stored columns, from which its leaf is computed again (None once the segment is pruned)."""
        headers = self.headers()
        if not 1 <= index <= len(headers):
            raise KeyError(f"no segment {index}")
        leaves = self.leaves_of(index)
        if not 0 <= position < len(leaves):
            raise KeyError(f"segment {index} has no position {position}")
        outer = [header_leaf(h) for h in headers]
        return {
            "segment": index,
            "position": position,
            "leaf": leaves[position].hex(),
            "inner_proof": [h.hex() for h in merkle.inclusion_proof(position, leaves)],
            "header": {k: headers[index - 1][k] for k in HEADER_FIELDS},
            "outer_proof": [h.hex() for h in merkle.inclusion_proof(index - 1, outer)],
            "checkpoint": self.latest_checkpoint(),
            "event": self._stored_event(index, position),
        }

    def _stored_event(self, index: int, position: int) -> dict | None:
        """An event's stored columns as JSON (``raw_bytes`` in base64, only where the line was not
        UTF-8); None when the file is gone or does not hold it (the leaf is proved all the same)."""
        try:
            found = evidence(
                pl.scan_parquet(self.segment_path(index), glob=False).slice(position, 1).collect()
            )
        except (pl.exceptions.PolarsError, OSError):
            return None
        if found.height == 0:
            return None
        row = found.row(0, named=True)
        event = {
            k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items() if k != "raw_bytes"
        }
        if row["raw_bytes"] is not None:
            event["raw_bytes_base64"] = base64.b64encode(row["raw_bytes"]).decode()
        return event

    def prune(self, index: int, reason: str, now: datetime | None = None) -> bool:
        """Deletes a segment's event payload; its leaf hashes and header stay, so checkpoints still verify."""
        path = self.segment_path(index)
        if not path.exists():
            return False
        marker = {"index": index, "reason": reason, "pruned_at": (now or datetime.now(UTC)).isoformat()}
        write_atomic(self.seg_dir / f"{seg_name(index)}.pruned", json.dumps(marker).encode())
        os.chmod(path, 0o644)
        path.unlink()
        self.drop_annotations(index)  # taken from the events: they go with them
        fsync_dir(self.seg_dir)
        return True


def _iso(ts: object) -> str:
    """A segment's first or last event time; ``ts`` is never null in a stored segment."""
    if not isinstance(ts, datetime):
        raise TypeError(f"a segment's ts column holds {type(ts).__name__}, not datetime")
    return ts.isoformat()
