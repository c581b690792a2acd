"""The freshness picture (its shapes: a row per dataset, late spans, update ticks, Bangkok months) and the
official document read back from the PDF (Thai digits, B.E. year, the order naming the owner)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from lakthan.data.engines import freshness_picture as chart
from lakthan.data.services import data_report
from lakthan.data.services.freshness import data_pdf, freshness_png, freshness_scene, freshness_svg
from lakthan.lib import picture
from tests.data import freshness_fixtures
from tests.data.freshness_fixtures import ROUND, bkk

fresh = freshness_fixtures.fresh


def test_the_picture_has_a_row_per_dataset_its_late_spans_and_its_updates(fresh):
    scene = freshness_scene(fresh.a, *ROUND)
    rects = [s for s in scene.shapes if isinstance(s, picture.Rect)]
    late = [r for r in rects if r.css_class == "late"]
    # passports: late 10 Jan 02:00 – 13 Jan 02:00; visas: late from 1 Jan 10:30 to the end
    assert [dict(r.data) for r in late] == [
        {"from": "2026-01-10T02:00+07:00", "to": "2026-01-13T02:00+07:00"},
        {"from": "2026-01-01T10:30+07:00", "to": "2026-02-01T00:00+07:00"},
    ]
    unknown = [dict(r.data)["to"] for r in rects if r.css_class == "unknown"]
    assert unknown == ["2026-01-01T08:00+07:00", "2026-01-01T10:00+07:00"]
    ticks = [r for r in rects if r.css_class == "update"]
    # passports: 28 updates (none on 10–12 Jan), visas: 1 — each its own tick at this width
    assert len(ticks) == 29 and all(dict(t.data)["updates"] == "1" for t in ticks)
    # the rows: late spans and ticks of the second dataset lie on the second row
    assert late[0].y < late[1].y and ticks[0].y < ticks[-1].y
    x_10_jan = chart.LEFT + (bkk(2026, 1, 10, 2) - bkk(2026, 1, 1)).total_seconds() / (31 * 86400) * (
        chart.WIDTH - chart.LEFT - chart.RIGHT
    )
    assert abs(late[0].x - x_10_jan) < 0.01
    texts = [s.text for s in scene.shapes if isinstance(s, picture.Text)]
    assert "ม.ค. ๖๙" in texts and "passports" in texts and "A · passport" in texts
    assert "๙๐.๒๑%" in texts  # (30 d 16 h − 3 d) / 30 d 16 h = 90.217…%, rounded down


def test_hourly_updates_over_a_round_share_ticks(fresh):
    rows = [chart.Row("x", "A", ((0.0, 86400.0 * 365, "current"),), tuple(range(0, 86400 * 365, 3600)), 1.0)]
    scene = chart.scene(rows, 0.0, 86400.0 * 365, "t")
    ticks = [s for s in scene.shapes if isinstance(s, picture.Rect) and s.css_class == "update"]
    assert len(ticks) < 800 and sum(int(dict(t.data)["updates"]) for t in ticks) == 365 * 24
    # a late spell of a minute in a year still shows, one unit wide, and draws as PNG
    spells = ((0.0, 1000.0, "current"), (1000.0, 1060.0, "late"), (1060.0, 86400.0 * 365, "current"))
    short = chart.scene([chart.Row("x", "A", spells, (), 1.0)], 0.0, 86400.0 * 365, "t")
    (late,) = [s for s in short.shapes if isinstance(s, picture.Rect) and s.css_class == "late"]
    assert late.w == 1
    assert picture.to_png(short, None).startswith(b"\x89PNG")


def test_the_svg_and_the_png(fresh):
    svg = freshness_svg(fresh.a, *ROUND)
    assert svg.startswith("<svg") and svg.count('class="late"') == 2 and svg.count('class="update"') == 29
    assert "ความเป็นปัจจุบันของข้อมูล สำนักงาน ก" in svg
    png = freshness_png(fresh.a, *ROUND)
    assert png.startswith(b"\x89PNG")


def test_the_interval_and_lateness_in_thai_words():
    assert data_report.every_th(86400) == "ทุก ๑ วัน"
    assert data_report.every_th(5400) == "ทุก ๑ ชั่วโมง ๓๐ นาที"
    assert data_report.duration_th(93784) == "๑ วัน ๒ ชั่วโมง"
    assert data_report.duration_th(86400 + 300) == "๑ วัน"
    assert data_report.duration_th(42) == "๔๒ วินาที"


def test_the_document_reads_back_in_thai(fresh, tmp_path):
    pdf = data_pdf(fresh.a, *ROUND)
    (tmp_path / "data.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", "".join(page.extract_text() for page in reader.pages))
    # the text layer writes sara am as nikhahit + sara aa
    text = text.replace("\u0e4d\u0e49\u0e32", "\u0e49\u0e33").replace("\u0e4d\u0e32", "\u0e33")
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert "ผลการตรวจสอบความเป็นปัจจุบันและคุณภาพของข้อมูล" in text
    assert "สำนักงาน ก" in text and "๒๕๖๙" in text  # B.E. year in Thai digits
    assert "ทุก ๑ วัน" in text and "ทุก ๑ ชั่วโมง" in text
    assert "๑๒/๒๕๖๙" in text and "นางสมศรี" in text  # the order naming the owner
    assert "๙๐.๒๑" in text  # the current share of passports
    assert "ระบบหนังสือเดินทาง" in text and "rows" in text  # the failing rule named
    assert "๓๑ ม.ค. ๒๕๖๙" in text  # the last update of passports, B.E.
    assert "2569" not in text and "2026" not in text and "มกราคม ๒๕๖๙" in text
