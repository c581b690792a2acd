"""What the controls hand the evaluator is in Thai first: CSV headers (English beside), charts with
Thai months, B.E. years and Thai digits in the report font, systems by their Thai names."""

from __future__ import annotations

import csv
import io
from datetime import date

from PIL import Image

import lakthan.checks.checks  # noqa: F401 - registers the evidence-completeness check
from lakthan.backups.checks import _summary
from lakthan.backups.engines.calendar_picture import Calendar, Row
from lakthan.checks.checks import URN as COMPLETENESS
from lakthan.checks.services import run_check
from lakthan.evidence.models import Evidence
from lakthan.evidence.services import blob_store
from lakthan.lib.spreadsheet import header
from lakthan.monitoring.chart import _font, coverage_png, month_label


def test_a_csv_header_is_thai_first_with_the_english_name_beside(org):
    run_check(COMPLETENESS, org.report)
    artefact = Evidence.objects.get(kind=Evidence.Kind.SYSTEM)
    data = blob_store().path(artefact.current.blob_id).read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "ข้อ (item)",
        "ชื่อข้อ (title_th)",
        "จำนวนหลักฐานที่มีผล (evidence_in_force)",
        "หลักฐาน (titles)",
    ]
    assert len(rows) == 11 and rows[1][0] == "1"  # the data stay numbers a spreadsheet can sum
    assert header(("ระบบ", "system")) == ["ระบบ (system)"]


def test_the_coverage_chart_speaks_thai_in_the_report_font():
    assert month_label(date(2013, 7, 1)) == "ก.ค. ๒๕๕๖"
    assert month_label(date(2012, 10, 15)) == "ต.ค. ๒๕๕๕"
    assert "sarabun" in _font(14).path.lower()  # a Thai font, not DejaVu
    png = coverage_png(
        ["web01"], {"web01": {date(2013, 7, 1): 3}}, date(2013, 7, 1), date(2013, 7, 31), "ทดสอบ"
    )
    assert Image.open(io.BytesIO(png)).format == "PNG"


def test_the_backup_calendar_months_are_be_in_the_documents_digits():
    cal = Calendar("ปฏิทิน", date(2012, 10, 1), date(2012, 11, 30), [Row("ระบบ", set())])
    assert [label for _, label in cal.month_starts()] == ["ต.ค. ๕๕", "พ.ย. ๕๕"]
    cal.thai = False
    assert [label for _, label in cal.month_starts()] == ["Oct 12", "Nov 12"]


def test_a_backup_finding_names_the_system_as_the_inventory_does_in_thai():
    figures = {
        "systems": 1,
        "windows_judged": 53,
        "windows_missed": 1,
        "unverified": [],
        "without_restore_test": [],
        "missed": {"pibics-db": [["2013-01-14", "2013-01-20", 1, 2]]},
        "names_th": {"pibics-db": "ระบบ PIBICS"},
    }
    th, en = _summary("partly", figures)
    assert "ระบบ PIBICS (pibics-db) ไม่ครบ 1 ช่วง" in th
    del figures["names_th"]  # a run recorded before the names were kept
    assert "; pibics-db ไม่ครบ 1 ช่วง" in _summary("partly", figures)[0]
