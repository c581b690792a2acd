"""The heat map of a unit's risks (and those of the units below it) and their trend across rounds, as
SVG or PNG. Read-only: nothing here changes state.

A past state is read from the revisions: for each risk, the newest revision at or before the instant
(a risk whose first revision is later did not exist yet; one closed by then is not counted), placed
in the unit the revision names. The present state is read from the risk rows themselves.
A risk without a residual assessment is drawn on the residual map where it stands inherently: nothing
has lowered it yet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from lakthan.core.errors import InvalidInput
from lakthan.core.models import Unit
from lakthan.lib.thai import digits, format_date, format_datetime
from lakthan.lib.timezones import BANGKOK
from lakthan.risks.engines import heatmap as heatmap_engine
from lakthan.risks.engines import trend as trend_engine
from lakthan.risks.engines.matrix import Matrix, load_default, parse_matrix
from lakthan.risks.models import Risk, RiskMatrix, RiskRevision

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass(frozen=True)
class RiskState:
    ref: str
    unit: str  # code
    likelihood: int
    impact: int
    residual_likelihood: int | None
    residual_impact: int | None
    closed: bool

    def point(self, residual: bool) -> heatmap_engine.RiskPoint:
        if residual and self.residual_likelihood and self.residual_impact:
            return heatmap_engine.RiskPoint(self.ref, self.residual_likelihood, self.residual_impact)
        return heatmap_engine.RiskPoint(self.ref, self.likelihood, self.impact)


def matrix_in_force() -> Matrix:
    """The newest loaded matrix, else the default. (The register's active_matrix() also stores the
    default on first use; drawing a picture must not write, so it is only read here.)"""
    row = RiskMatrix.objects.first()
    return parse_matrix(row.text.encode("utf-8")) if row is not None else load_default()


def _unit_codes(unit: Unit) -> set[str]:
    return set(Unit.objects.filter(pk__in=unit.descendant_ids()).values_list("code", flat=True))


def states(unit: Unit, at: datetime | None = None) -> list[RiskState]:
    """The open risks of the unit and the units below it, now (``at`` None) or as of ``at``."""
    codes = _unit_codes(unit)
    if at is None:
        rows = Risk.objects.filter(unit__code__in=codes, closed=False).select_related("unit")
        return [
            RiskState(
                r.ref, r.unit.code, r.likelihood, r.impact, r.residual_likelihood, r.residual_impact, False
            )
            for r in rows.order_by("ref")
        ]
    return [s for s in _states_at([at])[0] if s.unit in codes and not s.closed]


def _states_at(instants: list[datetime]) -> list[list[RiskState]]:
    """For each instant, every risk's state from its newest revision at or before it (one query)."""
    if any(timezone.is_naive(at) for at in instants):
        raise ValueError("instants must carry their offset")
    latest = max(instants, default=None)
    if latest is None:
        return []
    revisions = (
        RiskRevision.objects.filter(at__lte=latest)
        .select_related("risk")
        .only("risk__ref", "data", "at", "number")
        .order_by("risk_id", "number")
    )
    found: list[dict[int, RiskState]] = [{} for _ in instants]
    for rev in revisions:
        state = _from_data(rev.risk.ref, rev.data)
        for i, at in enumerate(instants):
            if rev.at <= at:
                found[i][rev.risk_id] = state  # numbers ascend: the last one kept is the newest
    return [sorted(f.values(), key=lambda s: s.ref) for f in found]


def _from_data(ref: str, data: dict) -> RiskState:
    def number(key: str) -> int | None:
        value = data.get(key)
        return None if value is None or value == "" else int(value)

    return RiskState(
        ref=ref,
        unit=str(data.get("unit") or ""),
        likelihood=number("likelihood") or 0,
        impact=number("impact") or 0,
        residual_likelihood=number("residual_likelihood"),
        residual_impact=number("residual_impact"),
        closed=bool(data.get("closed")),
    )


def use_thai_digits() -> bool:
    return bool(settings.LAKTHAN_THAI_DIGITS)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InvalidInput(
            f"รูปแบบไฟล์ต้องเป็น png หรือ svg (ได้ {fmt})", f"the format must be png or svg (got {fmt})"
        )


def _render(engine, matrix: Matrix, data, title: str, fmt: str) -> bytes:
    if fmt == "svg":
        return engine.to_svg(matrix, data, title, thai=use_thai_digits()).encode("utf-8")
    from lakthan.reports.fonts import FontNotFound, report_font

    try:
        family = report_font()
        regular, bold = str(family.regular), str(family.bold)
    except FontNotFound:
        regular = bold = None  # type: ignore[assignment]
    return engine.to_png(matrix, data, title, regular_font=regular, bold_font=bold, thai=use_thai_digits())


def heatmap_title(unit: Unit, *, residual: bool, at: datetime | None) -> str:
    kind = "ความเสี่ยงคงเหลือหลังจัดการ (residual)" if residual else "ความเสี่ยงก่อนจัดการ (inherent)"
    # now: the day only, so the same register gives the same picture all day
    when = (
        format_datetime(at, thai_digits=use_thai_digits())
        if at is not None
        else format_date(timezone.now(), thai_digits=use_thai_digits())
    )
    return f"{kind} · {unit.name_th} · ณ {when}"


def heatmap(unit: Unit, *, residual: bool, fmt: str, at: datetime | None = None) -> bytes:
    """The heat map of the open risks of ``unit`` and the units below it, inherent or residual."""
    _check_format(fmt)
    check_instant(at)
    matrix = matrix_in_force()
    points = [s.point(residual) for s in states(unit, at)]
    return _render(heatmap_engine, matrix, points, heatmap_title(unit, residual=residual, at=at), fmt)


def trend_counts(unit: Unit, rounds: list[tuple[str, datetime]]) -> list[trend_engine.RoundCounts]:
    """Open risks per level, inherent and residual, as of each round's end (from the revisions)."""
    matrix = matrix_in_force()
    codes = _unit_codes(unit)
    out = []
    for (label, _), found in zip(rounds, _states_at([end for _, end in rounds]), strict=True):
        inherent: dict[str, int] = defaultdict(int)
        residual: dict[str, int] = defaultdict(int)
        for s in found:
            if s.unit not in codes or s.closed:
                continue
            for counts, point in ((inherent, s.point(False)), (residual, s.point(True))):
                try:
                    counts[matrix.level(point.likelihood, point.impact).code] += 1
                except ValueError:  # outside the matrix in force: not counted, as on the heat map
                    pass
        out.append(trend_engine.RoundCounts(label, dict(inherent), dict(residual)))
    return out


def trend_title(unit: Unit, fiscal_year: int | None = None) -> str:
    title = f"แนวโน้มความเสี่ยงที่ยังไม่ปิด · {unit.name_th}"
    if fiscal_year is not None:
        title += f" · ปีงบประมาณ {digits(fiscal_year, thai=use_thai_digits())}"
    return title


def trend(unit: Unit, rounds: list[tuple[str, datetime]], *, fmt: str, title: str = "") -> bytes:
    """Open risks per level, inherent beside residual, at the end of each round."""
    _check_format(fmt)
    title = title or trend_title(unit)
    return _render(trend_engine, matrix_in_force(), trend_counts(unit, rounds), title, fmt)


FIRST_YEAR, LAST_YEAR = 1900, 2200  # C.E.; far inside what dates and the databases hold


def check_instant(at: datetime | None) -> None:
    if at is not None and not FIRST_YEAR <= at.year <= LAST_YEAR:
        raise InvalidInput(
            f"เวลา {at.isoformat()} อยู่นอกช่วงที่รับได้ (ค.ศ. {FIRST_YEAR}–{LAST_YEAR})",
            f"the time {at.isoformat()} is out of range (years {FIRST_YEAR}–{LAST_YEAR} C.E.)",
        )


def end_of_day(day: date) -> datetime:
    """The last instant of a Bangkok calendar day."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        check_instant(datetime(day.year, 1, 1))
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=BANGKOK) - timedelta(microseconds=1)


def fiscal_year_rounds(unit: Unit, fiscal_year: int) -> list[tuple[str, datetime]]:
    """The indicator rounds (6, 9, 12 months) of the fiscal year that the unit or a unit above it
    reports on; the four quarters when none is set up."""
    from lakthan.indicators.engines.periods import fiscal_year_bounds, round_bounds
    from lakthan.indicators.models import Round

    try:
        start, _ = fiscal_year_bounds(fiscal_year)
    except (TypeError, ValueError):
        raise InvalidInput(
            f"ปีงบประมาณ {fiscal_year} ไม่ถูกต้อง (ใช้ปี พ.ศ. เช่น 2556)",
            f"fiscal year {fiscal_year} is not valid (use the B.E. year, e.g. 2556)",
        ) from None
    if not 2400 <= fiscal_year <= 2800:
        raise InvalidInput(
            f"ปีงบประมาณ {fiscal_year} ไม่ถูกต้อง (ใช้ปี พ.ศ. เช่น 2556)",
            f"fiscal year {fiscal_year} is not valid (use the B.E. year, e.g. 2556)",
        )
    thai = use_thai_digits()
    units = [unit.pk, *(u.pk for u in unit.ancestors())]
    months = sorted(
        set(
            Round.objects.filter(
                agreement__unit_id__in=units, agreement__fiscal_year=fiscal_year
            ).values_list("months", flat=True)
        )
    )
    if months:
        return [
            (f"รอบ {digits(m, thai=thai)} เดือน", end_of_day(round_bounds(fiscal_year, m)[1])) for m in months
        ]
    out = []
    for quarter in range(1, 5):
        month_index = start.month - 1 + quarter * 3  # 0-based month after the quarter's end
        first_after = date(start.year + month_index // 12, month_index % 12 + 1, 1)
        out.append((f"ไตรมาส {digits(quarter, thai=thai)}", end_of_day(first_after - timedelta(days=1))))
    return out
