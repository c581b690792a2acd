"""The two documents of item 9: the findings (counts by kind, every finding in Thai) and the address
plan (prefixes with their use), read back as text with pypdf."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from lakthan.network.services.report import findings_pdf, plan_pdf, plan_rows
from tests.network.findings_fixtures import bangkok, prefix, register, seen

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 30)


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    text = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())
    # the text layer writes SARA AM as NIKHAHIT + SARA AA (and a tone mark between them)
    return text.replace("\u0e4d\u0e49\u0e32", "\u0e49\u0e33").replace("\u0e4d\u0e32", "\u0e33")


@pytest.fixture
def network(org):
    prefix("10.20.0.0/16", org.bureau, "สำนักงาน")
    prefix("10.20.5.0/24", org.division, "ศูนย์ไอที")
    prefix("2001:db8:10::/64", org.division, "IPv6 ศูนย์ไอที")
    prefix("172.16.0.0/24", org.other, "หน่วยอื่น")
    register("10.20.5.10", org.division, hostname="fs01", mac="aa:bb:cc:00:00:01")
    register("10.20.5.11", org.division, hostname="printer")  # never seen: stale
    register("10.20.5.12", org.division, hostname="pc12", mac="aa:bb:cc:00:00:12")
    register("10.20.5.12", org.bureau, hostname="pc12-b")  # twice
    seen("10.20.5.10", bangkok(DAY - timedelta(days=1)), mac="aa:bb:cc:00:00:01")
    seen("10.20.5.12", bangkok(DAY - timedelta(days=3)), mac="aa:bb:cc:00:00:99")
    seen("10.20.5.77", bangkok(DAY - timedelta(days=2)), mac="aa:bb:cc:00:00:77")  # not registered
    seen("172.16.0.9", bangkok(DAY))  # the other unit's
    return org


def test_the_findings_document_counts_each_kind_and_lists_every_finding_in_thai(network):
    text = text_of(findings_pdf(network.bureau, DAY))
    assert "รายงานข้อค้นพบการบริหารจัดการหมายเลข IP" in text
    assert "๓๐ มิถุนายน ๒๕๖๙" in text  # the day judged, B.E., Thai digits
    assert "ลงทะเบียนซ้ำ ๑" in text and "MAC ไม่ตรงกับที่ลงทะเบียน ๑" in text and "รวม ๔" in text
    assert "10.20.5.77" in text and "AA:BB:CC:00:00:77" in text  # addresses and MACs as written
    assert "ไม่เคยพบการใช้งาน" in text  # the printer
    assert "ลงทะเบียน AA:BB:CC:00:00:12 แต่พบ AA:BB:CC:00:00:99 (ล่าสุด ๒๗ มิ.ย. ๒๕๖๙)" in text
    assert "ลงทะเบียน ๒ รายการ: B/pc12-b, B-IT/pc12" in text
    assert "172.16.0.9" not in text  # the other unit's address is not the bureau's


def test_a_unit_without_findings_says_so(network):
    text = text_of(findings_pdf(network.other, DAY - timedelta(days=400)))
    assert "ไม่มีข้อค้นพบ" in text and "รวม ๐" in text


def test_the_plan_gives_each_prefix_its_registered_seen_and_use(network):
    rows = {r["cidr"]: r for r in plan_rows(network.bureau, DAY)}
    assert list(rows) == ["10.20.0.0/16", "10.20.5.0/24", "2001:db8:10::/64"]  # not the other unit's
    assert (rows["10.20.5.0/24"]["registered"], rows["10.20.5.0/24"]["seen"]) == (3, 3)
    assert rows["10.20.5.0/24"]["in_use"] == 4  # .10 .11 .12 registered, .77 seen
    assert rows["10.20.5.0/24"]["use"] == pytest.approx(400 / 256)
    assert rows["10.20.0.0/16"]["in_use"] == 4  # the nested /24's addresses count in the /16
    text = text_of(plan_pdf(network.bureau, DAY))
    assert "แผนผังหมายเลข IP" in text
    assert "10.20.5.0/24" in text and "ศูนย์ไอที" in text and "2001:db8:10::/64" in text
    assert "๒๕๖" in text  # the /24's size in Thai digits
    assert "๑.๕๖" in text  # 4 of 256 in use: 1.56 %
