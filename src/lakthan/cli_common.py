"""Shared bits of the command-line interface."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.console import Console

from lakthan.core.errors import InvalidInput

console = Console()


BE_OFFSET = 543
BE_SUFFIXES = ("BE", "พ.ศ.")


def parse_date(value: str | None, what: str, today: date | None = None) -> date | None:
    """A YYYY-MM-DD date in the Common Era, or in the Buddhist Era when it ends in "BE" (2556-07-11BE).
    A C.E. year past next year is refused: it is almost always a B.E. year typed as C.E."""
    if not value:
        return None
    text, buddhist = value.strip(), False
    for suffix in BE_SUFFIXES:
        if text.endswith(suffix):
            text, buddhist = text[: -len(suffix)].strip(), True
    try:
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            raise ValueError(text)
        year, month, day = int(text[:4]), int(text[5:7]), int(text[8:])
        parsed = date(year - BE_OFFSET if buddhist else year, month, day)  # 29 Feb 2567 BE is 2024's
    except ValueError:
        raise InvalidInput(
            f"{what} '{value}' ไม่ใช่วันที่รูปแบบ YYYY-MM-DD (ปี ค.ศ.) หรือ YYYY-MM-DDBE (ปี พ.ศ.)",
            f"{what} '{value}' is not a YYYY-MM-DD date (C.E.), or YYYY-MM-DDBE (B.E.)",
        ) from None
    limit = (today or date.today()).year + 1
    if not buddhist and parsed.year > limit:
        ce = parsed.year - BE_OFFSET
        raise InvalidInput(
            f"{what} '{value}': ปี {parsed.year} เกินปี ค.ศ. {limit} — หมายถึง พ.ศ. {parsed.year} (ค.ศ. {ce}) หรือไม่? "
            f"เขียน {value}BE หรือ {ce}{text[4:]}",
            f"{what} '{value}': year {parsed.year} is past {limit} — did you mean B.E. {parsed.year} = {ce}? "
            f"write {value}BE or {ce}{text[4:]}",
        )
    return parsed


class DefaultCommandGroup(click.Group):
    """A group that runs ``default_command`` when the first argument names none of its sub-commands
    (`lakthan report --unit …` is `lakthan report write --unit …`); the group's own help stays the
    group's."""

    default_command = ""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] in self.commands or args[0] in ctx.help_option_names:
            return super().parse_args(ctx, args)
        return super().parse_args(ctx, [self.default_command, *args])


class OutFile(click.Path):
    """A file to write: its directory must already exist (a typo is not a reason to create folders,
    least of all as root), and it must not be a directory."""

    def __init__(self) -> None:
        super().__init__(path_type=Path, dir_okay=False)

    def convert(self, value, param, ctx):
        if not str(value).strip():
            self.fail("an empty file name (ชื่อไฟล์ว่าง)", param, ctx)
        path = super().convert(value, param, ctx)
        parent = Path(path).parent
        if not parent.is_dir():
            self.fail(f"directory {parent} does not exist (ไม่มีโฟลเดอร์ {parent})", param, ctx)
        return path


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


def quick_read(reader):
    """Marks a read-only command that can answer from a DB-API connection without Django:
    `reader(connection, **options)` runs instead of the command when lakthan.quick_read gives a
    connection (see lakthan.cli). It must print what the command prints."""

    def mark(callback):
        callback.quick_read = reader
        return callback

    return mark


def engine_options(engine_help: str):
    """--engine, --master and --segments: the same on every heavy pass over the log segments (hunt,
    verify, usage)."""

    def add(command):
        for option in (
            click.option(
                "--segments",
                "segments_url",
                default=None,
                help="where the cluster reads the segment files: a path or s3a:// URL "
                "(default LAKTHAN_LOG_SEGMENTS_URL)",
            ),
            click.option(
                "--master",
                default=None,
                help="Spark master: local[N] (default: every core), spark://…, yarn, k8s://…",
            ),
            click.option(
                "--engine",
                type=click.Choice(["local", "spark"]),
                default="local",
                show_default=True,
                help=engine_help,
            ),
        ):
            command = option(command)
        return command

    return add
