"""The store: seal, checkpoints, recovery, and verification that names every tampering."""

from __future__ import annotations

import errno
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from lakthan import config
from lakthan.core.errors import InvalidInput
from lakthan.monitoring.engines import eventhash, merkle
from lakthan.monitoring.engines.checkpoint import Signer, Verifier
from lakthan.monitoring.engines.leafdiff import locate
from lakthan.monitoring.pipeline import parsers, verify
from lakthan.monitoring.pipeline.schema import EVIDENCE, evidence
from lakthan.monitoring.pipeline.segment_layout import header_leaf
from lakthan.monitoring.pipeline.store import LogStore, event_leaves
from lakthan.monitoring.pipeline.verify import verify_dir


def _lines(n, host="web01", start=0):
    return [
        f"<38>1 2013-01-05T10:{(i // 60) % 60:02d}:{i % 60:02d}+07:00 {host} sshd {100 + i} - "
        f'[meta sequenceId="{i + 1}"] Accepted password for user{i} from 10.0.0.{i % 250} port 22 ssh2'
        for i in range(start, start + n)
    ]


@pytest.fixture(params=["side by side", "one after another", "read by polars"])
def store(tmp_path, request, monkeypatch):
    """Three segments of 20 events; each verification test runs with them checked side by side (as
    small segments are), checked one after another, the next one's file digested ahead (as large ones
    are), and read by polars alone (as a file our own Parquet reader does not read is)."""
    if request.param == "one after another":
        monkeypatch.setattr(verify, "LARGE_SEGMENT", 1)
    if request.param == "read by polars":
        monkeypatch.setattr(eventhash, "parquet_leaves", lambda *a, **k: None)
    s = LogStore(tmp_path / "logs", origin="test.local/logs")
    for k in range(3):
        s.append(parsers.parse(_lines(20, start=20 * k)).events)
        s.seal()
    return s


def _rewrite(path: Path, df: pl.DataFrame) -> None:
    """Writes events as the store does: their stored columns only."""
    os.chmod(path, 0o644)
    evidence(df).write_parquet(path, compression="zstd")


def test_intact_store_verifies_and_every_event_has_a_proof(store):
    report = verify_dir(store.root, store.vkey())
    assert report.intact and report.segments == 3 and report.events == 60
    assert report.checkpoint["size"] == 3
    proof = store.event_proof(2, 7)
    cp = Verifier.from_vkey(store.vkey()).open(proof["checkpoint"])
    merkle.verify_inclusion(
        7,
        20,
        bytes.fromhex(proof["leaf"]),
        [bytes.fromhex(h) for h in proof["inner_proof"]],
        bytes.fromhex(proof["header"]["root"]),
    )
    merkle.verify_inclusion(
        1, cp.size, header_leaf(proof["header"]), [bytes.fromhex(h) for h in proof["outer_proof"]], cp.root
    )


def _kinds(report):
    return [(p["segment"], p["position"], p["kind"]) for p in report.problems]


def test_altered_line_is_named_by_segment_and_position(store):
    path = store.segment_path(2)
    df = store.read_segment(2)
    assert df["user"][5] == "user25"
    row5 = pl.int_range(pl.len()) == 5
    df = df.with_columns(pl.when(row5).then(pl.col("raw").str.replace("user25", "root")).otherwise("raw"))
    _rewrite(path, df)
    assert store.read_segment(2)["user"][5] == "root"  # what readers would now believe
    report = verify_dir(store.root, store.vkey())
    assert not report.intact
    assert _kinds(report) == [(2, 5, "altered")]


def test_a_forged_column_is_not_read_and_the_file_change_is_reported(store):
    path = store.segment_path(2)
    df = pl.read_parquet(path).with_columns(pl.lit("root").alias("user"))
    os.chmod(path, 0o644)
    df.write_parquet(path)
    assert store.read_segment(2)["user"][5] == "user25"  # the user is read out of the line
    report = verify_dir(store.root, store.vkey())
    assert _kinds(report) == [(2, None, "altered")]
    assert "file bytes changed" in report.problems[0]["detail"]


def test_segments_store_the_received_line_and_read_the_rest_out_of_it(store):
    assert pl.read_parquet(store.segment_path(1)).columns == list(EVIDENCE)
    assert store.read_segment(1).equals(parsers.parse(_lines(20)).events)
    assert store.read_segment(1, ["host", "ts"]).columns == ["host", "ts"]


def test_segments_verified_side_by_side_report_in_segment_order(store):
    for index in (3, 1):  # tampered last segment first
        df = store.read_segment(index)
        _rewrite(store.segment_path(index), pl.concat([df[:2], df[3:]]))
    report = verify_dir(store.root, store.vkey())
    assert _kinds(report) == [(1, 2, "removed"), (3, 2, "removed")]
    assert report.segments == 3 and report.events == 58


def test_one_byte_edit_of_a_stored_file_is_detected_in_that_segment(store):
    path = store.segment_path(3)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x55
    path.write_bytes(bytes(data))
    report = verify_dir(store.root, store.vkey())
    assert not report.intact
    assert {p["segment"] for p in report.problems} == {3}
    assert report.problems[0]["kind"] in ("altered", "unreadable")


def test_removed_inserted_and_reordered_events(store):
    df = store.read_segment(1)
    _rewrite(store.segment_path(1), pl.concat([df[:4], df[5:]]))
    assert _kinds(verify_dir(store.root, store.vkey())) == [(1, 4, "removed")]
    extra = parsers.parse(_lines(1, start=500)).events
    _rewrite(store.segment_path(1), pl.concat([df[:10], extra, df[10:]]))
    assert _kinds(verify_dir(store.root, store.vkey())) == [(1, 10, "inserted")]
    swapped = pl.concat([df[:3], df[8:9], df[4:8], df[3:4], df[9:]])
    _rewrite(store.segment_path(1), swapped)
    kinds = _kinds(verify_dir(store.root, store.vkey()))
    assert {k for _, _, k in kinds} == {"reordered"} and {p for _, p, _ in kinds} >= {3, 8}


def test_replaced_segment_resigned_with_another_key_is_refused(store):
    # the attacker rewrites segment 2 consistently (leaves, header) and re-signs with their own key
    forged = LogStore(store.root, origin="test.local/logs", signer=Signer.generate("test.local/logs"))
    df = store.read_segment(2).with_columns(pl.col("raw").str.replace(r"user\d+", "attacker"))
    _rewrite(store.segment_path(2), df)
    from lakthan.monitoring.pipeline.store import event_leaves

    leaves = event_leaves(df)
    (store.seg_dir / "00000002.leaves").chmod(0o644)
    (store.seg_dir / "00000002.leaves").write_bytes(leaves)
    header = json.loads((store.seg_dir / "00000002.json").read_text())
    header["root"] = eventhash.root(leaves).hex()
    (store.seg_dir / "00000002.json").chmod(0o644)
    (store.seg_dir / "00000002.json").write_text(json.dumps(header))
    for size in (2, 3):
        forged._sign(size, forged.headers())
    report = verify_dir(store.root, store.vkey())
    assert not report.intact
    assert report.checkpoint["size"] == 1  # only the genuine first checkpoint is still trusted
    assert {p["segment"] for p in report.problems} >= {2}
    # against the forger's key everything looks fine, which is why the verifier takes the key from us
    assert verify_dir(store.root, forged.signer.vkey()).problems[0]["segment"] == 1


def test_an_altered_segment_header_is_named_by_the_first_checkpoint_that_fails(store):
    path = store.seg_dir / "00000002.json"
    header = json.loads(path.read_text())
    header["last_ts"] = "2013-01-06T00:00:00+00:00"  # a window made to look longer
    path.chmod(0o644)
    path.write_text(json.dumps(header))
    report = verify_dir(store.root, store.vkey())
    assert _kinds(report) == [(2, None, "altered")]
    assert "does not match the signed checkpoint" in report.problems[0]["detail"]


def test_a_header_whose_count_is_not_a_number_is_named_and_the_segments_still_checked(store):
    path = store.seg_dir / "00000002.json"
    header = json.loads(path.read_text())
    header["count"] = "many"  # verification plans its work by the count: it must not stop there
    path.chmod(0o644)
    path.write_text(json.dumps(header))
    report = verify_dir(store.root, store.vkey())
    assert _kinds(report) == [(2, None, "altered")]
    assert report.segments == 3 and report.events == 60


def test_a_missing_or_unreadable_leaf_hash_file_is_named_and_its_segment_still_checked(store):
    for index in (1, 3):
        path = store.seg_dir / f"0000000{index}.leaves"
        path.chmod(0o644)
        path.unlink()
    (store.seg_dir / "00000003.leaves").mkdir()  # there, but cannot be read as a file
    report = verify_dir(store.root, store.vkey())
    assert report.segments == 3 and report.events == 60
    assert _kinds(report) == [(1, None, "altered"), (3, None, "altered")]
    assert {p["detail"] for p in report.problems} == {"leaf-hash file does not match the segment root"}


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-1] + bytes([b[-1] ^ 1]),  # in the last, short piece
        lambda b: b[:100] + bytes([b[100] ^ 1]) + b[101:],  # in the middle of a whole piece
        lambda b: b + b[:32],  # one hash more
        lambda b: b[:-32],  # one hash less
    ],
    ids=["last piece", "middle", "longer", "shorter"],
)
def test_a_changed_leaf_hash_file_is_named_compared_piece_by_piece(store, monkeypatch, damage):
    monkeypatch.setattr(verify, "LEAVES_PIECE", 96)  # 640 bytes of hashes: six whole pieces and a short one
    assert verify_dir(store.root, store.vkey()).intact
    path = store.seg_dir / "00000002.leaves"
    path.chmod(0o644)
    path.write_bytes(damage(path.read_bytes()))
    report = verify_dir(store.root, store.vkey())
    assert _kinds(report) == [(2, None, "altered")]
    assert report.problems[0]["detail"] == "leaf-hash file does not match the segment root"


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: (p.unlink(), p.mkdir()),  # there, but not a file
        lambda p: p.write_text(p.read_text().replace('"root": "', '"root": "zz')),
        lambda p: p.write_text(
            json.dumps({k: v for k, v in json.loads(p.read_text()).items() if k != "count"})
        ),
        lambda p: p.write_text("[2]"),
    ],
    ids=["directory", "root not a hash", "field missing", "not an object"],
)
def test_a_header_that_is_not_one_is_named_and_the_other_segments_checked(store, damage):
    path = store.seg_dir / "00000002.json"
    path.chmod(0o644)
    damage(path)
    report = verify_dir(store.root, store.vkey())
    assert _kinds(report) == [(2, None, "unreadable"), (2, None, "removed")]
    assert report.segments == 2 and report.events == 40


def test_a_checkpoint_that_cannot_be_read_or_a_stray_file_is_named_and_verification_goes_on(store):
    path = store.cp_dir / "00000002.txt"
    path.chmod(0o644)
    path.unlink()
    path.mkdir()
    (store.cp_dir / "notes.txt").write_text("not a checkpoint\n")
    report = verify_dir(store.root, store.vkey())
    assert _kinds(report) == [(2, None, "unreadable"), (None, None, "altered"), (3, None, "altered")]
    assert "not consistent with 1" in report.problems[2]["detail"]
    assert report.segments == 3 and report.events == 60


def test_the_stores_own_files_are_read_by_our_reader_and_what_it_does_not_read_by_polars(
    store, monkeypatch, request
):
    polars_read = []
    real = verify._polars_leaves
    monkeypatch.setattr(verify, "_polars_leaves", lambda data: polars_read.append(1) or real(data))
    assert verify_dir(store.root, store.vkey()).intact
    by_polars = request.node.callspec.params["store"] == "read by polars"
    assert len(polars_read) == (3 if by_polars else 0)
    # snappy: a codec our reader does not read; the same events, so only the file's bytes changed
    df = store.read_segment(2)
    os.chmod(store.segment_path(2), 0o644)
    evidence(df).write_parquet(store.segment_path(2), compression="snappy")
    polars_read.clear()
    report = verify_dir(store.root, store.vkey())
    assert _kinds(report) == [(2, None, "altered")] and "file bytes changed" in report.problems[0]["detail"]
    assert len(polars_read) == (3 if by_polars else 1)
    # an event left out of a file our reader reads (zstd): its root differs, polars names the event
    _rewrite(store.segment_path(2), pl.concat([df[:4], df[5:]]))
    assert _kinds(verify_dir(store.root, store.vkey())) == [(2, 4, "removed")]
    path = store.segment_path(3)  # a file that reads in neither
    path.chmod(0o644)
    path.write_bytes(path.read_bytes()[:100])
    assert _kinds(verify_dir(store.root, store.vkey())) == [(2, 4, "removed"), (3, None, "unreadable")]


def test_a_pruned_segment_among_small_ones(store):
    assert store.prune(2, "retention")
    report = verify_dir(store.root, store.vkey())
    assert report.intact and report.pruned == 1 and report.events == 60 and report.segments == 3


def test_segments_are_planned_a_large_one_alone_and_small_ones_joined_to_a_large_ones_size():
    counts = [10, 60_000, 30_000, 30_000, 5, 49_999, 1]
    assert verify._units(counts) == [[1], [0, 2, 3], [4, 5], [6]]
    assert verify._units([]) == []


@pytest.mark.parametrize("large", [False, True], ids=["side by side", "one after another"])
def test_a_store_under_a_directory_named_like_a_pattern_is_read_and_verified(tmp_path, monkeypatch, large):
    if large:
        monkeypatch.setattr(verify, "LARGE_SEGMENT", 1)
    s = LogStore(tmp_path / "logs[1]*" / "logs")
    for k in range(2):
        s.append(parsers.parse(_lines(20, start=20 * k)).events)
        s.seal()
    assert s.read_segment(2)["user"][0] == "user20"
    assert s.read_segment(1, ["host", "user"]).height == 20
    report = verify_dir(s.root, s.vkey())
    assert report.intact and report.events == 40, report.problems


def test_removed_segment_and_pruned_segment(store):
    assert store.prune(1, "retention")
    report = verify_dir(store.root, store.vkey())
    assert report.intact and report.pruned == 1 and report.events == 60
    os.chmod(store.segment_path(3), 0o644)
    store.segment_path(3).unlink()
    assert _kinds(verify_dir(store.root, store.vkey())) == [(3, None, "removed")]


def test_crash_between_segment_write_and_header_is_recovered(tmp_path):
    s = LogStore(tmp_path / "logs")
    s.append(parsers.parse(_lines(5)).events)
    s.seal()
    s.append(parsers.parse(_lines(5, start=5)).events)
    # a crash after the segment file but before its header: recovery drops the orphan, seals again
    (s.seg_dir / "00000002.parquet").write_bytes(b"partial")
    s.seal()
    assert s.size() == 2 and not s.open_chunks()
    assert verify_dir(s.root, s.vkey()).intact


@pytest.mark.parametrize("damage", ["none", "leaves missing", "leaves short", "root missing", "root short"])
def test_a_seal_uses_the_hashes_written_with_the_chunk_or_computes_them_again(tmp_path, damage):
    s = LogStore(tmp_path / "logs")
    chunk = s.append(parsers.parse(_lines(30)).events)
    leaves, root = chunk.with_suffix(".leaves"), chunk.with_suffix(".root")
    assert len(leaves.read_bytes()) == 30 * 32 and root.read_bytes() == eventhash.root(leaves.read_bytes())
    if damage == "leaves missing":
        leaves.unlink()
    elif damage == "leaves short":
        leaves.write_bytes(leaves.read_bytes()[:-32])
    elif damage == "root missing":
        root.unlink()
    elif damage == "root short":
        root.write_bytes(b"x")
    sealed = s.seal()
    assert sealed.header["count"] == 30
    assert verify_dir(s.root, s.vkey()).intact
    assert not list(s.open_dir.iterdir())  # the chunk and its sidecars are gone once sealed


def test_sidecars_of_a_writer_that_died_before_its_chunk_are_removed_when_old(tmp_path):
    s = LogStore(tmp_path / "logs")
    old = s.open_dir / f"chunk-{time.time_ns() - 3600 * 10**9:020d}-dead"
    young = s.open_dir / f"chunk-{time.time_ns():020d}-busy"
    for stem in (old, young):
        for suffix in (".leaves", ".root", ".days"):
            stem.with_suffix(suffix).write_bytes(b"x" * 32)
    s.recover()
    assert sorted(p.name for p in s.open_dir.iterdir()) == [
        young.name + s for s in (".days", ".leaves", ".root")
    ]


def _hosts(df: pl.DataFrame) -> pl.DataFrame:
    return df.select("host", pl.int_range(pl.len()).alias("position"))


ANNOTATE = {"hosts": _hosts, "count": lambda df: pl.DataFrame({"n": [df.height]})}


def test_a_chunk_sealed_alone_keeps_its_annotations_for_its_segment(tmp_path):
    s = LogStore(tmp_path / "logs", alone_rows=5)
    s.append(parsers.parse(_lines(7, host="h1")).events, lambda: ANNOTATE)
    small = parsers.parse(_lines(4, host="h2")).events
    s.append(small, lambda: pytest.fail("annotations asked for a chunk to be joined"))
    assert sorted(p.suffix for p in s.open_dir.iterdir()) == sorted(
        [".parquet", ".leaves", ".root", ".hosts", ".count"] + [".parquet", ".leaves", ".root"]
    )
    s.seal()
    assert s.annotation(1, "hosts").equals(_hosts(s.read_segment(1)))
    assert s.annotation(1, "count")["n"].to_list() == [7] and s.annotation_names(1) == ["count", "hosts"]
    assert s.annotation_names(2) == []  # read back when it is indexed
    assert not list(s.open_dir.iterdir())
    assert verify_dir(s.root, s.vkey()).intact  # annotations are not evidence: nothing to verify
    s.prune(1, "retention")
    assert s.annotation_names(1) == []  # taken from the events: pruned with them


def test_annotations_of_a_seal_that_crashed_before_its_header_are_not_kept(tmp_path):
    s = LogStore(tmp_path / "logs", alone_rows=1)
    s.append(parsers.parse(_lines(4)).events, lambda: ANNOTATE)
    s.seal()
    s.append(parsers.parse(_lines(2, start=4)).events)
    (s.notes_dir / "00000002.hosts.parquet").write_bytes(b"of a seal that died")
    s.seal()  # recovery removes what the dead seal wrote for segment 2
    assert s.annotation_names(1) == ["count", "hosts"] and s.annotation_names(2) == []


def test_locate_cases():
    a, b, c, d, x = (bytes([i]) * 32 for i in range(5))
    assert locate([a, b, c, d], [a, c, d]) == [(1, "removed")]
    assert locate([a, b, c], [a, b, x, c]) == [(2, "inserted")]
    assert locate([a, b, c], [a, x, c]) == [(1, "altered")]
    assert {k for _, k in locate([a, b, c, d], [a, c, b, d])} == {"reordered"}


def test_a_large_chunk_is_sealed_as_a_segment_of_its_own_and_small_ones_between_are_joined(tmp_path):
    s = LogStore(tmp_path / "logs", alone_rows=10)
    sizes = [12, 3, 4, 10, 2]
    frames, inodes = [], []
    for k, n in enumerate(sizes):
        frames.append(parsers.parse(_lines(n, start=100 * k)).events)
        inodes.append(s.append(frames[-1], lambda: ANNOTATE).stat().st_ino)
    sealed = s.seal()
    assert [h["count"] for h in s.headers()] == [12, 3 + 4, 10, 2] and sealed.header["index"] == 4
    assert [len(h["chunks"]) for h in s.headers()] == [1, 2, 1, 1]
    assert s.segment_path(3).stat().st_ino == inodes[3]  # the chunk's file linked, not encoded again
    events = pl.concat([s.read_segment(i) for i in range(1, 5)])
    assert events.equals(pl.concat(frames))  # in arrival order
    assert [s.annotation_names(i) for i in range(1, 5)] == [["count", "hosts"], [], ["count", "hosts"], []]
    assert len(list(s.cp_dir.glob("*.txt"))) == 4  # a checkpoint after each segment
    assert verify_dir(s.root, s.vkey()).intact and not s.open_chunks()


def test_an_annotation_that_fails_leaves_the_chunk_written_and_is_named_in_the_log(tmp_path, caplog):
    s = LogStore(tmp_path / "logs", alone_rows=1)

    def broken(df):
        raise ValueError("no such column")

    s.append(parsers.parse(_lines(6)).events, lambda: {"count": ANNOTATE["count"], "broken": broken})
    s.seal()
    assert s.headers()[0]["count"] == 6 and s.annotation_names(1) == ["count"]
    assert "annotation broken of a chunk not taken (no such column)" in caplog.text
    assert verify_dir(s.root, s.vkey()).intact


@pytest.mark.parametrize("n", [40, 50_000])  # difflib for a short difference, a longest run for a long one
def test_locate_names_every_moved_removed_altered_and_inserted_event_at_any_size(n):
    import random

    expected = [i.to_bytes(32, "big") for i in range(n)]
    shuffled = expected[:]
    rng = random.Random(7)
    middle = shuffled[5 : n - 5]
    rng.shuffle(middle)
    shuffled[5 : n - 5] = middle
    found = locate(expected, shuffled)
    assert {k for _, k in found} == {"reordered"}
    moved = len(found)
    assert moved >= (n - 10) // 2 and all(5 <= p < n - 5 for p, _ in found)

    actual = expected[:]
    actual[n // 2] = b"\xff" * 32  # altered in place
    del actual[n // 3]  # removed
    actual.insert(2 * n // 3, b"\xee" * 32)  # inserted
    assert sorted(locate(expected, actual)) == [
        (n // 3, "removed"),
        (n // 2, "altered"),
        (2 * n // 3, "inserted"),
    ]


# leaves computed by the code before raw_bytes was stored (main at 503441f): events that were UTF-8
# keep them, as every sealed checkpoint depends on it
PINNED_LEAVES = [
    "f48d2e2c7beab230487906e0e9803235eb97bc379c239f5060943149f4326a87",
    "debc5481f7d11d29a3c7d77f4bd1eff2ac8713bbc4ab916cdc4510daa319e005",
]


def _before_raw_bytes() -> pl.DataFrame:
    """Events in the five stored columns a segment had before raw_bytes."""
    return pl.DataFrame(
        {
            "ts": [datetime(2013, 3, 5, 2, 0, tzinfo=UTC)] * 2,
            "host": ["web01", None],
            "source": ["/var/log/auth.log", "udp:10.0.0.9"],
            "parser": ["syslog", "syslog"],
            "raw": [
                "<38>Mar  5 09:00:00 web01 sshd[1]: Failed password for ผู้ใช้ from 10.0.0.1",
                "bad \ufffd line",
            ],
        }
    )


def test_events_stored_before_raw_bytes_keep_their_leaves():
    old = _before_raw_bytes()
    assert [leaf.hex() for leaf in eventhash.split(event_leaves(old))] == PINNED_LEAVES
    now = evidence(old)  # read today: raw_bytes is there, null
    assert now.columns == list(EVIDENCE) and now["raw_bytes"].null_count() == 2
    assert [leaf.hex() for leaf in eventhash.split(event_leaves(now))] == PINNED_LEAVES


def _old_chunk(s: LogStore, events: pl.DataFrame) -> None:
    """An open chunk as the code before raw_bytes wrote it: five columns, their leaves beside."""
    stem = s.open_dir / f"chunk-{time.time_ns():020d}-0ld0"
    leaves = b"".join(eventhash.leaf_of(row) for row in events.rows())  # five fields, no bytes field
    stem.with_suffix(".leaves").write_bytes(leaves)
    stem.with_suffix(".root").write_bytes(eventhash.root(leaves))
    events.write_parquet(stem.with_suffix(".parquet"), compression="zstd")


@pytest.mark.parametrize("leaves_file", ["kept", "computed again"])
def test_a_segment_of_the_schema_before_raw_bytes_verifies_with_its_leaves(tmp_path, leaves_file):
    s = LogStore(tmp_path / "logs")
    old = parsers.parse(_lines(6), now=datetime(2013, 1, 6, tzinfo=UTC)).events.select(EVIDENCE[:5])
    _old_chunk(s, old)
    if leaves_file == "computed again":
        next(s.open_dir.glob("*.leaves")).unlink()
    s.seal()  # a chunk alone: its file becomes the segment as it is
    path = s.segment_path(1)
    assert pl.read_parquet(path).columns == list(EVIDENCE[:5])
    report = verify_dir(s.root, s.vkey())
    assert report.intact and report.events == 6
    assert s.leaves_of(1) == eventhash.split(event_leaves(old))
    assert s.read_segment(1)["raw_bytes"].to_list() == [None] * 6
    assert s.read_segment(1, ["raw", "raw_bytes"]).columns == ["raw", "raw_bytes"]
    assert s.read_segment(1).select(EVIDENCE[:5]).equals(old)


def test_chunks_of_before_and_after_raw_bytes_seal_together(tmp_path):
    s = LogStore(tmp_path / "logs", alone_rows=1000)
    old = parsers.parse(_lines(3), now=datetime(2013, 1, 6, tzinfo=UTC)).events.select(EVIDENCE[:5])
    _old_chunk(s, old)
    received = [line.encode() for line in _lines(2, start=3)] + [b"<38>Jan  5 10:00:00 web01 sshd[9]: \xff"]
    s.append(parsers.parse(received).events)
    s.seal()  # joined into one segment, written with today's columns
    segment = pl.read_parquet(s.segment_path(1))
    assert segment.columns == list(EVIDENCE)
    assert segment["raw_bytes"].to_list() == [None] * 5 + [received[-1]]
    assert verify_dir(s.root, s.vkey()).intact
    assert s.leaves_of(1)[:3] == eventhash.split(event_leaves(old))


def test_bytes_dropped_or_forged_beside_a_line_are_named(tmp_path):
    s = LogStore(tmp_path / "logs")
    received = [b"<38>Jan  5 10:00:00 web01 sshd[1]: caf\xe9", _lines(1)[0].encode()]
    s.append(parsers.parse(received).events)
    s.seal()
    df = pl.read_parquet(s.segment_path(1))
    _rewrite(s.segment_path(1), df.drop("raw_bytes"))  # the bytes thrown away: raw alone is not the line
    assert _kinds(verify_dir(s.root, s.vkey())) == [(1, 0, "altered")]
    forged = df.with_columns(pl.Series("raw_bytes", [b"<38>Jan  5 10:00:00 web01 sshd[1]: caf\xff", None]))
    _rewrite(s.segment_path(1), forged)  # other bytes that read as the same text
    assert _kinds(verify_dir(s.root, s.vkey())) == [(1, 0, "altered")]
    _rewrite(s.segment_path(1), df.with_columns(pl.Series("raw_bytes", [None, received[1]])))
    assert _kinds(verify_dir(s.root, s.vkey())) == [(1, 0, "altered"), (1, 1, "altered")]


def test_a_proof_shows_the_event_its_leaf_is_computed_from(store):
    proof = store.event_proof(2, 7)
    event = proof["event"]
    assert "raw_bytes_base64" not in event and event["raw"] == _lines(20, start=20)[7]
    values = [
        datetime.fromisoformat(event["ts"]),
        event["host"],
        event["source"],
        event["parser"],
        event["raw"],
    ]
    assert eventhash.leaf_of([*values, None], bytes_last=True).hex() == proof["leaf"]
    store.prune(2, "test")
    assert store.event_proof(2, 7)["event"] is None and store.event_proof(2, 7)["leaf"] == proof["leaf"]
    _rewrite(store.segment_path(3), store.read_segment(3)[:5])  # a file cut short: no event at 7
    assert store.event_proof(3, 7)["event"] is None


def _codecs(path: Path) -> set[str]:
    meta = pq.ParquetFile(path).metadata
    return {
        meta.row_group(g).column(c).compression
        for g in range(meta.num_row_groups)
        for c in range(meta.num_columns)
    }


def test_segments_of_either_compression_in_one_store_verify_and_a_change_is_named(tmp_path):
    old = LogStore(tmp_path / "logs", origin="test.local/logs", compression="zstd")
    old.append(parsers.parse(_lines(20)).events)
    old.seal()
    new = LogStore(tmp_path / "logs", origin="test.local/logs", compression="lz4", alone_rows=1000)
    new.append(parsers.parse(_lines(2000, start=20)).events)  # its file becomes a segment as it is
    new.append(parsers.parse(_lines(20, start=2020)).events)  # written again, joined, at the seal
    new.seal()
    assert [_codecs(new.segment_path(i)) for i in (1, 2, 3)] == [{"ZSTD"}, {"LZ4"}, {"LZ4"}]
    assert new.read_segment(1)["user"].to_list() == [f"user{i}" for i in range(20)]
    report = verify_dir(new.root, new.vkey())
    assert report.intact and report.events == 2040

    df = new.read_segment(2)
    os.chmod(new.segment_path(2), 0o644)
    evidence(df).write_parquet(new.segment_path(2), compression="zstd")  # the same events, recompressed
    assert _kinds(verify_dir(new.root, new.vkey())) == [(2, None, "altered")]


@pytest.mark.parametrize(("given", "taken"), [(None, "lz4"), ("", "lz4"), ("ZSTD ", "zstd"), ("lz4", "lz4")])
def test_log_compression_is_lz4_unless_zstd_is_asked_for(monkeypatch, tmp_path, given, taken):
    if given is None:
        monkeypatch.delenv("LAKTHAN_LOG_COMPRESSION", raising=False)
    else:
        monkeypatch.setenv("LAKTHAN_LOG_COMPRESSION", given)
    assert config.log_compression() == taken
    s = LogStore(tmp_path / "logs")
    s.append(parsers.parse(_lines(5)).events)
    s.seal()
    assert _codecs(s.segment_path(1)) == {"LZ4" if taken == "lz4" else "ZSTD"}


def test_an_unknown_log_compression_is_refused_before_anything_is_written(monkeypatch, tmp_path):
    monkeypatch.setenv("LAKTHAN_LOG_COMPRESSION", "gzip")
    with pytest.raises(InvalidInput, match="LAKTHAN_LOG_COMPRESSION must be lz4 or zstd, not 'gzip'"):
        LogStore(tmp_path / "logs")
    assert not (tmp_path / "logs").exists()


def test_a_segment_file_that_cannot_be_read_is_named_unreadable(store, monkeypatch):
    real = Path.read_bytes

    def failing(path):
        if path.name == "00000002.parquet":
            raise OSError(errno.EIO, "Input/output error", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", failing)
    report = verify_dir(store.root, store.vkey())
    assert report.problems == [
        {
            "segment": 2,
            "position": None,
            "kind": "unreadable",
            "detail": "00000002.parquet: Input/output error",
        }
    ]
    assert report.segments == 3 and report.events == 40  # the others are checked all the same
