"""The backup page's buttons: each starts a background job (lakthan.core.jobs) that calls the same
service as the CLI on a real restic repository; the job's result lands on the system's page. Who may
press which button, and the refusals of everyone else."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from lakthan.backups.engines.restic import Restic
from lakthan.backups.models import BackupRun, BackupSystem, RestoreTest, Verification
from lakthan.core.models import AuditEntry, BackgroundJob, RoleGrant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def immediate_huey():
    """Jobs run inside the request that starts them (huey's immediate mode, in memory)."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before


@pytest.fixture
def people(org):
    """One account per role, granted in the bureau (B, above B-IT), and one of another unit (X)."""
    users = {}
    for role in ("admin", "reviewer", "auditor"):
        users[role] = get_user_model().objects.create_user(f"{role}-b", password="a-long-test-password")
        RoleGrant.objects.create(user=users[role], unit=org.bureau, role=role)
    users["stranger"] = get_user_model().objects.create_user("admin-x", password="a-long-test-password")
    RoleGrant.objects.create(user=users["stranger"], unit=org.other, role="admin")
    return users


@pytest.fixture
def web(make_system, data_dir):
    return make_system("web", paths=[str(data_dir)])


def as_user(client, user):
    client.force_login(user)
    return client


def press(client, django_capture_on_commit_callbacks, url):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url)


def test_a_reviewer_backs_up_verifies_and_restore_tests_from_the_page(
    client, people, web, immediate_huey, django_capture_on_commit_callbacks
):
    c = as_user(client, people["reviewer"])
    page = c.get("/backups/systems/web/").content.decode()
    assert "สำรองข้อมูลทันที</button>" in page and "ทดสอบกู้คืน</button>" in page
    assert "/backups/systems/web/edit/" not in page  # editing is for those who manage the unit

    response = press(c, django_capture_on_commit_callbacks, "/backups/systems/web/run/")
    assert response.status_code == 302 and response["Location"] == "/backups/systems/web/#jobs"
    run = BackupRun.objects.get(system=web)
    assert (run.status, run.trigger) == ("ok", "web")
    assert [s.id for s in Restic(web.repository, password_file=web.password_file).snapshots()] == [
        run.snapshot_id
    ]
    job = BackgroundJob.objects.get(kind="backup.run")
    assert (job.state, job.target, job.requested_by, job.percent) == ("succeeded", "web", "reviewer-b", 100)
    assert job.result == {
        "run": run.pk,
        "status": "ok",
        "snapshot": run.snapshot_id,
        "files": 3,
        "bytes_added": run.bytes_added,
        "seconds": round(run.duration, 2),
    }
    assert AuditEntry.objects.filter(action="backup.run", actor="reviewer-b").count() == 1

    press(c, django_capture_on_commit_callbacks, "/backups/systems/web/verify/")
    press(c, django_capture_on_commit_callbacks, "/backups/systems/web/restore-test/")
    v, t = Verification.objects.get(system=web), RestoreTest.objects.get(system=web)
    assert (v.ok, v.subset, v.trigger) == (True, "1/10", "web")
    assert (t.ok, t.files_restored, t.trigger) == (True, 3, "web")

    page = c.get("/backups/systems/web/").content.decode()
    assert f"สำรองข้อมูลสำเร็จ: snapshot {run.snapshot_id[:8]} 3 ไฟล์" in page
    assert "ตรวจสอบคลังส่วน 1/10 ผ่าน (รอบที่ 1 อ่านแล้ว 10% ของคลัง)" in page
    assert f"ทดสอบกู้คืนผ่าน: กู้คืน snapshot {run.snapshot_id[:8]} ได้ 3/3 ไฟล์" in page
    assert "data-job-poll" not in page  # nothing left to wait for
    english = c.get("/backups/systems/web/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "restore test passed: restored snapshot" in english


def test_a_job_that_cannot_be_done_says_why_in_thai_and_english(
    client, people, web, immediate_huey, django_capture_on_commit_callbacks
):
    c = as_user(client, people["reviewer"])
    press(
        c, django_capture_on_commit_callbacks, "/backups/systems/web/restore-test/"
    )  # nothing backed up yet
    job = BackgroundJob.objects.get(kind="backup.restore_test")
    assert job.state == "failed"
    assert (job.error_th, job.error_en) == ("ระบบ web ยังไม่มีข้อมูลสำรอง", "web has no snapshot to restore")
    assert "ระบบ web ยังไม่มีข้อมูลสำรอง" in c.get("/backups/systems/web/").content.decode()


def test_a_failed_backup_fails_its_job_with_restics_reason(
    client, people, web, data_dir, immediate_huey, django_capture_on_commit_callbacks
):
    import shutil

    shutil.rmtree(data_dir)
    press(as_user(client, people["admin"]), django_capture_on_commit_callbacks, "/backups/systems/web/run/")
    job = BackgroundJob.objects.get(kind="backup.run")
    assert job.state == "failed" and job.result["status"] == "failed"
    assert job.result_th.startswith("สำรองข้อมูลไม่สำเร็จ: none of the source paths exists")


def test_those_who_may_not_run_checks_are_refused(
    client, people, web, immediate_huey, django_capture_on_commit_callbacks
):
    auditor = as_user(client, people["auditor"])
    assert 'data-testid="run-backup"' not in auditor.get("/backups/systems/web/").content.decode()
    for action in ("run", "verify", "restore-test"):
        url = f"/backups/systems/web/{action}/"
        auditor = as_user(client, people["auditor"])
        assert press(auditor, django_capture_on_commit_callbacks, url).status_code == 403
        stranger = as_user(client, people["stranger"])  # another unit's admin: no such system for them
        assert press(stranger, django_capture_on_commit_callbacks, url).status_code == 404
        reviewer = as_user(client, people["reviewer"])
        assert reviewer.get(url).status_code == 405  # a GET never starts work
        client.logout()
        assert press(client, django_capture_on_commit_callbacks, url).status_code == 302  # to sign in
    assert not BackgroundJob.objects.exists()
    assert not BackupRun.objects.exists() and not Verification.objects.exists()


def test_a_queued_job_is_polled_and_two_clicks_make_one_backup(
    client, people, web, django_capture_on_commit_callbacks
):
    """Without a worker the job waits, queued; the page polls its fragment until the worker ran it."""
    from lakthan.core import jobs

    c = as_user(client, people["reviewer"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        c.post("/backups/systems/web/run/")
        c.post("/backups/systems/web/run/")
    job = BackgroundJob.objects.get()
    assert len(queued) == 1 and job.state == "queued"
    page = c.get("/backups/systems/web/").content.decode()
    assert f'data-job-poll="/jobs/{job.pk}/"' in page and "/static/core/jobs.js" in page
    fragment = c.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-job-state="queued"' in fragment and "รอ lakthan worker" in fragment
    assert as_user(client, people["stranger"]).get(f"/jobs/{job.pk}/").status_code == 404

    jobs.run(job.pk)  # what the worker does
    assert jobs.run(job.pk) is None  # a job is run once
    fragment = as_user(client, people["auditor"]).get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-job-state="succeeded"' in fragment and "data-job-poll" not in fragment
    assert "สำรองข้อมูลสำเร็จ" in fragment and BackupRun.objects.get().status == "ok"


def test_an_administrator_adds_and_edits_a_backup_of_an_inventory_system(client, org, people, data_dir):
    from lakthan.inventory import services as inventory

    inventory.add_system("hr", name_th="ระบบบุคลากร", unit=org.division, klass="intranet")
    admin = as_user(client, people["admin"])
    assert "ระบบบุคลากร" in admin.get("/backups/systems/add/").content.decode()
    refused = admin.post(
        "/backups/systems/add/", {"system": "hr", "source": "paths", "paths": "/no/such/dir"}
    ).content.decode()
    assert "ไม่พบเส้นทาง /no/such/dir" in refused and not BackupSystem.objects.exists()
    response = admin.post(
        "/backups/systems/add/",
        {
            "system": "hr",
            "source": "paths",
            "paths": f"{data_dir}\n",
            "min_per_window": "1",
            "window": "day",
            "override_reason": "ข้อมูลเปลี่ยนทุกวัน",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/backups/systems/hr/"
    hr = BackupSystem.objects.get(name="hr")
    assert (hr.system.name_th, hr.paths, hr.min_per_window, hr.window) == (
        "ระบบบุคลากร",
        [str(data_dir)],
        1,
        "day",
    )
    assert Restic(hr.repository, password_file=hr.password_file).exists()

    edit = {
        "paths": str(data_dir),
        "window": "month",
        "override_reason": "",
        "keep_daily": "7",
        "keep_weekly": "60",
        "keep_monthly": "24",
        "active": "on",
    }
    refused = admin.post("/backups/systems/hr/edit/", edit).content.decode()
    assert "การกำหนดนโยบายเฉพาะระบบต้องระบุเหตุผล" in refused
    hr.refresh_from_db()
    assert hr.window == "day"
    response = admin.post("/backups/systems/hr/edit/", {**edit, "window": "", "min_per_window": ""})
    assert response.status_code == 302
    hr.refresh_from_db()
    assert (hr.window, hr.min_per_window, hr.override_reason, hr.keep_weekly) == ("", None, "", 60)
    assert AuditEntry.objects.filter(action="backup.system.update", actor="admin-b").count() == 1


def test_only_those_who_manage_the_unit_add_edit_or_import(client, people, web, org):
    from lakthan.inventory import services as inventory

    inventory.add_system("hr", name_th="ระบบบุคลากร", unit=org.division, klass="intranet")
    reviewer = as_user(client, people["reviewer"])
    assert "/backups/systems/add/" not in reviewer.get("/backups/").content.decode()
    assert reviewer.get("/backups/systems/add/").status_code == 403
    assert (
        reviewer.post(
            "/backups/systems/add/", {"system": "hr", "source": "paths", "paths": "/tmp"}
        ).status_code
        == 403
    )
    assert reviewer.post("/backups/systems/web/edit/", {"keep_daily": "1"}).status_code == 403
    assert (
        reviewer.post("/backups/systems/web/import/", {"repo": "/tmp", "password_file": "/tmp/x"}).status_code
        == 403
    )
    stranger = as_user(client, people["stranger"])  # an admin elsewhere: hr is not theirs to pick
    assert "ระบบบุคลากร" not in stranger.get("/backups/systems/add/").content.decode()
    assert stranger.get("/backups/systems/web/edit/").status_code == 404
    assert not BackgroundJob.objects.exists() and not BackupSystem.objects.filter(name="hr").exists()


def test_an_administrator_imports_an_existing_repository_as_a_job(
    client, people, web, data_dir, tmp_path, immediate_huey, django_capture_on_commit_callbacks
):
    from tests.backups.conftest import cheap_repository

    repo, key = tmp_path / "old-repo", tmp_path / "old.key"
    cheap_repository(repo, key)
    old = Restic(repo, password_file=key)
    old.backup([data_dir], tags=["legacy"])
    old.backup([data_dir], tags=["legacy"])
    admin = as_user(client, people["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/backups/systems/web/import/", {"repo": str(repo), "password_file": str(key), "tag": "legacy"}
        )
    assert response.status_code == 302
    job = BackgroundJob.objects.get(kind="backup.import")
    assert (job.state, job.result["imported"]) == ("succeeded", 2)
    web.refresh_from_db()
    assert web.repository == str(repo) and web.snapshots.filter(origin="import").count() == 2
    assert f"นำเข้า 2 snapshot จากคลัง {repo} แล้ว" in admin.get("/backups/systems/web/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            "/backups/systems/web/import/", {"repo": str(tmp_path / "none"), "password_file": str(key)}
        )
    failed = BackgroundJob.objects.filter(kind="backup.import").first()
    assert failed.state == "failed" and failed.error_th == f"ไม่พบคลังสำรองข้อมูลที่ {tmp_path / 'none'}"
