"""The report editor and the evidence pages through the test client, as the supervisor of A."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lakthan.core.models import AuditEntry
from lakthan.evidence.models import Evidence, EvidenceLink
from tests.conftest import pdf_bytes

EDITOR = "/units/A/fy/2556/round/12/indicators/9.2/"


@pytest.fixture
def sup(client, world):
    client.force_login(world.users["supervisor"])
    return client


def test_editor_shows_people_items_and_score(sup):
    html = sup.get(EDITOR).content.decode()
    assert "พ.ต.อ.ผู้กำกับ  ทดสอบ" in html  # the supervisor, Thai style
    assert html.count('data-item="') == 10
    assert 'data-testid="weighted">๐.๐๐<' in html
    assert 'name="action" value="sign"' in html


def test_texts_are_saved_as_paragraphs_with_an_audit_entry(sup, world):
    sup.post(
        EDITOR,
        {"action": "texts", "phone": "๐ ๒๑๔๑ ๙๘๘๙", "actions_taken": "ข้อแรก\n\n ข้อสอง \n", "obstacles": ""},
    )
    report = world.reports["A"]
    report.refresh_from_db()
    assert report.actions_taken == ["ข้อแรก", "ข้อสอง"] and report.phone == "๐ ๒๑๔๑ ๙๘๘๙"
    assert AuditEntry.objects.filter(action="report.update", actor="supervisor-a").exists()


def test_linking_evidence_and_accepting_the_proposal_changes_the_score(sup, world):
    ev = world.evidence["A"]
    assert sup.post(EDITOR, {"action": "link", "evidence": ev.pk, "item": 1}).status_code == 302
    sup.post(EDITOR, {"action": "propose"})
    sup.post(EDITOR, {"action": "accept"})
    html = sup.get(EDITOR).content.decode()
    assert 'data-testid="items-met">๑ / ๑๐<' in html
    assert 'data-testid="weighted">๐.๐๓<' in html  # score 1 × weight 3 / 100


def test_sign_locks_and_reopen_needs_a_reason(sup, world):
    report = world.reports["A"]
    r = sup.post(EDITOR, {"action": "sign"}, follow=True)
    assert "ยังมี ๑๐ ข้อที่ยังไม่พิจารณา" in r.content.decode() or "ยังมี 10 ข้อที่ยังไม่พิจารณา" in r.content.decode()
    for n in range(1, 11):
        sup.post(EDITOR, {"action": "result", "item": n, "status": "not_met"})
    sup.post(EDITOR, {"action": "sign"})
    report.refresh_from_db()
    assert report.is_signed
    r = sup.post(EDITOR, {"action": "result", "item": 1, "status": "met"}, follow=True)
    assert "ลงนามแล้ว ต้องเปิดแก้ไขก่อน" in r.content.decode()
    assert report.results.get(criterion__number=1).status == "not_met"
    sup.post(EDITOR, {"action": "reopen", "reason": ""})
    report.refresh_from_db()
    assert report.is_signed
    sup.post(EDITOR, {"action": "reopen", "reason": "แก้ไขหลักฐานข้อ ๑"})
    report.refresh_from_db()
    assert not report.is_signed


def test_upload_with_link_then_detail_shows_hash_preview_and_revisions(sup, world):
    data = pdf_bytes("minutes")
    r = sup.post(
        "/units/A/evidence/upload",
        {
            "file": SimpleUploadedFile("minutes.pdf", data),
            "title": "รายงานการประชุม",
            "kind": "minutes",
            "doc_no": "ที่ 5/2556",
            "doc_date": "2013-05-01",
            "expiry_date": "2014-05-01",
            "target": "2556:12:9.2:2",
        },
    )
    evidence = Evidence.objects.get(title="รายงานการประชุม")
    assert r.status_code == 302 and r["Location"] == f"/evidence/{evidence.pk}/"
    assert EvidenceLink.objects.filter(
        evidence=evidence, criterion__number=2, report=world.reports["A"]
    ).exists()
    html = sup.get(r["Location"]).content.decode()
    digest = hashlib.sha256(data).hexdigest()
    assert digest in html and "<iframe" in html
    inline = sup.get(f"/evidence/{evidence.pk}/revisions/1/file?inline=1")
    assert inline["Content-Type"] == "application/pdf" and b"".join(inline.streaming_content) == data
    assert (
        inline["X-Evidence-SHA256"] == digest
        and "frame-ancestors 'self'" in inline["Content-Security-Policy"]
    )
    sup.post(
        f"/evidence/{evidence.pk}/",
        {"action": "revise", "file": SimpleUploadedFile("v2.pdf", pdf_bytes("v2")), "note": "ฉบับแก้ไข"},
    )
    assert evidence.revisions.count() == 2
    assert "ฉบับแก้ไข" in sup.get(f"/evidence/{evidence.pk}/").content.decode()


def test_upload_checks_refuse_a_disguised_file(sup, world):
    r = sup.post(
        "/units/A/evidence/upload",
        {
            "file": SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not really a pdf"),
            "title": "x",
            "kind": "order",
        },
        follow=True,
    )
    assert not Evidence.objects.filter(title="x").exists()
    assert 'class="alert error"' in r.content.decode()


def test_dashboard_links_to_the_editor_and_lists_expiring_evidence(sup, world):
    from datetime import timedelta

    from django.utils import timezone

    e = world.evidence["A-1"]
    Evidence.objects.filter(pk=e.pk).update(expiry_date=timezone.localdate() + timedelta(days=10))
    html = sup.get("/units/A/fy/2556/round/12/").content.decode()
    assert EDITOR in html
    assert f"/evidence/{e.pk}/" in html  # A-1's evidence shows on A's dashboard, as it expires soon


def test_nav_links_to_backups_and_logs_only_when_those_apps_have_pages(sup):
    from django.urls import NoReverseMatch, reverse

    html = sup.get("/").content.decode()
    for app, first, second, label in (
        ("backups", "backups:index", "backups:systems", "สำรองข้อมูล"),
        ("monitoring", "monitoring:index", "monitoring:overview", "บันทึกการใช้งาน"),
    ):
        url = ""
        for name in (first, second):
            try:
                url = reverse(name)
                break
            except NoReverseMatch:
                continue
        if url:
            assert f'href="{url}"' in html and label in html, app
        else:
            assert f'href="/{app}/"' not in html, app
