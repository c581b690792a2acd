"""The site check service: content age from the probe's results (Last-Modified, ETag, the page's hash),
a check of a real website on loopback (Chromium missing is recorded, not a crash), the agency's own
checklist, the website table and its PDF."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from django.utils import timezone

from lakthan.core.errors import InvalidInput
from lakthan.core.models import AuditEntry
from lakthan.operations.models import SiteCheck
from lakthan.operations.services import sites
from tests.operations.site_fixtures import (  # noqa: F401
    THAI_HOME,
    checklist_home_fixture,
    result,
    site_fixture,
    utc,
    website,
)

pytestmark = pytest.mark.django_db

A, B = "a" * 64, "b" * 64


def test_content_age_is_the_newest_last_modified_when_the_server_gives_it(org):
    probe = website(org.bureau, "www", "http://www.example/")
    result(probe, utc(2026, 5, 1, 0), etag='"1"', content_sha256=A, last_modified=utc(2026, 4, 20, 8))
    result(probe, utc(2026, 5, 2, 0), etag='"2"', content_sha256=B, last_modified=utc(2026, 5, 1, 23, 30))
    result(probe, utc(2026, 5, 3, 0), up=False)  # down: says nothing of the content
    assert sites.content_changed_at(probe) == (utc(2026, 5, 1, 23, 30), "last-modified")
    assert sites.content_changed_at(probe, until=utc(2026, 5, 1, 12)) == (
        utc(2026, 4, 20, 8),
        "last-modified",
    )


def test_a_last_modified_later_than_the_answer_counts_as_the_answer_time(org):
    """A deployment that touched the files, or a server clock ahead: the page changed no later than
    it was read."""
    probe = website(org.bureau, "www", "http://www.example/")
    result(probe, utc(2013, 9, 30, 10), content_sha256=A, last_modified=utc(2026, 12, 5, 3))
    assert sites.content_changed_at(probe) == (utc(2013, 9, 30, 10), "last-modified")


def test_without_last_modified_the_etag_history_says_when_it_changed(org):
    probe = website(org.bureau, "www", "http://www.example/")
    result(probe, utc(2026, 5, 1, 0), etag='"1"', content_sha256=A)
    result(probe, utc(2026, 5, 1, 1), etag='"2"', content_sha256=A)  # the hash alone would say no change
    result(probe, utc(2026, 5, 1, 2), up=False)
    result(probe, utc(2026, 5, 1, 3), etag='"2"', content_sha256=A)
    assert sites.content_changed_at(probe) == (utc(2026, 5, 1, 1), "etag")
    result(probe, utc(2026, 5, 1, 4), etag='"1"', content_sha256=A)  # back to an old tag: a change too
    assert sites.content_changed_at(probe) == (utc(2026, 5, 1, 4), "etag")


def test_without_either_header_the_first_result_with_the_current_hash_is_the_change(org):
    probe = website(org.bureau, "www", "http://www.example/")
    assert sites.content_changed_at(probe) == (None, "")
    result(probe, utc(2026, 5, 1, 0), content_sha256=A)
    assert sites.content_changed_at(probe) == (utc(2026, 5, 1, 0), "page-hash")
    result(probe, utc(2026, 5, 1, 1), content_sha256=A)
    result(probe, utc(2026, 5, 1, 2), content_sha256=B)
    result(probe, utc(2026, 5, 1, 3), up=False)
    result(probe, utc(2026, 5, 1, 4), content_sha256=B)
    assert sites.content_changed_at(probe) == (utc(2026, 5, 1, 2), "page-hash")
    changes = sites.content_changes(probe)
    assert [(c["at"], c["sha256"]) for c in changes] == [(utc(2026, 5, 1, 2), B), (utc(2026, 5, 1, 0), A)]


def test_a_check_of_a_thai_site_records_the_checklist_and_content_age_and_says_chromium_is_missing(
    org, site, settings
):
    settings.LAKTHAN_CHROMIUM = "/nonexistent/chromium"
    site.page("/", THAI_HOME, **{"Last-Modified": "Fri, 01 May 2026 03:00:00 GMT"})
    probe = website(org.division, "www-it", f"{site.url}/")
    check = sites.check_site(probe, at=utc(2026, 5, 2), actor="tester")
    assert check.checklist["contact"] == {"found": True, "where": f"{site.url}/contact"}
    assert sites.checklist_engine.missing(check.checklist) == ["sitemap", "faq"]
    assert check.checklist_version == "gov-website-th-2566.1"
    # no probe result yet: the page's own Last-Modified
    assert (check.content_changed_at, check.content_source) == (utc(2026, 5, 1, 3), "last-modified")
    assert check.a11y is None and check.a11y_engine == ""
    assert "accessibility: Chromium is not installed at /nonexistent/chromium" in check.error
    entry = AuditEntry.objects.get(action="site.check")
    assert entry.actor == "tester" and entry.object_id == str(check.pk)


def test_a_site_that_does_not_answer_is_checked_with_the_reason_and_nothing_found(org, site):
    site.page("/", "down for maintenance", status=503)
    probe = website(org.bureau, "www", f"{site.url}/")
    check = sites.check_site(probe)
    assert check.error == "home page: status 503" and check.checklist == {} and check.a11y is None
    gone = website(org.bureau, "gone", "http://127.0.0.1:9/")
    assert "home page: ConnectionRefusedError" in sites.check_site(gone).error
    assert SiteCheck.objects.count() == 2


def test_a_redirect_is_followed_on_the_same_host_only(org, site, settings):
    settings.LAKTHAN_CHROMIUM = "/nonexistent/chromium"
    site.page("/", "", status=302, Location="/th/")
    site.page("/th/", THAI_HOME)
    probe = website(org.bureau, "www", f"{site.url}/")
    check = sites.check_site(probe)
    assert check.checklist["news"]["where"] == f"{site.url}/news"
    site.page("/", "", status=302, Location="http://localhost:1/")
    assert "redirected to another host" in sites.check_site(probe).error


def test_a_tcp_probe_is_not_a_website(org):
    from lakthan.operations.models import Probe

    probe = Probe.objects.create(
        name="db", unit=org.bureau, kind="tcp", host="127.0.0.1", port=5432, created_by="t"
    )
    with pytest.raises(InvalidInput, match="not an HTTP"):
        sites.check_site(probe)


def test_an_agency_checklist_is_loaded_whole_or_not_at_all_and_used_by_the_next_check(
    org, site, settings, checklist_home
):
    settings.LAKTHAN_CHROMIUM = "/nonexistent/chromium"
    bad = b"version: ours\nitems:\n  - {id: hotline, title_th: x, title_en: x, look_for: {}}\n"
    with pytest.raises(InvalidInput) as caught:
        sites.load_checklist(bad, "ours.yaml", actor="t")
    assert caught.value.message_en == "ours.yaml:3: look_for needs at least one phrase"
    assert not sites.checklist_path().exists()
    good = "version: ours-1\nitems:\n  - {id: hotline, title_th: สายด่วน, title_en: Hotline, look_for: {page_text: [ยินดีต้อนรับ]}}\n"
    sites.load_checklist(good.encode(), "ours.yaml", actor="t")
    assert sites.checklist_path().read_text(encoding="utf-8") == good
    site.page("/", THAI_HOME)
    check = sites.check_site(website(org.bureau, "www", f"{site.url}/"))
    assert check.checklist == {"hotline": {"found": True, "where": "ยินดีต้อนรับ"}}
    assert check.checklist_version == "ours-1"
    assert AuditEntry.objects.filter(action="site_checklist.load", object_id="ours-1").exists()


def _ratio(probe, start, end):
    return {"www-b": 0.99871, "www-it": None}.get(probe.name, 1.0)


def test_the_website_table_of_a_unit_and_the_units_below_it(org):
    now = timezone.now()
    bureau = website(org.bureau, "www-b", "https://www.b.example/")
    website(org.division, "www-it", "https://it.b.example/")
    website(org.other, "www-x", "https://x.example/")
    website(org.bureau, "api-b", "https://api.b.example/", website=False)
    result(bureau, now - timedelta(days=2), tls_days_left=80, content_sha256=A)
    result(bureau, now - timedelta(days=1), tls_days_left=79, content_sha256=B)
    SiteCheck.objects.create(
        probe=bureau,
        at=now - timedelta(hours=1),
        checklist={"contact": {"found": True, "where": "x"}, "faq": {"found": False, "where": ""}},
        a11y={"critical": 1, "serious": 2, "moderate": 0, "minor": 3, "rules": []},
        a11y_engine="axe-core 4.12.1",
    )
    today = timezone.localdate()
    rows = sites.site_table(org.bureau, today - timedelta(days=30), today, _ratio)
    assert [r["probe"] for r in rows] == ["www-b", "www-it"]
    b, it = rows
    assert b["unit"] == "B" and b["url"] == "https://www.b.example/"
    assert b["availability"] == 0.99871 and b["tls_days_left"] == 79
    assert b["content_changed_at"].replace(microsecond=0) == (now - timedelta(days=1)).replace(microsecond=0)
    assert b["checklist_missing"] == ["faq"]
    assert b["a11y"] == {"critical": 1, "serious": 2, "moderate": 0, "minor": 3}
    assert it["availability"] is None and it["a11y"] is None and it["checked_at"] is None
    # the table as of a past day: neither the newer result nor the check yet
    past = sites.site_table(
        org.bureau, today - timedelta(days=30), (now - timedelta(days=2)).date() - timedelta(days=1), _ratio
    )
    assert past[0]["tls_days_left"] is None and past[0]["checked_at"] is None


def test_the_websites_pdf_is_an_official_thai_document(org, tmp_path):
    now = timezone.now()
    probe = website(org.bureau, "www-b", "https://www.b.example/")
    result(probe, now - timedelta(days=3), tls_days_left=12, content_sha256=A)
    SiteCheck.objects.create(
        probe=probe,
        at=now - timedelta(hours=1),
        checklist={"contact": {"found": True, "where": "x"}, "faq": {"found": False, "where": ""}},
        a11y={"critical": 1, "serious": 2, "moderate": 0, "minor": 3, "rules": []},
    )
    from lakthan.operations.services.sites_report import report_html

    today = timezone.localdate()
    html = report_html(org.bureau, date(today.year, 1, 1), today, _ratio)
    assert "๙๙.๘๗" in html  # 0.99871 → 99.87 %, half-up
    assert '<b class="miss">๑๒</b>' in html  # certificate under 30 days
    assert "พบ ๑ จาก ๒ รายการ" in html and "ขาด: คำถามที่พบบ่อย / ถาม-ตอบ" in html
    assert "จากการเปลี่ยนแปลงของหน้าเว็บ" in html
    pdf = sites.websites_pdf(org.bureau, date(today.year, 1, 1), today, _ratio)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "w.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "w.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "รายงานผลการตรวจเว็บไซต์ของหน่วยงาน" in text and "https://www.b.example/" in text
