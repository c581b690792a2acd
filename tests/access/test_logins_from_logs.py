"""Logins in the usage logs: sshd lines ingested and sealed through monitoring's services, read back
as (host, user, time), recorded on the accounts of the systems the host serves, and judged by the
dormant rule as the later of the source's last login and the logs'."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

AS_OF = date(2026, 12, 1)


def ssh(host: str, when: str, line: str) -> str:
    return f"<38>1 {when} {host} sshd 4242 - - {line}"


@pytest.fixture
def app(units, tmp_path):
    """System 'payroll' served by host app1 (10.0.0.7); its user table says mana last logged in on
    1 Aug 2026 (dormant on 1 Dec) and somchai on 20 Nov; 'other' on host app2 serves system 'wiki'."""
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync
    from lakthan.inventory.services import add_host, add_system

    payroll = add_system("payroll", name_th="ระบบเงินเดือน", unit=units, klass="intranet")
    wiki = add_system("wiki", name_th="วิกิ", unit=units, klass="intranet")
    add_host("app1", unit=units, addresses=["10.0.0.7"], systems=[payroll])
    add_host("app2", unit=units, systems=[wiki])
    users = tmp_path / "payroll.csv"
    users.write_text(
        "username,display_name,employee_id,last_login,created\n"
        "mana,มานะ อดทน,E003,2026-08-01T09:00:00+07:00,2020-01-01\n"
        "somchai,สมชาย ใจดี,E001,2026-11-20T09:00:00+07:00,2020-01-01\n"
    )
    source = add_source("payroll-users", unit=units, system="payroll", csv_path=str(users))
    sync(source)
    return source


def dormant() -> set[str]:
    from lakthan.access.services.findings import findings

    return {f.account for f in findings(AS_OF) if f.kind == "dormant"}


def ingest_and_seal(lines: list[str], sealed_at: datetime | None = None) -> None:
    from lakthan.monitoring.services import ingest, seal

    ingest.ingest_lines(lines, fmt="syslog")
    seal.seal(now=sealed_at)


def hour_ago() -> datetime:
    """Sealing times are kept to the second, and a segment sealed in the second of a reading is read
    again by the next: a first segment sealed an hour before keeps the two readings apart."""
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(hours=1)


@pytest.mark.django_db
def test_a_login_in_the_logs_turns_a_dormant_account_not_dormant(app, cli):
    from lakthan.access.models import Account, LogLoginScan

    assert dormant() == {"payroll-users:mana"}
    ingest_and_seal(
        [
            # the address of app1, the user name in another case: still mana of payroll
            ssh(
                "10.0.0.7",
                "2026-11-28T08:15:00+07:00",
                "Accepted publickey for MANA from 10.1.1.1 port 50022 ssh2",
            ),
            ssh(
                "app1",
                "2026-10-02T08:00:00+07:00",
                "Accepted password for mana from 10.1.1.1 port 50022 ssh2",
            ),
            # not a success, another system's host, a host of no system: none is a login of payroll
            ssh("app1", "2026-11-30T08:00:00+07:00", "Failed password for somchai from 10.1.1.9 port 1 ssh2"),
            ssh(
                "app2", "2026-11-30T08:00:00+07:00", "Accepted password for somchai from 10.1.1.9 port 1 ssh2"
            ),
            ssh(
                "db9", "2026-11-30T08:00:00+07:00", "Accepted password for somchai from 10.1.1.9 port 1 ssh2"
            ),
        ],
        sealed_at=hour_ago(),
    )

    result = cli("access", "logins-from-logs")

    assert result.exit_code == 0, result.output
    mana = Account.objects.get(username="mana")
    assert (mana.login_in_logs.at, mana.login_in_logs.host) == (
        datetime(2026, 11, 28, 1, 15, tzinfo=UTC),
        "10.0.0.7",
    )
    assert mana.last_login_at == datetime(2026, 8, 1, 2, 0, tzinfo=UTC)  # the source's own stays as read
    assert not hasattr(Account.objects.get(username="somchai"), "login_in_logs")
    assert dormant() == set()
    scan = LogLoginScan.objects.get()
    # (host, user) pairs: 10.0.0.7/MANA, app1/mana, app2/somchai, db9/somchai; two match payroll's mana
    assert (scan.logins, scan.matched, scan.accounts_updated) == (4, 1, 1)

    again = cli("access", "logins-from-logs")  # nothing sealed since: nothing read, nothing changed
    assert again.exit_code == 0 and "0 (host, user) logins read" in again.output
    reread = cli("access", "logins-from-logs", "--since", "2026-10-01")  # everything again: no change
    assert "4 (host, user) logins read" in reread.output and "0 account(s)" in reread.output


@pytest.mark.django_db
def test_a_source_without_login_times_is_judged_on_the_logs_when_they_show_logins(units, tmp_path, cli):
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync
    from lakthan.inventory.services import add_host, add_system

    system = add_system("keycloak", name_th="Keycloak", unit=units, klass="intranet")
    add_host("kc1", unit=units, systems=[system])
    users = tmp_path / "kc.csv"
    users.write_text("username,employee_id\nold,E1\nrecent,E2\nunseen,E3\n")
    sync(add_source("kc", unit=units, system="keycloak", csv_path=str(users)))
    assert dormant() == set()  # the export keeps no login time: nobody judged

    ingest_and_seal(
        [
            ssh("kc1", "2026-05-01T08:00:00+07:00", "Accepted password for old from 10.1.1.1 port 1 ssh2"),
            ssh("kc1", "2026-11-25T08:00:00+07:00", "Accepted password for recent from 10.1.1.1 port 1 ssh2"),
        ]
    )
    assert cli("access", "logins-from-logs").exit_code == 0

    # judged on the logs' time where they show one; 'unseen' still not judged
    assert dormant() == {"kc:old"}


@pytest.mark.django_db
def test_lakthans_own_sign_ins_in_its_audit_trail_are_logins(units, django_capture_on_commit_callbacks):
    """The web sign-in's audit line (host lakthan, jsonl) is found as a login like an sshd line."""
    from lakthan.core import audit
    from lakthan.monitoring.services import seal
    from lakthan.monitoring.services.logins import successful_logins

    with django_capture_on_commit_callbacks(execute=True):  # the audit sink writes when it commits
        audit.record_event("somchai", "auth.login", "auth.user", 1, {"ip": "10.0.0.1"})
        audit.record_event("somchai", "auth.login_failed", "auth.user", "somchai", {"ip": "10.0.0.1"})
    seal.seal()

    logins = successful_logins()

    assert [(login.host, login.username) for login in logins] == [("lakthan", "somchai")]


@pytest.mark.django_db
def test_the_hourly_task_reads_only_segments_sealed_since_its_last_reading(app):
    from lakthan.access.models import Account, LogLoginScan
    from lakthan.web.tasks import access_logins_from_logs

    ingest_and_seal(
        [ssh("app1", "2026-11-28T08:15:00+07:00", "Accepted password for mana from 10.1.1.1 port 1 ssh2")],
        sealed_at=hour_ago(),
    )
    access_logins_from_logs.call_local()
    ingest_and_seal(
        [ssh("app1", "2026-11-29T08:15:00+07:00", "Accepted password for somchai from 10.1.1.1 port 1 ssh2")]
    )
    access_logins_from_logs.call_local()

    first, second = LogLoginScan.objects.order_by("pk")
    assert (first.logins, second.logins) == (1, 1)  # the second read only the newer segment
    assert second.sealed_since == first.at
    assert Account.objects.get(username="somchai").login_in_logs.at == datetime(
        2026, 11, 29, 1, 15, tzinfo=UTC
    )
    assert dormant() == set()
