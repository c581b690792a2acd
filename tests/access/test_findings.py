"""Findings against the bureau's real directory and roster, judged on one day (AS_OF)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.access.conftest import AS_OF

pytestmark = pytest.mark.django_db
DAY = date.fromisoformat(AS_OF)


def kinds(found) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in found:
        out.setdefault(f.kind, set()).add(f.account)
    return out


def test_every_kind_is_found_and_nothing_else(bureau, settings):
    from lakthan.access.services.accounts import get_account, mark_service
    from lakthan.access.services.findings import findings

    mark_service(get_account("dir", "svc-backup"), owner=None)

    assert kinds(findings(DAY)) == {
        "leaver_active": {"dir:somying"},  # resigned 2026-10-01, still enabled
        "dormant": {"dir:mana", "dir:malee"},  # last login 2026-08-01; never, created 2020
        "orphan": {"dir:nobody", "dir:ghost"},  # no employee id; E999 unknown to HR
        "no_owner": {"dir:svc-backup"},
    }


def test_the_json_of_a_finding_has_kind_account_system_person_detail(bureau):
    from lakthan.access.services.findings import findings

    leaver = next(f for f in findings(DAY) if f.kind == "leaver_active")

    assert leaver.as_json() == {
        "kind": "leaver_active",
        "account": "dir:somying",
        "system": "dir",
        "person": "E002",
        "detail": {"status": "resigned", "effective_date": "2026-10-01", "days": 61},
    }


def test_a_leaver_is_one_from_the_effective_date_on(bureau):
    from lakthan.access.services.findings import findings

    assert "leaver_active" not in kinds(findings(date(2026, 9, 30)))
    assert kinds(findings(date(2026, 10, 1)))["leaver_active"] == {"dir:somying"}


def test_dormancy_follows_the_setting(bureau, settings):
    from lakthan.access.services.findings import findings

    settings.LAKTHAN_ACCESS_DORMANT_DAYS = 200  # mana's 123 days no longer count
    assert kinds(findings(DAY))["dormant"] == {"dir:malee"}
    settings.LAKTHAN_ACCESS_DORMANT_DAYS = 10  # somchai's 11 days now do; mai (created 30 days ago) too
    assert kinds(findings(DAY))["dormant"] == {"dir:mana", "dir:malee", "dir:somchai", "dir:mai"}


def test_password_age_only_when_a_maximum_is_set(bureau, settings):
    from lakthan.access.services.findings import findings

    assert "password_age" not in kinds(findings(DAY))
    settings.LAKTHAN_ACCESS_PASSWORD_MAX_DAYS = 365
    aged = [f for f in findings(DAY) if f.kind == "password_age"]
    # somchai changed his on 2025-01-01; the others never did and were created in 2020 (piti is locked)
    assert {f.account for f in aged} == {
        "dir:somchai",
        "dir:somying",
        "dir:mana",
        "dir:malee",
        "dir:nobody",
        "dir:ghost",
        "dir:svc-backup",
    }
    assert (
        next(f for f in aged if f.account == "dir:somchai").detail["days"] == 699
    )  # 2025-01-01 → 2026-12-01


def test_an_orphan_linked_to_a_person_or_a_service_account_with_an_owner_is_no_longer_a_finding(bureau):
    from lakthan.access.services.accounts import get_account, get_employee, link_to_person, mark_service
    from lakthan.access.services.findings import findings

    link_to_person(get_account("dir", "nobody"), get_employee("E007"))
    mark_service(get_account("dir", "svc-backup"), owner=get_employee("E001"))
    mark_service(get_account("dir", "ghost"), owner=None)

    found = kinds(findings(DAY))
    assert "orphan" not in found
    assert found["no_owner"] == {"dir:ghost"}


def test_the_cli_prints_findings_as_json_for_a_unit(bureau, cli):
    import json

    from lakthan.core.services import add_unit

    add_unit("Z", "หน่วยอื่น")
    out = json.loads(cli("access", "findings", "--as-of", AS_OF, "--json").output)
    assert {(f["kind"], f["account"]) for f in out} >= {
        ("leaver_active", "dir:somying"),
        ("orphan", "dir:ghost"),
    }
    assert json.loads(cli("access", "findings", "--unit", "Z", "--as-of", AS_OF, "--json").output) == []
