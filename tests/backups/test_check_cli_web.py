"""The item-1 check, the CLI, alerts and the web pages, on systems with real restic history."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from click.testing import CliRunner
from django.utils import timezone
from PIL import Image

from lakthan.backups.checks import URN
from lakthan.backups.services.runs import import_snapshots, run_backup
from lakthan.backups.services.verify import restore_test, verify
from lakthan.checks.services import propose_results, run_check
from lakthan.core.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def mondays_and_thursdays(skip_weeks=()):
    """01:00 Bangkok on Monday and Thursday of every week of FY 2556 (+ the week crossing into 2557)."""
    out, monday = [], date(2012, 10, 1)
    while monday <= date(2013, 9, 30):
        if monday not in skip_weeks:
            for d in (monday, monday + timedelta(days=3)):
                out.append(datetime(d.year, d.month, d.day, 1, 0, tzinfo=UTC) - timedelta(hours=7))
        monday += timedelta(days=7)
    return out


@pytest.fixture(scope="module")
def fy_repos(tmp_path_factory):
    """Two restic repositories with FY 2556 history made once for the module (`backup --time`):
    intranet twice a week with the weeks of 14 Jan and 15 Apr 2013 missed; internet monthly."""
    from concurrent.futures import ThreadPoolExecutor

    from lakthan.backups.demo import use_cheap_key
    from lakthan.backups.engines.restic import Restic

    root = tmp_path_factory.mktemp("fy-repos")
    data = root / "data"
    data.mkdir()
    (data / "records.csv").write_text("id\n" + "".join(f"{i}\n" for i in range(500)))
    missed = (date(2013, 1, 14), date(2013, 4, 15))
    monthly = [
        datetime(2012 + (m < 10), m, 5, 2, tzinfo=UTC) for m in (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)
    ]
    plans = {"pibics": mondays_and_thursdays(missed), "site": monthly}

    def make(name):
        repo, key = root / name, root / f"{name}.key"
        key.write_text(f"pw-{name}")
        restic = Restic(repo, password_file=key)
        restic.init()
        use_cheap_key(repo, f"pw-{name}".encode())
        for t in plans[name]:
            restic.backup([data], time=t)
        return str(repo), str(key)

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(plans, pool.map(make, plans), strict=True)) | {"data": str(data)}


@pytest.fixture
def history(make_system, fy_repos):
    """The two repositories adopted by two systems of the unit (`backup import`)."""
    systems = []
    for name, klass, extra in (("pibics", "intranet", {}), ("site", "internet", {})):
        system = make_system(
            name, klass=klass, paths=[fy_repos["data"]], in_service_from=date(2026, 1, 1), **extra
        )
        repo, key = fy_repos[name]
        import_snapshots(system, repo=repo, password_file=key)
        system.refresh_from_db()
        systems.append(system)
    return tuple(systems)


def test_check_no_data_without_systems(org):
    run = run_check(URN, org.report)
    assert run.status == "no_data" and run.figures["per_criterion"] == {"1": "no_data"}


def test_check_partly_names_the_missed_windows_and_stores_its_artefacts(org, history):
    intranet, internet = history
    at = datetime(2013, 9, 20, 3, tzinfo=UTC)
    for system in history:
        assert verify(system, "1/1", at=at).ok
        assert restore_test(system, at=at).ok
    run = run_check(URN, org.report)
    assert run.status == "partly"
    assert run.figures["windows_missed"] == 2
    assert run.figures["missed"] == {
        "pibics": [["2013-01-14", "2013-01-20", 0, 2], ["2013-04-15", "2013-04-21", 0, 2]]
    }
    assert (
        "14 ม.ค. 2556 – 20 ม.ค. 2556" in run.summary_th
        and "2013-01-14" in run.summary_en
        and "pibics" in run.summary_en
    )
    assert run.figures["per_criterion"] == {"1": "partly"}
    files = {
        e.revisions.first().filename: e
        for e in org.report.round.agreement.unit.evidence.filter(check_run=run)
    }
    assert set(files) == {"backup-compliance.csv", "backup-compliance.pdf", "backup-calendar.png"}
    from lakthan.evidence.services import blob_store

    csv_text = (
        blob_store().open(files["backup-compliance.csv"].revisions.first().blob_id).read().decode("utf-8-sig")
    )
    assert "2013-01-14..2013-01-20 (0/2)" in csv_text
    png = Image.open(blob_store().open(files["backup-calendar.png"].revisions.first().blob_id))
    assert png.width > 365 and png.height > 2 * 20
    assert propose_results(org.report)[1][0] in ("met", "not_met")  # partly never fails the item on its own


def test_check_met_when_every_window_met_and_everything_verified(org, make_system, fy_repos):
    # the internet system alone, its month policy met in every month of the round
    system = make_system("site", klass="internet", paths=[fy_repos["data"]])
    import_snapshots(system, repo=fy_repos["site"][0], password_file=fy_repos["site"][1])
    at = datetime(2013, 9, 1, tzinfo=UTC)
    assert verify(system, "1/1", at=at).ok
    assert restore_test(system, at=at).ok
    run = run_check(URN, org.report)
    assert run.status == "met", run.summary_en
    assert run.figures["windows_judged"] == 12 and run.figures["windows_missed"] == 0


def test_check_not_met_when_nothing_was_verified(org, history):
    run = run_check(URN, org.report)
    assert run.status == "not_met"
    assert run.figures["unverified"] == ["pibics", "site"]


def test_cli_compliance_json_and_one_line_errors(org, history):
    from lakthan.backups.cli import backup

    result = CliRunner().invoke(
        backup, ["compliance", "pibics", "--from", "2012-10-01", "--to", "2013-09-30", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["system"] == "pibics" and data["policy"]["window"] == "iso_week"
    assert data["missed"] == [
        {"start": "2013-01-14", "end": "2013-01-20", "actual": 0},
        {"start": "2013-04-15", "end": "2013-04-21", "actual": 0},
    ]
    assert len(data["windows"]) == 53 and data["percent_met"] == round(100 * 51 / 53, 1)
    bad = CliRunner().invoke(backup, ["compliance", "pibics", "--from", "2013-13-01", "--to", "2013-09-30"])
    assert isinstance(bad.exception, InvalidInput)
    missing = CliRunner().invoke(backup, ["run", "nope"])
    assert isinstance(missing.exception, NotFound)


def test_alerts_go_by_mail_and_webhook(org, make_system, data_dir, settings, mailoutbox):
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.handle_request, daemon=True).start()
    settings.LAKTHAN_BACKUP_ALERT_EMAILS = ["it@example.invalid"]
    settings.LAKTHAN_BACKUP_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hook"
    settings.LAKTHAN_WEBHOOK_TRUSTED_NETWORKS = ["127.0.0.0/8"]
    system = make_system("alerting", paths=[str(data_dir)])
    run_backup(system)
    from lakthan.backups.services.alerts import scan_windows

    # a Sunday with one backup of the two the week needs: the window is about to be missed
    today = timezone.localdate()
    sunday = today + timedelta(days=6 - today.weekday())
    alerts = scan_windows(today=sunday)
    assert [a.kind for a in alerts] == ["window_at_risk"]
    assert alerts[0].emailed and alerts[0].webhook_sent
    assert len(mailoutbox) == 1 and "alerting" in mailoutbox[0].subject
    assert received[0]["system"] == "alerting" and received[0]["kind"] == "window_at_risk"
    assert scan_windows(today=sunday) == []  # announced once
    server.server_close()


def test_web_pages(client, org, history, django_user_model, settings):
    settings.LAKTHAN_REQUIRE_2FA = False  # page tests sign in with a password only
    user = django_user_model.objects.create_user("staff", password="x" * 12, is_staff=True)
    client.force_login(user)
    page = client.get("/backups/")
    assert page.status_code == 200 and "pibics" in page.content.decode()
    detail = client.get("/backups/systems/pibics/?fy=2556").content.decode()
    assert "2013" in detail or "๒๕๕๖" in detail
    svg = client.get("/backups/systems/pibics/calendar.svg?fy=2556")
    assert svg["Content-Type"] == "image/svg+xml" and b"<title>2013-01-14" in svg.content
    rnd = client.get("/backups/units/B/fy/2556/round/12/")
    assert rnd.status_code == 200 and "pibics" in rnd.content.decode()
    assert client.get("/backups/units/B/fy/2556/round/12/calendar.svg").status_code == 200
    assert client.get("/backups/restore-tests/").status_code == 200
    assert client.get("/backups/systems/nope/").status_code == 404
    outsider = django_user_model.objects.create_user("out", password="y" * 12)
    client.force_login(outsider)
    assert client.get("/backups/systems/pibics/").status_code == 404
