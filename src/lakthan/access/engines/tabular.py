"""Tables people hand us: CSV (UTF-8 with or without a BOM, or Windows Thai cp874) or XLSX.
Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543
XLSX_MAGIC = b"PK\x03\x04"


class TableError(Exception):
    """The file cannot be read as a table at all (not a row's fault)."""

    def __init__(self, message_th: str, message_en: str):
        super().__init__(message_en)
        self.message_th, self.message_en = message_th, message_en


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, object]], ...]  # (row number, {column: value})
    encoding: str


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: a UTF-8 BOM, else strict UTF-8, else cp874 (Windows Thai;
    every byte Thai Windows writes decodes there, so an undecodable file is not a CSV)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp874"), "cp874"
    except UnicodeDecodeError:
        raise TableError(
            "อ่านไฟล์ไม่ได้: ไม่ใช่ UTF-8 หรือ cp874", "cannot read the file: neither UTF-8 nor cp874"
        ) from None


def read_table(data: bytes) -> Table:
    """The header (lower-cased, trimmed) and the non-empty rows, from CSV or XLSX bytes."""
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    text, encoding = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise TableError(f"ไฟล์ CSV ผิดรูปแบบ: {exc}", f"malformed CSV: {exc}") from None
    return _table(lines, encoding)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # no stubs installed

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableError(f"อ่านไฟล์ XLSX ไม่ได้: {exc}", f"cannot read the XLSX file: {exc}") from None
    try:
        sheet = book.worksheets[0]
        lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return _table(lines, "xlsx")


def _table(lines: list[list], encoding: str) -> Table:
    if not lines:
        raise TableError("ไฟล์ว่าง", "the file is empty")
    header = tuple(str(c or "").strip().lower() for c in lines[0])
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if all(c is None or str(c).strip() == "" for c in line):
            continue
        values: dict[str, object] = {}
        for i, name in enumerate(header):
            if name:
                cell = line[i] if i < len(line) else None
                values[name] = cell.strip() if isinstance(cell, str) else cell
        rows.append((number, values))
    return Table(header=header, rows=tuple(rows), encoding=encoding)


def text_of(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed as a number in Excel
    return str(value).strip()


def parse_day(value: object) -> date | None:
    """A date as HR files write it: a spreadsheet date, YYYY-MM-DD or D/M/YYYY; a year above 2400 is
    Buddhist Era (2567 → 2024). Empty: None. Anything else: ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if "/" in text:
        day, month, year = (int(p) for p in text.split("/"))
    else:
        parts = text.split("-")
        if len(parts) != 3 or len(parts[0]) != 4:
            raise ValueError(text)
        year, month, day = (int(p) for p in parts)
    if year > 2400:
        year -= BE_OFFSET
    return date(year, month, day)


def parse_moment(value: object) -> datetime | None:
    """A time in an application's export: ISO 8601 with or without a zone (without: Bangkok time), or a
    spreadsheet datetime (Bangkok time). Empty: None. Anything else: ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BANGKOK)
    return moment.astimezone(UTC)
