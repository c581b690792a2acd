"""The access pages: sources (page, add/edit, sync now as a background job), findings as of a day
(filters, counts, CSV, remediation of leavers with a dry-run first) and the HR roster (search,
imports, an upload refused with every bad row named and nothing changed), each limited to the
caller's units."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

pytestmark = pytest.mark.django_db

ROSTER = (
    "employee_id,title,first_name,last_name,unit,position,status,effective_date\n"
    "A01,นาย,สมศักดิ์,ทดลองใช้,A,นักวิชาการคอมพิวเตอร์,active,2012-10-01\n"
    "A02,นางสาว,กานดา,ลาออกแล้ว,A-1,เจ้าพนักงานธุรการ,resigned,2013-03-01\n"
    "A03,นาย,ประยูร,ย้ายไปแล้ว,A,นิติกร,transferred,2013-02-01\n"
    "B01,นาง,บุษบา,ต่างหน่วย,B,นักทรัพยากรบุคคล,retired,2013-01-01\n"
)


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def immediate_huey():
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before


@pytest.fixture
def agency(world, tmp_path):
    """World's bureaux A and B, a CSV source each, the roster of both imported."""
    from lakthan.access.services.roster import import_roster
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync
    from lakthan.inventory.services import add_system

    import_roster(ROSTER.encode(), "roster.csv", actor="hr")
    files = {
        "a-app": "username,employee_id,disabled,last_login,created\n"
        "somsak,A01,false,2013-09-20,2010-01-01\n"
        "kanda,A02,false,2013-09-01,2010-01-01\n"
        "prayoon,A03,false,2013-01-05,2010-01-01\n"
        "temp01,,false,2013-09-25,2010-01-01\n",
        "b-app": "username,employee_id,disabled\nbussaba,B01,false\nstranger,,false\n",
    }
    for unit, name in ((world.a, "a-app"), (world.b, "b-app")):
        add_system(name, name_th=f"ระบบ {name}", unit=unit, klass="intranet")
        users = tmp_path / f"{name}.csv"
        users.write_text(files[name], encoding="utf-8")
        sync(add_source(f"{name}-users", unit=unit, system=name, csv_path=str(users)))
    world.tmp = tmp_path
    return world


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def superuser():
    return get_user_model().objects.create_superuser("root", "root@example.invalid", "a-long-password-1")


def test_a_caller_sees_the_sources_findings_and_people_of_their_units_only(agency):
    auditor = client_of(agency.users["auditor"])

    assert auditor.get("/access/sources/a-app-users/").status_code == 200
    assert auditor.get("/access/sources/b-app-users/").status_code == 404
    findings = auditor.get("/access/findings/?as_of=2013-09-30").content.decode()
    assert "a-app-users:kanda" in findings and "a-app-users:temp01" in findings
    assert "b-app-users" not in findings and "stranger" not in findings
    roster = auditor.get("/access/roster/").content.decode()
    assert "กานดา" in roster and "บุษบา" not in roster
    index = auditor.get("/access/").content.decode()
    assert 'href="/access/sources/a-app-users/"' in index and "b-app-users" not in index
    # nothing for the auditor to press
    assert 'data-testid="sync-now"' not in auditor.get("/access/sources/a-app-users/").content.decode()
    assert auditor.get("/access/findings/?unit=B").status_code == 404


def test_findings_as_of_a_day_filter_by_kind_system_and_unit_and_download_as_csv(agency):
    admin = client_of(superuser())

    before = admin.get("/access/findings/?as_of=2013-02-28&kind=leaver_active").content.decode()
    after = admin.get("/access/findings/?as_of=01/03/2556&kind=leaver_active").content.decode()  # B.E.

    assert "a-app-users:kanda" not in before  # resigned on 1 March 2013
    assert "a-app-users:kanda" in after and "b-app-users:bussaba" in after
    assert "temp01" not in after  # the orphan is another kind
    only_b = admin.get("/access/findings/?as_of=2013-09-30&unit=B").content.decode()
    assert "bussaba" in only_b and "kanda" not in only_b
    by_system = admin.get("/access/findings/?as_of=2013-09-30&system=a-app").content.decode()
    assert "kanda" in by_system and "bussaba" not in by_system

    response = admin.get("/access/findings/?as_of=2013-09-30&system=a-app&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted((r["kind"], r["account"], r["employee_id"]) for r in rows) == [
        ("dormant", "a-app-users:prayoon", "A03"),  # last login 5 Jan, more than 90 days before
        ("leaver_active", "a-app-users:kanda", "A02"),
        ("orphan", "a-app-users:temp01", ""),
    ]
    leaver = next(r for r in rows if r["kind"] == "leaver_active")
    assert leaver["name"] == "นางสาวกานดา  ลาออกแล้ว" and leaver["unit"] == "A-1"
    assert '"days": 213' in leaver["detail"]
    assert admin.get("/access/findings/?as_of=2013-02-30").status_code == 400


def test_findings_are_paged_with_the_counts_of_every_page(agency, tmp_path):
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync

    many = tmp_path / "many.csv"
    many.write_text("username\n" + "".join(f"user{i:04d}\n" for i in range(250)))
    sync(add_source("many-users", unit=agency.a, system="a-app", csv_path=str(many)))
    admin = client_of(superuser())

    first = admin.get("/access/findings/?kind=orphan&system=a-app").content.decode()
    third = admin.get("/access/findings/?kind=orphan&system=a-app&page=3").content.decode()

    # 251 orphans of a-app (temp01 of a-app-users first), 100 a page
    assert "a-app-users:temp01" in first and first.count("many-users:user") == 99
    assert third.count("many-users:user") == 51 and "many-users:user0199" in third
    assert "many-users:user0198" not in third and "stranger" not in third
    assert "๒๕๑" in first  # the count of all pages, in Thai digits


def test_a_refused_roster_names_every_bad_row_and_changes_nothing(agency):
    from lakthan.access.models import Employee, EmployeeRecord, RosterImport

    admin = client_of(superuser())
    bad = (
        "employee_id,title,first_name,last_name,unit,position,status,effective_date\n"
        "A01,นาย,สมศักดิ์,ทดลองใช้,A,ผู้อำนวยการ,active,2013-10-01\n"
        "A09,นาย,ใหม่,มาแล้ว,A,นักวิชาการ,fired,2013-10-01\n"
        "A10,นาง,ผิด,หน่วย,NOPE,นักวิชาการ,active,2013-10-01\n"
    )
    before = (Employee.objects.count(), EmployeeRecord.objects.count(), RosterImport.objects.count())

    response = admin.post(
        "/access/roster/import/", {"file": SimpleUploadedFile("bad.csv", bad.encode(), "text/csv")}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "แถว 3" in page and "fired" in page and "แถว 4" in page and "NOPE" in page
    assert (Employee.objects.count(), EmployeeRecord.objects.count(), RosterImport.objects.count()) == before
    assert Employee.objects.get(employee_id="A01").position == "นักวิชาการคอมพิวเตอร์"

    good = bad.splitlines()[:2]
    response = admin.post(
        "/access/roster/import/",
        {"file": SimpleUploadedFile("good.csv", ("\n".join(good) + "\n").encode(), "text/csv")},
    )
    assert response.status_code == 302
    latest = RosterImport.objects.first()
    assert (latest.file_name, latest.actor, latest.changed) == ("good.csv", "root", 1)
    history = client_of(agency.users["auditor"]).get("/access/roster/").content.decode()
    assert "good.csv" in history and latest.sha256[:16] in history
    # A's administrator does not manage B: the agency's roster is not theirs to import
    denied = client_of(agency.users["admin"]).post(
        "/access/roster/import/", {"file": SimpleUploadedFile("x.csv", b"x", "text/csv")}
    )
    assert denied.status_code == 403


def test_the_roster_is_searched_filtered_by_status(agency):
    admin = client_of(superuser())

    found = admin.get("/access/roster/?q=ลาออก").content.decode()
    retired = admin.get("/access/roster/?status=retired").content.decode()

    assert "A02" in found and "A01" not in found
    assert "B01" in retired and "A02" not in retired


def test_sync_now_is_a_background_job_for_those_who_decide(
    agency, immediate_huey, django_capture_on_commit_callbacks
):
    from lakthan.access.models import SyncRun
    from lakthan.core.models import BackgroundJob

    (agency.tmp / "a-app.csv").write_text("username,employee_id\nsomsak,A01\nnewbie,\n", encoding="utf-8")
    reviewer = client_of(agency.users["reviewer"])

    assert client_of(agency.users["auditor"]).post("/access/sources/a-app-users/sync/").status_code == 403
    assert reviewer.post("/access/sources/b-app-users/sync/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post("/access/sources/a-app-users/sync/")

    assert response.status_code == 302
    job = BackgroundJob.objects.get(kind="access.sync")
    assert (job.state, job.target, job.requested_by) == ("succeeded", "a-app-users", "reviewer-a")
    assert job.result["accounts"] == 2 and job.result["added"] == 1 and job.result["gone"] == 3
    run = SyncRun.objects.filter(source__name="a-app-users").first()
    assert (run.accounts_seen, run.added, run.gone) == (2, 1, 3)
    page = reviewer.get("/access/sources/a-app-users/").content.decode()
    assert "newbie" not in page and job.result_th in page


def test_remediating_leavers_shows_a_dry_run_then_opens_tasks_as_a_job(
    agency, immediate_huey, django_capture_on_commit_callbacks
):
    from lakthan.access.models import Remediation

    reviewer = client_of(agency.users["reviewer"])

    preview = reviewer.get("/access/findings/remediate/?as_of=2013-09-30&unit=A")
    page = preview.content.decode()
    assert preview.status_code == 200 and "a-app-users:kanda" in page and "bussaba" not in page
    assert not Remediation.objects.exists()
    assert (
        client_of(agency.users["auditor"])
        .get("/access/findings/remediate/?as_of=2013-09-30&unit=A")
        .status_code
        == 403
    )

    with django_capture_on_commit_callbacks(execute=True):
        done = reviewer.post("/access/findings/remediate/", {"as_of": "30/09/2556", "unit": "A"})

    assert done.status_code == 302
    task = Remediation.objects.get()
    assert (task.account.username, task.outcome, str(task.deadline)) == ("kanda", "task", "2013-10-07")
    findings = reviewer.get("/access/findings/?as_of=2013-09-30&unit=A").content.decode()
    assert "1 account(s) disabled" not in findings and "เปิดงานให้ผู้ดูแล 1 งาน" in findings


def test_a_source_is_added_and_edited_on_its_page_without_showing_the_password(agency, tmp_path, settings):
    from lakthan.access.models import IdentitySource
    from lakthan.core.models import AuditEntry

    settings.LAKTHAN_ACCESS_FILES = tmp_path / "access-files"
    settings.LAKTHAN_ACCESS_FILES.mkdir()
    secret = settings.LAKTHAN_ACCESS_FILES / "bind-password"
    secret.write_text("s3cret-bind-password\n")
    elsewhere = tmp_path / "secret_key"
    elsewhere.write_text("the server's own secret\n")
    admin = client_of(agency.users["admin"])
    ldap = {
        "name": "dir",
        "kind": "ldap",
        "unit": "A",
        "ldap_url": "ldap://127.0.0.1:1",
        "bind_dn": "cn=admin,dc=x",
        "password_file": str(secret),
        "base_dn": "dc=x",
        "employee_id_attribute": "employeeNumber",
    }

    refused = admin.post("/access/sources/add/", {**ldap, "ldap_url": "http://nope"})
    assert refused.status_code == 200 and "ldap://" in refused.content.decode()
    # a page may not name a file outside LAKTHAN_ACCESS_FILES (it would be sent as the bind password)
    outside = admin.post("/access/sources/add/", {**ldap, "password_file": str(elsewhere)})
    assert "LAKTHAN_ACCESS_FILES" in outside.content.decode()
    assert not IdentitySource.objects.filter(name="dir").exists()
    assert admin.post("/access/sources/add/", ldap).status_code == 302
    source = IdentitySource.objects.get(name="dir")
    assert (source.kind, source.system.unit.code, source.password_file) == ("ldap", "A", str(secret))
    edit = admin.get("/access/sources/dir/edit/").content.decode()
    assert "s3cret" not in edit

    moved = {"ldap_url": "ldaps://dc1:636", "bind_dn": "cn=admin,dc=x", "base_dn": "dc=x", "may_write": "on"}
    unasked = admin.post("/access/sources/dir/edit/", moved)
    assert (
        unasked.status_code == 200
        and "password file given again" in unasked.content.decode("utf-8")
        or ("ไฟล์รหัสผ่านอีกครั้ง" in unasked.content.decode())
    )
    source.refresh_from_db()
    assert source.url == "ldap://127.0.0.1:1"
    assert admin.post("/access/sources/dir/edit/", {**moved, "password_file": str(secret)}).status_code == 302
    source.refresh_from_db()
    assert (source.url, source.may_write, source.password_file) == ("ldaps://dc1:636", True, str(secret))
    # the base DN alone may change without the password
    assert admin.post("/access/sources/dir/edit/", {**moved, "base_dn": "dc=y"}).status_code == 302
    assert AuditEntry.objects.filter(action="access.source.edit").count() == 2
    # the reviewer may sync but not manage
    assert client_of(agency.users["reviewer"]).get("/access/sources/dir/edit/").status_code == 403
