"""Issue 15, point 10, the evidence register: 50 a page, one search box (title, document number,
item), the filters kept across pages, counts with thousands separators, B.E. date inputs in Thai."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from lakthan.evidence import services as ev
from lakthan.evidence.models import Evidence
from tests.conftest import pdf_bytes

REGISTER = "/units/WEB-IT/evidence/"


@pytest.fixture
def many(site):
    """118 links more in the IT centre's register (120 in all): 'รายงานประจำเดือน n', numbered ที่ n/2556."""
    for n in range(1, 119):
        ev.add_link(
            site.it,
            f"https://intranet.example/reports/{n}",
            ev.Metadata(title=f"รายงานประจำเดือน {n}", kind="statistics", doc_no=f"ที่ {n}/2556"),
        )
    return site


def rows(html: str) -> list[str]:
    return re.findall(r'<td class="title"><a href="[^"]+">([^<]+)</a>', html)


def test_the_register_shows_fifty_a_page_and_the_total(officer_client, many):
    html = officer_client.get(REGISTER).content.decode()
    assert len(rows(html)) == 50
    assert "หลักฐานทั้งหมด ๑๒๐ รายการ" in html and "แสดงรายการที่ ๑–๕๐" in html
    assert "หน้า ๑ จาก ๓" in html and 'rel="next" href="?page=2"' in html
    last = officer_client.get(REGISTER + "?page=3").content.decode()
    assert len(rows(last)) == 20 and 'rel="next"' not in last
    assert officer_client.get(REGISTER + "?page=99").status_code == 200  # past the end: the last page
    assert officer_client.get(REGISTER + "?page=x").status_code == 400


def test_the_search_and_kind_are_kept_on_every_page_link(officer_client, many):
    html = officer_client.get(REGISTER + "?q=รายงานประจำเดือน&kind=statistics").content.decode()
    assert "พบ ๑๑๘ จาก ๑๒๐ รายการ" in html
    assert 'href="?q=%E0%B8%A3%E0%B8%B2%E0%B8%A2%E0%B8%87%E0%B8%B2%E0%B8%99' in html
    nxt = re.search(r'rel="next" href="\?([^"]+)"', html).group(1).replace("&amp;", "&")
    assert nxt.endswith("&kind=statistics&page=2")
    page2 = officer_client.get(REGISTER + "?" + nxt).content.decode()
    assert len(rows(page2)) == 50 and 'value="รายงานประจำเดือน"' in page2
    assert '<option value="statistics" selected>' in page2


def test_search_finds_a_title_a_document_number_in_either_digits_and_an_item(officer_client, site):
    def titles(q):
        return rows(officer_client.get(REGISTER, {"q": q}).content.decode())

    assert titles("นโยบาย") == ["นโยบายฉบับเก่า"]
    assert titles("12/2556") == titles("๑๒/๒๕๕๖") == ["แผนสำรองข้อมูล"]  # doc no. ที่ 12/2556
    assert titles("ข้อ 1") == titles("9.2 item 1") == ["แผนสำรองข้อมูล"]  # linked to item 1
    assert titles("9.2 ข้อ 2") == []
    html = officer_client.get(REGISTER, {"q": "ไม่มีเรื่องนี้"}).content.decode()
    assert "ไม่พบหลักฐานที่ตรงกับการค้นหา" in html


def test_counts_are_grouped_in_the_active_script():
    template = Template("{% load thai %}{{ n|grouped }}")
    with translation.override("th"):
        assert template.render(Context({"n": 1234567})) == "๑,๒๓๔,๕๖๗"
    with translation.override("en"):
        assert template.render(Context({"n": 1234567})) == "1,234,567"


def upload(client, **dates):
    return client.post(
        "/units/WEB-IT/evidence/upload",
        {
            "file": SimpleUploadedFile("order.pdf", pdf_bytes("order")),
            "title": "คำสั่งทดสอบ",
            "kind": "order",
            **dates,
        },
        follow=True,
    )


def test_thai_date_inputs_take_the_buddhist_era(officer_client, site):
    html = officer_client.get(REGISTER).content.decode()
    assert (
        'id="doc_date" name="doc_date" inputmode="numeric"' in html
        and 'placeholder="วว/ดด/ปปปป (พ.ศ.)"' in html
    )
    upload(officer_client, doc_date="04/12/2569", expiry_date="๓๑/๐๓/๒๕๗๐")
    evidence = Evidence.objects.get(title="คำสั่งทดสอบ")
    assert (evidence.doc_date, evidence.expiry_date) == (date(2026, 12, 4), date(2027, 3, 31))


def test_a_date_that_is_not_one_is_refused_with_the_shape_expected(officer_client, site):
    html = upload(officer_client, doc_date="04/12/2026").content.decode()  # a C.E. year in the Thai UI
    assert "วันที่หนังสือไม่ถูกต้อง (04/12/2026): ใช้ วัน/เดือน/ปี พ.ศ. เช่น 04/12/2569" in html
    assert not Evidence.objects.filter(title="คำสั่งทดสอบ").exists()
    officer_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = upload(officer_client, doc_date="04/12/2569").content.decode()
    assert "document date is not a date (04/12/2569): use YYYY-MM-DD, e.g. 2026-12-04" in html
    assert 'placeholder="YYYY-MM-DD"' in html
    upload(officer_client, doc_date="2026-12-04")
    assert Evidence.objects.get(title="คำสั่งทดสอบ").doc_date == date(2026, 12, 4)
