"""`lakthan demo`: a fresh demo database, the seed's report produced from data, and its evidence pack."""

from __future__ import annotations

import html
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import click

from lakthan import demo_data as D
from lakthan.cli_common import console


def demo_home() -> Path:
    """Where `lakthan demo` builds the demo and `lakthan serve --demo` serves it: `$LAKTHAN_HOME/demo`
    (var/demo by default), or LAKTHAN_HOME itself when DATABASE_URL names the database to use."""
    from lakthan import config

    return config.home() if os.environ.get("DATABASE_URL") else config.home() / "demo"


def prepare_home() -> Path | None:
    """Point LAKTHAN_HOME at a fresh `demo/` folder inside it, unless DATABASE_URL names a server.

    Called before Django starts, so the demo never touches the operator's own database.
    """
    if os.environ.get("DATABASE_URL"):
        return None
    home = demo_home()
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    os.environ["LAKTHAN_HOME"] = str(home)
    return home


def use_demo_home() -> Path:
    """`lakthan serve --demo`: LAKTHAN_HOME pointed at the demo's home before Django starts, which
    must hold a demo (else serving it would create an empty database there)."""
    from lakthan.core.errors import InvalidInput

    home = demo_home()
    if not (home / "demo-logins.txt").exists():
        raise InvalidInput(
            f"ยังไม่มีข้อมูลสาธิตใน {home}: สั่ง lakthan demo ก่อน",
            f"there is no demo in {home}: run `lakthan demo` first",
        )
    os.environ["LAKTHAN_HOME"] = str(home)
    return home


def stand_in_document(title: str, doc_no: str, doc_date, fmt: str, note: str = "") -> tuple[bytes, str]:
    """A stand-in document for one evidence item: a one-page PDF, or a PNG 'screenshot' of it."""
    from lakthan.lib.thai import format_date, thai_digits
    from lakthan.reports.render_pdf import render_pdf_from_html

    body = (
        '<html lang="th"><body style="font-family: Sarabun; font-size: 16pt; margin: 2cm">'
        '<p style="color:#888">เอกสารตัวอย่างสำหรับการสาธิต (ไม่ใช่เอกสารจริง)</p>'
        f"<h2>{html.escape(thai_digits(title))}</h2>"
        + (f"<p>{html.escape(thai_digits(doc_no))}</p>" if doc_no else "")
        + (f"<p>{html.escape(note)}</p>" if note else "")
        + (f"<p>ลงวันที่ {format_date(doc_date, style='long')}</p>" if doc_date else "")
        + "</body></html>"
    )
    pdf = render_pdf_from_html(body)
    if fmt == "pdf":
        return pdf, "pdf"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "40", "-singlefile", "-f", "1", str(src), str(Path(tmp) / "page")],
            check=True,
            capture_output=True,
        )
        return (Path(tmp) / "page.png").read_bytes(), "png"


def stand_in_evidence(unit, title: str, kind: str, doc_no: str = "", doc_date=None, issuing_unit=None):
    """A document the demo's controls keep as evidence (an order, minutes): a stand-in PDF registered
    in the evidence register, as a clerk's upload would be."""
    from lakthan.evidence import services as evidence

    data, _ = stand_in_document(title, doc_no, doc_date, "pdf")
    meta = evidence.Metadata(
        title=title,
        kind=kind,
        doc_no=doc_no,
        doc_date=doc_date,
        effective_date=doc_date,
        issuing_unit=issuing_unit or unit,
    )
    return evidence.add_file(unit, io.BytesIO(data), "document.pdf", meta, actor="demo")


def create_demo_logins(supervisor) -> dict[str, str]:
    """An administrator and the supervisor's own account, with random passwords kept in
    $LAKTHAN_HOME/demo-logins.txt (mode 0600) so that `lakthan serve` can show them."""
    import secrets

    from django.conf import settings
    from django.contrib.auth import get_user_model

    from lakthan.lib.files import write_private

    users = get_user_model()
    logins = {"admin": secrets.token_urlsafe(12), "supervisor": secrets.token_urlsafe(12)}
    users.objects.create_superuser("admin", "admin@example.invalid", logins["admin"])
    supervisor.user = users.objects.create_user(
        "supervisor", "supervisor@example.invalid", logins["supervisor"]
    )
    supervisor.save(update_fields=["user"])
    write_private(
        settings.LAKTHAN_HOME / "demo-logins.txt", "".join(f"{u} {pw}\n" for u, pw in logins.items())
    )
    return logins


DEMO_APPS = (
    "backups",
    "monitoring",
    "access",
    "risks",
    "network",
    "operations",
    "data",
    "problems",
    "committees",
)


def run_control_demos(report, bureau) -> None:
    """Each control app may bring demo data of its own in `<app>/demo.py: seed(report, bureau)` —
    backups with a year of history, logs from the bureau's hosts — so its checks run on real records."""
    from importlib import import_module
    from importlib.util import find_spec

    for app in DEMO_APPS:
        if find_spec(f"lakthan.{app}.demo") is not None:
            import_module(f"lakthan.{app}.demo").seed(report, bureau)


def build_demo():
    from django.db import transaction
    from rich.progress import Progress

    from lakthan.checks.services import propose_results, run_all
    from lakthan.core.models import Unit
    from lakthan.core.services import add_person, add_unit
    from lakthan.evidence import services as evidence
    from lakthan.indicators import services as ind
    from lakthan.reports import sealing

    if Unit.objects.exists():
        from lakthan.core.errors import InvalidInput

        raise InvalidInput(
            "ฐานข้อมูลมีข้อมูลอยู่แล้ว: การสาธิตต้องใช้ฐานข้อมูลว่าง",
            "the database already holds data: the demo needs an empty database",
        )
    with transaction.atomic():
        for code, parent, kind, name_th, name_en, abbr in D.UNITS:
            add_unit(
                code, name_th, name_en=name_en, parent=parent, kind=kind, abbreviation_th=abbr, actor="demo"
            )
        it_centre = Unit.objects.get(code="IMM-ITC")
        bureau = Unit.objects.get(code="IMM")
        title, first, last, position = D.SUPERVISOR
        supervisor = add_person(
            it_centre, first, last, title_th=title, position_th=position, phone=D.PHONE, actor="demo"
        )
        collectors = [
            add_person(it_centre, f, lname, title_th=t, position_th=p, phone=D.PHONE, actor="demo")
            for t, f, lname, p in D.COLLECTORS
        ]
        indicator = ind.find_indicator(D.INDICATOR, D.FISCAL_YEAR)
        ind.set_agreement(bureau, D.FISCAL_YEAR, [(indicator, D.WEIGHT)], actor="demo")
        ind.assign(bureau, indicator, D.FISCAL_YEAR, supervisor, "supervisor", actor="demo")
        for person in collectors:
            ind.assign(bureau, indicator, D.FISCAL_YEAR, person, "collector", actor="demo")
        report = ind.get_report(bureau, D.FISCAL_YEAR, D.ROUND_MONTHS, D.INDICATOR)
        ind.update_report(
            report,
            phone=D.PHONE,
            actions_taken=D.ACTIONS_TAKEN,
            supporting_factors=D.SUPPORTING_FACTORS,
            obstacles=D.OBSTACLES,
            suggestions=D.SUGGESTIONS,
            actor="demo",
        )

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("evidence", total=len(D.EVIDENCE))
        for number, (title, kind, doc_no, doc_date, items, fmt) in enumerate(D.EVIDENCE, 1):
            note = (
                "รายงานฉบับนี้: ฉบับที่ลงนามคือ report/report.pdf ในชุดหลักฐาน" if number == D.SELF_REFERENCE else ""
            )
            data, ext = stand_in_document(title, doc_no, doc_date, fmt, note)
            meta = evidence.Metadata(
                title=title,
                kind=kind,
                doc_no=doc_no,
                doc_date=doc_date,
                effective_date=doc_date,
                issuing_unit=it_centre,
            )
            with transaction.atomic():
                ev = evidence.add_file(
                    bureau, io.BytesIO(data), f"evidence-{number:02d}.{ext}", meta, actor="demo"
                )
                for item in items:
                    evidence.link(ev, report, item, actor="demo")
            progress.advance(task)

    run_control_demos(report, bureau)
    run_all(report, trigger="demo")
    with transaction.atomic():
        for number, (status, reason) in propose_results(report).items():
            ind.set_result(report, number, status, note=reason, actor=supervisor.display_name)
        sealing.sign(report, supervisor)
    create_demo_logins(supervisor)
    return report


@click.command()
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), default=Path("out/demo"), show_default=True
)
def demo(out: Path) -> None:
    """Fresh demo data (invented people), the FY 2556 12-month report of 9.2, signed, and its signed
    evidence pack; beside the pack, the very report files inside it and the agency's public key."""
    from django.conf import settings

    from lakthan.evidence.engines.pack import KEY
    from lakthan.evidence.engines.pack_signing import grouped
    from lakthan.indicators.services import compute_score
    from lakthan.lib.files import write_atomic
    from lakthan.reports.issuing import issue_pack, public_key

    report = build_demo()
    summary = issue_pack(report, out / "evidence-pack.zip", actor="demo")
    written = []
    for name, data in sorted(summary.report_files.items()):  # rendered once: the pack's bytes
        written.append(out / Path(name).name)
        write_atomic(written[-1], data)
    write_atomic(out / KEY, public_key().pem())
    score = compute_score(report)
    console.print(f"demo database: {settings.LAKTHAN_HOME} (web logins in demo-logins.txt there)")
    console.print(
        f"indicator {score.indicator_code}: items met {score.items_met}/{score.items_total}, "
        f"score {score.score}, weight {score.weight.normalize():f}, weighted score {score.weighted_score}"
    )
    for path in written:
        console.print(f"wrote {path}")
    console.print(
        f"wrote {summary.path} ({summary.evidence_files} evidence files, sha256 {summary.sha256})",
        soft_wrap=True,
    )
    console.print(f"wrote {out / KEY}", soft_wrap=True)
    click.echo(f"pack signed with the agency's key, fingerprint {grouped(summary.key_fingerprint)}")
    click.echo(f"check it: lakthan pack verify {summary.path} --key {out / KEY}")
