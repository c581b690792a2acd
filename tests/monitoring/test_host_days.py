"""Events per host and day and missing RFC 5424 sequence ids (the coverage evidence) come out the same
whether a segment's counts were taken as its chunks were written or by reading it back."""

from __future__ import annotations

from datetime import date

import pytest

from lakthan.monitoring.models import HostDay
from lakthan.monitoring.pipeline.store import LogStore
from lakthan.monitoring.services import ingest
from lakthan.monitoring.services import seal as sealing


def _line(host: str, seq: int, hour: int) -> str:
    return (
        f"<38>1 2013-01-05T{hour:02d}:{seq % 60:02d}:00+07:00 {host} sshd 1 - "
        f'[meta sequenceId="{seq}"] Accepted password for staff from 10.0.0.1 port 22 ssh2'
    )


@pytest.mark.parametrize("taken", ["when written", "read back"])
def test_counts_and_sequence_gaps_per_host_and_day(db, monkeypatch, settings, taken):
    # chunks this small are joined and read back; sealed alone, they keep the counts taken when written
    settings.LAKTHAN_LOG_ALONE_ROWS = 1 if taken == "when written" else 10**6
    if taken == "when written":
        monkeypatch.setattr(LogStore, "read_segment", lambda *a: pytest.fail("read back"))
    web = [_line("web01", q, 10) for q in range(1, 51) if q not in (20, 21, 22)]  # 3 missing
    db01 = [_line("db01", q, 23) for q in range(1, 31)]  # none missing; 23:00+07:00 is still 5 Jan
    for k in range(0, 47, 10):  # segment 1: chunks of 10 lines, the two hosts interleaved
        ingest.ingest_lines(web[k : k + 10] + db01[k : k + 10], "syslog", host=None)
    ingest.ingest_lines(["garbled"], "syslog", host="web01")  # kept raw, on the day it arrived
    sealing.seal()
    ingest.ingest_lines([_line("web01", q, 11) for q in range(60, 70)], "syslog")  # 51–59 missing
    sealing.seal()
    days = {(d.host_name, d.day): (d.count, d.unparsed, d.seq_gaps) for d in HostDay.objects.all()}
    arrived = [day for host, day in days if day != date(2013, 1, 5)]
    assert days == {
        ("web01", date(2013, 1, 5)): (47 + 10, 0, 3 + 9),
        ("db01", date(2013, 1, 5)): (30, 0, 0),
        ("web01", *arrived): (1, 1, 0),
    }


def test_a_rolled_back_index_leaves_the_sequence_state_as_it_was(db):
    from lakthan.monitoring.engines.checkpoint import CheckpointError
    from lakthan.monitoring.models import Segment
    from lakthan.monitoring.services import home

    ingest.ingest_lines([_line("web01", q, 10) for q in range(1, 11)], "syslog")
    sealing.seal()
    assert sealing.sequence_state() == {"web01": 10}
    ingest.ingest_lines([_line("web01", q, 11) for q in range(15, 21)], "syslog")  # 11–14 missing
    store = home.store()
    store.seal()  # the store has segment 2; the database does not know it yet
    note_file = store.cp_dir / "00000002.txt"
    note = note_file.read_text()
    note_file.write_text("not a signed checkpoint\n")  # fails after the host-days were counted
    with pytest.raises(CheckpointError):
        sealing.sync_index(store)
    assert sealing.sequence_state() == {"web01": 10} and Segment.objects.count() == 1
    note_file.write_text(note)
    sealing.sync_index(store)  # indexed again: the gap is counted once, from the state kept
    assert sealing.sequence_state() == {"web01": 20}
    assert sum(HostDay.objects.values_list("seq_gaps", flat=True)) == 4
