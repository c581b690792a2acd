"""Log files the worker reads every minute, added by an administrator from the page or the CLI (issue
15.9: sources from the browser)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lakthan.core.errors import InvalidInput
from lakthan.core.models import AuditEntry
from lakthan.monitoring.models import LogSource
from lakthan.monitoring.services import seal as sealing
from lakthan.monitoring.services import sources
from lakthan.monitoring.services.events import scan_events

from .test_logs_web import admin, hosts, supervisor  # noqa: F401 — fixtures

LINE = "<38>1 2013-03-06T11:00:{s:02d}+07:00 web01 sshd 1 - - Accepted password for u{s} from 10.0.0.{s} port 1 ssh2\n"


def _hosts_read() -> dict[str, int]:
    found = scan_events(columns=["host"])
    return dict(found["host"].value_counts().rows()) if found.height else {}


def test_a_source_is_read_from_where_it_was_left_and_a_bad_one_never_stops_the_others(db, tmp_path):
    good, gone = tmp_path / "web01.log", tmp_path / "gone.log"
    good.write_text("".join(LINE.format(s=s) for s in range(3)))
    gone.write_text(LINE.format(s=9))
    a, b = sources.add_source(str(gone), actor="t"), sources.add_source(str(good), fmt="syslog", actor="t")
    gone.unlink()  # removed after it was added: that source fails, the other is still read
    assert sources.read_sources() == 3
    a.refresh_from_db(), b.refresh_from_db()
    assert "gone.log" in a.last_error_en and a.last_error_th and a.last_read_at is not None
    assert (b.last_events, b.last_error_en) == (3, "")
    with good.open("a") as f:
        f.write(LINE.format(s=4))
    assert sources.read_sources() == 1  # only what is new
    sealing.seal()
    assert _hosts_read() == {"web01": 4}
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert "logsource.add" in actions


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("relative.log", "absolute path"),
        ("/no/such/file.log", "no readable file"),
        ("DIR", "no readable file"),
    ],
)
def test_a_source_that_is_no_readable_file_is_refused_in_both_languages(db, tmp_path, path, says):
    with pytest.raises(InvalidInput) as refused:
        sources.add_source(str(tmp_path) if path == "DIR" else path, actor="t")
    assert says in refused.value.message("en") and refused.value.message("th")
    assert not LogSource.objects.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_refused(db, tmp_path):
    secret = tmp_path / "secret.log"
    secret.write_text("x\n")
    secret.chmod(0)
    with pytest.raises(InvalidInput, match="no readable file"):
        sources.add_source(str(secret), actor="t")


def test_an_administrator_adds_and_removes_a_source_from_the_page(hosts, admin, tmp_path):  # noqa: F811
    log = tmp_path / "access.log"
    log.write_text('10.0.0.1 - - [06/Mar/2013:11:00:00 +0700] "GET / HTTP/1.1" 200 5 "-" "curl"\n')
    page = admin.get("/monitoring/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="sources"' in page and "Add a log file" in page
    added = admin.post(
        "/monitoring/sources/add", {"path": str(log), "fmt": "nginx", "host": "web01"}, follow=True
    )
    body = added.content.decode()
    assert f"<code>{log}</code>" in body and "not read yet" in body.replace("ยังไม่ได้อ่าน", "not read yet")
    source = LogSource.objects.get()
    assert (source.fmt, source.host_name, source.added_by) == ("nginx", "web01", "boss")
    sources.read_sources()
    assert "1 new events" in admin.get("/monitoring/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    refused = admin.post("/monitoring/sources/add", {"path": "/etc/../no-such.log"}, follow=True)
    assert "no readable file" in refused.content.decode() or "ไม่พบไฟล์" in refused.content.decode()
    admin.post(f"/monitoring/sources/{source.pk}/remove")
    assert not LogSource.objects.exists()


def test_only_administrators_add_or_remove_sources(supervisor, tmp_path):  # noqa: F811
    log = tmp_path / "a.log"
    log.write_text("x\n")
    assert supervisor.post("/monitoring/sources/add", {"path": str(log)}).status_code == 403
    assert 'id="sources"' not in supervisor.get("/monitoring/").content.decode()
    source = sources.add_source(str(log), actor="t")
    assert supervisor.post(f"/monitoring/sources/{source.pk}/remove").status_code == 403
    assert LogSource.objects.filter(pk=source.pk).exists()
    assert supervisor.get("/monitoring/sources/add").status_code == 405


def test_the_cli_adds_lists_and_removes_a_source(db, cli, tmp_path):
    log = tmp_path / "x.log"
    log.write_text(LINE.format(s=1))
    assert cli("logs", "source", "add", str(log), "--format", "syslog").exit_code == 0
    listed = cli("logs", "source", "list").output
    assert str(log) in listed and "not read yet" in listed
    assert cli("logs", "source", "add", str(log)).exit_code != 0  # once
    source = LogSource.objects.get()
    assert cli("logs", "source", "remove", str(source.pk)).exit_code == 0
    assert not LogSource.objects.exists()
    assert Path(log).exists()  # the file itself is never touched
