"""Syslog over UDP: a reader thread in a tight loop off the main loop, a large socket buffer, and
counters of what came, what was stored and what the kernel dropped (no Django here).

UDP has no acknowledgement, so loss can only be made visible: ``received`` datagrams read,
``dropped`` by the kernel because the socket's queue was full (Linux ``SO_RXQ_OVFL``, cumulative),
``truncated`` longer than the 64 KiB read (none can be: an IPv4 datagram carries at most 65,507 bytes).
"""

from __future__ import annotations

import socket
import struct
import threading

MAX_DATAGRAM = 65_535
RCVBUF = 8 * 1024 * 1024
SO_RXQ_OVFL = getattr(socket, "SO_RXQ_OVFL", 40)  # Linux


class UdpReceiver:
    def __init__(self, addr: tuple[str, int]):
        self.sock = socket.socket(socket.AF_INET6 if ":" in addr[0] else socket.AF_INET, socket.SOCK_DGRAM)
        for option in (getattr(socket, "SO_RCVBUFFORCE", None), socket.SO_RCVBUF):
            if option is None:
                continue
            try:  # FORCE passes the system's cap (root only); the plain option is capped by rmem_max
                self.sock.setsockopt(socket.SOL_SOCKET, option, RCVBUF)
                break
            except OSError:
                continue
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, SO_RXQ_OVFL, 1)
        except OSError:
            pass  # not Linux: drops are not counted
        self.sock.bind(addr)
        self.sock.settimeout(0.2)
        self.lock = threading.Lock()
        self.lines: list[bytes] = []
        self.counters = {"received": 0, "stored": 0, "dropped": 0, "truncated": 0}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True, name="udp-receiver")

    def address(self) -> tuple[str, int]:
        host, port = self.sock.getsockname()[:2]
        return str(host), int(port)

    def start(self) -> None:
        self.thread.start()

    def _read(self) -> None:
        ancillary = socket.CMSG_SPACE(4)
        while not self.stop.is_set():
            try:
                data, anc, flags, _ = self.sock.recvmsg(MAX_DATAGRAM, ancillary)
            except TimeoutError:
                continue
            except OSError:
                if self.stop.is_set():
                    return
                continue
            dropped = next(
                (
                    struct.unpack("=I", d[:4])[0]
                    for lvl, kind, d in anc
                    if lvl == socket.SOL_SOCKET and kind == SO_RXQ_OVFL
                ),
                None,
            )
            line = data.rstrip(b"\n")  # the bytes received (parsers keeps those that are not UTF-8)
            with self.lock:
                self.lines.append(line)
                self.counters["received"] += 1
                if flags & socket.MSG_TRUNC:
                    self.counters["truncated"] += 1
                if dropped is not None:
                    self.counters["dropped"] = dropped

    def drain(self) -> list[bytes]:
        with self.lock:
            lines, self.lines = self.lines, []
        return lines

    def stored(self, n: int) -> None:
        with self.lock:
            self.counters["stored"] += n

    def snapshot(self) -> dict[str, int]:
        with self.lock:
            return dict(self.counters)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()
