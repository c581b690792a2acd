"""`lakthan report …` and `lakthan pack …`"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lakthan.cli_common import DefaultCommandGroup, OutFile, console, get_report, print_notices, round_options


class ReportGroup(DefaultCommandGroup):
    """`lakthan report --unit … --format X --out F` writes; `lakthan report verify --unit …` checks the seal."""

    default_command = "write"


@click.group(cls=ReportGroup)
def report() -> None:
    """The official report of one indicator in a unit's round: write it (`lakthan report --unit …` is
    `lakthan report write --unit …`), or verify its seal."""


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


class PackGroup(DefaultCommandGroup):
    """`lakthan pack --unit … --out X.zip` builds (the `build` sub-command); `verify`, `key` and `list`
    are named."""

    default_command = "build"


@click.group(cls=PackGroup)
def pack() -> None:
    """The evidence pack for the evaluator, signed with the agency's key."""


@pack.command("build")
@round_options
@click.option("--out", type=OutFile(), required=True)
def pack_build(unit_code, fy, months, indicator, out) -> None:
    """Build, sign and record the evidence pack of one indicator report."""
    from lakthan.evidence.engines.pack_signing import grouped
    from lakthan.reports.issuing import issue_pack

    rep = get_report(unit_code, fy, months, indicator)
    s = issue_pack(rep, out, actor="cli")
    click.echo(
        f"wrote {out}: {s.files} files ({s.evidence_files} evidence files, {s.links} links), "
        f"{s.size} bytes, sha256 {s.sha256}" + ("" if rep.is_signed else " (draft: not signed)")
    )
    click.echo(f"signed with key {grouped(s.key_fingerprint)}")


KEY_OPTIONS = ("--key", "--key-url", "--fingerprint")


@pack.command("verify")
@click.argument("zipfile", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--key",
    "key_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="the agency's public key (PEM, or raw base64)",
)
@click.option("--key-url", help="where the agency publishes its public key (http or https)")
@click.option("--fingerprint", help="SHA-256 of the agency's raw public key (hex; spaces and colons ignored)")
def pack_verify(zipfile, key_file, key_url, fingerprint) -> None:
    """Check a pack: its signature with the agency's key, and every file against manifest.json and
    SHA256SUMS. Exit 0 authentic and intact; 1 not intact, naming each problem; 3 consistent but
    not authenticated (no key given)."""
    from lakthan.evidence.engines import pack_signing
    from lakthan.evidence.engines.pack import verify_pack

    given = [flag for flag, value in zip(KEY_OPTIONS, (key_file, key_url, fingerprint), strict=True) if value]
    if len(given) > 1:
        raise click.UsageError(f"give one of {', '.join(KEY_OPTIONS)}, not {' and '.join(given)}")
    key = None
    if key_file:
        key = pack_signing.read_public_key(key_file)
    elif key_url:
        key = pack_signing.fetch_public_key(key_url)
    expected = pack_signing.normalise_fingerprint(fingerprint) if fingerprint else None

    result = verify_pack(zipfile, key, fingerprint=expected)
    for problem in result.problems:
        click.echo(problem, err=True)
    if not result.ok:
        click.echo(f"{zipfile}: NOT intact ({len(result.problems)} problem(s))", err=True)
        sys.exit(1)
    fp = pack_signing.grouped(result.fingerprint)
    if not result.authenticated:
        click.echo(
            f"{zipfile}: consistent but unauthenticated: pass --key/--key-url/--fingerprint "
            f"(the pack's own key has fingerprint {fp})",
            err=True,
        )
        sys.exit(3)
    click.echo(
        f"{zipfile}: authentic and intact (signed by key {fp}), "
        f"{result.checked} files match manifest.json and SHA256SUMS"
    )


@pack.command("key")
@click.option("--out", type=OutFile(), help="write the PEM here (default: print it)")
def pack_key(out) -> None:
    """The agency's public pack-signing key (PEM) and its fingerprint, for evaluators."""
    from lakthan.evidence.engines.pack_signing import grouped
    from lakthan.lib.files import write_atomic
    from lakthan.reports.issuing import public_key

    key = public_key()
    if out is None:
        click.echo(key.pem().decode(), nl=False)
        click.echo(f"fingerprint {grouped(key.fingerprint)}", err=True)
        return
    write_atomic(out, key.pem())
    click.echo(f"wrote {out}")
    click.echo(f"fingerprint {grouped(key.fingerprint)}")


@pack.command("list")
@click.option("--unit", "unit_code", help="unit code (with --fy, --round, --indicator: one report's packs)")
@click.option("--fy", type=int, help="fiscal year (B.E.)")
@click.option("--round", "months", type=click.Choice(["6", "9", "12"]), help="round (months)")
@click.option("--indicator", help="indicator code, e.g. 9.2")
@click.option("--json", "as_json", is_flag=True)
def pack_list(unit_code, fy, months, indicator, as_json) -> None:
    """The packs the server issued: of one report, or all."""
    import json
    from datetime import datetime

    from rich.table import Table

    from lakthan.lib.timezones import BANGKOK
    from lakthan.reports import issuing

    chosen = [unit_code, fy, months, indicator]
    if any(v is not None for v in chosen) and not all(v is not None for v in chosen):
        raise click.UsageError("give --unit, --fy, --round and --indicator together, or none of them")
    report = get_report(unit_code, fy, months, indicator, create=False) if unit_code else None
    rows = [issuing.as_json(p) for p in issuing.issued_packs(report)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("issued (Bangkok)", "report", "by", "signed", "sha256", "key")
    for r in rows:
        table.add_row(
            datetime.fromisoformat(r["issued_at"]).astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M"),
            f"{r['unit']} FY{r['fiscal_year']} R{r['months']} {r['indicator']}",
            r["issued_by"],
            "yes" if r["report_signed"] else "draft",
            r["sha256"][:16] + "…",
            r["key_fingerprint"][:16] + "…",
        )
    console.print(table)


COMMANDS = [report, pack]
