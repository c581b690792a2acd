"""Receivers: framing, UDP/TCP/HTTP in-process, and kill -9 during TCP ingest loses nothing acknowledged."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import polars as pl
import pytest

from lakthan.monitoring.pipeline.framing import MAX_FRAME, Framer
from lakthan.monitoring.pipeline.receivers import serve
from lakthan.monitoring.pipeline.store import LogStore
from lakthan.monitoring.pipeline.verify import verify_dir


def _frames(*chunks, max_frame=MAX_FRAME):
    framer = Framer(max_frame)
    out = [f for chunk in chunks for f in framer.feed(chunk)] + framer.close()
    return [(f.data, f.truncated) for f in out]


def test_octet_counted_and_newline_frames():
    msg = b"<38>1 2013-01-01T00:00:00Z h a - - - hello"
    data = (
        b"%d " % len(msg) + msg + b"<13>Jan  1 00:00:00 h a: line one\n<13>Jan  1 00:00:01 h a: line two\r\n"
    )
    assert _frames(data) == [
        (msg, False),
        (b"<13>Jan  1 00:00:00 h a: line one", False),
        (b"<13>Jan  1 00:00:01 h a: line two", False),
    ]


def test_a_count_is_a_count_only_before_a_syslog_message():
    # "12 abc" and "99999 " lines are text, not counts: stored whole, their neighbours too
    assert _frames(b"<13>before\n12 abc def ghi jkl\n99999 x\n<13>after\n") == [
        (b"<13>before", False),
        (b"12 abc def ghi jkl", False),
        (b"99999 x", False),
        (b"<13>after", False),
    ]


def test_frames_split_anywhere_between_reads_come_out_the_same():
    msg = b"<38>1 2013-01-01T00:00:00Z h a - - - counted"
    data = b"%d " % len(msg) + msg + b"<13>line\n"
    whole = _frames(data)
    for cut in range(1, len(data)):
        assert _frames(data[:cut], data[cut:]) == whole


def test_over_long_frames_are_kept_cut_and_flagged_and_neighbours_survive():
    long_line = b"<13>" + b"x" * 300
    counted = b"<13>" + b"y" * 300
    data = b"<13>first\n" + long_line + b"\n" + b"%d " % len(counted) + counted + b"<13>last\n"
    assert _frames(data, max_frame=100) == [
        (b"<13>first", False),
        (long_line[:100], True),
        (counted[:100], True),
        (b"<13>last", False),
    ]


def test_an_unfinished_last_line_is_kept_when_the_sender_closes():
    assert _frames(b"<13>one\n<13>no newline at the end") == [
        (b"<13>one", False),
        (b"<13>no newline at the end", False),
    ]


def test_hostile_tcp_stream_loses_no_neighbour_end_to_end(tmp_path):
    store = LogStore(tmp_path / "logs")
    stop, bound, ready = threading.Event(), {}, threading.Event()
    t = threading.Thread(
        target=serve,
        args=(store,),
        kwargs=dict(tcp="127.0.0.1:0", stop=stop, ready=lambda b: (bound.update(b), ready.set())),
        daemon=True,
    )
    t.start()
    assert ready.wait(5)
    try:
        c = socket.create_connection(bound["tcp"])
        huge = b"<13>Jan  1 00:00:00 h a: " + b"z" * (MAX_FRAME + 10_000)
        c.sendall(
            b"<13>Jan  1 00:00:00 h a: before\n" + huge + b"\n99999 no\n<13>Jan  1 00:00:00 h a: after\n"
        )
        c.shutdown(socket.SHUT_WR)
        acked = 0
        deadline = time.time() + 5
        while acked < 4 and time.time() < deadline:
            reply = c.recv(100)
            if not reply:
                break
            acked += sum(
                int(line.split()[1]) for line in reply.decode().splitlines() if line.startswith("ACK")
            )
        c.close()
    finally:
        stop.set()
        t.join(5)
    assert acked == 4
    store.seal()
    df = store.read_segment(1)
    assert df["raw"].to_list()[0].endswith("before") and df["raw"].to_list()[-1].endswith("after")
    cut = df.filter(df["source"].str.ends_with("truncated"))
    assert cut.height == 1 and len(cut["raw"][0].encode()) == MAX_FRAME


def test_udp_tcp_http_in_process(tmp_path):
    store = LogStore(tmp_path / "logs")
    stop, bound = threading.Event(), {}
    ready = threading.Event()
    t = threading.Thread(
        target=serve,
        args=(store,),
        kwargs=dict(
            udp="127.0.0.1:0",
            tcp="127.0.0.1:0",
            http="127.0.0.1:0",
            stop=stop,
            udp_flush=0.05,
            ready=lambda b: (bound.update(b), ready.set()),
        ),
        daemon=True,
    )
    t.start()
    assert ready.wait(5)
    try:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.sendto(
            b"<38>Mar  5 10:00:00 gw01 sshd[1]: Accepted password for a from 10.0.0.1 port 1 ssh2",
            bound["udp"],
        )
        c = socket.create_connection(bound["tcp"])
        c.sendall(b'<38>1 2013-03-05T10:00:00+07:00 db01 sshd 1 - [meta sequenceId="1"] hi\n')
        assert c.recv(100).startswith(b"ACK 1")
        c.close()
        body = b'{"ts": "2013-03-05T10:00:00+07:00", "host": "pibics", "user": "u1", "action": "view"}\n'
        req = urllib.request.Request(f"http://127.0.0.1:{bound['http'][1]}/ingest", data=body, method="POST")
        assert json.loads(urllib.request.urlopen(req, timeout=5).read()) == {"accepted": 1}
        deadline = time.time() + 5
        while store.pending() < 3 and time.time() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        t.join(5)
    store.seal()
    df = store.read_segment(1)
    assert sorted(df["host"].to_list()) == ["db01", "gw01", "pibics"]
    assert set(df["source"].str.extract(r"^(\w+):?").to_list()) == {"udp", "tcp", "http"}


def test_every_receiver_keeps_the_bytes_of_lines_not_utf8(tmp_path):
    store = LogStore(tmp_path / "logs")
    stop, bound, ready = threading.Event(), {}, threading.Event()
    t = threading.Thread(
        target=serve,
        args=(store,),
        kwargs=dict(
            udp="127.0.0.1:0",
            tcp="127.0.0.1:0",
            http="127.0.0.1:0",
            stop=stop,
            udp_flush=0.05,
            ready=lambda b: (bound.update(b), ready.set()),
        ),
        daemon=True,
    )
    t.start()
    assert ready.wait(5)
    datagram = b"<38>Mar  5 10:00:00 gw01 sshd[1]: Failed password for caf\xe9 from 10.0.0.1 port 1 ssh2"
    counted = b"<38>1 2013-03-05T10:00:00+07:00 db01 app 1 - - two\nlines \xff"  # one frame holding "\n"
    crlf = b"<38>1 2013-03-05T10:00:01+07:00 db01 app 1 - - cr \xc3\r"
    cut = b"<38>1 2013-03-05T10:00:02+07:00 db01 app 1 - - " + "ก".encode() * MAX_FRAME  # cut mid-letter
    body = (
        b'{"ts": "2013-03-05T10:00:00+07:00", "host": "pibics", "user": "caf\xe9"}\r\n'
        + '{"ts": "2013-03-05T10:00:01+07:00", "host": "pibics", "msg": "a\u2028b"}\n'.encode()
    )
    try:
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(datagram, bound["udp"])
        c = socket.create_connection(bound["tcp"])
        c.sendall(b"%d " % len(counted) + counted + crlf + b"\n" + cut + b"\n")
        c.shutdown(socket.SHUT_WR)
        while c.recv(100):
            pass
        c.close()
        req = urllib.request.Request(f"http://127.0.0.1:{bound['http'][1]}/ingest", data=body, method="POST")
        assert json.loads(urllib.request.urlopen(req, timeout=5).read()) == {"accepted": 2}
        deadline = time.time() + 5
        while store.pending() < 6 and time.time() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        t.join(5)
    store.seal()
    df = store.read_segment(1)
    kept = {row["raw_bytes"]: row for row in df.to_dicts() if row["raw_bytes"] is not None}
    assert set(kept) == {datagram, counted, crlf[:-1], cut[:MAX_FRAME], body.split(b"\r\n")[0]}
    for raw_bytes, row in kept.items():
        assert row["raw"] == raw_bytes.decode("utf-8", errors="replace")
    assert kept[datagram]["user"] == "caf\ufffd" and kept[datagram]["source"].startswith("udp")
    assert kept[cut[:MAX_FRAME]]["source"].endswith("truncated")
    assert kept[body.split(b"\r\n")[0]]["user"] == "caf\ufffd"
    # a JSON line is split at "\n" only: U+2028 inside a string leaves it one event
    assert df.filter(pl.col("raw").str.contains("\u2028"))["msg"].to_list() == ["a\u2028b"]
    assert verify_dir(store.root, store.vkey()).intact


SERVER = r"""
import sys, threading
from lakthan.monitoring.pipeline.store import LogStore
from lakthan.monitoring.pipeline.receivers import serve
def ready(b):
    print(b["tcp"][1], flush=True)
serve(LogStore(sys.argv[1]), tcp="127.0.0.1:0", ready=ready)
"""


@pytest.mark.slow
def test_kill_9_during_tcp_ingest_loses_nothing_acknowledged(tmp_path):
    root = tmp_path / "logs"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(root)], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        port = int(proc.stdout.readline())
        sock = socket.create_connection(("127.0.0.1", port))
        sock.settimeout(5)
        acked, sent, buf = 0, 0, b""
        killed = False
        for batch in range(400):
            lines = b"".join(
                b"<38>1 2013-03-05T10:00:00+07:00 h1 app 1 - - event %d\n" % (sent + i) for i in range(250)
            )
            sent += 250
            sock.sendall(lines)
            while b"\n" not in buf:
                buf += sock.recv(4096)
            *done, buf = buf.split(b"\n")
            acked += sum(int(x.split()[1]) for x in done if x.startswith(b"ACK"))
            if batch == 12 and not killed:
                # keep sending without waiting, then kill mid-stream
                sock.sendall(
                    b"".join(
                        b"<38>1 2013-03-05T10:00:00+07:00 h1 app 1 - - event %d\n" % (sent + i)
                        for i in range(5000)
                    )
                )
                sent += 5000
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert killed and acked >= 12 * 250
    store = LogStore(root)
    store.seal()  # recovery on start: whole chunks kept, partial temp files dropped
    msgs = set(store.read_segment(1)["msg"].to_list())
    # every acknowledged event is present, and nothing is duplicated
    assert all(f"event {i}" in msgs for i in range(acked))
    assert store.read_segment(1).height == len(msgs)


def test_syslog_over_tls(tmp_path):
    import datetime as dt
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    store = LogStore(tmp_path / "logs")
    stop, bound, ready = threading.Event(), {}, threading.Event()
    t = threading.Thread(
        target=serve,
        args=(store,),
        kwargs=dict(
            tcp="127.0.0.1:0",
            stop=stop,
            tls=(str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")),
            ready=lambda b: (bound.update(b), ready.set()),
        ),
        daemon=True,
    )
    t.start()
    assert ready.wait(5)
    try:
        ctx = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
        with (
            socket.create_connection(bound["tcp"]) as raw,
            ctx.wrap_socket(raw, server_hostname="localhost") as c,
        ):
            c.sendall(b"<38>1 2013-03-05T10:00:00+07:00 db01 sshd 1 - - over tls\n")
            assert c.recv(100).startswith(b"ACK 1")
        with pytest.raises(OSError), socket.create_connection(bound["tcp"]) as plain:
            plain.sendall(b"<38>1 2013-03-05T10:00:00+07:00 db01 sshd 1 - - in clear\n")
            plain.settimeout(2)
            if not plain.recv(100):
                raise OSError("closed")  # the server drops a client that does not speak TLS
    finally:
        stop.set()
        t.join(5)
    store.seal()
    assert store.read_segment(1)["msg"].to_list() == ["over tls"]


def test_a_failing_seal_never_stops_the_receiver(tmp_path):
    store = LogStore(tmp_path / "logs")
    stop, bound, ready = threading.Event(), {}, threading.Event()
    failures = []

    def failing_seal():
        failures.append(1)
        raise RuntimeError("the disk is full")

    t = threading.Thread(
        target=serve,
        args=(store,),
        kwargs=dict(
            tcp="127.0.0.1:0",
            stop=stop,
            udp_flush=0.02,
            seal_every=0.05,
            on_seal=failing_seal,
            ready=lambda b: (bound.update(b), ready.set()),
        ),
        daemon=True,
    )
    t.start()
    assert ready.wait(5)
    try:
        deadline = time.time() + 5
        while len(failures) < 3 and time.time() < deadline:
            time.sleep(0.02)
        assert len(failures) >= 3 and t.is_alive()  # retried, and still serving
        c = socket.create_connection(bound["tcp"])
        c.sendall(b"<38>1 2013-03-05T10:00:00+07:00 db01 sshd 1 - - after the failures\n")
        assert c.recv(100).startswith(b"ACK 1")
        c.close()
    finally:
        stop.set()
        t.join(5)
    assert store.pending() == 1


def test_a_udp_burst_is_counted_received_stored_or_dropped(tmp_path):
    store = LogStore(tmp_path / "logs")
    stop, bound, ready = threading.Event(), {}, threading.Event()
    reports: list[dict] = []
    t = threading.Thread(
        target=serve,
        args=(store,),
        kwargs=dict(
            udp="127.0.0.1:0",
            stop=stop,
            udp_flush=0.05,
            counters=reports.append,
            ready=lambda b: (bound.update(b), ready.set()),
        ),
        daemon=True,
    )
    t.start()
    assert ready.wait(5)
    sent = 5000
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    big = b"<13>Jan  1 00:00:00 h a: " + b"b" * 20_000  # over the 8 KiB a plain read takes
    u.sendto(big, bound["udp"])
    for i in range(sent - 1):
        u.sendto(b"<13>Jan  1 00:00:00 h a: burst %d" % i, bound["udp"])
    deadline = time.time() + 10
    while time.time() < deadline and (not reports or reports[-1]["received"] + reports[-1]["dropped"] < sent):
        time.sleep(0.05)
    stop.set()
    t.join(5)
    final = reports[-1]
    assert final["received"] + final["dropped"] == sent  # every datagram accounted for
    assert final["stored"] == final["received"] == store.pending() and final["truncated"] == 0
    store.seal()
    lengths = store.read_segment(1)["raw"].str.len_bytes().to_list()
    assert len(big) in lengths  # the 20 KB datagram kept whole


@pytest.mark.django_db
def test_metrics_show_the_udp_counters(client, settings, tmp_path):
    from lakthan.monitoring.services.home import record_udp_counters

    settings.LAKTHAN_METRICS_TOKEN = ""
    record_udp_counters({"received": 4990, "stored": 4990, "dropped": 10, "truncated": 0})
    body = client.get("/metrics").content.decode()
    assert 'lakthan_udp_datagrams_total{outcome="dropped"} 10.0' in body
    assert 'lakthan_udp_datagrams_total{outcome="stored"} 4990.0' in body
