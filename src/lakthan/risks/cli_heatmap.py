"""`lakthan risk heatmap` and `lakthan risk trend`: the pictures of services.heatmap written to a file
(PNG or SVG by the file's extension)."""

from __future__ import annotations

from pathlib import Path

import click

from lakthan.core.errors import InvalidInput


def _format_of(out: str) -> str:
    fmt = Path(out).suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InvalidInput(
            f"ไฟล์ผลลัพธ์ต้องลงท้ายด้วย .png หรือ .svg (ได้ {out})",
            f"the output file must end in .png or .svg (got {out})",
        )
    return fmt


def _instant(text: str | None):
    if text is None:
        return None
    from lakthan.lib.timezones import parse_instant

    try:
        return parse_instant(text)
    except ValueError:
        raise InvalidInput(
            f"เวลา {text} ไม่ถูกต้อง (ใช้ ISO-8601 เช่น 2013-03-31T23:59+07:00)",
            f"bad time {text} (use ISO-8601, e.g. 2013-03-31T23:59+07:00)",
        ) from None


@click.command("heatmap")
@click.option(
    "--unit", "unit_code", required=True, help="Unit code; its risks and those of the units below it."
)
@click.option(
    "--residual", is_flag=True, help="The residual levels (after treatment) instead of the inherent."
)
@click.option("--at", "at_text", help="The state as of this instant (ISO-8601; naive = Asia/Bangkok).")
@click.option("--out", required=True, help="FILE.png or FILE.svg")
def heatmap_command(unit_code: str, residual: bool, at_text: str | None, out: str) -> None:
    """Draw the heat map of a unit's open risks."""
    from lakthan.core.services import get_unit
    from lakthan.lib.files import write_atomic
    from lakthan.risks.services import heatmap as svc

    fmt = _format_of(out)
    at = _instant(at_text)
    unit = get_unit(unit_code)
    data = svc.heatmap(unit, residual=residual, fmt=fmt, at=at)
    write_atomic(Path(out), data)
    click.echo(f"{out} ({len(svc.states(unit, at))} risks)")


@click.command("trend")
@click.option("--unit", "unit_code", required=True)
@click.option("--fy", "fiscal_year", type=int, required=True, help="Fiscal year, B.E. (e.g. 2556).")
@click.option("--out", required=True, help="FILE.png or FILE.svg")
def trend_command(unit_code: str, fiscal_year: int, out: str) -> None:
    """Draw the open risks per level, inherent and residual, at the end of each round of the fiscal year."""
    from lakthan.core.services import get_unit
    from lakthan.lib.files import write_atomic
    from lakthan.risks.services import heatmap as svc

    fmt = _format_of(out)
    unit = get_unit(unit_code)
    rounds = svc.fiscal_year_rounds(unit, fiscal_year)
    write_atomic(Path(out), svc.trend(unit, rounds, fmt=fmt, title=svc.trend_title(unit, fiscal_year)))
    click.echo(out)
