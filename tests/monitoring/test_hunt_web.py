"""Retro-hunts on the pages and in the API: started by whoever may review alerts (the worker runs it),
refused (403) to others; the hunt's page with the alerts it found first on the user's hosts; the alerts
page and the alerts API naming the hunt that found an alert."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from lakthan.monitoring.models import Alert, Hunt
from lakthan.monitoring.services import alerts as log_alerts
from lakthan.monitoring.services import hosts as log_hosts
from lakthan.monitoring.services import ingest
from lakthan.monitoring.services import seal as sealing
from tests.conftest import api_key
from tests.monitoring import hunt_fixtures

from .hunt_fixtures import BAD_RULE, CRON_ID, CRON_RULE

sealed = hunt_fixtures.sealed
NIGHT_LOGIN_X = (
    "<38>1 2013-03-05T23:10:00+07:00 other01 sshd 7 - - Accepted password for x from 10.9.9.9 port 1 ssh2"
)


@pytest.fixture
def logs(org, sealed):
    """The known attacks on B-IT's web01 and db01, and a night login on X's other01."""
    log_hosts.add_host("web01", "B-IT")
    log_hosts.add_host("db01", "B-IT")
    log_hosts.add_host("other01", "X")
    ingest.ingest_lines([NIGHT_LOGIN_X], "syslog")
    sealing.seal()
    return org


@pytest.fixture
def admin(client, db):
    client.force_login(get_user_model().objects.create_user("boss", password="x" * 12, is_staff=True))
    return client


def _member_of(unit, username: str, client):
    from lakthan.core.services import add_person

    user = get_user_model().objects.create_user(username, password="x" * 12)
    add_person(unit, "ทดสอบ", username, user=user)
    client.force_login(user)
    return user


def _page(client, url: str) -> str:
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_an_administrator_hunts_with_the_rules_in_force_from_the_page(logs, admin, huey_immediate):
    r = admin.post("/monitoring/hunts/start", {"from": "2013-03-05", "to": "2013-03-05", "rules": "in_force"})
    hunt = Hunt.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/monitoring/hunts/{hunt.pk}/"
    assert (hunt.status, hunt.started_by, hunt.engine) == ("done", "boss", "local")
    detected = log_alerts.detect(hunt.start, hunt.end)
    assert hunt.alerts == hunt.new_alerts == len(detected) == Alert.objects.filter(hunt=hunt).count()
    page = _page(admin, f"/monitoring/hunts/{hunt.pk}/")
    assert 'data-hunt-status="done"' in page and "hx-trigger" not in page  # done: no more polling
    assert "SSH brute force" in page and "other01" in page and "Login outside office hours" in page
    listing = _page(admin, "/monitoring/hunts/")
    row = re.search(rf'<tr id="hunt-{hunt.pk}">(.*?)</tr>', listing, re.S).group(1)
    assert "boss" in row and "This machine" in row and f">{len(detected)}<" in row and "Done" in row
    alerts = _page(admin, "/monitoring/alerts/")
    assert alerts.count(f'data-hunt="{hunt.pk}"') == len(detected) and f"hunt #{hunt.pk}" in alerts


def test_uploaded_rule_files_are_hunted_and_a_bad_one_is_named(logs, admin, huey_immediate):
    files = [
        SimpleUploadedFile("cron.yml", CRON_RULE.encode()),
        SimpleUploadedFile("bad.yml", BAD_RULE.encode()),
    ]
    r = admin.post(
        "/monitoring/hunts/start", {"rules": "files", "files": files}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    hunt = Hunt.objects.get()
    assert (hunt.status, hunt.alerts, hunt.new_alerts) == ("done", 1, 1)
    assert hunt.rules == [{"rule_id": CRON_ID, "title": "Cron noise", "level": "low", "file": "cron.yml"}]
    page = r.content.decode()
    assert "Not run: bad.yml" in page and "Cron noise" in page and "db01" in page
    assert Alert.objects.get(rule_id=CRON_ID).hunt == hunt


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"rules": "files"}, "choose Sigma rule files"),
        ({"rules": "files", "files": [SimpleUploadedFile("bad.yml", BAD_RULE.encode())]}, "no rule compiles"),
        ({"rules": "in_force", "from": "2013-03-06", "to": "2013-03-05"}, "after its end"),
        ({"rules": "in_force", "from": "yesterday"}, "is not a date"),
    ],
)
def test_a_hunt_that_cannot_start_says_why_and_records_nothing(logs, admin, post, message):
    r = admin.post("/monitoring/hunts/start", post, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert r.status_code == 200 and message in r.content.decode()
    assert not Hunt.objects.exists()


def test_a_member_who_may_not_review_may_not_start_a_hunt(logs, client):
    _member_of(logs.other, "reader", client)
    assert client.post("/monitoring/hunts/start", {"rules": "in_force"}).status_code == 403
    assert not Hunt.objects.exists()
    page = _page(client, "/monitoring/hunts/")
    assert "Past hunts" in page and 'action="/monitoring/hunts/start"' not in page


def test_a_units_supervisor_starts_one_and_sees_the_alerts_of_their_hosts_only(logs, client, huey_immediate):
    user = get_user_model().objects.create_user("supervisor-b", password="x" * 12)
    logs.supervisor.user = user  # may decide for B-IT's hosts, not X's
    logs.supervisor.save()
    client.force_login(user)
    assert 'action="/monitoring/hunts/start"' in _page(client, "/monitoring/hunts/")
    client.post("/monitoring/hunts/start", {"rules": "in_force"})
    hunt = Hunt.objects.get()
    assert Alert.objects.filter(hunt=hunt, host="other01").exists()
    page = _page(client, f"/monitoring/hunts/{hunt.pk}/")
    assert "db01" in page and "other01" not in page


def test_a_hunt_waiting_for_the_worker_shows_it_running_and_polls(logs, admin):
    admin.post("/monitoring/hunts/start", {"rules": "in_force"})  # no worker here: it stays running
    hunt = Hunt.objects.get()
    page = _page(admin, f"/monitoring/hunts/{hunt.pk}/")
    assert 'data-hunt-status="running"' in page and 'hx-trigger="every 3s"' in page
    assert "Running" in _page(admin, "/monitoring/hunts/")


def test_an_unknown_hunt_is_404_and_a_get_starts_nothing(logs, admin):
    assert admin.get("/monitoring/hunts/999/").status_code == 404
    assert admin.get("/monitoring/hunts/start").status_code == 405


# --- the API ----------------------------------------------------------------------------------------


def _api(user) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return c


@pytest.fixture
def api_logs(world, sealed):
    log_hosts.add_host("web01", "A-1")
    log_hosts.add_host("db01", "B")
    return world


def test_the_api_starts_a_hunt_lists_it_and_gives_its_alerts(api_logs, huey_immediate):
    reviewer = _api(api_logs.users["reviewer"])  # may decide in A (and A-1)
    r = reviewer.post("/api/monitoring/hunts/", {"start": "2013-03-05", "end": "2013-03-05"}, format="json")
    assert r.status_code == 202
    hunt = Hunt.objects.get(pk=r.json()["id"])
    assert r.json() == {"id": hunt.pk, "status": "running"}  # as recorded when the worker took it
    assert (hunt.status, hunt.started_by) == ("done", "reviewer-a")
    listed = reviewer.get("/api/monitoring/hunts/").json()["results"]
    assert [(h["id"], h["status"], h["new_alerts"]) for h in listed] == [(hunt.pk, "done", hunt.new_alerts)]
    assert listed[0]["start"] == "2013-03-05T00:00:00+07:00" or listed[0]["start"].startswith(
        "2013-03-04T17:00"
    )
    one = reviewer.get(f"/api/monitoring/hunts/{hunt.pk}/").json()
    assert one["found"] and {a["host"] for a in one["found"]} == {"web01"}  # db01 is B's
    assert {(a["hunt"], a["found_by_th"], a["found_by_en"]) for a in one["found"]} == {
        (hunt.pk, f"ล่าย้อนหลัง #{hunt.pk}", f"hunt #{hunt.pk}")
    }
    alerts = reviewer.get("/api/monitoring/alerts/").json()["results"]
    assert alerts and all(a["hunt"] == hunt.pk for a in alerts)


def test_an_alert_found_by_detection_has_no_hunt_in_the_api(api_logs):
    log_alerts.detect()
    alerts = _api(api_logs.users["auditor"]).get("/api/monitoring/alerts/").json()["results"]
    assert alerts and {(a["hunt"], a["found_by_th"], a["found_by_en"]) for a in alerts} == {
        (None, None, None)
    }


@pytest.mark.parametrize("role", ["collector", "auditor"])
def test_the_api_refuses_a_hunt_to_who_may_not_review(api_logs, role):
    c = _api(api_logs.users[role])
    assert c.post("/api/monitoring/hunts/", {}, format="json").status_code == 403
    assert not Hunt.objects.exists()
    assert c.get("/api/monitoring/hunts/").status_code == 200  # they may see the hunts


@pytest.mark.parametrize(
    "body", [{"start": "2013-03-06", "end": "2013-03-05"}, {"start": "yesterday"}, {"end": "2013-13-01"}]
)
def test_a_bad_period_is_400(api_logs, body):
    r = _api(api_logs.users["reviewer"]).post("/api/monitoring/hunts/", body, format="json")
    assert r.status_code == 400 and not Hunt.objects.exists()


def test_an_unknown_hunt_is_404_in_the_api(api_logs):
    assert _api(api_logs.users["reviewer"]).get("/api/monitoring/hunts/99/").status_code == 404
