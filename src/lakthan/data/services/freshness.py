"""Freshness of the datasets (item 5), read-only: whether each is current at a moment (the newest reading
at or before it, judged by engines.freshness.judge at that moment), and over a round of Bangkok days
the time-weighted share in which it was current (engines/freshness.py says how), its late spans and
known updates as a picture, and the official document "ผลการตรวจสอบความเป็นปัจจุบันและคุณภาพของข้อมูล".

The moment a round is judged at is the end of its last Bangkok day, or now when that is later than
now: a round still running is judged as it stands, and the time after now is not counted.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.db.models import DateTimeField, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from lakthan.core.errors import InvalidInput
from lakthan.core.models import Unit
from lakthan.data.engines import freshness as engine
from lakthan.data.engines import freshness_picture as chart
from lakthan.data.models import Dataset, QualityResult, QualityRule, Reading
from lakthan.lib.timezones import BANGKOK, end_of_day, iso

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
MAX_DAYS = 3 * 366


def check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(
            f"วันสิ้นสุด {end.isoformat()} อยู่ก่อนวันเริ่ม {start.isoformat()}",
            f"--to {end.isoformat()} is before --from {start.isoformat()}",
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(f"ช่วงเวลายาวเกิน {MAX_DAYS} วัน", f"the period is longer than {MAX_DAYS} days")
    if not (1900 <= start.year and end.year <= 2200):
        raise InvalidInput("ปีอยู่นอกช่วงที่รับได้", "the year is out of range")


def bangkok_span(start: date, end: date) -> tuple[datetime, datetime]:
    """The first instant of ``start`` and the first instant after ``end`` (Bangkok days), in UTC."""
    return datetime.combine(start, time(), tzinfo=BANGKOK).astimezone(UTC), end_of_day(end)


def _datasets(unit: Unit | None, unit_ids: set[int] | None):
    qs = Dataset.objects.select_related("unit", "system", "owner", "owner_order")
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return qs.order_by("unit__code", "name")


def _newest(field: str, at: datetime, *, known: bool = False, before: bool = False):
    """The newest reading's ``field`` at or before ``at`` (strictly before with ``before``); with
    ``known`` only readings that read a last update."""
    rows = Reading.objects.filter(dataset=OuterRef("pk"))
    rows = rows.filter(at__lt=at) if before else rows.filter(at__lte=at)
    if known:
        rows = rows.filter(last_update__isnull=False)
    return Subquery(rows.order_by("-at").values(field)[:1])


def _base(ds: Dataset) -> dict:
    return {
        "dataset": ds.name,
        "unit": ds.unit.code,
        "system": ds.system.code if ds.system is not None else "",
        "owner": ds.owner.display_name if ds.owner is not None else "",
    }


def freshness(
    unit: Unit | None = None, as_of: datetime | None = None, unit_ids: set[int] | None = None
) -> list[dict]:
    """Every active dataset of ``unit`` and the units below it (every unit when None; only those in
    ``unit_ids`` when given), judged at ``as_of`` (default now) from the newest reading at or before it:
    the last update is the newest one read by then (a failed read carries it forward), ``late`` None
    when no update was ever read by then."""
    as_of = as_of or timezone.now()
    qs = _datasets(unit, unit_ids).filter(active=True)
    qs = qs.annotate(
        read_at=_newest("at", as_of),
        read_ok=_newest("ok", as_of),
        read_error=_newest("error", as_of),
        known_update=Subquery(
            Reading.objects.filter(dataset=OuterRef("pk"), at__lte=as_of, last_update__isnull=False)
            .order_by("-at")
            .values("last_update")[:1],
            output_field=DateTimeField(),
        ),
    )
    out = []
    for ds in qs:
        last = ds.known_update
        late, late_by = engine.judge(last, ds.every_s, as_of) if last is not None else (None, None)
        out.append(
            {
                **_base(ds),
                "last_update": iso(last),
                "expected_every_s": ds.every_s,
                "late": late,
                "late_by_s": late_by,
                "read_ok": None if ds.read_at is None else bool(ds.read_ok),
                "error": ds.read_error or "",
            }
        )
    return out


@dataclass
class Judged:
    """One dataset over a round: what the table, the picture and the document are made of."""

    dataset: Dataset
    tally: engine.Tally
    updates: tuple[float, ...]
    readings: int
    failed_reads: int
    last_update: datetime | None
    late: bool | None
    late_by_s: int | None
    quality: dict


def judged_at(start: date, end: date, now: datetime | None = None) -> tuple[datetime, datetime, datetime]:
    """(begin, until, cut): the round's instants and the moment it is judged at (until, or now when
    earlier)."""
    check_period(start, end)
    begin, until = bangkok_span(start, end)
    return begin, until, min(until, now or timezone.now())


def _quality(datasets: list[Dataset], begin: datetime, until: datetime) -> dict[int, dict]:
    """Per dataset: its rules (active, or run in the round) and each one's last result in the round."""
    last = QualityResult.objects.filter(rule=OuterRef("pk"), at__gte=begin, at__lt=until).order_by("-at")
    rules = (
        QualityRule.objects.filter(dataset__in=datasets)
        .annotate(last_passed=Subquery(last.values("passed")[:1]))
        .filter(Q(active=True) | Q(last_passed__isnull=False))
        .order_by("dataset_id", "name")
        .values_list("dataset_id", "name", "last_passed")
    )
    counts = {ds.pk: {"rules": 0, "passed": 0, "failed": 0} for ds in datasets}
    failing: dict[int, list[str]] = {ds.pk: [] for ds in datasets}
    for dataset_id, name, passed in rules:
        q = counts[dataset_id]
        q["rules"] += 1
        if passed is True:
            q["passed"] += 1
        elif passed is False:
            q["failed"] += 1
            failing[dataset_id].append(name)
    return {pk: {**q, "failing": failing[pk]} for pk, q in counts.items()}


def judge_round(unit: Unit, start: date, end: date, now: datetime | None = None) -> list[Judged]:
    """Every dataset of ``unit`` and below (active, or read in the round) over the round: three queries
    for the datasets and their readings, one for the quality rules."""
    begin, until, cut = judged_at(start, end, now)
    prior_cut = min(begin, cut)
    datasets = list(
        _datasets(unit, None)
        .annotate(prior_update=_newest_known(prior_cut))
        .filter(
            Q(active=True)
            | Exists(Reading.objects.filter(dataset=OuterRef("pk"), at__gte=begin, at__lt=until))
        )
    )
    by_ds: dict[int, list[tuple[datetime, bool, datetime | None]]] = {ds.pk: [] for ds in datasets}
    rows = (
        Reading.objects.filter(dataset__in=datasets, at__gte=begin, at__lt=until)
        .order_by("dataset_id", "at")
        .values_list("dataset_id", "at", "ok", "last_update")
    )
    for dataset_id, at, ok, last in rows.iterator(chunk_size=5000):
        by_ds[dataset_id].append((at, ok, last))
    quality = _quality(datasets, begin, until)
    start_s, cut_s = begin.timestamp(), cut.timestamp()
    out = []
    for ds in datasets:
        history = by_ds[ds.pk]
        seen = [(at.timestamp(), last.timestamp() if last else None) for at, _ok, last in history if at < cut]
        prior = ds.prior_update
        readings = ([(prior_cut.timestamp() - 1, prior.timestamp())] if prior else []) + seen
        last_known = next((last for at, _ok, last in reversed(history) if at <= cut and last), prior)
        late, late_by = engine.judge(last_known, ds.every_s, cut) if last_known else (None, None)
        updates = sorted({last for _at, last in seen if last is not None and start_s <= last < cut_s})
        out.append(
            Judged(
                dataset=ds,
                tally=engine.tally(readings, ds.every_s, start_s, cut_s),
                updates=tuple(updates),
                readings=len(history),
                failed_reads=sum(not ok for _at, ok, _last in history),
                last_update=last_known,
                late=late,
                late_by_s=late_by,
                quality=quality[ds.pk],
            )
        )
    return out


def _newest_known(before: datetime) -> Subquery:
    rows = Reading.objects.filter(dataset=OuterRef("pk"), at__lt=before, last_update__isnull=False)
    return Subquery(rows.order_by("-at").values("last_update")[:1], output_field=DateTimeField())


def _order(ds: Dataset) -> dict | None:
    order = ds.owner_order
    if order is None:
        return None
    return {"doc_no": order.doc_no, "doc_date": order.doc_date.isoformat() if order.doc_date else None}


def freshness_table(unit: Unit, start: date, end: date, now: datetime | None = None) -> list[dict]:
    """One row per dataset of ``unit`` and the units below it over the Bangkok days ``start``–``end``
    (both included); see the module's docstring for the moment it is judged at."""
    return [
        {
            **_base(j.dataset),
            "owner_order": _order(j.dataset),
            "every_s": j.dataset.every_s,
            "readings": j.readings,
            "failed_reads": j.failed_reads,
            "last_update": iso(j.last_update),
            "late": j.late,
            "late_by_s": j.late_by_s,
            "current_ratio": j.tally.ratio,
            "quality": j.quality,
        }
        for j in judge_round(unit, start, end, now)
    ]


def picture_title(unit: Unit, start: date, end: date) -> str:
    from lakthan.lib.thai import format_date
    from lakthan.reports.plain_document import thai

    t = thai()
    return (
        f"ความเป็นปัจจุบันของข้อมูล {unit.name_th} · {format_date(start, thai_digits=t)} – "
        f"{format_date(end, thai_digits=t)}"
    )


def freshness_scene(unit: Unit, start: date, end: date, now: datetime | None = None, judged=None):
    from lakthan.reports.plain_document import thai

    begin, until = bangkok_span(start, end)
    judged = judge_round(unit, start, end, now) if judged is None else judged
    rows = [
        chart.Row(
            label=j.dataset.name,
            sublabel=j.dataset.unit.code + (f" · {j.dataset.system.code}" if j.dataset.system_id else ""),
            segments=j.tally.segments,
            updates=j.updates,
            ratio=j.tally.ratio,
        )
        for j in judged
    ]
    return chart.scene(
        rows, begin.timestamp(), until.timestamp(), picture_title(unit, start, end), thai=thai()
    )


def freshness_svg(unit: Unit, start: date, end: date, now: datetime | None = None) -> str:
    from lakthan.lib import picture

    return picture.to_svg(freshness_scene(unit, start, end, now))


def _png(scene) -> bytes:
    from lakthan.lib import picture
    from lakthan.reports.fonts import FontNotFound, report_font

    try:
        family = report_font()
        regular, bold = str(family.regular), str(family.bold)
    except FontNotFound:
        regular = bold = None  # type: ignore[assignment]
    return picture.to_png(scene, regular, bold)


def freshness_png(unit: Unit, start: date, end: date, now: datetime | None = None) -> bytes:
    return _png(freshness_scene(unit, start, end, now))


def freshness_picture(unit: Unit, start: date, end: date, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise InvalidInput(
            f"รูปแบบไฟล์ต้องเป็น png หรือ svg (ได้ {fmt})", f"the format must be png or svg (got {fmt})"
        )
    if fmt == "svg":
        return freshness_svg(unit, start, end).encode("utf-8")
    return freshness_png(unit, start, end)


def data_pdf(unit: Unit, start: date, end: date, now: datetime | None = None) -> bytes:
    """The official document of the round: the table and the picture (data_report.py)."""
    from lakthan.data.services import data_report
    from lakthan.reports.render_pdf import render_pdf_from_html

    judged = judge_round(unit, start, end, now)
    png = _png(freshness_scene(unit, start, end, now, judged))
    return render_pdf_from_html(
        data_report.report_html(unit, start, end, judged, base64.b64encode(png).decode(), now)
    )
