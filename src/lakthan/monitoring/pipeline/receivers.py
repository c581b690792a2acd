"""Network receivers: syslog over UDP and TCP (RFC 3164/5424; octet-counted RFC 6587 or newline
framing; optionally TLS, RFC 5425), JSON lines over HTTP. No Django here.

Write-ahead: a batch is parsed and written to the store's open chunks (temporary file, fsync, rename,
fsync of the directory) *before* it is acknowledged — over HTTP by the 200 response, over TCP by an
``ACK <n>`` line the receiver writes back after each durable batch (senders that do not read it lose
nothing; Lakthan's own forwarder and the tests count on it). On start the store recovers: chunks are
whole or absent, so everything acknowledged before a crash is still there. UDP has no
acknowledgement by nature; datagrams are buffered for at most ``udp_flush`` seconds.
"""

from __future__ import annotations

import itertools
import json
import logging
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import polars as pl

from lakthan.monitoring.pipeline import parsers
from lakthan.monitoring.pipeline.framing import Frame, Framer
from lakthan.monitoring.pipeline.relp import RELP_COLUMNS, Recent, RelpServer
from lakthan.monitoring.pipeline.store import Annotate, LogStore, read_stored
from lakthan.monitoring.pipeline.udp import UdpReceiver

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024 * 1024


class Spool:
    """Parses a batch of lines (the bytes received) and writes it durably to the store's open chunks."""

    def __init__(self, store: LogStore, year: int | None = None):
        self.store = store
        self.year = year
        self.annotate: Annotate | None = None  # what to take from the events as they are written
        self.count = 0
        self.lock = threading.Lock()

    def write(self, lines: list[bytes], fmt: str, source: str) -> int:
        if not lines:
            return 0
        parsed = parsers.parse(lines, fmt, source=source, year=self.year)
        annotations = self.annotate  # as it was when this batch came
        self.store.append(parsed.events, (lambda: annotations) if annotations else None)
        with self.lock:
            self.count += parsed.events.height
        return parsed.events.height


class _TCPHandler(socketserver.BaseRequestHandler):
    def _ack(self, n: int) -> None:
        try:
            if isinstance(self.request, ssl.SSLSocket):
                self.request.sendall(f"ACK {n}\n".encode())
            else:
                self.request.send(f"ACK {n}\n".encode(), socket.MSG_DONTWAIT)
        except OSError:
            pass

    def handle(self) -> None:
        spool: Spool = self.server.spool  # type: ignore[attr-defined]
        peer = f"tcp:{self.client_address[0]}"
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            try:
                self.request.do_handshake()
            except (OSError, ssl.SSLError):
                return
        self.request.settimeout(0.05)
        framer, pending = Framer(), []
        while True:
            try:
                data = self.request.recv(256 * 1024)
                if not data:
                    break
                pending += framer.feed(data)
                if len(pending) < 5000:
                    continue
            except TimeoutError:
                pass
            except OSError:
                break
            if pending:
                self._ack(self._store(spool, pending, peer))
                pending = []
        pending += framer.close()
        if pending:
            self._ack(self._store(spool, pending, peer))

    @staticmethod
    def _store(spool: Spool, frames: list[Frame], peer: str) -> int:
        """Stores the frames in their order; a cut one is marked in its source ("tcp:ADDR truncated")."""
        stored = 0
        for cut, run in itertools.groupby(frames, key=lambda f: f.truncated):
            lines = [f.data for f in run]
            if cut:
                log.warning("%d over-long frame(s) from %s kept cut to their first bytes", len(lines), peer)
            stored += spool.write(lines, "syslog", f"{peer} truncated" if cut else peer)
        return stored


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    ssl_context: ssl.SSLContext | None = None

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        if (
            self.ssl_context is not None
        ):  # syslog over TLS (RFC 5425); the handshake runs in the handler thread
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr


def _http_handler(spool: Spool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            if self.path.rstrip("/") not in ("/ingest", ""):
                self._reply(404, {"error": "POST JSON lines to /ingest"})
                return
            size = int(self.headers.get("Content-Length") or 0)
            if size <= 0 or size > MAX_BODY:
                self._reply(
                    413 if size > MAX_BODY else 400, {"error": "body must be 1 byte to 16 MiB of JSON lines"}
                )
                return
            body = self.rfile.read(size)  # JSON lines: split at "\n" ("\r\n" too), as a file's
            n = spool.write(body.split(b"\n"), "jsonl", f"http:{self.client_address[0]}")
            self._reply(200, {"accepted": n})

        def _reply(self, code: int, obj: dict) -> None:
            data = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _recent_relp(store: LogStore) -> Recent:
    """What came over RELP lately (the open chunks, then the newest segment): a sender reconnecting
    after a crash of this receiver sends again what it had not seen acknowledged."""
    recent = Recent()
    frames = []
    newest = store.size()
    if newest and store.segment_path(newest).exists():
        frames.append(read_stored(store.segment_path(newest), RELP_COLUMNS))
    frames += [read_stored(chunk, RELP_COLUMNS) for chunk in store.open_chunks()]
    if frames:
        recent.load(pl.concat(frames))
    return recent


def _addr(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    return host or "127.0.0.1", int(port)


def serve(
    store: LogStore,
    *,
    udp: str | None = None,
    tcp: str | None = None,
    http: str | None = None,
    on_seal: Callable[[], object] | None = None,
    annotate: Callable[[], Annotate] | None = None,
    seal_every: float = 300,
    udp_flush: float = 0.2,
    stop: threading.Event | None = None,
    ready: Callable[[dict], None] | None = None,
    tls: tuple[str, str] | None = None,
    counters: Callable[[dict], None] | None = None,
    relp: str | None = None,
) -> None:
    """``tls`` = (certificate file, key file) turns the TCP receiver into syslog over TLS (RFC 5425).
    ``annotate`` gives the store's annotations of new chunks; asked at start and after each seal,
    from this thread."""
    for damage in store.recover():  # a damaged store still receives: nothing sealed is touched
        log.error("log store damaged: %s", damage)
    spool = Spool(store)
    spool.annotate = annotate() if annotate else None
    stop = stop or threading.Event()
    servers: list[socketserver.BaseServer] = []
    threads: list[threading.Thread] = []
    bound: dict[str, tuple[str, int]] = {}
    if tcp:
        s = _TCPServer(_addr(tcp), _TCPHandler)
        s.spool = spool  # type: ignore[attr-defined]
        if tls:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(tls[0], tls[1])
            s.ssl_context = ctx
        servers.append(s)
        bound["tcp"] = s.socket.getsockname()
    udp_receiver = UdpReceiver(_addr(udp)) if udp else None
    if udp_receiver:
        udp_receiver.start()
        bound["udp"] = udp_receiver.address()
    if relp:
        r = RelpServer(
            _addr(relp), lambda lines, peer: spool.write(lines, "syslog", peer), _recent_relp(store)
        )
        servers.append(r)
        bound["relp"] = r.socket.getsockname()
    if http:
        h = ThreadingHTTPServer(_addr(http), _http_handler(spool))
        h.daemon_threads = True
        servers.append(h)
        bound["http"] = h.socket.getsockname()
    for server in servers:
        t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        t.start()
        threads.append(t)
    if ready:
        ready(bound)
    last_seal = time.monotonic()
    try:
        reported: dict | None = None
        while not stop.wait(udp_flush):
            if udp_receiver:
                lines = udp_receiver.drain()
                if lines:
                    udp_receiver.stored(spool.write(lines, "syslog", "udp"))
                now = udp_receiver.snapshot()
                if counters and now != reported:
                    counters(now)
                    reported = now
            if on_seal and time.monotonic() - last_seal >= seal_every:
                last_seal = time.monotonic()
                try:
                    on_seal()
                except Exception:  # noqa: BLE001 - a failing seal is logged and retried; receiving goes on
                    log.exception("sealing failed; the events stay in the open chunks and sealing is retried")
                spool.annotate = annotate() if annotate else None
    finally:
        if udp_receiver:
            udp_receiver.close()
            lines = udp_receiver.drain()  # read before the socket closed
            if lines:
                udp_receiver.stored(spool.write(lines, "syslog", "udp"))
            if counters:
                counters(udp_receiver.snapshot())
        for server in servers:
            server.shutdown()
            server.server_close()
