"""Verification of an exported log store, needing only the segments, the checkpoints and the public key.

    python -m lakthan.monitoring.pipeline.verify DIR (VKEY_FILE | --fingerprint SHA256)

Recomputes every event leaf from the Parquet segments, each segment's inner root, the outer tree over
the segment headers, and checks them against checkpoints signed by the trusted key (plus the
consistency proofs between checkpoints). Problems name the segment and position and are one of
altered | removed | inserted | reordered | unreadable. No Django here.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from lakthan.monitoring.engines import eventhash, merkle
from lakthan.monitoring.engines.checkpoint import Checkpoint, CheckpointError, Verifier
from lakthan.monitoring.engines.leafdiff import locate
from lakthan.monitoring.pipeline.segment_layout import EVIDENCE_PARQUET, HEADER_FIELDS, header_leaf, seg_name

SEGMENT_WORKERS = min(os.cpu_count() or 1, 4)
LEAVES_PIECE = 1 << 20  # bytes of a leaf-hash file compared at a time
# a segment of this many events or more is split over the cores by itself (eventhash.parquet_leaves, root)
LARGE_SEGMENT = eventhash.PARALLEL_ROWS
# a segment file's SHA-256, read beside its events
Side = Future[str]


@dataclass
class ReadAhead:
    """A segment file read and digested on a side thread before its turn: its bytes, then its SHA-256."""

    data: Future[bytes]
    digest: Side


@dataclass
class Report:
    intact: bool = True
    checkpoint: dict | None = None
    problems: list[dict] = field(default_factory=list)
    segments: int = 0
    events: int = 0
    pruned: int = 0

    def add(self, segment: int | None, position: int | None, kind: str, detail: str = "") -> None:
        self.intact = False
        self.problems.append({"segment": segment, "position": position, "kind": kind, "detail": detail})

    def merge(self, other: Report) -> None:
        self.intact = self.intact and other.intact
        self.problems += other.problems
        self.segments += other.segments
        self.events += other.events
        self.pruned += other.pruned

    @classmethod
    def from_json(cls, data: dict) -> Report:
        """The Report ``as_json`` gave (how a Spark executor's report comes back to the driver)."""
        return cls(
            **{k: data[k] for k in ("intact", "checkpoint", "problems", "segments", "events", "pruned")}
        )

    def as_json(self) -> dict:
        return {
            "intact": self.intact,
            "checkpoint": self.checkpoint,
            "problems": self.problems,
            "segments": self.segments,
            "events": self.events,
            "pruned": self.pruned,
        }


# checks segments: [(index, header)] to their Reports in that order (verify_dir's ``check``)
Check = Callable[[list[tuple[int, dict]]], list[Report]]


def verify_dir(root: Path, vkey: str, origin: str | None = None, check: Check | None = None) -> Report:
    """Verifies the store at ``root`` against checkpoints signed by ``vkey``. Headers, checkpoints and
    consistency proofs are read here; the segments are checked by ``check`` (``[(index, header)]`` to
    their Reports in that order): by default ``local_check``, threads over the files under ``root``;
    ``pipeline.spark.verify.spark_check`` checks them on a Spark cluster's executors instead."""
    root = Path(root)
    report = Report()
    seg_dir, cp_dir = root / "segments", root / "checkpoints"
    try:
        verifier = Verifier.from_vkey(vkey)
    except CheckpointError as exc:
        report.add(None, None, "unreadable", f"public key: {exc}")
        return report

    headers: dict[int, dict] = {}
    for path in sorted(seg_dir.glob("*.json")):
        if (h := _header(path)) is not None:
            headers[int(h["index"])] = h
        else:
            report.add(_index_of(path), None, "unreadable", f"header {path.name}")

    # signed checkpoints, in size order; every one must be signed by the trusted key (their signatures
    # checked side by side: a seal every five minutes signs 288 a day, each 0.27 ms to verify here)
    def opened(path: Path) -> Checkpoint | tuple[str, str]:
        """The checkpoint in ``path``, or what is wrong with it: (kind, detail)."""
        try:
            return verifier.open(path.read_text(), origin=origin)
        except CheckpointError as exc:
            return "altered", f"checkpoint {path.name}: {exc}"
        except (OSError, UnicodeDecodeError) as exc:
            return (
                "unreadable",
                f"checkpoint {path.name}: {getattr(exc, 'strerror', None) or type(exc).__name__}",
            )

    checkpoints: list[tuple[Checkpoint, Path]] = []
    cp_paths = sorted(cp_dir.glob("*.txt"))
    with ThreadPoolExecutor(SEGMENT_WORKERS) as pool:
        for path, cp in zip(cp_paths, pool.map(opened, cp_paths), strict=True):
            if isinstance(cp, Checkpoint):
                checkpoints.append((cp, path))
            else:
                report.add(_index_of(path), None, *cp)
    if not checkpoints:
        if headers:
            report.add(None, None, "unreadable", "no checkpoint signed by the trusted key")
        return report
    latest = checkpoints[-1][0]
    report.checkpoint = {"origin": latest.origin, "size": latest.size, "root": latest.root.hex()}

    # consistency proofs between successive checkpoints: the log only ever grew
    for (prev, _), (cp, path) in zip(checkpoints, checkpoints[1:], strict=False):
        proof_path = path.with_suffix(".proof")
        try:
            proof = (
                [base64.b64decode(line) for line in proof_path.read_text().split()]
                if proof_path.exists()
                else []
            )
            merkle.verify_consistency(prev.size, cp.size, prev.root, cp.root, proof)
        except (merkle.ProofError, ValueError) as exc:
            report.add(
                cp.size, None, "altered", f"checkpoint {cp.size} is not consistent with {prev.size}: {exc}"
            )

    size = latest.size
    for index in range(1, size + 1):
        if index not in headers:
            report.add(index, None, "removed", "segment header missing")
    for index in sorted(headers):
        if index > size:
            report.add(index, None, "inserted", "segment not covered by any signed checkpoint")

    # each checkpoint pins the headers up to its size: the first that fails names the altered header
    outer = [header_leaf(headers[i]) if i in headers else b"" for i in range(1, size + 1)]
    complete = outer.index(b"") if b"" in outer else size  # the prefix with no header missing
    roots = [merkle.root([]), *merkle.prefix_roots(outer[:complete])]  # by size
    bad_headers: set[int] = set()
    for cp, _ in checkpoints:
        if cp.size <= complete and roots[cp.size] != cp.root:
            suspect = cp.size
            if suspect not in bad_headers and not any(b < suspect for b in bad_headers):
                bad_headers.add(suspect)
                report.add(suspect, None, "altered", "segment header does not match the signed checkpoint")

    # the segments' own files, checked by ``check``; reports merged in segment order
    check = check or local_check(seg_dir)
    for part in check([(i, headers[i]) for i in range(1, size + 1) if i in headers]):
        report.merge(part)
    return report


def _index_of(path: Path) -> int | None:
    """The segment a header's or checkpoint's file is named for (None: not named for one)."""
    return int(path.stem) if path.stem.isdigit() else None


def _header(path: Path) -> dict | None:
    """A segment's header as its file holds it; None where it is not one: unreadable, not JSON, a
    field of the signed ones missing, or an index or root that is not one."""
    try:
        header = json.loads(path.read_text())
        int(header["index"])
        bytes.fromhex(header["root"])
        return header if all(k in header for k in HEADER_FIELDS) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def local_check(seg_dir: Path, workers: int = SEGMENT_WORKERS) -> Check:
    """The segments' files read from ``seg_dir`` and checked one unit after another while the next
    unit's files are read and digested: a large segment alone, its row groups read and hashed on every core
    (``eventhash.parquet_leaves``, ``root``); small ones (a seal every five minutes makes many) joined
    with their neighbours and checked side by side on ``workers`` threads."""

    def paths(index: int) -> tuple[Path, Path]:
        name = seg_name(index)
        return seg_dir / f"{name}.parquet", seg_dir / f"{name}.leaves"

    def one(item: tuple[int, dict], ahead: ReadAhead | None = None) -> Report:
        index, header = item
        parquet, leaves = paths(index)  # the leaf-hash file is read where it is, a piece at a time
        if ahead is not None:
            try:
                data = ahead.data.result()
            except OSError as exc:
                return _unreadable(index, f"{parquet.name}: {exc.strerror or type(exc).__name__}")
            return check_segment(index, header, data, leaves, False, ahead.digest)
        if parquet.exists():
            return check_segment(index, header, parquet, leaves, False)
        return check_segment(index, header, None, leaves, parquet.with_suffix(".pruned").exists())

    def check(items: list[tuple[int, dict]]) -> list[Report]:
        # units one after another: two large segments side by side would crowd four hashing threads onto
        # the cores, which costs more CPU time than it overlaps (bench/logs' two segments of 500,000
        # events, read by polars: 0.73-0.84 CPU-s against 0.68-0.75)
        reports: dict[int, Report] = {}
        present = [k for k, (index, _) in enumerate(items) if paths(index)[0].exists()]
        units = [[present[j] for j in unit] for unit in _units([_count(items[k][1]) for k in present])]
        with ThreadPoolExecutor(1) as side_pool, ThreadPoolExecutor(workers) as pool:
            # pruned (or removed) ones: only their leaf-hash files are left to check
            gone = sorted(set(range(len(items))) - set(present))
            reports.update(zip(gone, pool.map(one, [items[k] for k in gone]), strict=True))

            def read_ahead(unit: list[int]) -> list[ReadAhead]:
                """The unit's files read (each once) and digested on the side thread, in order."""
                done = []
                for k in unit:
                    data = side_pool.submit(paths(items[k][0])[0].read_bytes)
                    done.append(ReadAhead(data, side_pool.submit(lambda d: _sha256_hex(d.result()), data)))
                return done

            ahead = read_ahead(units[0]) if units else []
            for n, unit in enumerate(units):
                sides, ahead = ahead, read_ahead(units[n + 1]) if n + 1 < len(units) else []
                if len(unit) == 1:
                    reports[unit[0]] = one(items[unit[0]], sides[0])
                    continue
                found = pool.map(one, [items[k] for k in unit], sides)
                reports.update(zip(unit, found, strict=True))
        eventhash.release_read_buffers()
        return [reports[k] for k in range(len(items))]

    return check


def _count(header: dict) -> int:
    """The header's event count, to plan the work by (0 where it is not a count: the check names it)."""
    count = header.get("count")
    return count if isinstance(count, int) else 0


def _units(counts: list[int]) -> list[list[int]]:
    """The positions of the segments checked together, by their event counts: a large one alone, small
    ones joined in order until they hold LARGE_SEGMENT events (each alone is too small to split over
    the cores: they share the cores instead)."""
    units, group, held = [], [], 0
    for k, count in enumerate(counts):
        if count >= LARGE_SEGMENT:
            units.append([k])
            continue
        group.append(k)
        held += count
        if held >= LARGE_SEGMENT:
            units.append(group)
            group, held = [], 0
    return [*units, group] if group else units


def check_segment(
    index: int,
    header: dict,
    parquet: bytes | Path | None,
    leaves: bytes | Path | None,
    pruned: bool,
    side: Side | None = None,
) -> Report:
    """One segment against its header (whose root the signed checkpoints pin): its Parquet file and its
    leaf-hash file, each as bytes or where it is (None, or a path with no file: the file is missing),
    and whether a ``.pruned`` marker stands beside them; ``side``: the SHA-256 of the file's bytes,
    already being computed. Pure, so the local threads and Spark's executors run the same check."""
    name = seg_name(index)
    if parquet is None:
        report = Report(segments=1)
        expected = _sealed_leaves(_read_leaves(leaves), bytes.fromhex(header["root"]))
        if pruned and expected is not None:
            report.pruned += 1
            report.events += len(expected) // eventhash.HASH_SIZE
        else:
            report.add(index, None, "removed", "segment file missing")
        return report
    try:
        data = parquet.read_bytes() if isinstance(parquet, Path) else parquet
    except OSError as exc:
        return _unreadable(index, f"{name}.parquet: {exc.strerror or type(exc).__name__}")
    # the file's digest on the other core while its events are hashed
    with ExitStack() as stack:
        if side is None:
            side = stack.enter_context(ThreadPoolExecutor(1)).submit(_sha256_hex, data)
        # our own reader first; what it reads is trusted only when it hashes to the signed root, else
        # polars reads the file again and the difference is named from what polars reads
        actual = eventhash.parquet_leaves(data, EVIDENCE_PARQUET)
        root = eventhash.root(actual) if actual is not None else None
        if actual is None or root != bytes.fromhex(header["root"]):
            try:
                actual, root = _polars_leaves(data), None
            except Exception as exc:  # noqa: BLE001 — any corruption of the file is reported, not raised
                return _unreadable(index, f"{name}.parquet: {type(exc).__name__}")
        file_sha256 = side.result()
    return _judge(index, header, actual, file_sha256, leaves, root)


def _polars_leaves(data: bytes) -> bytes:
    """The leaf hashes of a segment file's rows as polars reads them (imported here: a verification
    that our own reader serves needs neither polars nor pyarrow, a third of a second to import)."""
    import polars as pl

    from lakthan.monitoring.pipeline.store import event_leaves

    return event_leaves(pl.read_parquet(io.BytesIO(data)))


def _unreadable(index: int, detail: str) -> Report:
    report = Report(segments=1)
    report.add(index, None, "unreadable", detail)
    return report


def _judge(
    index: int,
    header: dict,
    actual: bytes,
    file_sha256: str,
    leaves: bytes | Path | None,
    actual_root: bytes | None = None,
) -> Report:
    """A segment's events (the leaf hashes of its file's rows, and their root where it is known) and its
    file's SHA-256 against its header and its leaf-hash file: where they differ, what differs."""
    report = Report(segments=1, events=len(actual) // eventhash.HASH_SIZE)
    root = bytes.fromhex(header["root"])
    if (actual_root or eventhash.root(actual)) == root:
        if not _stored_leaves_are(actual, leaves):  # equal bytes need no second tree
            report.add(index, None, "altered", "leaf-hash file does not match the segment root")
        if file_sha256 != header.get("file_sha256"):
            report.add(index, None, "altered", "segment file bytes changed (events still match their leaves)")
        return report
    expected = _sealed_leaves(_read_leaves(leaves), root)
    if expected is None:
        report.add(index, None, "altered", "segment and its leaf-hash file both differ from the signed root")
        return report
    for position, kind in locate(eventhash.split(expected), eventhash.split(actual)):
        report.add(index, position, kind)
    return report


def _sealed_leaves(stored: bytes | None, root: bytes) -> bytes | None:
    """The stored leaf hashes when they hash to the signed root."""
    ok = stored is not None and len(stored) % eventhash.HASH_SIZE == 0 and eventhash.root(stored) == root
    return stored if ok else None


def _stored_leaves_are(actual: bytes, leaves: bytes | Path | None) -> bool:
    """Whether the leaf-hash file holds ``actual``: read a piece at a time where it is a path (a copy
    of it whole costs more than the comparison)."""
    if not isinstance(leaves, Path):
        return leaves == actual
    try:
        with open(leaves, "rb", buffering=0) as fh:
            if os.fstat(fh.fileno()).st_size != len(actual):
                return False
            piece, at = bytearray(LEAVES_PIECE), 0
            while n := fh.readinto(piece):
                if (piece if n == len(piece) else piece[:n]) != actual[at : at + n]:
                    return False
                at += n
            return at == len(actual)
    except OSError:
        return False


def _read_leaves(leaves: bytes | Path | None) -> bytes | None:
    """The leaf-hash file's bytes; None where it is missing or cannot be read (then it matches nothing)."""
    if not isinstance(leaves, Path):
        return leaves
    try:
        return leaves.read_bytes()
    except OSError:
        return None


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


USAGE = "usage: python -m lakthan.monitoring.pipeline.verify DIR (VKEY_FILE | --fingerprint SHA256)"
UNAUTHENTICATED = 3


def main(argv: list[str] | None = None) -> int:
    """Exit 0 intact, 1 not intact, 2 usage, 3 consistent but unauthenticated: without a key given
    (or the fingerprint of the one in DIR) the store's own key proves nothing, a forger has it too."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or len(argv) > 3 or argv[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    root = Path(argv[0])
    fingerprint = argv[2].lower() if len(argv) == 3 and argv[1] == "--fingerprint" else None
    if len(argv) == 3 and fingerprint is None:
        print(USAGE, file=sys.stderr)
        return 2
    given = Path(argv[1]) if len(argv) == 2 else None
    vkey_path = given or root / "checkpoint.vkey"
    try:
        vkey = vkey_path.read_text().strip()
    except OSError as exc:
        print(f"{vkey_path}: cannot read the public key ({exc.strerror})", file=sys.stderr)
        return 2
    if fingerprint is not None:
        try:
            actual = Verifier.from_vkey(vkey).fingerprint()
        except CheckpointError as exc:
            print(f"{vkey_path}: {exc}", file=sys.stderr)
            return 1
        if actual != fingerprint:
            print(f"{vkey_path}: key fingerprint {actual} is not the one given", file=sys.stderr)
            return 1
    report = verify_dir(root, vkey)
    print(json.dumps(report.as_json(), indent=1))
    if not report.intact:
        return 1
    if given is None and fingerprint is None:
        print(
            "consistent but unauthenticated: checked against the key found in DIR; "
            "give the agency's published key file or --fingerprint",
            file=sys.stderr,
        )
        return UNAUTHENTICATED
    return 0


if __name__ == "__main__":
    sys.exit(main())
