"""Orphans settled by hand: `lakthan access link|unlink|service`, audited, and what the findings say
after each (against the bureau's real slapd)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.access.conftest import AS_OF


def kinds_of(account: str) -> set[str]:
    from lakthan.access.services.findings import findings

    return {f.kind for f in findings(date.fromisoformat(AS_OF)) if f.account == account}


@pytest.mark.django_db
def test_an_orphan_linked_to_a_person_is_theirs_until_unlinked(bureau, cli):
    from lakthan.core.models import AuditEntry

    assert kinds_of("dir:nobody") == {"orphan"}

    linked = cli("access", "link", "dir:nobody", "E002")
    assert linked.exit_code == 0 and "dir:nobody linked to E002" in linked.output
    # no longer an orphan, and now it is the enabled account of a person who resigned
    assert kinds_of("dir:nobody") == {"leaver_active"}

    assert cli("access", "unlink", "dir:nobody").exit_code == 0
    assert kinds_of("dir:nobody") == {"orphan"}
    entries = AuditEntry.objects.filter(action="access.account.link").order_by("pk")
    assert [
        (e.actor, e.before["linked_employee"] is None, e.after["linked_employee"] is None) for e in entries
    ] == [
        ("cli", True, False),
        ("cli", False, True),
    ]


@pytest.mark.django_db
def test_a_service_account_needs_an_owner_and_can_be_unmarked(bureau, cli):
    from lakthan.core.models import AuditEntry

    assert kinds_of("dir:svc-backup") == {"orphan"}
    assert cli("access", "service", "dir:svc-backup").exit_code == 0
    assert kinds_of("dir:svc-backup") == {"no_owner"}

    owned = cli("access", "service", "dir:svc-backup", "--owner", "E007")
    assert owned.exit_code == 0 and "owner E007" in owned.output
    assert kinds_of("dir:svc-backup") == set()

    assert cli("access", "service", "dir:svc-backup", "--not-service").exit_code == 0
    assert kinds_of("dir:svc-backup") == {"orphan"}
    assert list(
        AuditEntry.objects.filter(object_type__endswith="account")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["access.account.service", "access.account.service", "access.account.not_service"]


@pytest.mark.django_db
def test_a_wrong_reference_or_employee_is_one_line_exit_2_and_changes_nothing(bureau, cli):
    from lakthan.access.models import Account

    no_colon = cli("access", "link", "nobody", "E001")
    assert no_colon.exit_code == 2 and "SOURCE:USERNAME" in no_colon.output
    unknown = cli("access", "link", "dir:nobody", "E404")
    assert unknown.exit_code == 2 and "no employee id E404" in unknown.output
    missing = cli("access", "service", "dir:nosuch", "--owner", "E001")
    assert missing.exit_code == 2 and "no account nosuch in source dir" in missing.output
    both = cli("access", "service", "dir:svc-backup", "--owner", "E001", "--not-service")
    assert both.exit_code == 2
    assert not Account.objects.filter(linked_employee__isnull=False).exists()
    assert not Account.objects.filter(is_service=True).exists()
