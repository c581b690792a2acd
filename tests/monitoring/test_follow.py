"""Following files: bounded chunks of whole lines, progress kept per stored chunk, rotation."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakthan.monitoring.pipeline import follow
from lakthan.monitoring.pipeline.follow import Offsets


def _write(path, lines):
    with open(path, "a") as fh:
        fh.writelines(line + "\n" for line in lines)


def test_a_large_file_is_read_in_chunks_of_whole_lines(tmp_path):
    log = tmp_path / "syslog"
    lines = [f"line {i} " + "x" * (i % 7) for i in range(40)] + ["y" * 300]  # one line longer than a chunk
    _write(log, lines)
    with open(log, "a") as fh:
        fh.write("a half-written last line")
    offsets = Offsets(tmp_path / "state.json", chunk_bytes=64)
    chunks = list(offsets.read_new(log))
    assert len(chunks) > 5
    assert all(c.data.endswith(b"\n") and len(c.data) <= 64 + 300 for c in chunks)
    assert b"".join(c.data for c in chunks).decode().splitlines() == lines
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert b.first_line == a.next_line == a.first_line + a.data.count(b"\n")
    assert chunks[-1].end == log.stat().st_size - len("a half-written last line")


@pytest.mark.parametrize("look", [1, 3, 8, 1 << 16])
@settings(max_examples=40, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 90), max_size=30),
    tail=st.binary(max_size=20).filter(lambda b: b"\n" not in b),
    chunk_bytes=st.integers(1, 120),
)
def test_each_chunk_is_as_many_whole_lines_as_fit(tmp_path_factory, look, lengths, tail, chunk_bytes):
    """Where a chunk ends is looked for back from chunk_bytes, in windows of LOOK_BYTES (as small as a
    byte here): each chunk is the most whole lines that fit, or one line alone when it is longer; the
    chunks are the file's whole lines, the part line after them left for later."""
    log = tmp_path_factory.mktemp("follow") / "log"
    lines = [bytes([65 + i % 26]) * n + b"\n" for i, n in enumerate(lengths)]
    log.write_bytes(b"".join(lines) + tail)
    before, follow.LOOK_BYTES = follow.LOOK_BYTES, look
    try:
        chunks = list(Offsets(log.with_name("state.json"), chunk_bytes).read_new(log))
    finally:
        follow.LOOK_BYTES = before
    assert b"".join(c.data for c in chunks) == b"".join(lines)
    at = 0
    for c in chunks:
        n = total = 0
        while total < len(c.data):
            total, n = total + len(lines[at + n]), n + 1
        assert total == len(c.data)  # whole lines
        at += n
        assert len(c.data) <= chunk_bytes or n == 1  # they fit, or it is one line longer than that
        assert at == len(lines) or len(c.data) + len(lines[at]) > chunk_bytes  # the next would not fit
    assert (chunks[-1].end if chunks else 0) == len(b"".join(lines))


def test_progress_moves_only_when_a_chunk_is_done(tmp_path):
    log = tmp_path / "auth.log"
    _write(log, [f"event {i:03d}" for i in range(20)])
    state = tmp_path / "state.json"
    first = Offsets(state, chunk_bytes=32)
    reader = first.read_new(log)
    done = next(reader)
    first.done(done)
    next(reader)  # read but never stored: the process dies here
    again = b"".join(c.data for c in Offsets(state, chunk_bytes=32).read_new(log))
    assert done.data + again == log.read_bytes()


def test_the_rest_of_a_rotated_file_comes_before_the_new_file(tmp_path):
    log = tmp_path / "syslog"
    _write(log, ["old 1", "old 2"])
    state = tmp_path / "state.json"
    offsets = Offsets(state)
    for chunk in offsets.read_new(log):
        offsets.done(chunk)
    _write(log, ["old 3"])  # written just before rotation
    os.rename(log, tmp_path / "syslog.1")
    _write(log, ["new 1"])
    offsets = Offsets(state)
    read = []
    for chunk in offsets.read_new(log):
        read.append(chunk.data)
        offsets.done(chunk)
    offsets.save()
    assert b"".join(read) == b"old 3\nnew 1\n"
    assert list(Offsets(state).read_new(log)) == []


def test_ahead_hands_items_over_in_order_with_the_next_one_already_read():
    read: list[int] = []

    def items():
        for i in range(5):
            read.append(i)
            yield i

    seen = []
    for item, result in follow.ahead(items(), lambda i: i * i):
        assert read[-1] == min(item + 1, 4)  # the next item was read (and its work started) first
        seen.append((item, result.result()))
    assert seen == [(i, i * i) for i in range(5)]


def test_a_chunk_that_cannot_be_parsed_is_named_and_the_chunks_before_it_are_kept(db, tmp_path, monkeypatch):
    import pytest

    from lakthan.core.errors import InvalidInput
    from lakthan.monitoring.pipeline import parsers
    from lakthan.monitoring.services import home, ingest

    log = tmp_path / "syslog"
    _write(log, [f"<38>1 2013-01-05T10:00:{i:02d}+07:00 web01 sshd 1 - - event {i}" for i in range(20)])
    parse_bytes, calls = parsers.parse_bytes, []

    def second_fails(data, *args, **kwargs):
        calls.append(data)
        if len(calls) == 2:
            raise ValueError("a line the parser cannot take")
        return parse_bytes(data, *args, **kwargs)

    monkeypatch.setattr(parsers, "parse_bytes", second_fails)
    with pytest.raises(InvalidInput) as err:
        ingest.ingest_files([log], fmt="syslog", chunk_bytes=200)
    second_line = calls[0].count(b"\n") + 1
    assert f"{log}:{second_line}: cannot parse (a line the parser cannot take)" in str(err.value.args)
    assert home.store().pending() == calls[0].count(b"\n")  # the first chunk is stored
    monkeypatch.setattr(parsers, "parse_bytes", parse_bytes)
    assert ingest.ingest_files([log], fmt="syslog", chunk_bytes=200).events == 20 - calls[0].count(
        b"\n"
    )  # from there on
