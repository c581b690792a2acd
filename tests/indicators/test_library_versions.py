"""Indicator libraries are versioned: a reload is a new version, two libraries never define one code
for the same year unless one replaces the other, and the bundled library never overwrites the agency's."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from lakthan.core.errors import InvalidInput
from lakthan.indicators import libraries
from lakthan.indicators import services as ind
from lakthan.indicators.models import Library, LibraryVersion

BUNDLED = libraries.BUNDLED_DIR / "opdc-2556.yaml"
URN = "urn:lakthan:opdc:2556"


def _edited(tmp_path: Path, name: str, *replacements: tuple[str, str]) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


NEW_THRESHOLDS = ("thresholds: [1, 2, 3, 4, 5]", "thresholds: [2, 4, 6, 8, 10]")


def test_a_reload_of_a_known_urn_is_a_new_version_and_the_old_one_is_kept(org, tmp_path):
    library = Library.objects.get(urn=URN)
    first = libraries.current_version(library)
    assert first.number == 1 and first.origin == "bundled" and first.content == BUNDLED.read_text("utf-8")
    again = libraries.load_library_file(BUNDLED)
    assert not again.new and library.versions.count() == 1  # the same bytes: nothing changes
    loaded = libraries.load_library_file(_edited(tmp_path, "ours.yaml", NEW_THRESHOLDS), actor="cli")
    assert loaded.new and loaded.version.number == 2 and loaded.version.origin == "agency"
    assert loaded.version.loaded_by == "cli"
    assert [v.number for v in library.versions.order_by("number")] == [1, 2]
    assert library.versions.get(number=1).content == BUNDLED.read_text("utf-8")  # version 1 as it was
    assert ind.find_indicator("9.2", 2556).scheme["thresholds"] == ["2", "4", "6", "8", "10"]
    library.refresh_from_db()
    assert library.origin == "agency" and library.fiscal_year == 2556


def test_an_agencys_own_version_survives_the_bundled_library_check_at_start_up(org, tmp_path):
    libraries.load_library_file(_edited(tmp_path, "ours.yaml", NEW_THRESHOLDS))
    assert libraries.ensure_bundled_libraries() == 0  # break 4: never reverted
    assert ind.find_indicator("9.2", 2556).scheme["thresholds"] == ["2", "4", "6", "8", "10"]
    assert Library.objects.get(urn=URN).versions.count() == 2


def test_a_newer_bundled_file_is_loaded_when_the_version_in_force_is_the_bundled_one(
    org, tmp_path, monkeypatch
):
    upgraded = tmp_path / "bundled"
    upgraded.mkdir()
    _edited(upgraded, "opdc-2556.yaml", ('version: "2556.1"', 'version: "2556.2"'))
    monkeypatch.setattr(libraries, "BUNDLED_DIR", upgraded)
    assert libraries.ensure_bundled_libraries() == 1
    library = Library.objects.get(urn=URN)
    assert library.version == "2556.2" and libraries.current_version(library).origin == "bundled"
    assert libraries.ensure_bundled_libraries() == 0


def test_another_library_defining_the_same_code_for_the_same_year_is_refused_unless_it_replaces(
    org, tmp_path
):
    other = _edited(tmp_path, "other.yaml", ("urn:lakthan:opdc:2556", "urn:lakthan:agency:2556"))
    with pytest.raises(InvalidInput) as refused:
        libraries.load_library_file(other)
    assert "indicator 9 of fiscal year 2556 is already defined by urn:lakthan:opdc:2556" in str(refused.value)
    assert "--replace urn:lakthan:opdc:2556" in str(refused.value)
    assert not Library.objects.filter(urn="urn:lakthan:agency:2556").exists()
    # break 3: with the replacement said, the new library's 9.2 is the one bound from now on
    loaded = libraries.load_library_file(other, replace=URN)
    assert Library.objects.get(urn=URN).replaced_by == loaded.library
    assert ind.find_indicator("9.2", 2556, to_bind=True).library.urn == "urn:lakthan:agency:2556"
    # a library of another year may use the same codes
    libraries.load_library_file(
        _edited(tmp_path, "next.yaml", ("urn:lakthan:opdc:2556", "urn:lakthan:opdc:2557"))
    )


def test_agreement_set_rebinds_a_code_until_a_report_uses_it(org, tmp_path):
    other = _edited(tmp_path, "other.yaml", ("urn:lakthan:opdc:2556", "urn:lakthan:agency:2556"))
    libraries.load_library_file(other, replace=URN)
    new = ind.find_indicator("9.2", 2556, to_bind=True)
    # org's bureau already reports on the old 9.2: its agreement keeps it
    with pytest.raises(InvalidInput, match="already has reports under urn:lakthan:opdc:2556"):
        ind.set_agreement(org.bureau, 2556, [(new, Decimal(3))])
    # a unit with no report yet moves to the new library: one line for the code, not two
    old = Library.objects.get(urn=URN).indicators.get(code="9.2")
    ind.set_agreement(org.other, 2556, [(old, Decimal(3))])
    ind.set_agreement(org.other, 2556, [(new, Decimal(4))])
    lines = list(org.other.agreements.get(fiscal_year=2556).lines.all())
    assert [(line.indicator_id, line.weight) for line in lines] == [(new.pk, Decimal(4))]


def test_a_bad_fiscal_year_is_named_with_its_line(tmp_path):
    path = _edited(tmp_path, "bad.yaml", ('version: "2556.1"', 'version: "2556.1"\nfiscal_year: 2013'))
    with pytest.raises(libraries.LibraryInvalid) as err:
        libraries.validate_library_file(path)
    assert str(err.value).startswith(f"{path}:") and "B.E. year" in str(err.value)


def test_library_list_and_show_on_the_command_line(org, tmp_path, cli):
    libraries.load_library_file(_edited(tmp_path, "ours.yaml", NEW_THRESHOLDS), actor="cli")
    r = cli("library", "list", "--json")
    assert r.exit_code == 0
    row = next(x for x in json.loads(r.output) if x["urn"] == URN)
    assert row["current"] == 2 and row["fiscal_year"] == 2556 and row["origin"] == "agency"
    assert [(v["number"], v["origin"]) for v in row["versions"]] == [(1, "bundled"), (2, "agency")]
    out = tmp_path / "v1.yaml"
    r = cli("library", "show", URN, "--version", "1", "--out", str(out))
    assert r.exit_code == 0 and out.read_bytes() == BUNDLED.read_bytes()
    r = cli("library", "show", URN, "--version", "9")
    assert r.exit_code != 0 and "has no version 9" in r.output
    r = cli("library", "load", str(tmp_path / "ours.yaml"))
    assert r.exit_code == 0 and "nothing changed" in r.output


def test_library_page_and_api(org, client, django_user_model, tmp_path):
    libraries.load_library_file(_edited(tmp_path, "ours.yaml", NEW_THRESHOLDS), actor="cli")
    user = django_user_model.objects.create_user("reader", password="a-long-password-1")
    client.force_login(user)
    page = client.get("/libraries/")
    assert page.status_code == 200
    body = page.content.decode()
    assert URN in body and "ours.yaml" not in body and body.count("/versions/") == 2
    library = Library.objects.get(urn=URN)
    api = client.get("/api/libraries/")
    assert api.status_code == 200
    data = api.json()
    row = next(x for x in data.get("results", data) if x["urn"] == URN)
    assert [v["number"] for v in row["versions"]] == [1, 2]
    text = client.get(f"/api/libraries/{library.pk}/versions/1/")
    assert text.status_code == 200 and text.content == BUNDLED.read_bytes()
    assert client.get(f"/api/libraries/{library.pk}/versions/7/").status_code == 404
    assert LibraryVersion.objects.filter(library=library).count() == 2
