"""CSV that a spreadsheet opens as data, never as formulas (no Django).

An evidence CSV holds text others chose (a system's name, an evidence title, a host name from a log
line). A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel and LibreOffice (CSV injection); such a text cell is written with a leading apostrophe, the
spreadsheets' own mark for "text". Numbers are written as they are, negative ones included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def header(*columns: tuple[str, str]) -> list[str]:
    """A header row in Thai first, the English name beside it: ("ระบบ", "system") → "ระบบ (system)"."""
    return [f"{th} ({en})" for th, en in columns]


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """The rows (a header first) as UTF-8 CSV with a byte-order mark (Excel reads Thai only with it),
    every text cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")
