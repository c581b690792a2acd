"""Syslog over TCP framing (RFC 6587), per connection, never losing a neighbour of a bad frame.

A frame is octet-counted (§3.4.1, ``LEN SP MSG``) only when the count and space are followed by a
syslog message's first byte ``<``; otherwise it is a line ending at LF (§3.4.2), so "12 abc" is one
line, not a count. A frame longer than ``max_frame`` is kept cut to that length and flagged; the rest
of it is skipped as it arrives. Nothing raises: every frame a sender sent is returned once.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_FRAME = 64 * 1024
_MAX_DIGITS = 10
_PRI = ord("<")


@dataclass(frozen=True)
class Frame:
    data: bytes
    truncated: bool = False  # cut to max_frame bytes


class Framer:
    def __init__(self, max_frame: int = MAX_FRAME):
        self.max_frame = max_frame
        self.buf = b""
        self.skip = 0  # octets of an over-long counted frame still to discard
        self.skip_line = False  # discarding the rest of an over-long line, up to its LF
        self.truncated = 0  # frames cut so far

    def feed(self, data: bytes) -> list[Frame]:
        self.buf += data
        out: list[Frame] = []
        while self.buf:
            if self.skip:
                taken = min(self.skip, len(self.buf))
                self.buf, self.skip = self.buf[taken:], self.skip - taken
                continue
            if self.skip_line:
                end = self.buf.find(b"\n")
                self.buf = b"" if end < 0 else self.buf[end + 1 :]
                self.skip_line = end < 0
                continue
            counted = self._counted()
            if counted is None:  # cannot tell yet: wait for more bytes
                break
            frame = self._take_counted(*counted) if counted else self._take_line()
            if frame is None:
                break
            if frame.data.strip():
                out.append(frame)
        return out

    def close(self) -> list[Frame]:
        """What is left when the sender closes: an unfinished line or counted frame, kept as sent."""
        rest, self.buf = self.buf, b""
        if self.skip or self.skip_line or not rest.strip():
            return []
        counted = self._counted_prefix(rest)
        body = rest[counted[1] :] if counted else rest
        return [
            Frame(
                body[: self.max_frame].rstrip(b"\r\n"), truncated=bool(counted) or len(body) > self.max_frame
            )
        ]

    def _counted_prefix(self, buf: bytes) -> tuple[int, int] | None:
        digits = 0
        while digits < len(buf) and digits < _MAX_DIGITS and 48 <= buf[digits] <= 57:
            digits += 1
        if 0 < digits < len(buf) - 1 and buf[digits] == 32 and buf[digits + 1] == _PRI and buf[0] != 48:
            return int(buf[:digits]), digits + 1
        return None

    def _counted(self) -> tuple[int, int] | tuple[()] | None:
        """(size, where the message starts) for an octet-counted frame, () for a line, None if unknown."""
        found = self._counted_prefix(self.buf)
        if found:
            return found
        digits = 0
        while digits < len(self.buf) and digits < _MAX_DIGITS and 48 <= self.buf[digits] <= 57:
            digits += 1
        undecided = digits == len(self.buf) or (digits == len(self.buf) - 1 and self.buf[digits] == 32)
        return None if digits and undecided and digits < _MAX_DIGITS else ()

    def _take_counted(self, size: int, start: int) -> Frame | None:
        if size <= self.max_frame:
            if len(self.buf) < start + size:
                return None
            frame = Frame(self.buf[start : start + size].rstrip(b"\n"))
            self.buf = self.buf[start + size :]
            return frame
        if len(self.buf) < start + self.max_frame:
            return None
        self.truncated += 1
        frame = Frame(self.buf[start : start + self.max_frame], truncated=True)
        self.buf, self.skip = self.buf[start + self.max_frame :], size - self.max_frame
        return frame

    def _take_line(self) -> Frame | None:
        end = self.buf.find(b"\n")
        if 0 <= end <= self.max_frame:
            frame = Frame(self.buf[:end].rstrip(b"\r"))
            self.buf = self.buf[end + 1 :]
            return frame
        if len(self.buf) <= self.max_frame:
            return None
        self.truncated += 1
        frame = Frame(self.buf[: self.max_frame], truncated=True)
        self.buf = self.buf[self.max_frame :]
        self.skip_line = True
        return frame
