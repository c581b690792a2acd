"""RELP: frames, and a real rsyslogd (omrelp) sending across a kill -9 of the receiver — nothing lost,
nothing stored twice."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from lakthan.monitoring.pipeline.relp import RelpFrame, parse_frames, response
from lakthan.monitoring.pipeline.store import LogStore

SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_frames_of_the_protocol():
    offers = b"relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog"
    data = b"1 open %d %s\n" % (len(offers), offers)
    data += b"2 syslog 5 hello\n3 close 0\n4 syslog 3 ab"
    frames, rest, error = parse_frames(data)
    assert [(f.txnr, f.command) for f in frames] == [(1, "open"), (2, "syslog"), (3, "close")]
    assert frames[1] == RelpFrame(2, "syslog", b"hello") and rest == b"4 syslog 3 ab" and error is None
    assert response(2, b"200 OK") == b"2 rsp 6 200 OK\n" and response(3, b"") == b"3 rsp 0\n"


@pytest.mark.parametrize(
    "bad", [b"x syslog 5 hello\n", b"1 syslog 5 helloX", b"1 syslog 999999999 a\n", b"1 syslog 5\nhello\n"]
)
def test_a_malformed_frame_stops_parsing_after_the_good_ones(bad):
    frames, _, error = parse_frames(b"1 syslog 2 ok\n" + bad)
    assert [f.data for f in frames] == [b"ok"] and error


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _receiver(root: Path, port: int) -> subprocess.Popen:
    code = (
        "import sys; from lakthan.monitoring.pipeline.receivers import serve; "
        "from lakthan.monitoring.pipeline.store import LogStore; "
        f"serve(LogStore(sys.argv[1]), relp='127.0.0.1:{port}', udp_flush=0.05)"
    )
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": SRC}
    proc = subprocess.Popen([sys.executable, "-c", code, str(root)], env=env)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("the RELP receiver did not start")


def _stored(root: Path) -> list[str]:
    store = LogStore(root)
    chunks = [pl.read_parquet(c, columns=["raw"]) for c in store.open_chunks()]
    return pl.concat(chunks)["raw"].to_list() if chunks else []


@pytest.mark.skipif(shutil.which("rsyslogd") is None, reason="needs Debian's rsyslog and rsyslog-relp")
def test_rsyslog_omrelp_across_a_kill_of_the_receiver_loses_nothing_and_doubles_nothing(tmp_path):
    root, work = tmp_path / "logs", tmp_path / "rsyslog"
    work.mkdir()
    relp_port, in_port = _free_port(), _free_port()
    conf = tmp_path / "rsyslog.conf"
    conf.write_text(
        f'global(workDirectory="{work}")\n'
        'module(load="imtcp")\nmodule(load="omrelp")\n'
        f'input(type="imtcp" port="{in_port}" address="127.0.0.1")\n'
        f'action(type="omrelp" target="127.0.0.1" port="{relp_port}" '
        'template="RSYSLOG_SyslogProtocol23Format" action.resumeRetryCount="-1" '
        'action.resumeInterval="1" queue.type="LinkedList" queue.size="100000")\n'
    )
    receiver = _receiver(root, relp_port)
    rsyslog = subprocess.Popen(
        ["rsyslogd", "-n", "-f", str(conf), "-i", str(tmp_path / "rsyslog.pid")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    total = 3000
    try:
        deadline = time.time() + 10
        while True:
            try:
                sender = socket.create_connection(("127.0.0.1", in_port), timeout=1)
                break
            except OSError:
                assert time.time() < deadline, "rsyslogd did not start"
                time.sleep(0.1)
        for i in range(total):
            sender.sendall(b"<13>Jan  5 10:00:00 web01 app: relp message %05d\n" % i)
            if i == total // 3:
                deadline = time.time() + 10
                while not _stored(root) and time.time() < deadline:
                    time.sleep(0.02)
                receiver.send_signal(signal.SIGKILL)  # mid-stream: some stored, some in flight
                receiver.wait()
            if i == total // 2:
                receiver = _receiver(root, relp_port)
        sender.close()
        deadline = time.time() + 60
        while time.time() < deadline:
            numbers = [line.rsplit(" ", 1)[-1] for line in _stored(root) if "relp message" in line]
            if len(set(numbers)) == total:
                break
            time.sleep(0.2)
    finally:
        rsyslog.terminate()
        rsyslog.wait(10)
        receiver.send_signal(signal.SIGTERM)
        receiver.kill()
        receiver.wait()
    numbers = [line.rsplit(" ", 1)[-1] for line in _stored(root) if "relp message" in line]
    assert sorted(set(numbers)) == [f"{i:05d}" for i in range(total)]  # nothing lost
    assert len(numbers) == total  # nothing twice


def _session(port: int, frames: list[bytes]) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
        offers = b"relp_version=0\ncommands=syslog"
        c.sendall(b"1 open %d %s\n" % (len(offers), offers) + b"".join(frames))
        replies = b""
        while replies.count(b"\n") < 2 + len(frames) + offers.count(b"\n"):
            chunk = c.recv(65536)
            if not chunk:
                break
            replies += chunk
        return replies


def test_a_reconnecting_sender_resending_what_was_stored_is_acknowledged_not_stored_again(tmp_path):
    import threading

    from lakthan.monitoring.pipeline.receivers import serve

    store = LogStore(tmp_path / "logs")
    port = _free_port()
    stop, ready = threading.Event(), threading.Event()
    t = threading.Thread(
        target=serve,
        args=(store,),
        kwargs=dict(relp=f"127.0.0.1:{port}", stop=stop, ready=lambda b: ready.set()),
        daemon=True,
    )
    t.start()
    assert ready.wait(5)

    def frame(txnr, text):
        return b"%d syslog %d %s\n" % (txnr, len(text), text)

    lines = [b"<13>Jan  5 10:00:00 web01 app: message %d" % i for i in range(3)]
    first = _session(port, [frame(2 + i, line) for i, line in enumerate(lines)])
    assert first.count(b"rsp 6 200 OK") == 3
    # the sender saw no acknowledgement for the last two (the receiver died first): it sends them
    # again on its new session, then a new one; the repeated ones are acknowledged, not stored twice
    again = [lines[1], lines[2], b"<13>Jan  5 10:00:01 web01 app: message 3"]
    second = _session(port, [frame(2 + i, line) for i, line in enumerate(again)])
    assert second.count(b"rsp 6 200 OK") == 3
    stop.set()
    t.join(5)
    assert _stored(tmp_path / "logs") == [line.decode() for line in lines] + [again[2].decode()]
    # a line repeated later in a session is new: stored again
    t = threading.Thread(
        target=serve,
        args=(store,),
        kwargs=dict(relp=f"127.0.0.1:{port}", stop=(stop := threading.Event()), ready=lambda b: None),
        daemon=True,
    )
    t.start()
    time.sleep(0.3)
    _session(port, [frame(2, b"<13>Jan  5 10:00:02 web01 app: other"), frame(3, lines[0])])
    stop.set()
    t.join(5)
    assert _stored(tmp_path / "logs").count(lines[0].decode()) == 2


def _receiving(root: Path, port: int, lines: list[bytes]) -> None:
    """A receiver started on the store at ``root`` is sent ``lines`` in one session and stopped once
    all are acknowledged."""
    import threading

    from lakthan.monitoring.pipeline.receivers import serve

    stop, ready = threading.Event(), threading.Event()
    t = threading.Thread(
        target=serve,
        args=(LogStore(root),),
        kwargs=dict(relp=f"127.0.0.1:{port}", stop=stop, ready=lambda b: ready.set()),
        daemon=True,
    )
    t.start()
    assert ready.wait(5)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
        c.sendall(
            b"1 open 0\n" + b"".join(b"%d syslog %d %s\n" % (2 + i, len(x), x) for i, x in enumerate(lines))
        )
        replies = b""
        while replies.count(b"rsp 6 200 OK") < len(lines):
            replies += c.recv(65536)
    stop.set()
    t.join(5)


def test_relp_keeps_the_bytes_of_lines_not_utf8_and_knows_them_when_resent(tmp_path):
    root, port = tmp_path / "logs", _free_port()
    latin1 = b"<13>Jan  5 10:00:00 web01 app: caf\xe9"
    twin = b"<13>Jan  5 10:00:00 web01 app: caf\xff"  # reads as the same text, but is another line
    _receiving(root, port, [latin1])
    # a new receiver (the store read again) is sent the twin first: it is not the line stored
    _receiving(root, port, [twin])
    _receiving(root, port, [latin1, twin])  # both resent after a restart: known, not stored again
    store = LogStore(root)
    chunks = pl.concat([pl.read_parquet(c) for c in store.open_chunks()])
    assert chunks["raw_bytes"].to_list() == [latin1, twin]
    assert chunks["raw"].to_list() == ["<13>Jan  5 10:00:00 web01 app: caf\ufffd"] * 2


def test_a_line_ending_in_a_carriage_return_resent_after_a_restart_is_not_stored_twice(tmp_path):
    """Stored without its "\r" (as every line is): the receiver started again still knows it."""
    root, port = tmp_path / "logs", _free_port()
    crlf = b"<13>Jan  5 10:00:00 win01 app: from a Windows sender\r"
    _receiving(root, port, [crlf])
    _receiving(root, port, [crlf, b"<13>Jan  5 10:00:01 win01 app: next\r"])
    assert _stored(root) == [
        "<13>Jan  5 10:00:00 win01 app: from a Windows sender",
        "<13>Jan  5 10:00:01 win01 app: next",
    ]
