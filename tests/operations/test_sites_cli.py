"""`lakthan ops site check | list | checklist load`: in process on the test database, and once as the
real command in a process of its own with real Chromium (e2e)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from lakthan.operations.models import SiteCheck
from tests.operations.site_fixtures import (  # noqa: F401
    BAD_PAGE,
    THAI_HOME,
    checklist_home_fixture,
    result,
    site_fixture,
    utc,
    website,
)

LAKTHAN = [sys.executable, "-m", "lakthan.cli"]


@pytest.fixture
def no_chromium(settings):
    settings.LAKTHAN_CHROMIUM = "/nonexistent/chromium"


@pytest.mark.django_db
def test_site_check_json_has_the_probe_content_age_checklist_and_accessibility(cli, org, site, no_chromium):
    site.page("/", THAI_HOME)
    probe = website(org.bureau, "www-b", f"{site.url}/")
    result(probe, utc(2026, 4, 1), up=True, detail="", content_sha256="a" * 64, tls_days_left=45)
    result(probe, utc(2026, 4, 2), up=False, detail="status 503, expected 200")
    r = cli("ops", "site", "check", "www-b", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["probe"] == "www-b" and data["unit"] == "B"
    assert data["status"] == "down" and data["detail"] == "status 503, expected 200"
    assert data["tls_days_left"] == 45
    assert data["content_changed_at"] == "2026-04-01T00:00:00Z" and data["content_source"] == "page-hash"
    assert data["checklist"]["contact"]["found"] is True
    assert data["checklist"]["contact"]["title_th"] == "ข้อมูลการติดต่อหน่วยงาน"
    assert data["checklist_missing"] == ["sitemap", "faq"]
    assert data["a11y"] is None and "Chromium is not installed" in data["error"]
    text = cli("ops", "site", "check", "www-b").output
    assert "probe: down (status 503, expected 200) · certificate 45 days left" in text
    assert "checklist gov-website-th-2566.1: 10 of 12 found" in text
    assert SiteCheck.objects.count() == 2


@pytest.mark.django_db
def test_site_list_and_a_site_that_does_not_answer(cli, org, site, no_chromium):
    site.page("/", "", status=500)
    website(org.bureau, "www-b", f"{site.url}/")
    website(org.other, "www-x", "http://127.0.0.1:9/")
    r = cli("ops", "site", "check", "www-b")
    assert r.exit_code == 1 and "not checked: home page: status 500" in r.output
    rows = json.loads(cli("ops", "site", "list", "--json").output)
    assert [(row["probe"], row["checked_at"] is not None) for row in rows] == [
        ("www-b", True),
        ("www-x", False),
    ]
    assert "checklist" not in rows[0] and rows[0]["error"] == "home page: status 500"
    only_b = json.loads(cli("ops", "site", "list", "--unit", "B", "--json").output)
    assert [row["probe"] for row in only_b] == ["www-b"]
    assert "www-x" in cli("ops", "site", "list").output


@pytest.mark.django_db
def test_a_bad_checklist_file_is_one_line_naming_file_and_line_and_nothing_is_loaded(
    cli, checklist_home, tmp_path
):
    bad = tmp_path / "ours.yaml"
    bad.write_text(
        "version: ours\nitems:\n  - {id: hotline, title_th: x, title_en: y, look_for: {href: []}}\n"
    )
    r = cli("ops", "site", "checklist", "load", str(bad))
    assert r.exit_code == 2
    assert r.output.strip() == f"error: {bad}:3: look_for needs at least one phrase"
    assert not (checklist_home / "site-checklist.yaml").exists()
    good = tmp_path / "good.yaml"
    good.write_text(
        "version: ours-2\nitems:\n  - {id: hotline, title_th: x, title_en: y, look_for: {href: [tel]}}\n"
    )
    assert "checklist ours-2 loaded: 1 items" in cli("ops", "site", "checklist", "load", str(good)).output
    assert json.loads(cli("ops", "site", "checklist", "show", "--json").output)["version"] == "ours-2"
    assert cli("ops", "site", "check", "nothing").exit_code == 2


MAKE_PROBE = textwrap.dedent(
    """
    import sys, django
    django.setup()
    from lakthan.core.services import add_unit
    from lakthan.operations.models import Probe
    unit = add_unit("B", "สำนักงานทดสอบ")
    Probe.objects.create(name="www-b", unit=unit, kind="http", url=sys.argv[1], website=True, created_by="t")
    """
)


@pytest.mark.e2e
def test_the_command_checks_a_real_page_in_chromium(process_env, site):
    site.page("/", BAD_PAGE)
    subprocess.run([*LAKTHAN, "migrate"], env=process_env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-c", MAKE_PROBE, f"{site.url}/"], env=process_env, check=True)
    done = subprocess.run(
        [*LAKTHAN, "ops", "site", "check", "www-b", "--json"], env=process_env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["error"] == ""
    assert {k: data["a11y"][k] for k in ("critical", "serious", "moderate", "minor")} == {
        "critical": 2,
        "serious": 2,
        "moderate": 0,
        "minor": 0,
    }
    assert data["a11y_engine"].startswith("axe-core ")
    assert len(data["checklist_missing"]) == 12  # the bad page links to nothing
    text = subprocess.run(
        [*LAKTHAN, "ops", "site", "list"], env=process_env, capture_output=True, text=True, check=True
    ).stdout
    assert "www-b" in text
