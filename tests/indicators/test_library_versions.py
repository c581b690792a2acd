"""Libraries are versioned (issue 12, breaks 2, 3 and 4 at the library level): a reload makes a new
version and keeps the old text, one indicator code has one library per fiscal year unless one replaces
the other, and an agency's own version survives the start-up's bundled-library load. Service, CLI,
page and API."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.utils import timezone
from rest_framework.test import APIClient

from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import AuditEntry
from lakthan.core.services import add_person, add_unit
from lakthan.indicators import libraries
from lakthan.indicators import services as ind
from lakthan.indicators.models import Agreement, Assignment, IndicatorReport, Library, LibraryVersion
from tests.conftest import api_key

BUNDLED = libraries.BUNDLED_DIR / "opdc-2556.yaml"
OPDC = "urn:lakthan:opdc:2556"
ITEM_10 = "      - urn: urn:lakthan:opdc:2556:ind:9.2:item:10\n"
ITEM_11 = """\
      - urn: urn:lakthan:opdc:2556:ind:9.2:item:11
        number: 11
        title_th: ข้อใหม่ที่เพิ่มในฉบับที่สอง
"""


def bundled_text() -> str:
    return BUNDLED.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "lib.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def stricter(tmp_path: Path, name: str = "opdc-2556-agency.yaml") -> Path:
    """The bundled library with higher thresholds and an edited title of item 1: the same URN."""
    text = bundled_text().replace("thresholds: [1, 2, 3, 4, 5]", "thresholds: [3, 5, 7, 9, 10]", 1)
    text = text.replace(
        "title_en: Measures against damage, and backup of information", "title_en: Backups", 1
    )
    return write(tmp_path, text, name)


def other_urn(tmp_path: Path, urn: str = "urn:lakthan:agency:2556", name: str = "agency.yaml") -> Path:
    """Another library defining the same codes (9 and 9.2)."""
    return write(tmp_path, bundled_text().replace(OPDC, urn), name)


def mark_signed(report: IndicatorReport, person) -> None:
    """A signed report, as far as the library is concerned (how sign-off pins is tested elsewhere)."""
    IndicatorReport.objects.filter(pk=report.pk).update(signed_at=timezone.now(), signed_by=person)


# --- versions ------------------------------------------------------------------------------------------


def test_same_urn_with_new_thresholds_makes_version_2_and_keeps_version_1s_text(org, tmp_path):
    path = stricter(tmp_path)
    result = libraries.load_library_file(path, actor="tester")
    assert result.loaded and result.version.number == 2
    library = Library.objects.get(urn=OPDC)
    v1, v2 = LibraryVersion.objects.filter(library=library).order_by("number")
    assert v1.content == bundled_text() and v1.origin == "bundled"
    assert (
        v2.content == path.read_text(encoding="utf-8") and v2.origin == "agency" and v2.loaded_by == "tester"
    )
    assert (library.sha256, library.origin, library.source_file) == (v2.sha256, "agency", path.name)
    org.indicator.refresh_from_db()
    assert org.indicator.scheme["thresholds"] == ["3", "5", "7", "9", "10"]  # in place
    assert org.indicator.criteria.get(number=1).title_en == "Backups"
    assert libraries.version_bytes(v1) == BUNDLED.read_bytes()  # version 1 reproduced byte for byte
    entry = AuditEntry.objects.filter(action="library.load").latest("pk")
    assert entry.actor == "tester" and entry.after["version_number"] == 2


def test_loading_the_same_bytes_again_makes_no_version(org, tmp_path):
    path = stricter(tmp_path)
    assert libraries.load_library_file(path).loaded
    loads = AuditEntry.objects.filter(action="library.load").count()
    again = libraries.load_library_file(path)
    assert not again.loaded and again.version.number == 2
    assert LibraryVersion.objects.filter(library__urn=OPDC).count() == 2
    assert AuditEntry.objects.filter(action="library.load").count() == loads
    # going back to version 1's bytes is a change like any other: version 3, the bundled text
    back = libraries.load_library_file(write(tmp_path, bundled_text(), "copy.yaml"))
    assert back.loaded and back.version.number == 3 and back.version.origin == "bundled"


def test_a_new_version_adds_its_new_items_to_open_reports_only(org, tmp_path):
    signed = ind.get_report(org.bureau, 2556, 6, "9.2")
    mark_signed(signed, org.supervisor)
    result = libraries.load_library_file(write(tmp_path, bundled_text() + ITEM_11))
    assert result.results_added == 1
    assert sorted(org.report.results.values_list("criterion__number", flat=True)) == list(range(1, 12))
    assert org.report.results.get(criterion__number=11).status == "undecided"
    assert signed.results.count() == 10  # a signed report rests on what it pinned


def test_items_may_be_renumbered_and_an_untouched_item_dropped(org, tmp_path):
    text = bundled_text()
    swapped = text.replace("        number: 9\n", "        number: 99\n").replace(
        "        number: 10\n", "        number: 9\n"
    )
    swapped = swapped.replace("        number: 99\n", "        number: 10\n")
    libraries.load_library_file(write(tmp_path, swapped, "swapped.yaml"))
    item9 = org.indicator.criteria.get(number=9)
    assert item9.urn.endswith(":item:10")
    dropped = text[: text.index(ITEM_10)]
    result = libraries.load_library_file(write(tmp_path, dropped, "dropped.yaml"))
    assert result.loaded and org.indicator.criteria.count() == 9
    assert org.report.results.count() == 9  # its row was an untouched placeholder


def test_dropping_an_item_a_report_decided_is_refused(org, tmp_path):
    ind.set_result(org.report, 10, "met", note="ตรวจแล้ว")
    text = bundled_text()
    with pytest.raises(InvalidInput, match="drops item 10 of indicator 9.2") as refused:
        libraries.load_library_file(write(tmp_path, text[: text.index(ITEM_10)]))
    assert "--replace" in refused.value.message_th
    assert LibraryVersion.objects.filter(library__urn=OPDC).count() == 1  # nothing of it loaded
    assert org.indicator.criteria.count() == 10


# --- fiscal year ---------------------------------------------------------------------------------------


def test_fiscal_year_comes_from_the_file_else_from_the_urn(org, tmp_path):
    assert Library.objects.get(urn=OPDC).fiscal_year == 2556
    text = (
        bundled_text()
        .replace(OPDC, "urn:lakthan:agency:lib")
        .replace('version: "2556.4"\n', 'version: "1"\nfiscal_year: 2557\n')
    )
    libraries.load_library_file(write(tmp_path, text))
    assert Library.objects.get(urn="urn:lakthan:agency:lib").fiscal_year == 2557
    assert ind.find_indicator("9.2", 2557).library.urn == "urn:lakthan:agency:lib"
    assert ind.find_indicator("9.2", 2556).library.urn == OPDC  # another year: no conflict


@pytest.mark.parametrize("value", ["2013", "2701", "25x6", "[2556]"])
def test_an_invalid_fiscal_year_is_refused_on_its_line(db, tmp_path, value):
    text = bundled_text().replace('version: "2556.4"\n', f'version: "2556.4"\nfiscal_year: {value}\n')
    path = write(tmp_path, text)
    line = text.splitlines().index(f"fiscal_year: {value}") + 1
    with pytest.raises(libraries.LibraryInvalid) as refused:
        libraries.load_library_file(path)
    assert str(refused.value).startswith(f"{path}:{line}: fiscal_year must")
    assert not Library.objects.exists()


# --- one code, one library per fiscal year -------------------------------------------------------------


def test_a_second_library_with_the_same_code_and_year_is_refused(org, tmp_path):
    with pytest.raises(libraries.CodeConflict) as refused:
        libraries.load_library_file(other_urn(tmp_path))
    assert refused.value.message_en == (
        f"indicator codes 9, 9.2 for fiscal year 2556 are already defined by library {OPDC}; "
        f"if this library replaces it, load it with --replace {OPDC}"
    )
    assert refused.value.message_th.startswith("ตัวชี้วัดรหัส 9, 9.2 ของปีงบประมาณ 2556 มีอยู่แล้วในคลังตัวชี้วัด")
    assert not Library.objects.filter(urn="urn:lakthan:agency:2556").exists()
    # different codes for the same year are fine
    renamed = bundled_text().replace(OPDC, "urn:lakthan:extra:2556").replace('code: "9.2"', 'code: "9.3"')
    renamed = renamed.replace('code: "9"\n', 'code: "8"\n').replace('parent_code: "9"', 'parent_code: "8"')
    assert libraries.load_library_file(write(tmp_path, renamed, "extra.yaml")).loaded


def test_replace_takes_over_the_codes_and_keeps_what_already_refers_to_the_old(org, tmp_path):
    old_indicator = org.indicator
    result = libraries.load_library_file(other_urn(tmp_path), actor="tester", replace=OPDC)
    new = Library.objects.get(urn="urn:lakthan:agency:2556")
    assert result.replaced.urn == OPDC and Library.objects.get(urn=OPDC).replaced_by == new
    found = ind.find_indicator("9.2", 2556)
    assert found.library == new and found != old_indicator
    assert ind.find_indicator("9.2").library == new
    # the bureau's report still stands on the old library's indicator
    assert ind.get_report(org.bureau, 2556, 12, "9.2").pk == org.report.pk
    assert ind.find_indicator("9.2", 2556, unit=org.bureau) == old_indicator
    assert AuditEntry.objects.filter(action="library.replace", actor="tester").exists()
    # loading the replaced library again makes a version but takes nothing back
    libraries.load_library_file(stricter(tmp_path))
    assert ind.find_indicator("9.2", 2556).library == new
    # naming the library that replaced it brings it back (the same bytes: no new version)
    back = libraries.load_library_file(stricter(tmp_path), replace=new.urn)
    assert not back.loaded and ind.find_indicator("9.2", 2556).library.urn == OPDC
    assert Library.objects.get(urn=OPDC).replaced_by is None
    assert Library.objects.get(urn=new.urn).replaced_by.urn == OPDC
    with pytest.raises(NotFound, match="no library urn:lakthan:none:2556 to replace"):
        libraries.load_library_file(
            other_urn(tmp_path, "urn:lakthan:x:2556"), replace="urn:lakthan:none:2556"
        )


def test_agreement_lines_are_rebound_until_a_report_exists(org, tmp_path):
    old = org.indicator
    fresh = add_unit("F", "หน่วยใหม่")
    person = add_person(fresh, "ทดสอบ", "ผูกใหม่")
    ind.set_agreement(fresh, 2556, [(old, Decimal(3))])
    ind.assign(fresh, old, 2556, person, "supervisor")
    libraries.load_library_file(other_urn(tmp_path), replace=OPDC)
    new = ind.find_indicator("9.2", 2556)

    ind.set_agreement(fresh, 2556, [(new, Decimal(5))])  # no report yet: rebound
    lines = list(Agreement.objects.get(unit=fresh, fiscal_year=2556).lines.all())
    assert [(line.indicator, line.weight) for line in lines] == [(new, Decimal(5))]
    assert Assignment.objects.get(unit=fresh, person=person).indicator == new
    assert ind.get_report(fresh, 2556, 12, "9.2").indicator == new
    assert AuditEntry.objects.filter(action="agreement.rebind").count() == 1

    with pytest.raises(InvalidInput, match="already has reports; it cannot be rebound") as refused:
        ind.set_agreement(org.bureau, 2556, [(new, Decimal(3))])
    assert old.urn in refused.value.message_en and new.urn in refused.value.message_th
    assert [
        line.indicator for line in Agreement.objects.get(unit=org.bureau, fiscal_year=2556).lines.all()
    ] == [old]
    with pytest.raises(InvalidInput, match="has been replaced"):
        ind.set_agreement(org.other, 2556, [(old, Decimal(3))])  # no new line to a replaced library
    ind.set_agreement(org.bureau, 2556, [(old, Decimal(4))])  # the line it binds may still change weight
    assert Agreement.objects.get(unit=org.bureau, fiscal_year=2556).lines.get().weight == Decimal(4)


# --- the bundled library (break 4) --------------------------------------------------------------------


def test_an_agencys_edited_copy_survives_the_start_up(org, tmp_path):
    libraries.load_library_file(stricter(tmp_path))
    assert libraries.ensure_bundled_libraries() == 0
    library = Library.objects.get(urn=OPDC)
    assert library.origin == "agency" and library.versions.count() == 2
    org.indicator.refresh_from_db()
    assert org.indicator.scheme["thresholds"] == ["3", "5", "7", "9", "10"]


def test_a_changed_bundled_file_is_loaded_when_the_current_version_is_bundled(org, tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    upgraded = stricter(shipped, "opdc-2556.yaml")
    monkeypatch.setattr(libraries, "BUNDLED_DIR", shipped)
    assert libraries.ensure_bundled_libraries() == 1
    assert libraries.ensure_bundled_libraries() == 0
    current = libraries.current_version(Library.objects.get(urn=OPDC))
    assert (current.number, current.origin) == (2, "bundled")
    assert libraries.version_bytes(current) == upgraded.read_bytes()
    org.indicator.refresh_from_db()
    assert org.indicator.scheme["thresholds"] == ["3", "5", "7", "9", "10"]


def test_a_program_upgrade_of_a_replaced_bundled_library_loads_and_stays_replaced(org, tmp_path, monkeypatch):
    libraries.load_library_file(other_urn(tmp_path), replace=OPDC)
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    stricter(shipped, "opdc-2556.yaml")
    monkeypatch.setattr(libraries, "BUNDLED_DIR", shipped)
    assert libraries.ensure_bundled_libraries() == 1  # no code conflict: a replaced library defines none
    opdc = Library.objects.get(urn=OPDC)
    assert opdc.versions.count() == 2 and opdc.replaced_by.urn == "urn:lakthan:agency:2556"
    assert ind.find_indicator("9.2", 2556).library.urn == "urn:lakthan:agency:2556"


def test_a_bundled_file_that_clashes_with_an_agency_library_is_left_out(org, tmp_path, monkeypatch, caplog):
    libraries.load_library_file(other_urn(tmp_path), replace=OPDC)
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    write(shipped, bundled_text().replace(OPDC, "urn:lakthan:opdc-new:2556"), "opdc-new.yaml")
    monkeypatch.setattr(libraries, "BUNDLED_DIR", shipped)
    assert libraries.ensure_bundled_libraries() == 0
    assert not Library.objects.filter(urn="urn:lakthan:opdc-new:2556").exists()
    assert "opdc-new.yaml not loaded" in caplog.text


# --- CLI ----------------------------------------------------------------------------------------------


def cli(*args: str):
    from lakthan.cli import main

    return CliRunner().invoke(main, list(args))


def test_cli_load_list_show_and_replace(org, tmp_path):
    path = stricter(tmp_path)
    out = cli("library", "load", str(path))
    assert out.exit_code == 0 and f"loaded {OPDC} version 2 (2556.4, agency)" in out.output
    again = cli("library", "load", str(path))
    assert again.exit_code == 0 and f"is version 2 of {OPDC} already; nothing loaded" in again.output

    listed = cli("library", "list")
    assert f"{OPDC}  FY 2556  current version 2 (2556.4, agency)" in listed.output
    sha1 = LibraryVersion.objects.get(library__urn=OPDC, number=1).sha256
    assert f"  v1  2556.4  {sha1[:12]}  bundled  " in listed.output
    data = json.loads(cli("library", "list", "--json").output)
    assert [(v["number"], v["origin"]) for v in data[0]["versions"]] == [(1, "bundled"), (2, "agency")]
    assert data[0]["fiscal_year"] == 2556 and data[0]["replaced_by"] is None

    refused = cli("library", "load", str(other_urn(tmp_path)))
    assert refused.exit_code == 2 and f"load it with --replace {OPDC}" in refused.output
    replaced = cli("library", "load", str(other_urn(tmp_path)), "--replace", OPDC)
    assert f"{OPDC} is now replaced by urn:lakthan:agency:2556" in replaced.output
    assert "replaced by urn:lakthan:agency:2556" in cli("library", "list").output

    target = tmp_path / "v1.yaml"
    shown = cli("library", "show", OPDC, "--version", "1", "--out", str(target))
    assert shown.exit_code == 0 and target.read_bytes() == BUNDLED.read_bytes()
    assert cli("library", "show", OPDC).output == path.read_text(encoding="utf-8")
    missing = cli("library", "show", OPDC, "--version", "7")
    assert missing.exit_code == 2 and f"library {OPDC} has no version 7" in missing.output


def test_cli_agreement_set_refuses_to_rebind_a_line_with_reports(org, tmp_path):
    cli("library", "load", str(other_urn(tmp_path)), "--replace", OPDC)
    refused = cli("agreement", "set", "--unit", "B", "--fy", "2556", "--indicator", "9.2=3")
    assert refused.exit_code == 2 and "already has reports; it cannot be rebound" in refused.output
    fresh = cli("agreement", "set", "--unit", "X", "--fy", "2556", "--indicator", "9.2=3")
    assert fresh.exit_code == 0
    line = Agreement.objects.get(unit=org.other, fiscal_year=2556).lines.get()
    assert line.indicator.library.urn == "urn:lakthan:agency:2556"


# --- page and API -------------------------------------------------------------------------------------


@pytest.fixture
def user(db, django_user_model, settings):
    settings.LAKTHAN_REQUIRE_2FA = False
    return django_user_model.objects.create_user("reader", password="a-long-test-password")


def test_library_page_lists_versions_and_serves_each_text(org, tmp_path, client, user):
    assert client.get("/libraries/").status_code == 302  # sign-in first
    libraries.load_library_file(stricter(tmp_path))
    libraries.load_library_file(other_urn(tmp_path), replace=OPDC)
    client.force_login(user)
    html = client.get("/libraries/").content.decode()
    library = Library.objects.get(urn=OPDC)
    v1, v2 = library.versions.order_by("number")
    assert OPDC in html and "urn:lakthan:agency:2556" in html
    assert v1.sha256[:12] in html and v2.sha256[:12] in html
    assert "มากับโปรแกรม" in html and "ของหน่วยงาน" in html
    assert "urn:lakthan:agency:2556" in html.split(OPDC, 1)[1]  # "replaced by" on the old one's card
    yaml_url = f"/libraries/{library.pk}/versions/1.yaml"
    assert yaml_url in html
    response = client.get(yaml_url)
    assert response.status_code == 200 and response.content == BUNDLED.read_bytes()
    assert client.get(f"/libraries/{library.pk}/versions/9.yaml").status_code == 404
    assert "/libraries/" in client.get("/").content.decode()  # linked from the dashboard


def test_api_lists_libraries_and_returns_a_versions_yaml(org, tmp_path, user):
    libraries.load_library_file(stricter(tmp_path))
    assert APIClient().get("/api/libraries/").status_code == 401
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    rows = api.get("/api/libraries/").json()["results"]
    row = next(r for r in rows if r["urn"] == OPDC)
    assert (row["fiscal_year"], row["current_version"], row["origin"]) == (2556, 2, "agency")
    assert [(v["number"], v["origin"]) for v in row["versions"]] == [(1, "bundled"), (2, "agency")]
    meta = api.get(f"/api/libraries/{row['id']}/versions/1/").json()
    assert meta["sha256"] == LibraryVersion.objects.get(library__urn=OPDC, number=1).sha256
    assert meta["has_text"] is True and "content" not in meta
    text = api.get(f"/api/libraries/{row['id']}/versions/1/?format=yaml")
    assert text.status_code == 200 and text["Content-Type"].startswith("application/yaml")
    assert text.content == BUNDLED.read_bytes()
    accept = api.get(f"/api/libraries/{row['id']}/versions/2/", HTTP_ACCEPT="application/yaml")
    assert accept.content == stricter(tmp_path).read_bytes()
    assert api.get(f"/api/libraries/{row['id']}/versions/5/").status_code == 404
