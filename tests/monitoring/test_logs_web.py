"""Logs in the browser (issue 15.9): seal and verify started by an administrator and run by the worker,
their outcome on the overview; the events page in pages of 100 with the fields as columns; Lakthan's
own audit events as sentences."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from lakthan.core.models import AuditEntry
from lakthan.monitoring import audit_log
from lakthan.monitoring.models import Segment
from lakthan.monitoring.services import home, ingest, jobs
from lakthan.monitoring.services import hosts as log_hosts
from lakthan.monitoring.services import seal as sealing


def _lines(n: int, host: str = "web01", day: str = "2013-03-06") -> list[str]:
    return [
        f"<38>1 {day}T11:{i // 60:02d}:{i % 60:02d}+07:00 {host} sshd {i} - - Accepted password for u{i} from 10.0.0.{i % 250} port 1 ssh2"
        for i in range(n)
    ]


@pytest.fixture
def hosts(org):
    log_hosts.add_host("web01", "B-IT")
    log_hosts.add_host("other01", "X")
    return org


@pytest.fixture
def admin(client, db):
    user = get_user_model().objects.create_user("boss", password="x" * 12, is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def supervisor(hosts, client):
    user = get_user_model().objects.create_user("supervisor-b", password="x" * 12)
    hosts.supervisor.user = user  # may decide for B-IT's hosts: still not an administrator
    hosts.supervisor.save()
    client.force_login(user)
    return client


def _overview(client, lang: str = "en") -> str:
    return client.get("/monitoring/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()


# --- seal and verify from the browser ---------------------------------------------------------------


def test_an_administrator_seals_from_the_page_and_sees_the_segment(hosts, admin, huey_immediate):
    ingest.ingest_lines(_lines(30), "syslog")
    assert admin.post("/monitoring/seal").status_code == 302
    segment = Segment.objects.get()
    job = jobs.last("seal")
    assert job["state"] == "done" and job["segment"] == segment.index and job["requested_by"] == "boss"
    assert segment.count >= 30  # the lines, and the audit entries written before them
    page = _overview(admin)
    assert f"Segment {segment.index} sealed with {segment.count} events" in page
    assert AuditEntry.objects.filter(action="logs.seal_request", actor="boss").exists()


def test_a_seal_with_nothing_new_says_so(hosts, admin, huey_immediate):
    ingest.ingest_lines(_lines(3), "syslog")
    sealing.seal()
    admin.post("/monitoring/seal")
    job = jobs.last("seal")
    assert job["state"] == "done" and job["segment"] is None
    assert "There was nothing new to seal." in _overview(admin)
    assert Segment.objects.count() == 1


def test_a_failed_seal_is_named_on_the_page(hosts, admin, huey_immediate):
    ingest.ingest_lines(_lines(5), "syslog")
    sealing.seal()
    (home.log_home() / "segments" / "00000001.json").unlink()  # the store is damaged
    ingest.ingest_lines(_lines(5, day="2013-03-07"), "syslog")
    admin.post("/monitoring/seal")
    job = jobs.last("seal")
    assert job["state"] == "failed" and "00000001.json" in job["error_en"]
    assert "00000001.json" in _overview(admin, "th")
    assert "คลังบันทึกการใช้งานเสียหาย" in _overview(admin, "th")


def test_verification_from_the_page_names_the_altered_segment(hosts, admin, huey_immediate):
    ingest.ingest_lines(_lines(20), "syslog")
    sealing.seal()
    path = home.log_home() / "segments" / "00000001.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.chmod(0o644)
    path.write_bytes(bytes(data))
    assert admin.post("/monitoring/verify").status_code == 302
    job = jobs.last("verify")
    assert job["state"] == "failed" and job["intact"] is False and job["problems"] >= 1
    page = _overview(admin)
    assert "Problems found" in page and re.search(r"<td class=\"num\">1</td>", page)


def test_a_job_waiting_for_the_worker_is_shown_and_not_asked_twice(hosts, admin):
    jobs.request("verify", actor="boss")  # no worker runs here: it stays queued
    page = _overview(admin)
    assert 'data-state="queued"' in page and "waiting for the worker" in page
    assert re.search(r'action="/monitoring/verify".*?<button type="submit" class="primary" disabled>', page)
    r = admin.post("/monitoring/verify", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "already queued or running" in r.content.decode()
    assert AuditEntry.objects.filter(action="logs.verify_request").count() == 1


@pytest.mark.parametrize("kind", ["seal", "verify"])
def test_only_administrators_seal_or_verify(supervisor, kind):
    assert supervisor.post(f"/monitoring/{kind}").status_code == 403
    assert jobs.last(kind) is None
    page = _overview(supervisor)
    assert f'action="/monitoring/{kind}"' not in page and "Seal now" not in page


def test_a_get_does_not_start_a_job(hosts, admin):
    assert admin.get("/monitoring/seal").status_code == 405
    assert jobs.last("seal") is None


def test_others_get_no_add_a_host_button(supervisor):
    assert 'href="/inventory/hosts/add/"' not in _overview(supervisor)


def test_an_administrator_gets_the_add_a_host_button(hosts, admin):
    assert 'href="/inventory/hosts/add/"' in _overview(admin)


# --- the events page --------------------------------------------------------------------------------


@pytest.fixture
def many(hosts):
    ingest.ingest_lines(_lines(250), "syslog")
    ingest.ingest_lines(_lines(3, host="other01"), "syslog")
    ingest.ingest_lines(["this line has no syslog header at all"], "auto", host="web01")
    for entry in AuditEntry.objects.order_by("pk"):  # what the audit sink writes once a change commits
        audit_log.write(entry)
    sealing.seal()
    return hosts


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body, re.S)


def test_250_events_are_three_pages_with_the_filters_kept(many, admin):
    query = {"host": "web01", "q": "accepted password", "from": "2013-03-06", "to": "2013-03-06"}
    first = admin.get("/monitoring/events/", query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(_rows(first)) == 100 and "Events 1–100 of 250" in first and "Page 1 of 3" in first
    assert "u249 " in first and "u149 " not in first  # newest first
    nxt = re.search(r'<a rel="next" href="\?([^"]+)"', first).group(1).replace("&amp;", "&")
    assert 'rel="prev"' not in first
    for kept in ("host=web01", "q=accepted+password", "from=2013-03-06", "to=2013-03-06", "page=2"):
        assert kept in nxt
    second = admin.get(f"/monitoring/events/?{nxt}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(_rows(second)) == 100 and "u149 " in second and "u249 " not in second
    assert 'rel="prev"' in second and "Page 2 of 3" in second
    third = admin.get("/monitoring/events/", {**query, "page": 3}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(_rows(third)) == 50 and "Events 201–250 of 250" in third and 'rel="next"' not in third
    beyond = admin.get(
        "/monitoring/events/", {**query, "page": 4}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "No events on this page" in beyond


def test_dates_are_typed_in_the_buddhist_era_in_thai(many, admin):
    """The Thai UI's inputs take and show day/month/B.E. year (Thai digits too); ISO still works in
    links; a C.E. year typed in that shape, or no date at all, is a 400."""
    iso = admin.get("/monitoring/events/", {"host": "web01", "from": "2013-03-06", "to": "2013-03-06"})
    thai = admin.get("/monitoring/events/", {"host": "web01", "from": "06/03/2556", "to": "๐๖/๐๓/๒๕๕๖"})
    assert iso.status_code == thai.status_code == 200
    assert (
        _rows(iso.content.decode()) == _rows(thai.content.decode())
        and len(_rows(iso.content.decode())) == 100
    )
    assert 'value="06/03/2556"' in thai.content.decode() and 'value="06/03/2556"' in iso.content.decode()
    other_day = admin.get("/monitoring/events/", {"host": "web01", "from": "07/03/2556", "to": "07/03/2556"})
    assert other_day.status_code == 200 and "<tbody>" not in other_day.content.decode()  # none that day
    for bad in ("06/03/2013", "31/02/2556", "yesterday"):
        assert admin.get("/monitoring/events/", {"host": "web01", "from": bad}).status_code == 400
    english = admin.get(
        "/monitoring/events/", {"host": "web01", "from": "2013-03-06"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert 'value="2013-03-06"' in english.content.decode()


def test_a_count_of_thousands_has_its_separators(many, admin):
    from django.template import Context, Template
    from django.utils import translation

    with translation.override("th"):
        assert Template("{% load thai %}{{ n|number }}").render(Context({"n": 34385})) == "๓๔,๓๘๕"
    with translation.override("en"):
        assert Template("{% load thai %}{{ n|number }}").render(Context({"n": 1234567})) == "1,234,567"


@pytest.mark.parametrize("page", ["0", "-1", "x", "1e9", "100001"])
def test_a_bad_page_number_is_a_400(many, admin, page):
    assert admin.get("/monitoring/events/", {"q": "a", "page": page}).status_code == 400


def test_the_fields_are_columns_and_the_rest_is_behind_details(many, admin):
    page = admin.get(
        "/monitoring/events/", {"host": "web01", "q": "u7 from"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    (row,) = _rows(page)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[0] == "6 Mar 2013 11:00" and cells[1] == "web01" and cells[2] == "sshd"
    assert "info" in cells[3]  # <38>: facility auth, severity 6
    assert cells[4].startswith("Accepted password for u7 from 10.0.0.7")
    assert "<details>" in cells[6] and "<dt>pid</dt><dd><code>7</code>" in cells[6]
    assert "<dt>user</dt><dd><code>u7</code>" in cells[6] and "<dt>src_ip</dt>" in cells[6]


def test_an_unparsed_line_is_marked(many, admin):
    page = admin.get("/monitoring/events/", {"q": "no syslog header"}, HTTP_ACCEPT_LANGUAGE="en")
    (row,) = _rows(page.content.decode())
    assert "this line has no syslog header at all" in row and "header not parsed" in row


def test_a_unit_member_pages_through_their_own_hosts_only(many, client):
    from lakthan.core.services import add_person

    user = get_user_model().objects.create_user("clerk", password="x" * 12)
    add_person(many.other, "ทดสอบ", "ผู้ใช้", user=user)
    client.force_login(user)
    page = client.get("/monitoring/events/", {"q": "accepted"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Events 1–3 of 3" in page and "web01" not in page.split("<tbody>")[1]


# --- the audit trail as sentences ---------------------------------------------------------------------


def test_audit_events_read_as_thai_sentences_not_json(many, admin):
    page = admin.get("/monitoring/events/", {"q": "inventory.host.add"}, HTTP_ACCEPT_LANGUAGE="th")
    text = page.content.decode()
    rows = _rows(text)
    assert len(rows) == 2  # web01 and other01 were added
    assert any("เพิ่มเครื่อง web01" in r for r in rows)
    assert '{"at"' not in text and "&quot;action&quot;" not in text
    assert re.search(r"system เพิ่มเครื่อง other01", text)
    english = admin.get("/monitoring/events/", {"q": "inventory.host.add"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "system added the host web01" in english.content.decode()


def test_describe_names_who_did_what_to_what_and_when_in_the_buddhist_era(settings):
    from django.utils import translation

    from lakthan.core import audit_text

    settings.LAKTHAN_THAI_DIGITS = False
    entry = {
        "at": "2026-12-04T03:15:00+00:00",
        "actor": "somchai",
        "action": "inventory.host.add",
        "object_type": "inventory.host",
        "object_id": "12",
        "after": {"name": "web01", "unit": 3},
    }
    with translation.override("th"):
        assert audit_text.describe(entry) == "4 ธ.ค. 2569 10:15 น.: somchai เพิ่มเครื่อง web01"
        assert audit_text.describe({**entry, "action": "auth.login"}).endswith("somchai เข้าสู่ระบบ")
        unknown = audit_text.describe({**entry, "action": "thing.frobnicate", "after": None})
        assert unknown.endswith("somchai thing.frobnicate inventory.host #12")
        assert audit_text.describe(entry, with_time=False) == "somchai เพิ่มเครื่อง web01"
    with translation.override("en"):
        assert audit_text.describe(entry) == "4 Dec 2026 10:15: somchai added the host web01"


def test_the_admin_audit_list_shows_the_sentence(hosts, db, client):
    user = get_user_model().objects.create_superuser("root", password="x" * 12)
    client.force_login(user)
    page = client.get("/admin/core/auditentry/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "system added the host web01" in page
