"""`lakthan report …` and `lakthan pack …`"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lakthan.cli_common import OutFile, console, get_report, print_notices, round_options


class ReportGroup(click.Group):
    """`lakthan report --unit … --format X --out F` writes; `lakthan report verify --unit …` checks the seal."""

    def parse_args(self, ctx, args):
        if args and args[0] in self.commands:
            return super().parse_args(ctx, args)
        return super().parse_args(ctx, ["write", *args])


@click.group(cls=ReportGroup)
def report() -> None:
    """The official report of one indicator in a unit's round (write it, or verify its seal)."""


@report.command("write")
@round_options
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "html"]), required=True)
@click.option("--out", type=OutFile(), required=True)
@click.option("--arabic-digits", is_flag=True, help="Arabic instead of Thai digits")
def report_write(unit_code, fy, months, indicator, fmt, out, arabic_digits) -> None:
    """Write the official report (a signed one: exactly what its signature pinned)."""
    from lakthan.lib.files import write_atomic
    from lakthan.reports.sealing import newer_than_signed
    from lakthan.reports.services import render

    rep = get_report(unit_code, fy, months, indicator)
    write_atomic(out, render(rep, fmt, thai=False if arabic_digits else None))
    console.print(f"wrote {out}" + ("" if rep.is_signed else " (draft: not signed)"))
    print_notices(newer_than_signed(rep))


@report.command("verify")
@round_options
def report_verify(unit_code, fy, months, indicator) -> None:
    """Check a signed report's seal: its pin against the recorded SHA-256, every pinned evidence file in
    the blob store, the pinned library version (exit 1 naming each problem, 0 when sealed)."""
    from django.conf import settings

    from lakthan.reports.sealing import verify

    rep = get_report(unit_code, fy, months, indicator, create=False)
    problems = verify(rep)
    for problem in problems:
        click.echo(problem.message(settings.LAKTHAN_LANG), err=True)
    if problems:
        click.echo(f"NOT sealed ({len(problems)} problem(s))", err=True)
        sys.exit(1)
    console.print(f"sealed: pinned SHA-256 {rep.pinned_sha256}", soft_wrap=True)


class PackGroup(click.Group):
    """`lakthan pack --unit … --out X.zip` builds; `lakthan pack verify X.zip` checks."""

    def parse_args(self, ctx, args):
        if args and args[0] == "verify":
            return super().parse_args(ctx, args)
        return super().parse_args(ctx, ["build", *args])


@click.group(cls=PackGroup)
@click.pass_context
def pack(ctx: click.Context) -> None:
    """The evidence pack for the evaluator."""
    if ctx.invoked_subcommand != "verify":
        from lakthan.cli import setup_django

        setup_django()


@pack.command("build")
@round_options
@click.option("--out", type=OutFile(), required=True)
def pack_build(unit_code, fy, months, indicator, out) -> None:
    from lakthan.reports.services import build_pack

    summary = build_pack(get_report(unit_code, fy, months, indicator), out)
    console.print(f"wrote {out}: {summary}")


@pack.command("verify")
@click.argument("zipfile", type=click.Path(path_type=Path, dir_okay=False))
def pack_verify(zipfile) -> None:
    """Check a pack with nothing but the zip (exit 1 naming any mismatch)."""
    from lakthan.evidence.engines.pack import verify_pack

    result = verify_pack(zipfile)
    for problem in result.problems:
        click.echo(problem, err=True)
    if not result.ok:
        click.echo(f"{zipfile}: NOT intact ({len(result.problems)} problem(s))", err=True)
        sys.exit(1)
    console.print(f"{zipfile}: intact, {result.checked} files match SHA256SUMS and manifest.json")


COMMANDS = [report, pack]
