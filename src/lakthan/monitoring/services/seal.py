"""Sealing: open chunks become signed segments, and the database index (segments, checkpoints,
events per host and day, sequence state) is brought up to the store on disk."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from datetime import datetime

import polars as pl
from django.db import transaction

from lakthan.core.bulk import upsert, upsert_frame
from lakthan.core.errors import IntegrityFailure
from lakthan.monitoring.engines.checkpoint import Verifier
from lakthan.monitoring.models import Checkpoint, HostDay, Segment, SeqState
from lakthan.monitoring.pipeline import tally
from lakthan.monitoring.pipeline.matches import MatchCache
from lakthan.monitoring.pipeline.store import LogStore, StoreDamaged
from lakthan.monitoring.services.home import state_dir, store
from lakthan.monitoring.services.rules import MATCHES, key_in_force


def seal(now: datetime | None = None) -> Segment | None:
    """IntegrityFailure, naming what is missing, when the store is damaged: nothing is sealed then,
    and the events already received stay in the open chunks."""
    s = store()
    try:
        sealed = s.seal(now=now)
    except StoreDamaged as exc:
        raise IntegrityFailure(
            f"คลังบันทึกการใช้งานเสียหาย ไม่ได้ปิดผนึก: {exc}", f"the log store is damaged: {exc}"
        ) from None
    with s.indexing():
        last = sync_index(s)  # also indexes what an earlier seal left unindexed
    return None if sealed is None else last


def sync_index(s: LogStore) -> Segment | None:
    """Brings the database index (segments, checkpoints, host-days) up to the store on disk, and
    finishes what a seal killed after indexing a segment left undone (its matches, its annotations)."""
    vkey = s.vkey()
    if vkey is None:  # nothing was ever sealed
        return None
    verifier = Verifier.from_vkey(vkey)
    last = None
    known = set(Segment.objects.values_list("index", flat=True))
    annotated = s.annotated()
    key = functools.cache(key_in_force)
    for h in s.headers():
        if h["index"] in known:
            if h["index"] in annotated:  # indexed and counted: only the clean-up is left
                adopt_matches(s, h["index"], key)
                s.drop_annotations(h["index"])
            continue
        with transaction.atomic():
            last = Segment.objects.create(
                index=h["index"],
                count=h["count"],
                root=h["root"],
                file_sha256=h["file_sha256"],
                first_ts=datetime.fromisoformat(h["first_ts"]),
                last_ts=datetime.fromisoformat(h["last_ts"]),
                sealed_at=datetime.fromisoformat(h["sealed_at"]),
            )
            count_host_days(s, h["index"])
            note = (s.cp_dir / f"{h['index']:08d}.txt").read_text()
            cp = verifier.open(note)
            Checkpoint.objects.create(size=cp.size, root=cp.root.hex(), origin=cp.origin, note=note)
        adopt_matches(s, h["index"], key)
        s.drop_annotations(h["index"])
    return last


def adopt_matches(s: LogStore, index: int, key: Callable[[], str]) -> None:
    """Keeps what a new segment's events matched when they were written, if under the rules in force
    (``key``, asked only when there is something to adopt)."""
    if any(name.startswith(MATCHES) for name in s.annotation_names(index)):
        kept = s.annotation_path(index, MATCHES + key())
        if kept is not None:
            with contextlib.suppress(FileNotFoundError):  # another sealer's catch-up took it first
                MatchCache(state_dir() / "matches", key()).adopt(index, kept)


def sequence_state() -> dict[str, int]:
    """The highest RFC 5424 sequence id seen per host, over every indexed segment."""
    return dict(SeqState.objects.values_list("host_name", "last_seq"))


def count_host_days(s: LogStore, index: int) -> None:
    """Adds a sealed segment's events to the per host and day counts: from the tallies taken when its
    chunk was written, or from its events read back (a segment joined from small chunks). Runs inside
    the segment's transaction, sequence state included, so a rollback leaves nothing ahead."""
    days, runs = s.annotation(index, "days"), s.annotation(index, "seq")
    if days is None or runs is None:
        events = s.read_segment(index)
        days, runs = tally.days(events), tally.seq_runs(events)
    before = sequence_state()
    gaps, after = tally.seq_gaps(runs, before)
    upsert(
        SeqState,
        ({"host_name": h, "last_seq": n} for h, n in after.items() if before.get(h) != n),
        ["host_name"],
        max_fields=["last_seq"],
    )
    gaps_frame = pl.DataFrame(
        [(host, day, n) for (host, day), n in gaps.items()],
        schema={"host": pl.Utf8, "day": pl.Date, "seq_gaps": pl.Int64},
        orient="row",
    )
    upsert_frame(
        HostDay,
        tally.stack_days(days)
        .join(gaps_frame, on=["host", "day"], how="left")
        .select(
            pl.col("host").alias("host_name"),
            "day",
            pl.col("n").alias("count"),
            "unparsed",
            pl.col("first").alias("first_ts"),
            pl.col("last").alias("last_ts"),
            pl.col("seq_gaps").fill_null(0),
        ),
        ["host_name", "day"],
        add_fields=["count", "unparsed", "seq_gaps"],
        min_fields=["first_ts"],
        max_fields=["last_ts"],
    )
