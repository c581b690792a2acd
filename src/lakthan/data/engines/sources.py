"""Reading a dataset's last update, and its quality, from where the data lives (pure: no Django).

Three kinds of source:

* **SQL** through a DSN — ``sqlite:///path``, ``postgresql://…`` (psycopg), ``mysql://…`` /
  ``mariadb://…`` (pymysql or mysqlclient), ``oracle://…`` (python-oracledb), ``mssql://…`` (pyodbc or
  pymssql). Only psycopg is a dependency; another kind works once its driver is installed and says
  which package to install otherwise. A DSN may be ``env:NAME``: read from the environment when used,
  so that no password is stored. Every connection is read-only (SQLite opened ``mode=ro``; PostgreSQL
  and MySQL in read-only transactions; Oracle ``SET TRANSACTION READ ONLY``; every kind rolled back,
  never committed) and every query has a timeout (SQLite: a progress handler that interrupts it;
  PostgreSQL ``statement_timeout``; MySQL/MariaDB the statement time limits and the socket read
  timeout; Oracle ``call_timeout``; SQL Server the driver's query timeout).
* a **file**'s modification time;
* an **import log**: the newest time among the lines matching a regex whose group ``at`` holds the time
  (ISO-8601, ``YYYY-MM-DD HH:MM:SS``, ``DD/MM/YYYY HH:MM[:SS]``; Buddhist-era years ≥ 2400 are turned
  into C.E.), read in one pass with bounded memory.

A timestamp without an offset is read in the dataset's zone; one with an offset keeps it. A date
alone is the start of that day in the zone; a number is epoch seconds.

Every error is a SourceError in Thai and English whose text never holds a password: the driver's own
message may quote the DSN, so it is scrubbed (``scrub``) before it leaves this module.
"""

from __future__ import annotations

import importlib
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

KINDS = {
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
    "oracle": "oracle",
    "mssql": "mssql",
    "sqlserver": "mssql",
}
DRIVERS = {  # kind → (module, pip package) in the order tried
    "postgresql": [("psycopg", "psycopg")],
    "mysql": [("pymysql", "PyMySQL"), ("MySQLdb", "mysqlclient")],
    "oracle": [("oracledb", "oracledb")],
    "mssql": [("pyodbc", "pyodbc"), ("pymssql", "pymssql")],
}
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
IDENTIFIER = re.compile(r"^[^\W\d]\w*(\.[^\W\d]\w*){0,2}$")
SECRET_KEYS = {"password", "pwd", "passwd", "pass"}
MAX_LINE = 64 * 1024  # an import log's line is read at most this long (the rest is the next "line")
MAX_ERROR = 400


class SourceError(Exception):
    """Why a source could not be read, in Thai and English, without any secret."""

    def __init__(self, th: str, en: str):
        self.th = th
        self.en = en
        super().__init__(en)

    def text(self) -> str:
        """Both languages, Thai first (what a reading keeps)."""
        return f"{self.th} / {self.en}" if self.th != self.en else self.th


# ---------------------------------------------------------------- DSNs


def kind_of(dsn: str) -> str:
    """The kind (sqlite, postgresql, mysql, oracle, mssql) of a DSN, ``env`` for ``env:NAME``;
    ValueError when it is none of these."""
    if dsn.startswith("env:"):
        if not ENV_NAME.match(dsn[4:]):
            raise ValueError(f"env:{dsn[4:]!r} is not an environment variable's name")
        return "env"
    scheme = dsn.partition("://")[0].lower() if "://" in dsn else ""
    if scheme not in KINDS:
        raise ValueError(f"unknown DSN scheme {scheme or dsn[:20]!r}")
    return KINDS[scheme]


def resolve(dsn: str, environ: Mapping[str, str] | None = None) -> str:
    """The DSN itself, or the value of the environment variable ``env:NAME`` names."""
    if not dsn.startswith("env:"):
        return dsn
    name = dsn[4:]
    value = (os.environ if environ is None else environ).get(name, "")
    if not value:
        raise SourceError(
            f"ไม่ได้ตั้งตัวแปรสภาพแวดล้อม {name} (ที่เก็บ DSN)",
            f"the environment variable {name} (holding the DSN) is not set",
        )
    return value


def _userinfo(dsn: str) -> tuple[str, str, str, str] | None:
    """(scheme://, user, password, rest) of a URL-shaped DSN, or None."""
    scheme, sep, rest = dsn.partition("://")
    if not sep:
        return None
    end = len(rest)
    for ch in "/?#":
        i = rest.find(ch, rest.rfind("@") + 1 if "@" in rest else 0)
        if i != -1:
            end = min(end, i)
    netloc, tail = rest[:end], rest[end:]
    userinfo, at, host = netloc.rpartition("@")
    if not at:
        return None
    user, _, password = userinfo.partition(":")
    return f"{scheme}://", user, password, f"@{host}{tail}"


def mask(dsn: str) -> str:
    """The DSN with any password (in the user part or a ``password=`` parameter) replaced by ``***``;
    ``env:NAME`` as written."""
    if dsn.startswith("env:"):
        return dsn
    parts = _userinfo(dsn)
    if parts is not None and parts[2]:
        dsn = f"{parts[0]}{parts[1]}:***{parts[3]}"
    return re.sub(
        r"(?i)([?&;](?:password|pwd|passwd|pass)=)[^&;#]*",
        lambda m: m.group(1) + "***",
        dsn,
    )


def secrets_of(dsn: str) -> list[str]:
    """Every form of the passwords a DSN holds (as written and URL-decoded), longest first."""
    found: set[str] = set()
    parts = _userinfo(dsn)
    if parts is not None and parts[2]:
        found |= {parts[2], unquote(parts[2]), quote(unquote(parts[2]), safe="")}
    query = urlsplit(dsn).query if "://" in dsn else ""
    for key, value in parse_qsl(query.replace(";", "&"), keep_blank_values=False):
        if key.lower() in SECRET_KEYS and value:
            found |= {value, quote(value, safe="")}
    return sorted((s for s in found if s), key=len, reverse=True)


def scrub(text: str, dsn: str) -> str:
    """``text`` (a driver's message) with the DSN masked and every form of its password removed."""
    if dsn and not dsn.startswith("env:"):
        text = text.replace(dsn, mask(dsn))
        for secret in secrets_of(dsn):
            text = text.replace(secret, "***")
    return text


def _driver(kind: str) -> tuple[Any, str]:
    missing = []
    for module, package in DRIVERS[kind]:
        try:
            return importlib.import_module(module), module
        except ImportError:
            missing.append(package)
    packages = " หรือ ".join(missing)
    raise SourceError(
        f"ยังไม่ได้ติดตั้งไดรเวอร์ฐานข้อมูล {kind}: ติดตั้ง {packages} (pip install {missing[0]})",
        f"no {kind} driver installed: install {' or '.join(missing)} (pip install {missing[0]})",
    )


@dataclass(frozen=True)
class _Url:
    user: str
    password: str
    host: str
    port: int | None
    database: str
    params: dict[str, str]


def _url(dsn: str) -> _Url:
    parts = urlsplit(dsn)
    try:
        port = parts.port
    except ValueError:
        raise SourceError("พอร์ตใน DSN ไม่ถูกต้อง", "the DSN's port is not a number") from None
    return _Url(
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        host=parts.hostname or "",
        port=port,
        database=unquote(parts.path.lstrip("/")),
        params=dict(parse_qsl(parts.query)),
    )


def sqlite_path(dsn: str) -> str:
    """The file of ``sqlite:///path`` (``sqlite:////path`` too, as SQLAlchemy writes it)."""
    rest = dsn.split("://", 1)[1].split("?", 1)[0]
    path = "/" + unquote(rest).lstrip("/")
    return path


def _connect(kind: str, dsn: str, timeout_s: float, deadline: float) -> tuple[Any, Callable[[], None]]:
    """A read-only connection with the timeouts set, and what undoes it."""
    if kind == "sqlite":
        path = sqlite_path(dsn)
        if not Path(path).is_file():
            raise SourceError(f"ไม่พบไฟล์ฐานข้อมูล SQLite {path}", f"no SQLite database file at {path}")
        conn = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=timeout_s)
        conn.execute("PRAGMA query_only = ON")
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
        return conn, conn.close
    module, name = _driver(kind)
    ms = int(timeout_s * 1000)
    if kind == "postgresql":
        conn = module.connect(
            dsn,
            connect_timeout=max(1, int(timeout_s)),
            options=f"-c default_transaction_read_only=on -c statement_timeout={ms}",
            autocommit=False,
        )
        return conn, conn.close
    url = _url(dsn)
    if kind == "mysql":
        if name == "pymysql":
            conn = module.connect(
                host=url.host or "localhost",
                port=url.port or 3306,
                user=url.user,
                password=url.password,
                database=url.database or None,
                connect_timeout=timeout_s,
                read_timeout=timeout_s,
                write_timeout=timeout_s,
            )
        else:
            conn = module.connect(
                host=url.host or "localhost",
                port=url.port or 3306,
                user=url.user,
                passwd=url.password,
                db=url.database,
                connect_timeout=int(timeout_s),
                read_timeout=int(timeout_s),
            )
        cur = conn.cursor()
        for statement in (  # MySQL (milliseconds), then MariaDB (seconds); each knows one of them
            f"SET SESSION max_execution_time = {ms}",
            f"SET SESSION max_statement_time = {timeout_s}",
        ):
            try:
                cur.execute(statement)
            except Exception:  # noqa: BLE001 - the other server's variable
                pass
        cur.execute("START TRANSACTION READ ONLY")
        return conn, conn.close
    if kind == "oracle":
        target = f"{url.host}:{url.port or 1521}/{url.database}"
        conn = module.connect(user=url.user, password=url.password, dsn=target)
        conn.call_timeout = ms
        conn.cursor().execute("SET TRANSACTION READ ONLY")
        return conn, conn.close
    # mssql
    if name == "pyodbc":
        driver = url.params.get("driver", "ODBC Driver 18 for SQL Server")
        extra = "".join(f"{k}={v};" for k, v in url.params.items() if k.lower() != "driver")
        server = f"{url.host},{url.port}" if url.port else url.host
        conn = module.connect(
            f"DRIVER={{{driver}}};SERVER={server};DATABASE={url.database};UID={url.user};"
            f"PWD={{{url.password}}};ApplicationIntent=ReadOnly;{extra}",
            timeout=int(timeout_s),
            autocommit=False,
        )
        conn.timeout = int(timeout_s)
    else:
        conn = module.connect(
            server=url.host,
            port=str(url.port or 1433),
            user=url.user,
            password=url.password,
            database=url.database,
            login_timeout=int(timeout_s),
            timeout=int(timeout_s),
        )
    return conn, conn.close


@dataclass(frozen=True)
class Session:
    """A read-only connection and how one statement is run on it."""

    conn: Any
    kind: str

    def execute(self, query: str) -> Any:
        """A cursor over the statement's rows. On PostgreSQL the statement is prepared: the server
        refuses several statements in one (``COMMIT; INSERT …`` cannot step out of the read-only
        transaction). SQLite, MySQL/MariaDB (without multi-statements) and Oracle run one statement
        per call already."""
        cur = self.conn.cursor()
        if self.kind == "postgresql":
            cur.execute(query, prepare=True)
        else:
            cur.execute(query)
        return cur


@contextmanager
def connection(dsn: str, timeout_s: float, environ: Mapping[str, str] | None = None) -> Iterator[Session]:
    """A read-only session on the DSN with its timeouts; every error inside becomes a scrubbed
    SourceError, the timeout one of its own, and nothing is ever committed."""
    raw = resolve(dsn, environ)
    try:
        kind = kind_of(raw)
    except ValueError as exc:
        raise SourceError(f"DSN ไม่ถูกต้อง: {scrub(str(exc), raw)}", scrub(str(exc), raw)) from None
    if kind == "env":
        raise SourceError("DSN ในตัวแปรสภาพแวดล้อมชี้ไปยัง env: อีกชั้น", "an env: DSN points to another env:")
    started = time.monotonic()
    deadline = started + timeout_s
    conn = None
    close: Callable[[], None] = lambda: None  # noqa: E731
    try:
        conn, close = _connect(kind, raw, timeout_s, deadline)
        yield Session(conn, kind)
    except SourceError as exc:
        raise SourceError(scrub(exc.th, raw), scrub(exc.en, raw)) from None
    except Exception as exc:  # noqa: BLE001 - any driver's error, told without its secrets
        if time.monotonic() - started >= timeout_s * 0.95 or _is_timeout(exc):
            raise SourceError(
                f"หมดเวลา: คำสั่งใช้เวลาเกิน {timeout_s:g} วินาที ({mask(raw)})",
                f"timed out: over {timeout_s:g} s ({mask(raw)})",
            ) from None
        detail = scrub(" ".join(f"{type(exc).__name__}: {exc}".split()), raw)[:MAX_ERROR]
        raise SourceError(
            f"อ่านฐานข้อมูลไม่สำเร็จ ({mask(raw)})",
            f"could not read the database ({mask(raw)}): {detail}",
        ) from None
    finally:
        if conn is not None:
            try:
                conn.rollback()
            except Exception:  # noqa: BLE001,S110 - closing is all that is left to do
                pass
            try:
                close()
            except Exception:  # noqa: BLE001,S110
                pass


def _is_timeout(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return any(
        word in text for word in ("interrupted", "statement timeout", "querycanceled", "timeout", "timed out")
    )


def scalar(dsn: str, query: str, timeout_s: float, environ: Mapping[str, str] | None = None) -> Any:
    """The one value of a one-row, one-column query; SourceError for no row or NULL."""
    with connection(dsn, timeout_s, environ) as session:
        row = session.execute(query).fetchone()
    if row is None:
        raise SourceError("คำสั่ง SQL ไม่คืนแถวใดเลย", "the SQL query returned no row")
    if len(row) != 1:
        raise SourceError(
            f"คำสั่ง SQL ต้องคืนหนึ่งคอลัมน์ (ได้ {len(row)})",
            f"the SQL query must return one column (got {len(row)})",
        )
    if row[0] is None:
        raise SourceError("คำสั่ง SQL คืนค่าว่าง (NULL)", "the SQL query returned NULL")
    return row[0]


def count_rows(dsn: str, query: str, timeout_s: float, environ: Mapping[str, str] | None = None) -> int:
    """How many rows a query returns, fetched in batches (bounded memory)."""
    total = 0
    with connection(dsn, timeout_s, environ) as session:
        cur = session.execute(query)
        if cur.description is None:
            raise SourceError(
                "คำสั่ง SQL ไม่คืนผลลัพธ์ (ต้องเป็น SELECT)", "the SQL query returns no rows (use a SELECT)"
            )
        while batch := cur.fetchmany(1000):
            total += len(batch)
    return total


# ---------------------------------------------------------------- times


def zone(name: str) -> tzinfo:
    """The zone named (ValueError when there is none)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def _buddhist(moment: datetime) -> datetime:
    return moment.replace(year=moment.year - 543) if moment.year >= 2400 else moment


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?$")


def parse_timestamp(text: str, tz: tzinfo) -> datetime:
    """An aware instant from ISO-8601 (with ``T`` or a space), ``DD/MM/YYYY HH:MM[:SS]`` or
    ``DD/MM/YYYY``; a B.E. year (≥ 2400) is turned into C.E.; no offset → ``tz``. ValueError else."""
    text = text.strip()
    m = _DMY.match(text)
    if m:
        day, month, year, hh, mm, ss, frac = m.groups()
        moment = datetime(
            int(year) - (543 if int(year) >= 2400 else 0),
            int(month),
            int(day),
            int(hh or 0),
            int(mm or 0),
            int(ss or 0),
            int((frac or "0").ljust(6, "0")),
        )
    else:
        if text.endswith(("z", "Z")):
            text = text[:-1] + "+00:00"
        try:
            moment = _buddhist(datetime.fromisoformat(text))
        except ValueError:
            raise ValueError(f"not a time: {text[:40]!r}") from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def to_instant(value: Any, tz: tzinfo) -> datetime:
    """The instant a source's value stands for (see the module's docstring); ValueError else."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, datetime):
        moment = _buddhist(value)
        return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment
    if isinstance(value, date):
        return datetime(value.year - (543 if value.year >= 2400 else 0), value.month, value.day, tzinfo=tz)
    if isinstance(value, int | float | Decimal):
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"{value} is not a time in epoch seconds") from None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return parse_timestamp(value, tz)
    raise ValueError(f"not a time: a {type(value).__name__}")


# ---------------------------------------------------------------- the three kinds of source


def sql_last_update(
    dsn: str, query: str, tz: tzinfo, timeout_s: float, environ: Mapping[str, str] | None = None
) -> datetime:
    value = scalar(dsn, query, timeout_s, environ)
    try:
        return to_instant(value, tz)
    except ValueError as exc:
        raise SourceError(
            f"ค่าที่คำสั่ง SQL คืนไม่ใช่เวลา: {str(value)[:60]}", f"the SQL query's value is not a time ({exc})"
        ) from None


def file_mtime(path: str) -> datetime:
    try:
        return datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
    except FileNotFoundError:
        raise SourceError(f"ไม่พบไฟล์ {path}", f"no file at {path}") from None
    except OSError as exc:
        raise SourceError(f"อ่านไฟล์ {path} ไม่ได้", f"cannot read {path}: {exc.strerror}") from None


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The import log's regex; ValueError unless it compiles and has a group named ``at``."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None
    if "at" not in compiled.groupindex:
        raise ValueError("the pattern has no group named 'at', e.g. (?P<at>\\S+ \\S+)")
    return compiled


def import_log_last(path: str, pattern: str, tz: tzinfo) -> datetime:
    """The newest time among the lines of ``path`` matching ``pattern`` (its group ``at``)."""
    try:
        compiled = compile_pattern(pattern)
    except ValueError as exc:
        raise SourceError(f"รูปแบบบรรทัดไม่ถูกต้อง: {exc}", str(exc)) from None
    newest: datetime | None = None
    matched = 0
    bad_line = 0
    try:
        with open(path, "rb") as fh:
            number = 0
            while line := fh.readline(MAX_LINE):
                number += 1
                m = compiled.search(line.decode("utf-8", "replace").rstrip("\r\n"))
                if m is None or m.group("at") is None:
                    continue
                matched += 1
                try:
                    moment = parse_timestamp(m.group("at"), tz)
                except ValueError:
                    bad_line = bad_line or number
                    continue
                if newest is None or moment > newest:
                    newest = moment
    except FileNotFoundError:
        raise SourceError(f"ไม่พบไฟล์บันทึกการนำเข้า {path}", f"no import log at {path}") from None
    except OSError as exc:
        raise SourceError(f"อ่านไฟล์ {path} ไม่ได้", f"cannot read {path}: {exc.strerror}") from None
    if newest is None:
        if matched:
            raise SourceError(
                f"{path}:{bad_line}: เวลาในกลุ่ม at อ่านไม่ได้",
                f"{path}:{bad_line}: the time in group 'at' cannot be read",
            )
        raise SourceError(f"ไม่มีบรรทัดใดใน {path} ตรงกับรูปแบบ", f"no line of {path} matches the pattern")
    return newest


# ---------------------------------------------------------------- quality


def quote_identifier(name: str, kind: str) -> str:
    """A plain or dotted identifier (schema.table) quoted for the database kind; ValueError for
    anything else (no quotes, spaces, expressions)."""
    if not IDENTIFIER.match(name or ""):
        raise ValueError(f"not a plain or dotted identifier: {name[:60]!r}")
    left, right = {"mysql": ("`", "`"), "mssql": ("[", "]")}.get(kind, ('"', '"'))
    return ".".join(f"{left}{part}{right}" for part in name.split("."))


def _kind_for_quoting(dsn: str, environ: Mapping[str, str] | None) -> str:
    return kind_of(resolve(dsn, environ)) if dsn else "sqlite"


def row_count(dsn: str, table: str, timeout_s: float, environ: Mapping[str, str] | None = None) -> int:
    name = _quoted(dsn, table, environ)
    return int(scalar(dsn, f"SELECT COUNT(*) FROM {name}", timeout_s, environ))


def null_rate(
    dsn: str, table: str, column: str, timeout_s: float, environ: Mapping[str, str] | None = None
) -> float:
    """The share of rows whose column is NULL (0 for an empty table)."""
    name = _quoted(dsn, table, environ)
    col = _quoted(dsn, column, environ)
    with connection(dsn, timeout_s, environ) as session:
        total, filled = session.execute(f"SELECT COUNT(*), COUNT({col}) FROM {name}").fetchone()
    return 0.0 if not total else (int(total) - int(filled)) / int(total)


def _quoted(dsn: str, name: str, environ: Mapping[str, str] | None) -> str:
    try:
        return quote_identifier(name, _kind_for_quoting(dsn, environ))
    except ValueError as exc:
        raise SourceError(f"ชื่อตารางหรือคอลัมน์ไม่ถูกต้อง: {name[:60]}", str(exc)) from None
