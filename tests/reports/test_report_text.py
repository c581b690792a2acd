"""The report's words, data and dates against the seed report (tests/reports/data/seed-9.2-report.txt,
a copy of the real 12-month report of indicator 9.2): its criteria and evidence list as it writes
them, no pass/fail stamp, honest dates, the signature block and the DOCX properties."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime
from importlib import import_module
from pathlib import Path

import docx
import pytest
from django.apps import apps as django_apps
from django.utils import timezone

import lakthan.checks.checks  # noqa: F401 - registers the evidence-completeness check
from lakthan import demo_data as D
from lakthan.checks.checks import URN as COMPLETENESS
from lakthan.checks.services import run_check
from lakthan.evidence import services as ev
from lakthan.evidence.models import Evidence
from lakthan.indicators.engines.library_schema import load_library
from lakthan.indicators.libraries import BUNDLED_DIR
from lakthan.lib.timezones import BANGKOK
from lakthan.reports import sealing
from lakthan.reports.context import EvidenceRef
from lakthan.reports.render_docx import render_docx
from lakthan.reports.render_html import evidence_text, render_html, report_view
from lakthan.reports.render_pdf import render_pdf
from lakthan.reports.services import build_context, build_live_context
from tests.conftest import pdf_bytes
from tests.reports.test_render import docx_text, flat, pdf_text, visible_html_text

SEED = (Path(__file__).parent / "data" / "seed-9.2-report.txt").read_text(encoding="utf-8")


def squash(text: str) -> str:
    """Spaces of every kind as one; the word joiners that keep a phrase on one line dropped."""
    return re.sub(r"\s+", " ", text.replace("\u2060", "")).strip()


def seed_criteria() -> dict[int, tuple[str, list[str]]]:
    """Items 1, 2, 3 and 10 as the seed prints them: title and bullet paragraphs. The text extraction
    of the seed cut item 1's heading inside "(Backup)" and put a list number into the cut."""
    body = SEED.split("เกณฑ์การให้คะแนน :")[0]
    bullets = [squash(b) for b in re.findall(r"·\s*([^\n]+)", body)]
    head1 = squash(re.search(r"(มีแนวทาง/มาตรการ[^\n]*\(Backu)", body).group(1))
    titles = {
        n: squash(re.search(rf"\n\s*{label}\.\s+([^\n]+)", body).group(1))
        for n, label in ((2, "2"), (3, "3"), (10, "๑๐"))
    }
    return {
        1: (head1 + "p)", bullets[0:1]),
        2: (titles[2], bullets[1:3]),
        3: (titles[3], bullets[3:4]),
        10: (titles[10], bullets[4:5]),
    }


def seed_evidence() -> list[str]:
    listed = SEED.split("หลักฐานอ้างอิง :")[1]
    return [squash(m) for m in re.findall(r"^\s*\d+\.\s+(.+?)\s*$", listed, flags=re.M)]


def test_the_seed_copy_has_what_these_tests_read():
    criteria, evidence = seed_criteria(), seed_evidence()
    assert criteria[10][0] == "มีระบบ Access Right ที่ถูกต้องและทันสมัย"
    assert "(เช่น ไฟไหม้ น้ำท่วม แผ่นดินไหว เป็นต้น)" in criteria[3][1][0]
    assert len(evidence) == 35 and evidence[34].startswith("รายงานผลการปฏิบัติราชการตามคำรับรอง")


def test_the_library_keeps_the_seeds_criteria_verbatim():
    library = load_library(BUNDLED_DIR / "opdc-2556.yaml")
    items = {c.number: c for c in library.indicator("9.2").criteria}
    for number, (title, bullets) in seed_criteria().items():
        assert items[number].title_th == title
        assert [squash(e) for e in items[number].explanation_th] == bullets
        assert not items[number].reconstructed
    assert all(items[n].reconstructed and items[n].source_note for n in range(4, 10))


# --- the report built from data, as the demo builds it ------------------------------------------


@pytest.fixture
def seed_report(org):
    """org's 9.2 report with the seed's 35 evidence references (the demo's register, in its order and
    links), then the evidence-completeness check's system-generated table."""
    for number, (title, kind, doc_no, doc_date, items, _fmt) in enumerate(D.EVIDENCE, 1):
        meta = ev.Metadata(title=title, kind=kind, doc_no=doc_no, doc_date=doc_date)
        evidence = ev.add_file(org.bureau, io.BytesIO(pdf_bytes(f"e{number}")), f"e{number}.pdf", meta)
        for item in items:
            ev.link(evidence, org.report, item)
    org.run = run_check(COMPLETENESS, org.report)
    return org


def html_evidence_lines(page: str) -> list[str]:
    """Each evidence line's text, through the phrases kept on one line (span.nw inside span.t)."""
    from lxml import html

    listed = "<ol>" + page.split('class="numbered evidence">')[1].split("</ol>")[0] + "</ol>"
    return [squash(t.text_content()) for t in html.fromstring(listed).xpath("//span[@class='t']")]


def docx_paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_printed_criteria_and_evidence_are_the_seeds_words_in_its_order(seed_report):
    ctx = build_context(seed_report.report)
    page = render_html(ctx)
    paragraphs = docx_paragraphs(render_docx(ctx))
    seed_lines = seed_evidence()
    printed = html_evidence_lines(page)
    assert printed[:35] == seed_lines  # titles in full, numbers and dates as the seed writes them
    system = printed[35:]
    assert system and all(line.startswith("ตารางความครบถ้วนของหลักฐาน") for line in system)
    docx_evidence = [p.split("\t", 1)[1] for p in paragraphs if re.match(r"^[๐-๙]+\.\t", p)]
    assert [squash(p) for p in docx_evidence[-len(printed) :]] == printed
    text = squash(visible_html_text(page))
    for title, bullets in seed_criteria().values():
        assert title in text and all(b in text for b in bullets)
        assert f"{title}" in [squash(p.split("\t", 1)[-1]) for p in paragraphs]
    assert "๙๐ วัน" not in text  # the library's guidance is not printed as the criterion


def test_system_generated_evidence_is_dated_by_its_run_and_period_never_a_document_date(seed_report):
    artefact = Evidence.objects.get(kind=Evidence.Kind.SYSTEM)
    assert artefact.doc_date is None
    ref = build_live_context(seed_report.report).evidence[-1]
    today = timezone.localdate(seed_report.run.finished_at, BANGKOK)
    assert (ref.doc_date, ref.produced_on) == (None, today)
    assert (ref.covers_start, ref.covers_end) == (date(2012, 10, 1), date(2013, 9, 30))
    line = evidence_text(ref, thai=True)
    assert line.endswith(f"(ตรวจสอบเมื่อ {_thai_date(today)} ครอบคลุม ๑ ต.ค. ๒๕๕๕ – ๓๐ ก.ย. ๒๕๕๖)")
    assert " ลง " not in line


def _thai_date(d: date) -> str:
    from lakthan.lib.thai import format_date

    return format_date(d)


def test_the_migration_takes_the_document_date_off_system_evidence(org):
    ev.add_file(
        org.bureau,
        io.BytesIO(pdf_bytes("p")),
        "p.pdf",
        ev.Metadata(title="แผน", kind="plan", doc_date=date(2013, 1, 2)),
    )
    run_check(COMPLETENESS, org.report)
    Evidence.objects.filter(kind=Evidence.Kind.SYSTEM).update(doc_date=date(2013, 9, 30))  # as before
    module = import_module("lakthan.evidence.migrations.0003_system_evidence_has_no_document_date")
    module.clear_document_dates(django_apps, None)
    assert list(Evidence.objects.order_by("kind").values_list("kind", "doc_date")) == [
        ("plan", date(2013, 1, 2)),
        ("system", None),
    ]


def test_the_migration_leaves_the_evidence_of_a_signed_report_as_it_was_signed(org):
    run_check(COMPLETENESS, org.report)
    Evidence.objects.filter(kind=Evidence.Kind.SYSTEM).update(doc_date=date(2013, 9, 30))  # as before
    assert Evidence.objects.filter(kind=Evidence.Kind.SYSTEM, links__report=org.report).exists()
    type(org.report).objects.filter(pk=org.report.pk).update(signed_at=timezone.now())
    module = import_module("lakthan.evidence.migrations.0003_system_evidence_has_no_document_date")
    module.clear_document_dates(django_apps, None)
    assert set(Evidence.objects.filter(kind=Evidence.Kind.SYSTEM).values_list("doc_date", flat=True)) == {
        date(2013, 9, 30)
    }


@pytest.mark.parametrize(
    ("kind", "doc_no", "expected"),
    [
        ("order", "ที่ 1/2556", "คำสั่ง สตม. แต่งตั้งคณะทำงาน (ที่ ๑/๒๕๕๖ ลง ๑๑ ก.ค. ๒๕๕๖)"),
        ("letter", "ตช 0029.93/1461", "คำสั่ง สตม. แต่งตั้งคณะทำงาน (ที่ ตช ๐๐๒๙.๙๓/๑๔๖๑ ลง ๑๑ ก.ค. ๒๕๕๖)"),
        ("photo", "", "คำสั่ง สตม. แต่งตั้งคณะทำงาน (ถ่ายเมื่อ ๑๑ ก.ค. ๒๕๕๖)"),
        ("screenshot", "", "คำสั่ง สตม. แต่งตั้งคณะทำงาน (บันทึกภาพเมื่อ ๑๑ ก.ค. ๒๕๕๖)"),
    ],
)
def test_an_evidence_line_dates_a_document_by_its_kind(kind, doc_no, expected):
    ref = EvidenceRef(1, "คำสั่ง สตม. แต่งตั้งคณะทำงาน", doc_no, date(2013, 7, 11), kind=kind)
    assert evidence_text(ref, thai=True) == expected


def test_an_evidence_line_does_not_repeat_what_its_title_already_says():
    title = "คำสั่ง สตม. ที่ ๑/๒๕๕๖ ลง ๑๑ ก.ค.๒๕๕๖ แต่งตั้งคณะทำงาน"
    ref = EvidenceRef(1, title, "ที่ 1/2556", date(2013, 7, 11), kind="order")
    assert evidence_text(ref, thai=True) == title
    assert evidence_text(EvidenceRef(2, "ภาพการประชุม", kind="photo"), thai=True) == "ภาพการประชุม"
    assert evidence_text(ref, thai=False) == "คำสั่ง สตม. ที่ 1/2556 ลง 11 ก.ค.2556 แต่งตั้งคณะทำงาน"


# --- no stamps ----------------------------------------------------------------------------------


def test_the_official_report_prints_no_pass_or_fail_stamp(make_ctx):
    ctx = make_ctx()
    assert {c.met for c in ctx.criteria} == {True, False, None}  # met, not met and undecided items
    html = render_html(ctx)
    texts = {
        "html": visible_html_text(html),
        "docx": docx_text(render_docx(ctx)),
        "pdf": pdf_text(render_pdf(ctx)),
    }
    for fmt, text in texts.items():
        for stamp in ("ไม่ผ่าน", "รอพิจารณา", "(ผ่าน)"):
            assert stamp not in text, (fmt, stamp)
        for c in ctx.criteria:  # no heading ends in a verdict ("รหัสผ่าน" in item 10 is a word)
            assert not re.search(re.escape(flat(c.title)) + "ผ่าน", flat(text)), (fmt, c.number)
    assert 'class="status' not in html
    assert "๕" in report_view(ctx)["calc_row"]["score"]  # the result stays in the calculation table


# --- signature block and telephones ---------------------------------------------------------------


def test_signature_block_of_a_draft_names_the_supervisor_and_leaves_the_date_to_fill(make_ctx):
    ctx = make_ctx(supervisor_position="ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ")
    block = report_view(ctx)["signature"]
    assert block == [
        "(ลงชื่อ) " + "." * 40,
        "(พ.ต.ท.หญิง สมศรี  ใจดี)",
        "ตำแหน่ง ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ",
        "วันที่ " + "." * 30,
    ]
    paragraphs = docx_paragraphs(render_docx(ctx))
    assert [p.replace("\u2060", "").replace("\xa0", " ") for p in paragraphs[-4:]] == block
    html_block = render_html(ctx).split('class="signature"')[1].split("</div>")[0]
    shown = [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p>(.*?)</p>", html_block)]
    assert shown == block


def test_signature_block_of_a_signed_report_has_the_signers_name_position_and_day(make_ctx):
    ctx = make_ctx(signed=True, supervisor_position="ผู้อำนวยการ", signed_by_position="รองผู้บังคับการ")
    block = report_view(ctx)["signature"]
    assert block[1:] == ["(พ.ต.อ. ประเสริฐ  รักงาน)", "ตำแหน่ง รองผู้บังคับการ", "วันที่ ๒๕ ก.ย. ๒๕๕๖"]
    assert report_view(make_ctx(signed=True, thai_digits=False))["signature"][3] == "วันที่ 25 ก.ย. 2556"


def test_position_and_both_telephones_come_from_the_data_and_the_signature_pins_them(org):
    org.supervisor.position_th = "ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ"
    org.supervisor.phone = "0 2287 3101-10 ต่อ 2200"
    org.supervisor.save()
    org.report.phone = "0 2287 3101-10 ต่อ 2242"
    org.report.save()
    ctx = build_live_context(org.report)
    assert report_view(ctx)["phones"] == ["๐ ๒๒๘๗ ๓๑๐๑-๑๐ ต่อ ๒๒๐๐", "๐ ๒๒๘๗ ๓๑๐๑-๑๐ ต่อ ๒๒๔๒"]
    assert ctx.supervisor_position == "ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ"
    rows = docx.Document(io.BytesIO(render_docx(build_context(org.report)))).tables[0].rows
    assert [r.cells[0].text for r in rows].count("โทรศัพท์ :") == 2
    for n in range(1, 11):
        from lakthan.indicators import services as ind

        ind.set_result(org.report, n, "met" if n <= 5 else "not_met")
    sealing.sign(org.report, org.supervisor)
    signed = build_context(org.report)
    assert signed.signed_by_position == "ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ"
    assert report_view(signed)["signature"][2] == "ตำแหน่ง ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ"


def test_an_old_pin_without_the_new_fields_still_renders(make_ctx):
    """A report signed before this change pinned one phone and no positions: it renders from that."""
    from lakthan.reports.context import context_from_json, context_to_json

    data = context_to_json(make_ctx(signed=True))
    for key in ("supervisor_phone", "collectors_phone", "supervisor_position", "signed_by_position"):
        data.pop(key)
    ctx = context_from_json(data)
    view = report_view(ctx)
    assert view["phones"] == ["๐ ๒๒๘๗ ๓๑๐๑-๑๐ ต่อ ๒๒๔๒"] * 2
    assert view["signature"][2] == "ตำแหน่ง " + "." * 30


# --- DOCX properties --------------------------------------------------------------------------------


def test_docx_properties_come_from_the_report_not_the_template(make_ctx):
    ctx = make_ctx(signed=True)
    data = render_docx(ctx)
    props = docx.Document(io.BytesIO(data)).core_properties
    assert props.title == (
        "รายงานผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการ (รายตัวชี้วัด) ตัวชี้วัดที่ ๙.๒ รอบ ๑๒ เดือน ปีงบประมาณ พ.ศ. ๒๕๕๖"
    )
    assert props.author == "สำนักงานตรวจคนเข้าเมือง"
    assert props.last_modified_by == "พ.ต.อ. ประเสริฐ  รักงาน"
    assert props.created == props.modified == datetime(2013, 9, 20, 3, 30, tzinfo=UTC)  # generated_at
    assert props.comments == "จัดทำเมื่อ ๒๐ ก.ย. ๒๕๕๖ ๑๐:๓๐ น."
    assert props.last_printed is None  # nobody printed it: no date says so
    package = zipfile.ZipFile(io.BytesIO(data))
    names = package.namelist()
    assert not any("thumbnail" in n for n in names)
    assert b"thumbnail" not in package.read("_rels/.rels")
    app = package.read("docProps/app.xml").decode()
    assert "<Application>Lakthan " in app and "Microsoft" not in app and "AppVersion" not in app
    assert "<Company>สำนักงานตรวจคนเข้าเมือง</Company>" in app and props.title in app
    for name in ("docProps/core.xml", "docProps/app.xml"):
        assert (
            "python-docx" not in package.read(name).decode()
            and "2013-12-23" not in package.read(name).decode()
        )
    draft = docx.Document(io.BytesIO(render_docx(make_ctx()))).core_properties
    assert draft.last_modified_by == "พ.ต.ท.หญิง สมศรี  ใจดี"
    assert draft.created == datetime(2013, 9, 20, 3, 30, tzinfo=UTC)


def test_the_2556_2_upgrade_changes_open_reports_and_leaves_signed_ones_as_signed(org, tmp_path, monkeypatch):
    """A database on the 2556.1 text (item 10 rewritten as "…(Access Right) ที่ถูกต้องและเป็นปัจจุบัน")
    gets this library as the next version: the live criteria take the seed's words, a report signed
    before keeps printing what it signed, and its seal holds."""
    from lakthan.indicators import libraries
    from lakthan.indicators import services as ind

    old_title = "มีระบบกำหนดสิทธิ์การเข้าถึง (Access Right) ที่ถูกต้องและเป็นปัจจุบัน"
    new_text = (BUNDLED_DIR / "opdc-2556.yaml").read_text(encoding="utf-8")
    old_text = new_text.replace("title_th: มีระบบ Access Right ที่ถูกต้องและทันสมัย", f"title_th: {old_title}")
    old_text = old_text.replace('version: "2556.4"', 'version: "2556.1"')
    shipped = tmp_path / "old"
    shipped.mkdir()
    (shipped / "opdc-2556.yaml").write_text(old_text, encoding="utf-8")
    monkeypatch.setattr(libraries, "BUNDLED_DIR", shipped)
    assert libraries.ensure_bundled_libraries() == 1  # the old program's text, as the database had it
    for n in range(1, 11):
        ind.set_result(org.report, n, "met" if n <= 5 else "not_met")
    sealing.sign(org.report, org.supervisor)
    monkeypatch.setattr(libraries, "BUNDLED_DIR", BUNDLED_DIR)
    # the upgrade loads the shipped file as the next version (org's fixture loaded it once before, so
    # start-up would see its bytes as known: load it as start-up's loader does, through the same path)
    result = libraries.load_library_file(BUNDLED_DIR / "opdc-2556.yaml")
    assert result.loaded and result.version.version == "2556.4" and result.version.origin == "bundled"
    live = build_live_context(org.report)
    assert live.criteria[9].title == "มีระบบ Access Right ที่ถูกต้องและทันสมัย"
    signed = build_context(org.report)
    assert signed.criteria[9].title == old_title
    assert old_title in visible_html_text(render_html(signed))
    assert [n.kind for n in sealing.newer_than_signed(org.report)] == ["library_version"]
    assert sealing.verify(org.report) == []


def test_evidence_registered_after_the_checks_ran_still_comes_before_what_they_generated(seed_report):
    late = ev.add_file(
        seed_report.bureau,
        io.BytesIO(pdf_bytes("late")),
        "late.pdf",
        ev.Metadata(title="บันทึกข้อความเพิ่มเติม", kind="letter"),
    )
    ev.link(late, seed_report.report, 1)
    printed = html_evidence_lines(render_html(build_context(seed_report.report)))
    assert printed[35] == "บันทึกข้อความเพิ่มเติม"
    assert printed[36].startswith("ตารางความครบถ้วนของหลักฐาน")
