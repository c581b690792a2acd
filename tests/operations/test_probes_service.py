"""Probes through the services: adding (bad input refused, nothing stored), running against real
servers on loopback with the result's content fields filled, incidents opened and closed, run_due
picking only the probes that are due, and availability from the stored results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import AuditEntry
from lakthan.operations.models import Incident, Probe, ProbeResult
from lakthan.operations.services import availability as av
from lakthan.operations.services import probes as svc
from tests.operations import probe_fixtures
from tests.operations.probe_fixtures import ETAG, HOME_TEXT, refused_port

web = probe_fixtures.web
tls_sites = probe_fixtures.tls_sites
pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_add_probe_validates_and_audits(org):
    p = svc.add_probe(
        "portal", org.division, url="https://portal.example.go.th/", expect_text="ยินดี", actor="t"
    )
    assert p.kind == "http" and p.every_s == 300 and p.expect_status == 200
    assert AuditEntry.objects.filter(action="operations.probe.add", object_id=str(p.pk), actor="t").exists()
    t = svc.add_probe("mail", org.division, tcp="[2001:db8::25]:25", every_s=60)
    assert (t.kind, t.host, t.port, svc.target(t)) == ("tcp", "2001:db8::25", 25, "[2001:db8::25]:25")
    bad = [
        dict(name="portal", url="http://a/"),  # the name is taken
        dict(name="x1", url="http://a/", tcp="a:1"),
        dict(name="x2"),
        dict(name="x3", url="ftp://a/"),
        dict(name="x4", tcp="host"),
        dict(name="x5", url="http://a/", every_s=5),
        dict(name="x6", url="http://a/", timeout_s=0),
        dict(name="x7", url="http://a/", status=42),
        dict(name="x8", url="https://a/", ca_file="/nonexistent/ca.pem"),
        dict(name="x9", tcp="a:25", expect_text="220"),
    ]
    for kw in bad:
        name = kw.pop("name")
        with pytest.raises(InvalidInput):
            svc.add_probe(name, org.division, **kw)
    assert Probe.objects.count() == 2
    with pytest.raises(NotFound):
        svc.get_probe("nothing")


def test_run_probe_records_the_body_hash_and_headers(org, web):
    p = svc.add_probe("home", org.division, url=web + "/", expect_text=HOME_TEXT, timeout_s=5)
    r = svc.run_probe(p, at=T0)
    assert r.up and r.at == T0 and r.status_code == 200 and r.detail == "status 200"
    assert len(r.content_sha256) == 64 and r.etag == ETAG
    assert r.last_modified == datetime(2026, 10, 21, 7, 28, tzinfo=UTC)
    assert not Incident.objects.exists()


def test_incidents_open_on_the_first_down_and_close_on_the_next_up(org, web):
    p = svc.add_probe("svc", org.division, url=web + "/", every_s=60)
    svc.record_result(p, T0, True, "status 200")
    svc.record_result(p, T0 + timedelta(minutes=1), False, "status 503, expected 200", status_code=503)
    svc.record_result(p, T0 + timedelta(minutes=2), False, "connection refused")
    (incident,) = Incident.objects.filter(probe=p)
    assert incident.opened_at == T0 + timedelta(minutes=1) and incident.closed_at is None
    assert incident.detail == "status 503, expected 200"
    svc.record_result(p, T0 + timedelta(minutes=3), True, "status 200")
    incident.refresh_from_db()
    assert incident.closed_at == T0 + timedelta(minutes=3)
    svc.record_result(p, T0 + timedelta(minutes=4), False, "timed out after 10 s")
    assert Incident.objects.filter(probe=p).count() == 2
    assert Incident.objects.filter(probe=p, closed_at__isnull=True).count() == 1
    assert AuditEntry.objects.filter(action="operations.incident.close").count() == 1
    # a result older than the newest is kept for availability but leaves the incidents alone
    svc.record_result(p, T0 - timedelta(minutes=10), True)
    assert Incident.objects.filter(probe=p, closed_at__isnull=True).count() == 1
    with pytest.raises(InvalidInput):
        svc.record_result(p, T0, True)  # one result per instant


def test_a_first_result_down_opens_an_incident(org):
    p = svc.add_probe("tcp", org.division, tcp=f"127.0.0.1:{refused_port()}", timeout_s=2)
    r = svc.run_probe(p, at=T0)
    assert not r.up and r.detail == "connection refused"
    assert Incident.objects.get(probe=p).opened_at == T0


def test_a_tls_warning_shows_in_the_list_rows(org, tls_sites):
    soon = svc.add_probe("soon", org.division, url=tls_sites.urls["soon"], ca_file=tls_sites.ca_file)
    fine = svc.add_probe("fine", org.division, url=tls_sites.urls["fine"], ca_file=tls_sites.ca_file)
    untrusted = svc.add_probe("untrusted", org.division, url=tls_sites.urls["fine"])
    for p in (soon, fine, untrusted):
        svc.run_probe(p)
    rows = {r["name"]: r for r in svc.probe_rows(svc.visible_probes(None))}
    assert rows["soon"]["last_status"] == "up" and rows["soon"]["tls_days_left"] == 12
    assert rows["soon"]["tls_warning"] is True
    assert rows["fine"]["tls_warning"] is False and rows["fine"]["tls_days_left"] == 200
    assert rows["untrusted"]["last_status"] == "down"
    assert rows["untrusted"]["last_detail"].startswith("certificate not trusted")


def test_run_due_runs_only_the_due_probes_and_survives_a_failing_one(org, web):
    now = datetime.now(UTC).replace(microsecond=0)
    due = svc.add_probe("due", org.division, url=web + "/", every_s=300)
    fresh = svc.add_probe("fresh", org.division, url=web + "/", every_s=300)
    svc.add_probe("never", org.division, tcp=web.removeprefix("http://"), every_s=60)
    broken = svc.add_probe("broken", org.division, url=web + "/", every_s=60)
    paused = svc.add_probe("paused", org.division, url=web + "/", every_s=60)
    Probe.objects.filter(pk=paused.pk).update(active=False)
    Probe.objects.filter(pk=broken.pk).update(url="not a url")  # its check raises
    svc.record_result(due, now - timedelta(seconds=400), True)
    svc.record_result(fresh, now - timedelta(seconds=100), True)
    assert {p.name for p in svc.due_probes(now)} == {"due", "never", "broken"}
    assert svc.run_due(now) == 2
    assert ProbeResult.objects.filter(at=now).count() == 2
    assert set(ProbeResult.objects.filter(at=now).values_list("probe__name", flat=True)) == {"due", "never"}
    assert svc.due_probes(now + timedelta(seconds=20)) == [broken]


def test_availability_from_stored_results_by_bangkok_month(org):
    p = svc.add_probe("s", org.division, url="http://example.invalid/", every_s=300)
    t = datetime.fromisoformat("2026-01-31T23:50:00+07:00")
    for i, up in enumerate([True, True, False, True]):
        svc.record_result(p, t + timedelta(minutes=5 * i), up)
    data = av.availability(p, date(2026, 1, 1), date(2026, 2, 28), now=datetime(2026, 3, 5, tzinfo=UTC))
    assert data["probe"] == "s" and data["from"] == "2026-01-01" and data["to"] == "2026-02-28"
    jan, feb = data["months"]
    assert jan == {"month": "2026-01", "up_s": 600, "down_s": 0, "unknown_s": 31 * 86400 - 600, "ratio": 1.0}
    assert feb["up_s"] == 15 * 60 + 0 and feb["down_s"] == 5 * 60
    assert data["up_s"] == 600 + 900 and data["ratio"] == pytest.approx(1500 / 1800)
    assert data["unknown_s"] + data["up_s"] + data["down_s"] == 59 * 86400
    with pytest.raises(InvalidInput):
        av.availability(p, date(2026, 2, 1), date(2026, 1, 1))


def test_uptime_picture_colours_each_day(org):
    p = svc.add_probe("s", org.division, url="http://example.invalid/", every_s=3600)
    day1 = datetime.fromisoformat("2026-04-01T00:00:00+07:00")
    for h in range(24):  # 1 April up all day
        svc.record_result(p, day1 + timedelta(hours=h), True)
    svc.record_result(p, day1 + timedelta(days=1), False)  # 2 April: down 3 h, then unknown
    svc.record_result(p, day1 + timedelta(days=2), False)  # 3 April: down, then up
    svc.record_result(p, day1 + timedelta(days=2, hours=1), True)
    svg = av.uptime_svg(p, date(2026, 4, 1), date(2026, 4, 5), now=datetime(2026, 5, 1, tzinfo=UTC)).decode()
    states = [s.split('"')[0] for s in svg.split('data-state="')[1:]]
    assert states == ["up", "down", "partly", "unknown", "unknown"]
    assert "เม.ย. ๖๙" in svg and "%" in svg
    png = av.uptime_png(p, date(2026, 4, 1), date(2026, 4, 5))
    assert png.startswith(b"\x89PNG")
