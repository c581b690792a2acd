"""Break 6 of issue 12: only the system marks evidence system-generated — refused to a person at the
service, in the web upload form, by the API, by the CLI and in the admin; and the evidence page's
revision history, with the check run behind each system revision."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from lakthan.checks.checks import URN as COMPLETENESS
from lakthan.checks.services import run_check
from lakthan.evidence import services as ev
from lakthan.evidence.models import Blob, Evidence, EvidenceRevision
from tests.conftest import api_key, pdf_bytes

REFUSED_EN = "evidence of kind 'system' (system-generated) is made only by a check run; choose another kind"
REFUSED_TH = "หลักฐานประเภท 'สร้างโดยระบบ' สร้างได้โดยการตรวจสอบของระบบเท่านั้น กรุณาเลือกประเภทอื่น"


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


def stored_nothing(before: int) -> bool:
    root = ev.blob_store().root
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return Evidence.objects.count() == before and not files and not Blob.objects.exists()


# --- the service ----------------------------------------------------------------------------------


def test_the_service_refuses_kind_system_from_a_person_in_thai_and_english(org):
    with pytest.raises(ev.SystemKindRefused) as caught:
        ev.add_file(org.bureau, io.BytesIO(pdf_bytes()), "calendar.pdf", ev.Metadata("ปฏิทิน", "system"))
    assert (caught.value.message("th"), caught.value.message("en")) == (REFUSED_TH, REFUSED_EN)
    with pytest.raises(ev.SystemKindRefused):
        ev.add_link(org.bureau, "https://example.invalid/x", ev.Metadata("ลิงก์", "system"), actor="cli")
    assert stored_nothing(0)


def test_a_check_run_still_makes_system_evidence(org):
    run = run_check(COMPLETENESS, org.report)
    artefact = Evidence.objects.get()
    assert artefact.kind == Evidence.Kind.SYSTEM and artefact.check_run == run
    assert artefact.source_key.startswith(f"{COMPLETENESS}|{org.report.pk}|")


# --- the CLI --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang,message", [("en", REFUSED_EN), ("th", REFUSED_TH)])
def test_the_cli_refuses_kind_system_in_one_line(org, tmp_path, settings, lang, message):
    from lakthan.cli import main

    settings.LAKTHAN_LANG = lang
    doc = tmp_path / "calendar.pdf"
    doc.write_bytes(pdf_bytes())
    result = CliRunner().invoke(main, ["evidence", "add", str(doc), "--unit", "B", "--kind", "system"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {message}"]
    assert "Traceback" not in result.output
    assert stored_nothing(0)


# --- the web upload form --------------------------------------------------------------------------


@pytest.fixture
def collector(client, world):
    client.force_login(world.users["collector"])
    return client


def test_the_upload_form_offers_no_system_kind(collector):
    html = collector.get("/units/A/evidence/").content.decode()
    upload_kinds = re.search(r'<select id="kind" name="kind">(.*?)</select>', html, re.S).group(1)
    kinds = re.findall(r'<option value="(\w+)"', upload_kinds)
    assert "order" in kinds and "system" not in kinds
    # the register's search may still narrow the list to system evidence
    assert '<option value="system">' in re.search(r'<select id="filter-kind".*?</select>', html, re.S).group(
        0
    )


def test_a_forged_upload_form_post_with_kind_system_is_refused_and_stores_nothing(collector, world):
    before = Evidence.objects.count()
    response = collector.post(
        "/units/A/evidence/upload",
        {"title": "ปฏิทินการสำรองข้อมูล", "kind": "system", "file": SimpleUploadedFile("cal.pdf", pdf_bytes())},
        HTTP_ACCEPT_LANGUAGE="th",
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain == [("/units/A/evidence/", 302)]  # the form again, with the message
    assert REFUSED_TH in unescape(response.content.decode())
    assert Evidence.objects.count() == before
    assert not Evidence.objects.filter(kind="system").exists()
    assert Blob.objects.count() == before  # only the fixture's own files


# --- the API --------------------------------------------------------------------------------------


def test_the_api_refuses_kind_system(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(world.users['collector'])}")
    before = Evidence.objects.count()
    response = client.post(
        "/api/evidence/",
        {"unit": "A", "title": "x", "kind": "system", "file": SimpleUploadedFile("p.pdf", pdf_bytes())},
        format="multipart",
    )
    assert response.status_code == 400 and "kind" in response.json()
    assert Evidence.objects.count() == before


# --- the admin (the one place metadata is edited) ------------------------------------------------


@pytest.fixture
def staff(client, django_user_model, world):
    user = django_user_model.objects.create_user("staff", password="x" * 20, is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def admin_form(evidence: Evidence, **changes) -> dict:
    data = {
        "title": evidence.title,
        "kind": evidence.kind,
        "doc_no": evidence.doc_no,
        "doc_date": "",
        "effective_date": "",
        "expiry_date": "",
        "issuing_unit": "",
    }
    for prefix in ("revisions", "links"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | changes


def test_the_admin_cannot_turn_evidence_into_system_evidence(staff, world):
    evidence = world.evidence["A"]
    page = staff.get(f"/admin/evidence/evidence/{evidence.pk}/change/").content.decode()
    assert 'value="order"' in page and 'value="system"' not in page
    response = staff.post(
        f"/admin/evidence/evidence/{evidence.pk}/change/", admin_form(evidence, kind="system")
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.kind == "order"
    # the form itself works: the same post with an ordinary kind is saved
    response = staff.post(
        f"/admin/evidence/evidence/{evidence.pk}/change/", admin_form(evidence, kind="letter")
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.kind == "letter"


def test_the_admin_cannot_turn_system_evidence_into_a_persons(staff, world):
    run_check(COMPLETENESS, world.reports["A"])
    artefact = Evidence.objects.get(kind="system")
    page = staff.get(f"/admin/evidence/evidence/{artefact.pk}/change/").content.decode()
    assert 'name="kind"' not in page  # shown, not an input
    staff.post(f"/admin/evidence/evidence/{artefact.pk}/change/", admin_form(artefact, kind="order"))
    artefact.refresh_from_db()
    assert artefact.kind == "system"


# --- the evidence page: revision history ---------------------------------------------------------


def history_rows(html: str) -> list[str]:
    table = html.split('data-testid="revision-history"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-revision="(\d+)">(.*?)</tr>', table, re.S)


def test_the_page_lists_a_persons_revisions_newest_first(collector, world):
    evidence = world.evidence["A"]
    ev.add_revision(evidence, stream=io.BytesIO(pdf_bytes("v2")), filename="order-v2.pdf", note="ฉบับแก้ไข")
    html = collector.get(f"/evidence/{evidence.pk}/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    rows = history_rows(html)
    assert [n for n, _ in rows] == ["2", "1"]
    rev2, rev1 = evidence.revisions.get(number=2), evidence.revisions.get(number=1)
    assert f'title="{rev2.blob_id}">{rev2.blob_id[:12]}</code>' in rows[0][1]
    assert "ฉบับแก้ไข" in rows[0][1] and "order-v2.pdf" in rows[0][1]
    assert f">{rev1.blob_id[:12]}</code>" in rows[1][1] and "A.pdf" in rows[1][1]
    assert f">{rev1.blob.size}\xa0" in rows[1][1] or f">{rev1.blob.size} " in rows[1][1]  # the size
    assert 'name="action" value="revise"' in html  # a person's evidence takes a person's revision


def test_the_page_shows_the_check_run_behind_each_system_revision(collector, world):
    report = world.reports["A"]
    first = run_check(COMPLETENESS, report)
    ev.link(world.evidence["A"], report, 1)  # item 1 is covered now: the table changes
    second = run_check(COMPLETENESS, report)
    artefact = Evidence.objects.get(kind="system")
    html = collector.get(f"/evidence/{artefact.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    rows = history_rows(html)
    assert [n for n, _ in rows] == ["2", "1"]
    assert (first.status, second.status) == ("not_met", "partly")
    assert f"#{second.pk} · {second.get_status_display()}<br>" in rows[0][1]
    assert (
        f"#{first.pk} · {first.get_status_display()}<br>" in rows[1][1] and f"#{second.pk}" not in rows[1][1]
    )
    assert [r.note for r in artefact.revisions.order_by("-number")] == [
        f"check run #{second.pk}",
        f"check run #{first.pk}",
    ]
    assert f"check:{COMPLETENESS}" in rows[0][1]
    assert f'data-testid="latest-run">#{second.pk} · ' in html
    assert 'value="revise"' not in html  # no upload form: new revisions come from the check
    assert 'data-testid="system-revisions"' in html and COMPLETENESS in html


def test_a_person_cannot_post_a_revision_to_system_evidence(collector, world):
    run_check(COMPLETENESS, world.reports["A"])
    artefact = Evidence.objects.get(kind="system")
    response = collector.post(
        f"/evidence/{artefact.pk}/",
        {"action": "revise", "file": SimpleUploadedFile("forged.csv", b"item\n1\n")},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert response.status_code == 200
    assert "takes new revisions only from its check" in response.content.decode()
    assert EvidenceRevision.objects.filter(evidence=artefact).count() == 1
