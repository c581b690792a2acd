"""RELP, the Reliable Event Logging Protocol of rsyslog's ``omrelp`` (and syslog-ng's ``relp()``):
every message is acknowledged only once it is stored, so a sender keeps what the receiver did not
take and sends it again after a crash. No Django here.

A frame is ``TXNR SP COMMAND SP DATALEN [SP DATA] LF`` (librelp). The receiver answers ``open`` with
its offers, each ``syslog`` frame with ``rsp 200 OK`` after the batch it came in is durable, and
``close`` with an empty ``rsp``. A malformed frame ends the session after what came before it is
stored and acknowledged.

A sender resends, after it reconnects, what was not acknowledged; what was stored but not yet
acknowledged when the receiver died would then be stored twice. So the lines last stored from each
sender are remembered (rebuilt from the open chunks at start), and a new session's first frames that
repeat them are acknowledged without being stored again.
"""

from __future__ import annotations

import collections
import hashlib
import re
import socket
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

MAX_DATA = 256 * 1024
RESEND_WINDOW = 10_000  # omrelp's window is 128 frames; its queue may resend more after a long outage
RELP_COLUMNS = ["source", "raw", "raw_bytes"]  # what Recent.load reads of stored events
_HEADER = re.compile(rb"([0-9]{1,9}) ([a-z]{1,32}) ([0-9]{1,9})")
OFFERS = b"200 OK\nrelp_version=0\nrelp_software=lakthan\ncommands=syslog"


class RelpError(ValueError):
    pass


@dataclass(frozen=True)
class RelpFrame:
    txnr: int
    command: str
    data: bytes


def parse_frames(buf: bytes) -> tuple[list[RelpFrame], bytes, str | None]:
    """Complete frames, the incomplete rest, and the error that stopped parsing (None if none)."""
    frames: list[RelpFrame] = []
    i = 0
    while i < len(buf):
        seps: list[int] = []
        j = i
        while j < len(buf) and j - i <= 60 and len(seps) < 3:
            if buf[j] in (32, 10):
                seps.append(j)
            j += 1
        if len(seps) < 3:
            if j - i > 60:
                return frames, b"", "frame header is malformed"
            break  # wait for the rest of the header
        header_end = seps[2]
        m = _HEADER.fullmatch(buf[i:header_end])
        if m is None:
            return frames, b"", f"frame header {buf[i:header_end][:40]!r} is malformed"
        txnr, command, size = int(m[1]), m[2].decode(), int(m[3])
        if size > MAX_DATA:
            return frames, b"", f"frame of {size} bytes is larger than {MAX_DATA}"
        if size and buf[header_end] != 32:
            return frames, b"", "frame data must follow its length after a space"
        start = header_end + 1 if size else header_end
        end = start + size
        if len(buf) < end + 1:
            break
        if buf[end] != 10:
            return frames, b"", "frame trailer is not LF"
        frames.append(RelpFrame(txnr, command, buf[start:end]))
        i = end + 1
    return frames, buf[i:], None


def response(txnr: int, data: bytes) -> bytes:
    return b"%d rsp %d" % (txnr, len(data)) + (b" " + data if data else b"") + b"\n"


class Recent:
    """The last lines stored per sender, to drop what a reconnecting sender sends again."""

    def __init__(self, window: int = RESEND_WINDOW):
        self.window = window
        self.lock = threading.Lock()
        self.by_peer: dict[str, collections.deque[bytes]] = {}

    @staticmethod
    def _key(line: bytes) -> bytes:
        """Of the line as stored: the parser drops a trailing CR (the frame ends in LF), so a line
        sent with it and the same line read back from the store are one line."""
        return hashlib.sha256(line.rstrip(b"\r\n")).digest()[:16]

    def remember(self, peer: str, lines: list[bytes]) -> None:
        with self.lock:
            kept = self.by_peer.setdefault(peer, collections.deque(maxlen=self.window))
            kept.extend(self._key(line) for line in lines)

    def counts(self, peer: str) -> collections.Counter[bytes]:
        with self.lock:
            return collections.Counter(self.by_peer.get(peer, ()))

    def load(self, events: pl.DataFrame) -> None:
        """From stored events (RELP_COLUMNS) in arrival order: those that came over RELP, each line as
        it was received (its bytes, when they were not UTF-8)."""
        relp = events.filter(pl.col("source").str.starts_with("relp:")).select(
            "source", pl.coalesce("raw_bytes", pl.col("raw").cast(pl.Binary)).alias("line")
        )
        for (peer,), group in relp.group_by(["source"], maintain_order=True):
            self.remember(str(peer), group["line"].tail(self.window).to_list())


class RelpHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        write = self.server.write  # type: ignore[attr-defined]
        recent: Recent = self.server.recent  # type: ignore[attr-defined]
        peer = f"relp:{self.client_address[0]}"
        resent = recent.counts(peer)  # what this sender may send again first
        buf = b""
        self.request.settimeout(60)
        while True:
            try:
                data = self.request.recv(256 * 1024)
            except OSError:
                return
            if not data:
                return
            frames, buf, error = parse_frames(buf + data)
            replies: list[bytes] = []
            lines: list[bytes] = []
            acks: list[int] = []
            closing = False
            for frame in frames:
                if frame.command == "open":
                    replies.append(response(frame.txnr, OFFERS))
                elif frame.command == "syslog":
                    line = frame.data.rstrip(b"\n")  # as received: parsers keeps what is not UTF-8
                    key = Recent._key(line)
                    if resent and resent[key] > 0:
                        resent[key] -= 1  # stored before the receiver stopped; acknowledged now
                    else:
                        resent = collections.Counter()  # past the resent ones: everything is new
                        lines.append(line)
                    acks.append(frame.txnr)
                elif frame.command == "close":
                    closing = True
                    acks.append(-frame.txnr)
                    break
                else:
                    replies.append(response(frame.txnr, b"500 unknown command"))
            try:
                if replies:
                    self.request.sendall(b"".join(replies))
                if lines:
                    write(lines, peer)  # durable before any acknowledgement
                    recent.remember(peer, lines)
                out = b"".join(response(t, b"200 OK") if t > 0 else response(-t, b"") for t in acks)
                if out:
                    self.request.sendall(out)
            except OSError:
                return
            if closing or error:
                if error:
                    self.request.sendall(b"0 serverclose 0\n")
                return


class RelpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], write: Callable[[list[bytes], str], int], recent: Recent):
        super().__init__(addr, RelpHandler)
        self.write, self.recent = write, recent
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
