"""The address register as CSV: a header row naming the columns ``address, hostname, mac, unit,
owner`` (and, if wanted, ``system`` and ``note``; Thai titles read as well), one registration a row,
UTF-8 with or without a byte-order mark. Reading checks the shape of every cell and names each
problem by its line and column; whether a unit, a person or a system exists is the caller's to judge.
Writing produces the same layout, so a file written and read back gives the same rows. Pure: no
Django."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from lakthan.network.engines.addresses import AddressError, normalise_mac, parse_address

# (key, the title written, other titles read as the same column)
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("address", "address", ("ip", "ip address", "หมายเลข ip", "ไอพี")),
    ("hostname", "hostname", ("host", "host name", "ชื่อเครื่อง")),
    ("mac", "mac", ("mac address", "หมายเลข mac")),
    ("unit", "unit", ("หน่วยงาน",)),
    ("owner", "owner", ("ผู้รับผิดชอบ",)),
    ("system", "system", ("ระบบ", "ระบบสารสนเทศ")),
    ("note", "note", ("หมายเหตุ",)),
)
REQUIRED = ("address", "hostname", "mac", "unit", "owner")
KEYS = tuple(key for key, _, _ in COLUMNS)
MAX_LENGTH = {"hostname": 255, "note": 500, "unit": 40, "system": 80, "owner": 255}


@dataclass(frozen=True)
class AddressRow:
    line: int  # the file's line number where the row starts, for naming problems
    address: str  # compressed form
    key: str
    hostname: str
    mac: str  # AA:BB:CC:DD:EE:FF or ""
    unit: str  # a unit's code, as written
    owner: str  # a person id or a name, as written
    system: str  # a system's code, as written
    note: str


@dataclass
class Problem:
    line: int  # 0: the file as a whole
    column: str
    th: str
    en: str

    def where(self, filename: str) -> str:
        place = f"{filename}:{self.line}" if self.line else filename
        return f"{place} ({self.column})" if self.column else place


@dataclass
class CsvRejected(Exception):
    filename: str
    problems: list[Problem] = field(default_factory=list)

    def lines(self, lang: str = "th") -> list[str]:
        return [f"{p.where(self.filename)}: {p.th if lang.startswith('th') else p.en}" for p in self.problems]

    def __str__(self) -> str:
        return "; ".join(self.lines("en"))


def _key_of(title: str) -> str | None:
    text = " ".join(title.split()).lower()
    for key, main, others in COLUMNS:
        if text == main or text in others:
            return key
    return None


def parse_addresses(data: bytes, filename: str) -> tuple[list[AddressRow], list[Problem]]:
    """Every row with a value in it, and the problems of shape found (a row with a problem is still
    returned, its bad cells read as "", so the caller can name what else is wrong with it).
    CsvRejected only when the file as a whole cannot be read (not UTF-8, no header)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvRejected(
            filename,
            [Problem(0, "", f"ไม่ใช่ข้อความ UTF-8 (ไบต์ที่ {exc.start})", f"not UTF-8 text (byte {exc.start})")],
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise CsvRejected(
            filename, [Problem(1, "", f"อ่าน CSV ไม่ได้: {exc}", f"unreadable CSV: {exc}")]
        ) from None
    columns: dict[str, int] = {}
    for i, title in enumerate(header or []):
        key = _key_of(title)
        if key is not None and key not in columns:
            columns[key] = i
    missing = [k for k in REQUIRED if k not in columns]
    if missing:
        raise CsvRejected(
            filename,
            [
                Problem(
                    1,
                    "",
                    f"แถวหัวตารางต้องมีคอลัมน์ {', '.join(REQUIRED)} (ไม่มี {', '.join(missing)})",
                    f"the header row needs the columns {', '.join(REQUIRED)} (missing {', '.join(missing)})",
                )
            ],
        )
    rows: list[AddressRow] = []
    problems: list[Problem] = []
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(line, "", f"อ่าน CSV ไม่ได้: {exc}", f"unreadable CSV: {exc}"))
            break
        if all(not v.strip() for v in values):
            continue
        cells = {key: (values[i].strip() if i < len(values) else "") for key, i in columns.items()}
        rows.append(_row(line, cells, problems))
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if not row.key or not row.unit:
            continue
        first = seen.setdefault((row.key, row.unit), row.line)
        if first != row.line:
            problems.append(
                Problem(
                    row.line,
                    "address",
                    f"{row.address} ของหน่วยงาน {row.unit} ซ้ำกับบรรทัด {first}",
                    f"{row.address} of unit {row.unit} repeats line {first}",
                )
            )
    problems.sort(key=lambda p: p.line)
    return rows, problems


def _row(line: int, cells: dict[str, str], problems: list[Problem]) -> AddressRow:
    def bad(column: str, th: str, en: str) -> None:
        problems.append(Problem(line, column, th, en))

    address = key = mac = ""
    if not cells["address"]:
        bad("address", "ว่างไม่ได้", "must not be empty")
    else:
        try:
            address, key = parse_address(cells["address"])
        except AddressError as exc:
            bad("address", exc.th, exc.en)
    try:
        mac = normalise_mac(cells["mac"])
    except AddressError as exc:
        bad("mac", exc.th, exc.en)
    if not cells["unit"]:
        bad("unit", "ว่างไม่ได้", "must not be empty")
    for column, limit in MAX_LENGTH.items():
        if len(cells.get(column, "")) > limit:
            bad(column, f"ยาวเกิน {limit} ตัวอักษร", f"longer than {limit} characters")
    return AddressRow(
        line=line,
        address=address,
        key=key,
        hostname=cells["hostname"],
        mac=mac,
        unit=cells["unit"],
        owner=cells["owner"],
        system=cells.get("system", ""),
        note=cells.get("note", ""),
    )


def write_addresses(rows: list[dict[str, str]]) -> bytes:
    """The CSV (UTF-8 with a byte-order mark, which Excel needs to read Thai): the header, then each
    row's ``address, hostname, mac, unit, owner, system, note``."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([main for _, main, _ in COLUMNS])
    for row in rows:
        writer.writerow([row.get(key, "") for key in KEYS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
