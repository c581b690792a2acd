"""Demo data for item 5 (and item 6's data owners): four datasets of the bureau watched through FY 2556.

- Thai passports (ข้อมูลหนังสือเดินทางไทย), imported every night from the Department of Consular
  Affairs: read from the import job's log (the newest "status=OK" line); three nights failed in
  January 2013, so the data were late for two days.
- TM30 notices of foreigners' residence: read from a SQLite copy of the notices table with a query,
  every six hours, with three quality rules (row count, null passport numbers, a departure before the
  arrival).
- The watch list (บัญชีบุคคลต้องห้าม), a file refreshed every Friday by the investigation division.
- Visa-on-arrival statistics at Suvarnabhumi, updated daily until 20 September 2013 and late since:
  the finding the check reports.

The owners are named in work-assignment orders kept as evidence (one of them the seed's own order
ที่ 3/2556 of the watch-list team). A year of readings is written through the same service the worker
uses; at the end of the round every source is read for real from files this demo writes in
$LAKTHAN_HOME/demo-sources."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from lakthan.lib.timezones import BANGKOK

ROUND_START = datetime(2012, 10, 1, 6, 0, tzinfo=BANGKOK)
ROUND_END = datetime(2013, 9, 30, 23, 0, tzinfo=BANGKOK)  # read for real late on the round's last day
DAY, HOUR = 86400, 3600
PASSPORT_FAILED = {date(2013, 1, 14), date(2013, 1, 15), date(2013, 1, 16)}
VOA_LAST = date(2013, 9, 20)
OWNERS = [
    # unit, title, first, last, position
    ("IMM-ITC", "ร.ต.อ.", "ชยพล", "ก้องเกียรติ", "สารวัตร ฝ่ายฐานข้อมูล ศทส.ตม."),
    ("IMM-INV-3", "พ.ต.ต.", "วรวุฒิ", "ศรีสุนทร", "สารวัตร กก.๓ บก.สส.สตม."),
    ("IMM-D2-BKK", "ร.ต.ท.หญิง", "ปิยนุช", "แก้วมณี", "รองสารวัตร ด่านตรวจคนเข้าเมืองท่าอากาศยานสุวรรณภูมิ"),
]
DATA_ORDER = (
    "คำสั่ง ศทส.ตม. ที่ ๑๕/๒๕๕๕ เรื่อง มอบหมายผู้รับผิดชอบข้อมูลในระบบสารสนเทศ",
    "ที่ 15/2555",
    date(2012, 10, 5),
)
PASSPORT_PATTERN = r"^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) INFO import passports .* status=OK$"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BANGKOK)


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def passport_imports() -> list[datetime]:
    return [_at(d, 2, 15) for d in _days(date(2012, 9, 28), date(2013, 9, 30)) if d not in PASSPORT_FAILED]


def watchlist_updates() -> list[datetime]:
    return [_at(d, 10) for d in _days(date(2012, 9, 28), date(2013, 9, 30)) if d.weekday() == 4]


def voa_updates() -> list[datetime]:
    return [_at(d, 8, 30) for d in _days(date(2012, 9, 28), VOA_LAST)]


def tm30_notices() -> list[datetime]:
    """A notice every 3 hours (the demo's table keeps a sample of the real flow)."""
    first = datetime(2012, 9, 29, 0, 40, tzinfo=BANGKOK)
    return [
        first + timedelta(hours=3 * n) for n in range(int((ROUND_END - first).total_seconds() // (3 * HOUR)))
    ]


def write_sources(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "passport-import.log"
    lines = []
    for d in _days(date(2012, 9, 28), date(2013, 9, 30)):
        ok = d not in PASSPORT_FAILED
        lines.append(
            f"{_at(d, 2, 15):%Y-%m-%d %H:%M:%S} INFO import passports batch={d:%Y%m%d} "
            f"records={1800 + d.toordinal() % 400} status={'OK' if ok else 'FAILED (connection reset)'}"
        )
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = folder / "tm30.sqlite3"
    db.unlink(missing_ok=True)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "create table tm30_notices (id integer primary key, passport_no text, nationality text,"
            " arrived_on text, received_at text)"
        )
        rows = []
        for n, received in enumerate(tm30_notices()):
            passport = None if n % 700 == 13 else f"P{700000 + n}"
            arrived = (received - timedelta(days=1 + n % 5)).date().isoformat()
            rows.append(
                (passport, ("GBR", "CHN", "JPN", "DEU")[n % 4], arrived, f"{received:%Y-%m-%d %H:%M:%S}")
            )
        conn.executemany(
            "insert into tm30_notices (passport_no, nationality, arrived_on, received_at) values (?, ?, ?, ?)",
            rows,
        )
    conn.close()
    watchlist = folder / "watchlist.csv"
    watchlist.write_text("passport_no,nationality,reason\nX0000001,ZZZ,ตัวอย่าง\n", encoding="utf-8")
    last = watchlist_updates()[-1].timestamp()
    os.utime(watchlist, (last, last))
    voa = folder / "voa-statistics.csv"
    voa.write_text("day,checkpoint,visas\n2013-09-20,BKK,1234\n", encoding="utf-8")
    last = voa_updates()[-1].timestamp()
    os.utime(voa, (last, last))
    return {"log": log, "db": db, "watchlist": watchlist, "voa": voa}


def _known(updates: list[datetime], at: datetime) -> datetime | None:
    known = [u for u in updates if u <= at]
    return known[-1] if known else None


def _history(ds, updates: list[datetime], every: int) -> None:
    """The readings the worker would have taken through the round, each with the last update known."""
    from lakthan.data.services.reading import record_reading

    at = ROUND_START
    while at < ROUND_END - timedelta(hours=1):
        record_reading(ds, at.astimezone(UTC), last_update=_known(updates, at), notify=False)
        at += timedelta(seconds=every)


def seed(report, bureau) -> None:
    from django.conf import settings

    from lakthan.core.models import Unit
    from lakthan.core.services import add_person
    from lakthan.data.services.datasets import add_dataset, add_rule
    from lakthan.data.services.reading import check_dataset
    from lakthan.demo import stand_in_evidence
    from lakthan.evidence import services as evidence
    from lakthan.evidence.models import Evidence
    from lakthan.inventory.models import System

    units = {u.code: u for u in Unit.objects.filter(pk__in=bureau.descendant_ids())}
    people = [
        add_person(units[u], first, last, title_th=title, position_th=pos, actor="demo")
        for u, title, first, last, pos in OWNERS
    ]
    order = stand_in_evidence(
        units["IMM-ITC"], DATA_ORDER[0], "order", doc_no=DATA_ORDER[1], doc_date=DATA_ORDER[2]
    )
    evidence.link(order, report, 6, actor="demo")
    # the seed's own order of the watch-list team (evidence item 23 of the report)
    watch_order = Evidence.objects.filter(kind="order", doc_no="ที่ 3/2556").first() or order
    systems = {s.code: s for s in System.objects.all()}
    src = write_sources(Path(settings.LAKTHAN_HOME) / "demo-sources")

    passports = add_dataset(
        "thai-passports",
        units["IMM-ITC"],
        every_s=DAY,
        source="import_log",
        path=str(src["log"]),
        pattern=PASSPORT_PATTERN,
        system=systems.get("pibics-db"),
        owner=people[0],
        owner_order=order,
        actor="demo",
    )
    tm30 = add_dataset(
        "tm30-notices",
        units["IMM-ITC"],
        every_s=6 * HOUR,
        source="sql",
        dsn=f"sqlite:///{src['db']}",
        query="select max(received_at) from tm30_notices",
        system=systems.get("tm30"),
        owner=people[0],
        owner_order=order,
        actor="demo",
    )
    add_rule(tm30, "มีข้อมูลตามปริมาณปกติ", "row_count", table="tm30_notices", min_value=1000, actor="demo")
    add_rule(
        tm30,
        "เลขหนังสือเดินทางว่างไม่เกิน ๑%",
        "null_rate",
        table="tm30_notices",
        column="passport_no",
        max_value=0.01,
        actor="demo",
    )
    add_rule(
        tm30,
        "วันรับแจ้งไม่ก่อนวันเดินทางเข้า",
        "assertion",
        query="select id from tm30_notices where substr(received_at, 1, 10) < arrived_on",
        actor="demo",
    )
    watchlist = add_dataset(
        "watchlist",
        units["IMM-INV-3"],
        every_s=7 * DAY,
        source="file",
        path=str(src["watchlist"]),
        owner=people[1],
        owner_order=watch_order,
        actor="demo",
    )
    voa = add_dataset(
        "voa-statistics",
        units["IMM-D2-BKK"],
        every_s=DAY,
        source="file",
        path=str(src["voa"]),
        owner=people[2],
        owner_order=order,
        actor="demo",
    )
    _history(passports, passport_imports(), 6 * HOUR)
    _history(tm30, tm30_notices(), 6 * HOUR)
    _history(watchlist, watchlist_updates(), DAY)
    _history(voa, voa_updates(), 6 * HOUR)
    for ds in (passports, tm30, watchlist, voa):
        check_dataset(ds, at=ROUND_END.astimezone(UTC))
