"""Verification of an exported log store, needing only the segments, the checkpoints and the public key.

    python -m lakthan.monitoring.pipeline.verify DIR (VKEY_FILE | --fingerprint SHA256)

Recomputes every event leaf from the Parquet segments, each segment's inner root, the outer tree over
the segment headers, and checks them against checkpoints signed by the trusted key (plus the
consistency proofs between checkpoints). Problems name the segment and position and are one of
altered | removed | inserted | reordered | unreadable. No Django here.
"""

from __future__ import annotations

import base64
import bisect
import difflib
import hashlib
import io
import json
import os
import sys
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from lakthan.monitoring.engines import eventhash, merkle
from lakthan.monitoring.engines.checkpoint import CheckpointError, Verifier
from lakthan.monitoring.pipeline.store import event_leaves, header_leaf, seg_name

SEGMENT_WORKERS = min(os.cpu_count() or 1, 4)
LEAVES_PIECE = 1 << 20  # bytes of a leaf-hash file compared at a time
# a segment of this many events or more is split over the cores by itself (eventhash.leaves and root)
LARGE_SEGMENT = eventhash.PARALLEL_ROWS
# a segment file's SHA-256, read beside its events
Side = Future[str]


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

# Differences between two leaf sequences longer than this (after their common ends) are aligned by a
# longest increasing subsequence, O(n log n), instead of difflib, whose time grows with the square
# of the length on shuffled rows (81 s for one shuffled segment of 200,000 events).
DIFFLIB_LIMIT = 2_000


def locate(expected: list[bytes], actual: list[bytes]) -> list[tuple[int, str]]:
    """Where two leaf sequences differ: (position, kind). Positions of removed/altered/reordered events
    are in the sealed order; positions of inserted events are in the file as found."""
    if expected == actual:
        return []
    lo = 0
    while lo < min(len(expected), len(actual)) and expected[lo] == actual[lo]:
        lo += 1
    hi = 0
    while hi < min(len(expected), len(actual)) - lo and expected[-1 - hi] == actual[-1 - hi]:
        hi += 1
    exp_mid, act_mid = expected[lo : len(expected) - hi], actual[lo : len(actual) - hi]
    if max(len(exp_mid), len(act_mid)) <= DIFFLIB_LIMIT:
        found = _locate_difflib(exp_mid, act_mid)
    else:
        found = _locate_by_subsequence(exp_mid, act_mid)
    return [(position + lo, kind) for position, kind in found]


def _locate_difflib(expected: list[bytes], actual: list[bytes]) -> list[tuple[int, str]]:
    in_expected, in_actual = set(expected), set(actual)
    out: list[tuple[int, str]] = []
    ops = difflib.SequenceMatcher(None, expected, actual, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                moved = actual[j1 + k] in in_expected and expected[i1 + k] in in_actual
                out.append((i1 + k, "reordered" if moved else "altered"))
            continue
        for i in range(i1, i2):
            out.append((i, "reordered" if expected[i] in in_actual else "removed"))
        for j in range(j1, j2):
            if actual[j] not in in_expected:
                out.append((j, "inserted"))
    seen, unique = set(), []
    for item in out:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return unique


def _locate_by_subsequence(expected: list[bytes], actual: list[bytes]) -> list[tuple[int, str]]:
    """Each sealed event is matched to an equal one in the file (in order, for repeated events); the
    longest run of matches in the sealed order stands still, every other match was reordered; an
    unmatched sealed event is removed, or altered where an unmatched event of the file sits at the
    same position; the file's other unmatched events are inserted."""
    positions: dict[bytes, deque[int]] = {}
    for j, leaf in enumerate(actual):
        positions.setdefault(leaf, deque()).append(j)
    pairs: list[tuple[int, int]] = []
    unmatched: list[int] = []
    for i, leaf in enumerate(expected):
        queue = positions.get(leaf)
        if queue:
            pairs.append((i, queue.popleft()))
        else:
            unmatched.append(i)
    matched_in_file = {j for _, j in pairs}
    extra = {j for j in range(len(actual)) if j not in matched_in_file}
    still = _increasing_run([j for _, j in pairs])
    out = [(i, "reordered") for k, (i, _) in enumerate(pairs) if k not in still]
    placed = dict(pairs)
    for i in unmatched:
        # the file's event between the matches of this event's neighbours took its place: altered
        beside = [placed[i - 1] + 1] if i - 1 in placed else []
        beside += [placed[i + 1] - 1] if i + 1 in placed else []
        spot = next((j for j in [*beside, i] if j in extra), None)
        if spot is not None:
            extra.discard(spot)
            out.append((i, "altered"))
        else:
            out.append((i, "removed"))
    out += [(j, "inserted") for j in sorted(extra)]
    return sorted(out)


def _increasing_run(values: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence of ``values`` (patience sorting)."""
    tails: list[int] = []  # tails[k]: index of the smallest tail of an increasing run of length k+1
    before = [-1] * len(values)
    tail_values: list[int] = []
    for k, v in enumerate(values):
        at = bisect.bisect_left(tail_values, v)
        if at:
            before[k] = tails[at - 1]
        if at == len(tails):
            tails.append(k)
            tail_values.append(v)
        else:
            tails[at], tail_values[at] = k, v
    run, k = set(), tails[-1] if tails else -1
    while k != -1:
        run.add(k)
        k = before[k]
    return run


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
        try:
            h = json.loads(path.read_text())
            headers[int(h["index"])] = h
        except (ValueError, KeyError, TypeError):
            report.add(
                int(path.stem) if path.stem.isdigit() else None, None, "unreadable", f"header {path.name}"
            )

    # signed checkpoints, in size order; every one must be signed by the trusted key
    checkpoints: list = []
    for path in sorted(cp_dir.glob("*.txt")):
        try:
            cp = verifier.open(path.read_text(), origin=origin)
        except CheckpointError as exc:
            report.add(int(path.stem), None, "altered", f"checkpoint {path.name}: {exc}")
            continue
        checkpoints.append((cp, path))
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


def local_check(seg_dir: Path, workers: int = SEGMENT_WORKERS) -> Check:
    """The segments' files read from ``seg_dir`` and checked: a large segment alone, its events hashed
    on every core (``eventhash.leaves`` and ``root`` split it), one after the other, while the next
    one's file is digested; the small ones, each too small to split, side by side on ``workers``
    threads."""

    def paths(index: int) -> tuple[Path, Path]:
        name = seg_name(index)
        return seg_dir / f"{name}.parquet", seg_dir / f"{name}.leaves"

    def one(item: tuple[int, dict], side: Side | None = None) -> Report:
        index, header = item
        # both files are read where they are, not copied into memory first
        parquet, leaves = paths(index)
        if parquet.exists():
            return check_segment(index, header, parquet, leaves, False, side)
        return check_segment(index, header, None, leaves, parquet.with_suffix(".pruned").exists())

    def check(items: list[tuple[int, dict]]) -> list[Report]:
        # two large segments side by side would crowd four hashing threads and polars' readers onto
        # the cores, which costs more CPU time than it overlaps (bench/logs' two segments of 500,000
        # events: 0.80 CPU-s against 0.67 one after the other, the next one's digest read ahead)
        large = [k for k, (_, header) in enumerate(items) if _count(header) >= LARGE_SEGMENT]
        reports: dict[int, Report] = {}
        # while one is read and hashed, the next one's digest (one core's work) fills the cores' gaps
        with ThreadPoolExecutor(1) as side_pool:
            sides = [side_pool.submit(_sha256_hex, paths(items[k][0])[0]) for k in large[:1]]
            for n, k in enumerate(large):
                if n + 1 < len(large):
                    sides.append(side_pool.submit(_sha256_hex, paths(items[large[n + 1]][0])[0]))
                reports[k] = one(items[k], sides[n])
        small = [k for k in range(len(items)) if k not in reports]
        with ThreadPoolExecutor(workers) as pool:
            reports.update(zip(small, pool.map(one, [items[k] for k in small]), strict=True))
        return [reports[k] for k in range(len(items))]

    return check


def _count(header: dict) -> int:
    """The header's event count, to plan the work by (0 where it is not a count: the check names it)."""
    count = header.get("count")
    return count if isinstance(count, int) else 0


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
    and whether a ``.pruned`` marker stands beside them; ``side``: the file's SHA-256, already being
    read. Pure, so the local threads and Spark's executors run the
    same check."""
    report = Report(segments=1)
    name = seg_name(index)
    root = bytes.fromhex(header["root"])

    def sealed_leaves(stored: bytes | None) -> bytes | None:
        """The stored leaf hashes when they hash to the signed root."""
        ok = stored is not None and len(stored) % eventhash.HASH_SIZE == 0 and eventhash.root(stored) == root
        return stored if ok else None

    if parquet is None:
        expected = sealed_leaves(_read_leaves(leaves))
        if pruned and expected is not None:
            report.pruned += 1
            report.events += len(expected) // eventhash.HASH_SIZE
        else:
            report.add(index, None, "removed", "segment file missing")
        return report
    source = parquet if isinstance(parquet, Path) else io.BytesIO(parquet)
    # the file's digest read on the other core while events are hashed
    with ExitStack() as stack:
        if side is None:
            side = stack.enter_context(ThreadPoolExecutor(1)).submit(_sha256_hex, parquet)
        try:
            actual = event_leaves(pl.read_parquet(source))
        except Exception as exc:  # noqa: BLE001 — any corruption of the file is reported, not raised
            report.add(index, None, "unreadable", f"{name}.parquet: {type(exc).__name__}")
            return report
        try:
            file_sha256 = side.result()
        except OSError as exc:  # gone or unreadable since it was parsed
            report.add(index, None, "unreadable", f"{name}.parquet: {exc.strerror or type(exc).__name__}")
            return report
    report.events += len(actual) // eventhash.HASH_SIZE
    if eventhash.root(actual) == root:
        if not _stored_leaves_are(actual, leaves):  # equal bytes need no second tree
            report.add(index, None, "altered", "leaf-hash file does not match the segment root")
        if file_sha256 != header.get("file_sha256"):
            report.add(index, None, "altered", "segment file bytes changed (events still match their leaves)")
        return report
    expected = sealed_leaves(_read_leaves(leaves))
    if expected is None:
        report.add(index, None, "altered", "segment and its leaf-hash file both differ from the signed root")
        return report
    for position, kind in locate(eventhash.split(expected), eventhash.split(actual)):
        report.add(index, position, kind)
    return report


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


def _sha256_hex(data: bytes | Path) -> str:
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    with open(data, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


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
