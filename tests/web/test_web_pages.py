"""The web shell through Django's test client: sign-in, dashboard, language, access per unit, evidence, health."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from lakthan.indicators import services as ind
from lakthan.reports import sealing
from tests.conftest import PASSWORD
from tests.web.conftest import DASHBOARD

THAI_DIGIT = re.compile("[๐-๙]")


def english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302


# --- sign-in ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", DASHBOARD, "/evidence/", "/units/WEB-IT/evidence/", DASHBOARD + "indicators/9.2/report.pdf"]
)
def test_pages_require_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_login_page_is_thai_and_has_csrf(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="th">' in html
    assert "เข้าสู่ระบบ" in html
    assert html.count('name="csrfmiddlewaretoken"') == 2  # the sign-in form and the language switch


def test_login_works_and_wrong_password_does_not(client, site):
    bad = client.post("/accounts/login/", {"username": "it-officer", "password": "wrong-password"})
    assert bad.status_code == 200 and "_auth_user_id" not in client.session
    good = client.post("/accounts/login/", {"username": "it-officer", "password": PASSWORD})
    assert good.status_code == 302 and good["Location"] == "/"
    assert client.session["_auth_user_id"] == str(site.user.pk)
    assert "WEB-IT" in client.get("/").content.decode()


def test_logout_is_a_post_form(officer_client):
    html = officer_client.get("/").content.decode()
    assert re.search(
        r'<form method="post" action="/accounts/logout/">\s*<input type="hidden" name="csrfmiddlewaretoken"',
        html,
    )
    officer_client.post("/accounts/logout/")
    assert officer_client.get("/").status_code == 302


# --- dashboard ------------------------------------------------------------------------------------


def test_dashboard_shows_score_items_and_draft_in_thai(officer_client):
    response = officer_client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "ฉบับร่าง" in html  # not signed yet
    assert "๐.๑๕" in html  # weighted score 5 × 3 / 100
    assert "๕ / ๑๐" in html  # items met / total
    assert "ปีงบประมาณ พ.ศ. ๒๕๕๖" in html
    assert html.count('class="status met"') == 5 and html.count('class="status not_met"') == 2
    assert "ระดับคะแนนสูงสุดแล้ว" in html  # 5 items already reach level 5
    assert "0.15" not in html and not re.search(r">\s*5 / 10\s*<", html)


def test_signed_report_loses_the_draft_mark(officer_client, site):
    for n in (8, 9, 10):
        ind.set_result(site.report, n, "not_met")
    sealing.sign(site.report, site.officer)
    html = officer_client.get(DASHBOARD).content.decode()
    assert "ฉบับร่าง" not in html
    assert "ลงนามแล้วโดย ร.ต.อ.ทดสอบ" in html


def test_next_level_names_what_is_missing(officer_client, site):
    for n in range(1, 6):
        ind.set_result(site.report, n, "not_met")
    ind.set_result(site.report, 1, "met")
    html = officer_client.get(DASHBOARD).content.decode()
    assert "ต้องทำเพิ่มอีก ๑ ข้อ เพื่อให้ได้ระดับ ๒" in html
    assert "๐.๐๓" in html  # score 1 × 3 / 100


def test_english_page_has_arabic_digits_only(officer_client):
    english(officer_client)
    response = officer_client.get(DASHBOARD)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Draft" in html and "Fiscal year B.E. 2556" in html
    assert "0.15" in html and "5 / 10" in html
    assert "Measures against damage, and backup of information" in html  # the English item title
    assert not THAI_DIGIT.search(html), THAI_DIGIT.findall(html)


def test_thai_page_switches_back_from_english(officer_client):
    english(officer_client)
    officer_client.post(reverse("set_language"), {"language": "th", "next": "/"})
    assert THAI_DIGIT.search(officer_client.get(DASHBOARD).content.decode())


def test_roll_up_lists_child_units_with_agreements(client, site):
    client.force_login(site.staff)
    # The bureau itself has no agreement for FY 2556, so its own dashboard is a 404 ...
    assert client.get("/units/WEB/fy/2556/round/12/").status_code == 404
    ind.set_agreement(site.bureau, 2556, [(ind.find_indicator("9.2", 2556), Decimal(5))])
    html = client.get("/units/WEB/fy/2556/round/12/").content.decode()
    rollup = html.split("หน่วยงานในสังกัด", 1)[1]
    assert "WEB-IT" in rollup and "WEB-D2" in rollup
    assert "๐.๑๕" in rollup and "๐.๐๐" in rollup  # the IT centre's and division 2's weighted scores


# --- who sees what ------------------------------------------------------------------------------


def test_home_lists_only_the_users_unit_and_below(officer_client):
    html = officer_client.get("/").content.decode()
    assert "WEB-IT" in html
    assert "WEB-D2" not in html and "สำนักงานทดสอบเว็บ" not in html
    assert DASHBOARD in html


def test_staff_see_every_unit_and_the_admin_link(client, site):
    client.force_login(site.staff)
    html = client.get("/").content.decode()
    assert all(code in html for code in ("WEB", "WEB-IT", "WEB-D2"))
    assert 'href="/admin/"' in html


def test_non_staff_get_no_admin_link(officer_client):
    assert 'href="/admin/"' not in officer_client.get("/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/units/WEB-D2/fy/2556/round/12/",
        "/units/WEB/fy/2556/round/12/",
        "/units/WEB-D2/evidence/",
        "/units/WEB-D2/fy/2556/round/12/indicators/9.2/report.html",
        "/units/WEB-D2/fy/2556/round/12/indicators/9.2/pack.zip",
    ],
)
def test_user_cannot_open_another_units_pages(officer_client, url):
    assert officer_client.get(url).status_code == 404


def test_user_without_a_person_sees_no_unit(client, site, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password=PASSWORD))
    html = client.get("/").content.decode()
    assert "WEB-IT" not in html
    assert client.get(DASHBOARD).status_code == 404


def test_unknown_round_and_year_are_404(officer_client):
    assert officer_client.get("/units/WEB-IT/fy/2556/round/7/").status_code == 404
    assert officer_client.get("/units/WEB-IT/fy/2557/round/12/").status_code == 404


# --- evidence register --------------------------------------------------------------------------


def test_evidence_register_lists_hashes_links_and_expiry(officer_client, site):
    response = officer_client.get("/units/WEB-IT/evidence/")
    assert response.status_code == 200
    html = response.content.decode()
    sha = site.plan.current.blob_id
    assert f'<code title="{sha}">{sha[:12]}…</code>' in html
    assert "ที่ ๑๒/๒๕๕๖" in html and "๑๑ ก.ค. ๒๕๕๖" in html
    assert "๙.๒ ข้อ ๑" in html  # linked to item 1 of 9.2
    rows = html.split("<tr")
    old_row = next(r for r in rows if "นโยบายฉบับเก่า" in r)
    plan_row = next(r for r in rows if "แผนสำรองข้อมูล" in r)
    assert 'class="expired"' in old_row and "หมดอายุ" in old_row
    assert "หมดอายุ" not in plan_row


def test_evidence_menu_goes_to_the_users_unit(officer_client):
    response = officer_client.get("/evidence/")
    assert response.status_code == 302 and response["Location"] == "/units/WEB-IT/evidence/"


# --- health ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_is_public_and_ok(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content, response["Content-Type"]) == (200, b"ok", "text/plain")


@pytest.mark.django_db
def test_healthz_answers_without_loading_the_migrations(client, monkeypatch):
    """A probe every few seconds: when every migration is recorded, no migration graph is built."""
    from django.db.migrations import loader

    def refuse(*args, **kwargs):
        raise AssertionError("the migration loader was used")

    monkeypatch.setattr(loader.MigrationLoader, "build_graph", refuse)
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


@pytest.mark.django_db
def test_healthz_is_503_while_a_migration_is_pending(client):
    newest = MigrationRecorder.Migration.objects.filter(app="indicators").order_by("-name").first()
    newest.delete()  # the app's newest migration is no longer applied
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"pending" in response.content


def test_opening_a_dashboard_writes_no_rows(officer_client, site):
    """The six-month round has no reports yet: the dashboard shows its indicator unstarted (every item
    undecided, the level it needs) and creates nothing; the editor makes the report when opened."""
    from django.apps import apps

    def rows() -> dict[str, int]:
        return {m._meta.label: m.objects.count() for m in apps.get_models()}

    before = rows()
    six = DASHBOARD.replace("/round/12/", "/round/6/")
    html = officer_client.get(six).content.decode()
    assert rows() == before
    assert "ฉบับร่าง" in html and "๐ / ๑๐" in html and "ระดับคะแนนสูงสุดแล้ว" not in html
    assert html.count('class="status undecided"') == 2 * 10  # each item's result and proposal
