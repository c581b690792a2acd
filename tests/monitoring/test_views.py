"""The monitoring pages: coverage and verification, alerts with disposition, event search; unit scoping."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from lakthan.monitoring.models import Alert
from lakthan.monitoring.services import alerts as log_alerts
from lakthan.monitoring.services import events as log_events
from lakthan.monitoring.services import home, ingest, verification
from lakthan.monitoring.services import hosts as log_hosts
from lakthan.monitoring.services import seal as sealing

from .gen import known_attacks


@pytest.fixture
def data(org):
    log_hosts.add_host("web01", "B-IT")
    log_hosts.add_host("db01", "B-IT")
    log_hosts.add_host("other01", "X")
    syslog, _ = known_attacks()
    ingest.ingest_lines(
        syslog
        + [
            "<38>1 2013-03-05T10:00:00+07:00 other01 sshd 1 - - Accepted password for x from 10.9.9.9 port 1 ssh2"
        ],
        "syslog",
    )
    sealing.seal()
    log_alerts.detect()
    verification.verify()
    return org


@pytest.fixture
def staff(client, db):
    user = get_user_model().objects.create_user("boss", password="x" * 12, is_staff=True)
    client.force_login(user)
    return client


def test_overview_shows_hosts_verification_and_chart(data, staff):
    page = staff.get("/monitoring/").content.decode()
    assert "web01" in page and "db01" in page and "other01" in page
    assert "Intact" in page or "ครบถ้วน" in page or "status met" in page
    png = staff.get("/monitoring/coverage.png")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_review_an_alert(data, staff):
    alert = Alert.objects.filter(rule_title__startswith="SSH brute").first()
    r = staff.post(
        f"/monitoring/alerts/{alert.pk}/review", {"disposition": "true_positive", "note": "blocked"}
    )
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.disposition == "true_positive" and alert.note == "blocked" and alert.reviewed_by == "boss"
    assert "blocked" in staff.get("/monitoring/alerts/?state=true_positive").content.decode()


def test_event_search(data, staff):
    page = staff.get(
        "/monitoring/events/", {"host": "web01", "q": "203.0.113.7", "from": "2013-03-05", "to": "2013-03-05"}
    ).content.decode()
    assert page.count('<td class="msg" title="Failed password for root from 203.0.113.7') == 12
    assert (
        "Failed password"
        not in staff.get(
            "/monitoring/events/", {"host": "web01", "q": "x", "from": "2013-04-01"}
        ).content.decode()
    )


def test_search_reads_only_the_events_found_out_of_their_lines(data):
    found = log_events.search(host="web01", text="203.0.113.7", limit=5)
    rows = found.rows
    assert found.total == 12
    assert len(rows) == 5 and [r["ts"] for r in rows] == sorted((r["ts"] for r in rows), reverse=True)
    for r in rows:
        assert r["app"] == "sshd" and r["parsed"]
        assert r["msg"].startswith("Failed password for root from 203.0.113.7")
        stored = home.store().read_segment(r["segment"], ["raw"])["raw"][r["position"]]
        assert stored.endswith(r["msg"])


def test_a_unit_user_sees_only_their_hosts(data, client):
    from lakthan.core.services import add_person

    user = get_user_model().objects.create_user("clerk", password="x" * 12)
    add_person(data.other, "ทดสอบ", "ผู้ใช้", user=user)
    client.force_login(user)
    page = client.get("/monitoring/").content.decode()
    assert "other01" in page and "web01" not in page
    alert = Alert.objects.filter(host="web01").first()
    assert (
        client.post(f"/monitoring/alerts/{alert.pk}/review", {"disposition": "false_positive"}).status_code
        == 404
    )


def test_login_required(client, db):
    assert client.get("/monitoring/").status_code == 302


def _member_of(unit, username: str, client):
    from lakthan.core.services import add_person

    user = get_user_model().objects.create_user(username, password="x" * 12)
    add_person(unit, "ทดสอบ", username, user=user)
    client.force_login(user)
    return user


def test_verify_now_needs_the_capability_to_run_checks(data, client):
    _member_of(data.other, "reader", client)  # a member: may view, not decide
    before = (home.state_dir() / "last-verify.json").read_bytes()
    assert client.post("/monitoring/verify").status_code == 403
    assert (home.state_dir() / "last-verify.json").read_bytes() == before  # nothing ran
    assert "Verify now" not in client.get("/monitoring/").content.decode()


def test_verify_now_runs_for_an_administrator(data, staff, huey_immediate):
    before = verification.last_verification()["verified_at"]
    assert staff.post("/monitoring/verify").status_code == 302
    assert verification.last_verification()["verified_at"] > before


def test_event_search_scopes_to_the_callers_hosts_before_taking_the_first_200(data, client):
    newer = [
        f"<38>1 2013-03-06T11:{i // 60:02d}:{i % 60:02d}+07:00 web01 sshd 1 - - Accepted password for a from 10.0.0.{i % 250} port 1 ssh2"
        for i in range(250)
    ]
    ingest.ingest_lines(newer, "syslog")
    sealing.seal()
    _member_of(data.other, "clerk2", client)
    page = client.get(
        "/monitoring/events/", {"q": "Accepted password", "from": "2013-03-01"}
    ).content.decode()
    assert "Accepted password for x from 10.9.9.9" in page  # other01's event, older than web01's 250
    assert "web01" not in page


def test_review_records_the_username_as_every_audited_change_does(data, client):
    from lakthan.core.models import AuditEntry

    user = get_user_model().objects.create_user("somying", password="x" * 12)
    data.supervisor.user = user  # the supervisor of the bureau: may decide for B-IT's hosts
    data.supervisor.save()
    client.force_login(user)
    alert = Alert.objects.filter(host="web01").first()
    r = client.post(f"/monitoring/alerts/{alert.pk}/review", {"disposition": "false_positive", "note": "ok"})
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.disposition == "false_positive" and alert.reviewed_by == "somying"
    entry = AuditEntry.objects.filter(action="alert.review").latest("pk")
    assert entry.actor == "somying"


def _alert_on_other01() -> Alert:
    """An alert on unit X's host (the fixture's attacks are all on B-IT's hosts)."""
    return Alert.objects.create(
        rule_id="r",
        rule_title="t",
        level="high",
        host="other01",
        count=1,
        first="2013-03-05T03:00Z",
        last="2013-03-05T03:00Z",
    )


def test_a_member_may_not_review_an_alert_of_their_own_hosts(data, client):
    _member_of(data.other, "clerk3", client)
    alert = _alert_on_other01()
    r = client.post(f"/monitoring/alerts/{alert.pk}/review", {"disposition": "false_positive"})
    assert r.status_code == 403
    alert.refresh_from_db()
    assert alert.disposition == "open"


def _supervisor(data, client):
    user = get_user_model().objects.create_user("supervisor-b", password="x" * 12)
    data.supervisor.user = user  # the bureau's supervisor: may decide for B-IT's hosts, not X's
    data.supervisor.save()
    client.force_login(user)
    return user


def test_only_an_administrator_starts_a_full_verification(data, client):
    """It reads every unit's events: a unit's supervisor (who may decide there) may not start it."""
    _supervisor(data, client)
    before = (home.state_dir() / "last-verify.json").read_bytes()
    assert client.post("/monitoring/verify").status_code == 403
    assert (home.state_dir() / "last-verify.json").read_bytes() == before
    assert 'action="/monitoring/verify"' not in client.get("/monitoring/").content.decode()


def test_review_forms_appear_only_on_alerts_the_user_may_review(data, client):
    """A supervisor of the bureau who is also a plain member of unit X sees both units' alerts and may
    review only the bureau's."""
    from lakthan.core.models import RoleGrant
    from lakthan.monitoring import scope

    user = _member_of(data.other, "two-hats", client)
    RoleGrant.objects.create(user=user, unit=data.bureau, role="supervisor")
    _alert_on_other01()
    alerts = list(scope.visible_alerts(user))
    may = [a for a in alerts if scope.may_review(user, a)]
    assert 0 < len(may) < len(alerts)
    page = client.get("/monitoring/alerts/").content.decode()
    assert page.count('name="disposition"') == len(may)
    for a in alerts:
        assert (f'action="/monitoring/alerts/{a.pk}/review"' in page) == (a in may)


def test_counters_on_the_overview_are_those_of_the_users_units(data, client):
    _member_of(data.other, "clerk4", client)  # unit X: host other01, one event, no alert
    page = client.get("/monitoring/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    events = re.search(r"Events sealed.*?<span class=\"value\">([^<]+)<", page, re.S)
    open_alerts = re.search(r"Alerts awaiting review.*?state=open\">([^<]+)<", page, re.S)
    assert events is not None and events.group(1).strip() in ("1", "๑")
    assert open_alerts is not None and open_alerts.group(1).strip() in ("0", "๐")
    assert "UDP datagrams" not in page
