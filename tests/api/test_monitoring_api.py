"""The monitoring API: hosts, coverage, alerts and their review, checkpoints, the last verification;
each limited to the caller's units, the review asking for the same capability as the review page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from rest_framework.test import APIClient

from lakthan.core.models import AuditEntry
from lakthan.monitoring.models import Alert, HostDay
from lakthan.monitoring.services import hosts as log_hosts
from tests.conftest import ROLES, api_key

AT = datetime(2013, 5, 1, 3, tzinfo=UTC)


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


@pytest.fixture
def logs(world, settings, tmp_path):
    settings.LAKTHAN_LOG_DIR = tmp_path / "logs"
    log_hosts.add_host("a1-web", "A-1", ["10.0.0.1"])
    log_hosts.add_host("b-web", "B")
    for name, n in (("a1-web", 5), ("10.0.0.1", 2), ("b-web", 7)):
        HostDay.objects.create(host_name=name, day=date(2013, 5, 1), count=n, first_ts=AT, last_ts=AT)
    alerts = {
        host: Alert.objects.create(
            rule_id="r1", rule_title="SSH brute force", level="high", host=host, count=3, first=AT, last=AT
        )
        for host in ("a1-web", "b-web")
    }
    world.alerts = alerts
    return world


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_units_hosts_and_alerts(logs, role):
    c = api(logs.users[role])
    # the hosts are the inventory's (/api/hosts/): a log host added through monitoring is one of them
    assert [h["name"] for h in c.get("/api/hosts/").json()["results"]] == ["a1-web"]
    assert c.get(f"/api/hosts/{log_hosts.hosts_of(logs.b)[0].name}/").status_code == 404
    assert [a["host"] for a in c.get("/api/monitoring/alerts/").json()["results"]] == ["a1-web"]
    assert c.get(f"/api/monitoring/alerts/{logs.alerts['b-web'].pk}/").status_code == 404
    cov = c.get("/api/monitoring/coverage/").json()
    assert [(h["name"], h["events"]) for h in cov["hosts"]] == [("a1-web", 7)]  # its address counts too
    assert c.get("/api/monitoring/coverage/", {"unit": "B"}).status_code == 404


def test_coverage_of_a_unit_and_a_period(logs):
    c = api(logs.users["auditor"])
    cov = c.get("/api/monitoring/coverage/", {"unit": "A", "from": "2013-05-01", "to": "2013-05-31"}).json()
    assert cov["unit"] == "A" and cov["window"] == ["2013-05-01", "2013-05-01"]
    (host,) = cov["hosts"]
    assert host["per_day"] == {"2013-05-01": 7} and host["days_reported"] == 1
    empty = c.get("/api/monitoring/coverage/", {"unit": "A", "from": "2013-06-01"}).json()
    assert empty["window"] is None and empty["hosts"][0]["events"] == 0


@pytest.mark.parametrize(
    "params",
    [{"from": "yesterday"}, {"to": "2013-13-01"}, {"from": "2013-05-02", "to": "2013-05-01"}],
)
def test_bad_coverage_parameters_are_400(logs, params):
    assert api(logs.users["auditor"]).get("/api/monitoring/coverage/", params).status_code == 400


def test_review_needs_the_decide_capability_in_the_hosts_unit(logs):
    alert = logs.alerts["a1-web"]
    body = {"disposition": "true_positive", "note": "blocked at the firewall"}
    for role in ("collector", "auditor"):  # may see the alert, may not decide
        assert (
            api(logs.users[role]).post(f"/api/monitoring/alerts/{alert.pk}/review/", body).status_code == 403
        )
    alert.refresh_from_db()
    assert alert.disposition == "open" and not AuditEntry.objects.filter(action="alert.review").exists()
    r = api(logs.users["reviewer"]).post(f"/api/monitoring/alerts/{alert.pk}/review/", body, format="json")
    assert r.status_code == 200 and r.json()["disposition"] == "true_positive"
    alert.refresh_from_db()
    assert (alert.note, alert.reviewed_by) == ("blocked at the firewall", "reviewer-a")
    assert AuditEntry.objects.get(action="alert.review").actor == "reviewer-a"


def test_another_units_alert_cannot_be_reviewed_and_bad_dispositions_are_400(logs):
    c = api(logs.users["supervisor"])
    other = logs.alerts["b-web"]
    assert (
        c.post(f"/api/monitoring/alerts/{other.pk}/review/", {"disposition": "false_positive"}).status_code
        == 404
    )
    mine = logs.alerts["a1-web"]
    assert c.post(f"/api/monitoring/alerts/{mine.pk}/review/", {"disposition": "maybe"}).status_code == 400
    other.refresh_from_db()
    assert other.disposition == "open"


def test_checkpoints_and_the_last_verification(logs):
    from lakthan.monitoring.services import ingest, verification
    from lakthan.monitoring.services import seal as sealing

    c = api(logs.users["auditor"])
    assert c.get("/api/monitoring/verification/").status_code == 404  # never verified
    ingest.ingest_lines(["<38>1 2013-05-01T10:00:00+07:00 a1-web sshd 1 - - hello"], "syslog")
    sealing.seal()
    report = verification.verify()
    (cp,) = c.get("/api/monitoring/checkpoints/").json()["results"]
    assert cp["size"] == 1 and cp["note"].startswith(cp["origin"])
    got = c.get("/api/monitoring/verification/").json()
    assert got["intact"] is True and got["verified_at"] == report["verified_at"]


def test_a_user_without_units_reads_no_checkpoints(logs, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x" * 12)
    c = api(nobody)
    assert c.get("/api/monitoring/checkpoints/").status_code == 403
    assert c.get("/api/hosts/").json()["results"] == []
    assert c.get("/api/monitoring/alerts/").json()["results"] == []
