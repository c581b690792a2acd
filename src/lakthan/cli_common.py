"""Shared bits of the command-line interface."""

from __future__ import annotations

from datetime import date

import click
from rich.console import Console

from lakthan.core.errors import InvalidInput

console = Console()


def parse_date(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{what} '{value}' ไม่ใช่วันที่รูปแบบ YYYY-MM-DD", f"{what} '{value}' is not a YYYY-MM-DD date"
        ) from None


def round_options(func):
    """--unit, --fy, --round, --indicator: which indicator report of which unit's round."""
    func = click.option("--indicator", required=True, help="indicator code, e.g. 9.2")(func)
    func = click.option(
        "--round", "months", type=click.Choice(["6", "9", "12"]), required=True, help="round (months)"
    )(func)
    func = click.option("--fy", type=int, required=True, help="fiscal year (B.E.), e.g. 2556")(func)
    func = click.option("--unit", "unit_code", required=True, help="unit code")(func)
    return func


def get_report(unit_code: str, fy: int, months: str, indicator: str, create: bool = True):
    from lakthan.core.services import get_unit
    from lakthan.indicators.services import get_report as _get

    return _get(get_unit(unit_code), fy, int(months), indicator, create=create)


def print_notices(notices) -> None:
    """One warning line per thing newer than a signature (reports.sealing.newer_than_signed), Thai / English."""
    from rich.markup import escape

    for notice in notices:
        text = escape(f"{notice.th} / {notice.en}")
        console.print(f"[yellow]warning:[/yellow] {text}", highlight=False, soft_wrap=True)
