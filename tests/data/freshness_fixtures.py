"""Datasets and their readings for the freshness tests, written straight through the ORM (the readers
are another part's): late and late_by_s from the shared ``judge``, as record_reading writes them.

``fresh`` (on the ``world`` fixture): in January 2026 (Bangkok)
- ``passports`` (unit A, system ``passport``, owner นางสมศรี ข้อมูลดี named by order 12/2569, every day):
  updated every day at 02:00 and read every day at 08:00, except that no update came on 10–12 January
  (the reads of 11 and 12 January still see the update of the 9th; the read of 12 January failed);
  so it was late from 10 Jan 02:00 to 13 Jan 02:00 — three days; unknown before its first read
  (1 Jan 00:00–08:00); current the rest: (30 d 16 h − 3 d) of 30 d 16 h known.
  Two quality rules: ``rows`` passed then failed on the 20th (its last result), ``nulls`` passed.
- ``visas`` (unit A-1, every hour): read once, 1 Jan 10:00, updated 09:30, never again.
- ``crossings`` (unit B, every day): read every day, always current.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest

from lakthan.data.engines.freshness import judge
from lakthan.data.models import Dataset, QualityResult, QualityRule, Reading
from lakthan.lib.timezones import BANGKOK
from tests.conftest import pdf_bytes

ROUND = (date(2026, 1, 1), date(2026, 1, 31))
DAY = 86400


def bkk(*args: int) -> datetime:
    return datetime(*args, tzinfo=BANGKOK).astimezone(UTC)


def reading(ds: Dataset, at: datetime, last_update: datetime | None, error: str = "") -> Reading:
    late, late_by = judge(last_update, ds.every_s, at) if last_update else (None, None)
    return Reading(
        dataset=ds,
        at=at,
        ok=not error,
        last_update=last_update,
        late=late,
        late_by_s=late_by,
        error=error,
    )


def dataset(name: str, unit, every_s: int, **fields) -> Dataset:
    return Dataset.objects.create(
        name=name,
        unit=unit,
        every_s=every_s,
        source=fields.pop("source", "file"),
        created_by="test",
        **fields,
    )


@pytest.fixture(autouse=True)
def _password_only(settings):
    """The pages are read here with a password only (two-factor sign-in is tested elsewhere)."""
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def fresh(world):
    from lakthan.core.services import add_person
    from lakthan.evidence import services as ev
    from lakthan.inventory.models import System

    owner = add_person(world.a, "สมศรี", "ข้อมูลดี", title_th="นาง")
    order = ev.add_file(
        world.a,
        io.BytesIO(pdf_bytes("order")),
        "order.pdf",
        ev.Metadata(
            title="คำสั่งมอบหมายผู้รับผิดชอบข้อมูล", kind="order", doc_no="12/2569", doc_date=date(2025, 10, 1)
        ),
    )
    system = System.objects.create(code="passport", name_th="ระบบหนังสือเดินทาง", unit=world.a, klass="intranet")
    passports = dataset(
        "passports", world.a, DAY, source="sql", system=system, owner=owner, owner_order=order
    )
    visas = dataset("visas", world.a1, 3600)
    crossings = dataset("crossings", world.b, DAY)
    rows = []
    for day in range(1, 32):
        if day in (10, 11, 12):
            last = bkk(2026, 1, 9, 2)
        else:
            last = bkk(2026, 1, day, 2)
        at = bkk(2026, 1, day, 8)
        rows.append(reading(passports, at, None, "timeout") if day == 12 else reading(passports, at, last))
        rows.append(reading(crossings, at, bkk(2026, 1, day, 7)))
    rows.append(reading(visas, bkk(2026, 1, 1, 10), bkk(2026, 1, 1, 9, 30)))
    Reading.objects.bulk_create(rows)
    rule_rows = QualityRule.objects.create(dataset=passports, name="rows", kind="row_count", created_by="t")
    rule_nulls = QualityRule.objects.create(dataset=passports, name="nulls", kind="null_rate", created_by="t")
    QualityResult.objects.bulk_create(
        [
            QualityResult(rule=rule_rows, at=bkk(2026, 1, 5, 8), passed=True, value=100),
            QualityResult(rule=rule_rows, at=bkk(2026, 1, 20, 8), passed=False, value=3),
            QualityResult(rule=rule_nulls, at=bkk(2026, 1, 20, 8), passed=True, value=0.0),
            # outside the round: not counted
            QualityResult(rule=rule_nulls, at=bkk(2026, 2, 2, 8), passed=False, value=0.9),
        ]
    )
    world.datasets = {"passports": passports, "visas": visas, "crossings": crossings}
    world.owner, world.order, world.system = owner, order, system
    return world
