"""What the network did, read from the files its servers keep. Pure: no Django.

* ISC dhcpd's ``dhcpd.leases``: ``lease ADDRESS { … }`` blocks appended as leases are given, renewed
  and freed, so the LAST block for an address is its state; ``starts``/``ends`` are
  ``W YYYY/MM/DD HH:MM:SS`` in UTC (or ``epoch N`` with ``db-time-format local``), ``ends never``
  for an infinite lease. Other statements (``server-duid``, ``failover peer``, ``authoring-byte-order``,
  ``host`` and IPv6 ``ia-na`` blocks) and comments are skipped; a malformed block is named by its line
  and the rest read.
* Kea's memfile lease CSV (``kea-leases4.csv``, ``kea-leases6.csv``): a header row naming the columns,
  ``expire`` a Unix time and the lease's start ``expire - valid_lifetime``; ``state`` 0 (assigned, read
  as ``active``), 1 ``declined``, 2 ``expired-reclaimed``; the last row for an address wins.
* Neighbour tables: ``ip neigh`` (``10.0.0.1 dev eth0 lladdr aa:bb:… REACHABLE``), ``arp -an`` (``?
  (10.0.0.1) at aa:bb:… [ether] on eth0``, BSD's ``… on en0 ifscope [ethernet]`` too) and Windows'
  ``arp -a`` (``10.0.0.1  aa-bb-cc-dd-ee-ff  dynamic``); entries without a link-layer address
  (FAILED, INCOMPLETE, ``<incomplete>``) are skipped.

MAC addresses in every notation come out as ``AA:BB:CC:DD:EE:FF`` (addresses.normalise_mac)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from lakthan.network.engines.addresses import AddressError, normalise_mac, parse_address


@dataclass(frozen=True)
class Lease:
    line: int  # where the block or row starts
    address: str
    key: str
    mac: str
    hostname: str
    state: str  # active, free, expired, backup, abandoned, released, declined, expired-reclaimed …
    starts: datetime
    ends: datetime | None  # None: never


@dataclass(frozen=True)
class Neighbour:
    line: int
    address: str
    key: str
    mac: str
    hostname: str  # the name arp printed in place of "?", or ""
    state: str  # reachable, stale, permanent … (lower case), "" when the output gives none


@dataclass(frozen=True)
class Problem:
    line: int
    th: str
    en: str

    def where(self, filename: str) -> str:
        return f"{filename}:{self.line}"


# --- ISC dhcpd ------------------------------------------------------------------------------------

# Every expression here matches at each place it is tried and never backtracks (possessive
# quantifiers; a string left open runs to the end of the file): a hostile upload is read in time
# linear in its size, never in the size squared or worse.
_STRING_OR_COMMENT = re.compile(r'("(?:[^"\\]|\\.)*+(?:"|\Z))|#[^\n]*+')
# a statement's text (strings kept whole) and what ends it: ``;``, a block's ``{`` or ``}``, or the
# end of the file (an unfinished statement, ignored)
_PIECE = re.compile(r'((?:[^;{}"]++|"(?:[^"\\]|\\.)*+(?:"|\Z))*+)([;{}]|\Z)')
_WHEN = re.compile(r"^\d (\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})$")


def _dhcpd_time(text: str) -> datetime | None | str:
    """A datetime (UTC), None for ``never``, or the text when it is not a time."""
    if text == "never":
        return None
    if text.startswith("epoch ") and text[6:].strip().isdigit():
        return datetime.fromtimestamp(int(text[6:]), UTC)
    if m := _WHEN.match(text):
        try:
            year, month, day, hour, minute, second = (int(g) for g in m.groups())
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except ValueError:
            pass
    return text


def parse_dhcpd_leases(text: str) -> tuple[list[Lease], list[Problem]]:
    """The last lease block of each address (in order of the address's newest block), and the blocks
    that could not be read. Statements are cut by one expression over the whole text (comments
    blanked first, keeping the line count), not character by character in Python."""
    text = _STRING_OR_COMMENT.sub(lambda m: m.group(1) or "", text)
    found: dict[str, Lease] = {}
    problems: list[Problem] = []
    depth = 0
    lease: tuple[int, str, list[str]] | None = None  # (line, address text, statements) being read
    line, counted = 1, 0
    for m in _PIECE.finditer(text):
        body, end = m.group(1), m.group(2)
        if not end:  # the end of the file
            break
        if end == "{":
            words = body.split()
            if depth == 0 and len(words) == 2 and words[0] == "lease":
                start = m.start(1) + len(body) - len(body.lstrip())
                line += text.count("\n", counted, start)
                counted = start
                lease = (line, words[1], [])
            depth += 1
        elif end == "}":
            depth = max(depth - 1, 0)
            if depth == 0 and lease is not None:
                read = _read_lease(*lease)
                if isinstance(read, Problem):
                    problems.append(read)
                else:
                    found.pop(read.key, None)  # the newest block last, at the place of its own line
                    found[read.key] = read
                lease = None
        elif lease is not None and depth == 1:
            statement = " ".join(body.split())
            if statement:
                lease[2].append(statement)
    if lease is not None:
        problems.append(Problem(lease[0], "บล็อก lease ไม่มี } ปิด", "lease block without a closing }"))
    return list(found.values()), problems


def _read_lease(line: int, address_text: str, body: list[str]) -> Lease | Problem:
    try:
        address, key = parse_address(address_text)
    except AddressError as exc:
        return Problem(line, exc.th, exc.en)
    values: dict[str, str] = {}
    for statement in body:
        if statement.startswith("binding state "):
            values["state"] = statement[14:]
        elif statement.startswith("hardware ethernet "):
            values["mac"] = statement[18:]
        else:
            name, _, rest = statement.partition(" ")
            if name in ("starts", "ends", "client-hostname"):
                values[name] = rest
    starts = _dhcpd_time(values.get("starts", "(none)"))
    ends = _dhcpd_time(values.get("ends", "never"))
    if not isinstance(starts, datetime):
        return Problem(
            line,
            f"lease {address}: starts '{starts or 'never'}' ไม่ใช่เวลา (W YYYY/MM/DD HH:MM:SS)",
            f"lease {address}: starts '{starts or 'never'}' is not a time (W YYYY/MM/DD HH:MM:SS)",
        )
    if isinstance(ends, str):
        return Problem(
            line,
            f"lease {address}: ends '{ends}' ไม่ใช่เวลา (W YYYY/MM/DD HH:MM:SS หรือ never)",
            f"lease {address}: ends '{ends}' is not a time (W YYYY/MM/DD HH:MM:SS or never)",
        )
    mac = ""
    if "mac" in values:
        try:
            mac = normalise_mac(values["mac"])
        except AddressError as exc:
            return Problem(line, f"lease {address}: {exc.th}", f"lease {address}: {exc.en}")
    state = values.get("state", "active").lower()
    hostname = _unquote(values.get("client-hostname", ""))
    return Lease(line, address, key, mac, hostname[:255], state[:20], starts, ends)


def _unquote(text: str) -> str:
    """A dhcpd string: quotes removed, ``\\ooo`` octal bytes (how it writes non-ASCII names) and
    ``\\x`` escapes read, the bytes as UTF-8."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return text.strip()
    raw = bytearray()
    body = text[1:-1]
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and re.fullmatch(r"[0-7]{3}", body[i + 1 : i + 4]):
            raw.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        elif ch == "\\" and i + 1 < len(body):
            raw.extend(body[i + 1].encode("utf-8"))
            i += 2
        else:
            raw.extend(ch.encode("utf-8"))
            i += 1
    return raw.decode("utf-8", errors="replace").strip()


# --- Kea ------------------------------------------------------------------------------------------

KEA_STATES = {"0": "active", "1": "declined", "2": "expired-reclaimed", "3": "released", "4": "registered"}
KEA_PREFIX_DELEGATION = "2"  # lease_type of a delegated prefix (IA_PD): not an address in use


def parse_kea_leases(text: str) -> tuple[list[Lease], list[Problem]]:
    """The last row of each address of a Kea lease file (IPv4 or IPv6), and the rows that could not
    be read. Kea writes a comma inside a value as ``&#x2c``."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    if "address" not in header or "expire" not in header or "valid_lifetime" not in header:
        return [], [
            Problem(
                1,
                "ไม่ใช่ไฟล์ lease ของ Kea: ต้องมีคอลัมน์ address, valid_lifetime, expire",
                "not a Kea lease file: the columns address, valid_lifetime, expire are needed",
            )
        ]
    at = {name: i for i, name in enumerate(header)}
    found: dict[str, Lease] = {}
    problems: list[Problem] = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue

        def cell(name: str, values: list[str] = values) -> str:
            i = at.get(name)
            return values[i].replace("&#x2c", ",").strip() if i is not None and i < len(values) else ""

        if cell("lease_type") == KEA_PREFIX_DELEGATION:
            continue
        lease = _kea_row(line, cell)
        if isinstance(lease, Problem):
            problems.append(lease)
        else:
            found.pop(lease.key, None)
            found[lease.key] = lease
    return list(found.values()), problems


def _kea_row(line: int, cell: Callable[[str], str]) -> Lease | Problem:
    try:
        address, key = parse_address(cell("address"))
    except AddressError as exc:
        return Problem(line, exc.th, exc.en)
    lifetime, expire = cell("valid_lifetime"), cell("expire")
    if not lifetime.isdigit() or not expire.isdigit():
        return Problem(
            line,
            f"{address}: valid_lifetime และ expire ต้องเป็นจำนวนเต็ม ('{lifetime}', '{expire}')",
            f"{address}: valid_lifetime and expire must be whole numbers ('{lifetime}', '{expire}')",
        )
    try:
        mac = normalise_mac(cell("hwaddr"))
    except AddressError as exc:
        return Problem(line, f"{address}: {exc.th}", f"{address}: {exc.en}")
    infinite = int(lifetime) == 0xFFFFFFFF
    ends = None if infinite else datetime.fromtimestamp(int(expire), UTC)
    starts = datetime.fromtimestamp(int(expire) - (0 if infinite else int(lifetime)), UTC)
    state = cell("state") or "0"
    return Lease(
        line,
        address,
        key,
        mac,
        cell("hostname").rstrip(".")[:255],
        KEA_STATES.get(state, state)[:20],
        starts,
        ends,
    )


# --- neighbour tables -----------------------------------------------------------------------------

_IP_NEIGH = re.compile(r"^(?P<ip>\S+)\s+(?:dev\s+\S+\s+)?lladdr\s+(?P<mac>\S+)(?P<rest>.*)$")
_IP_NEIGH_NONE = re.compile(
    r"^\S+\s+dev\s+\S+(?:\s+\S+)*?\s+(FAILED|INCOMPLETE|NONE)\s*$|^\S+\s+dev\s+\S+\s*$"
)
_ARP_AN = re.compile(r"^(?P<name>\S+)\s+\((?P<ip>[^)]+)\)\s+at\s+(?P<mac>\S+)(?P<rest>.*)$")
_WINDOWS = re.compile(
    r"^(?P<ip>[0-9.]+)\s+(?P<mac>[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5})\s+(?P<state>\w+)\s*$"
)
_NEIGH_STATES = ("PERMANENT", "NOARP", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "INCOMPLETE", "NONE")
_SKIP = re.compile(r"^(interface:|internet address|address\s+hwtype|\s*$)", re.IGNORECASE)


def parse_neighbours(text: str) -> tuple[list[Neighbour], list[Problem]]:
    """Each neighbour with a link-layer address, from ``ip neigh``, ``arp -an`` or Windows ``arp -a``
    output (one file may mix them); a line that is none of these is named. The same address with the
    same MAC twice (two interfaces, two tables) is one entry."""
    found: dict[tuple[str, str], Neighbour] = {}
    problems: list[Problem] = []
    for line, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        entry = _neighbour(line, raw.strip())
        if isinstance(entry, Problem):
            problems.append(entry)
        elif entry is not None:
            found.setdefault((entry.key, entry.mac), entry)
    return list(found.values()), problems


def _neighbour(line: int, text: str) -> Neighbour | Problem | None:
    if _SKIP.match(text):
        return None
    hostname, state = "", ""
    if m := _ARP_AN.match(text):
        if m["mac"].startswith("<") or m["mac"] == "(incomplete)":
            return None
        hostname = "" if m["name"] == "?" else m["name"]
        state = "permanent" if " PERM" in m["rest"] or "permanent" in m["rest"] else ""
    elif m := _IP_NEIGH.match(text):
        words = m["rest"].split()
        state = next((w.lower() for w in words if w in _NEIGH_STATES), "")
    elif m := _WINDOWS.match(text):
        state = m["state"].lower()
    elif _IP_NEIGH_NONE.match(text):
        return None  # FAILED, INCOMPLETE: no link-layer address, nobody answered
    else:
        return Problem(
            line,
            f"ไม่ใช่บรรทัดของ ip neigh หรือ arp: '{text[:80]}'",
            f"not an ip neigh or arp line: '{text[:80]}'",
        )
    try:
        address, key = parse_address(m["ip"])
        mac = normalise_mac(m["mac"])
    except AddressError as exc:
        return Problem(line, exc.th, exc.en)
    return Neighbour(line, address, key, mac, hostname[:255], state[:20])
