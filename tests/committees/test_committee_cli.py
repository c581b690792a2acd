"""`lakthan committee …`: the whole record from the command line (the order and the minutes stored as
evidence, the agenda from @FILE), the listings' --json, the findings and the record PDF; bad input
is one line, exit 2, and nothing stored."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lakthan.committees.models import Attendance, Committee, Meeting, Resolution
from lakthan.core.services import add_person
from lakthan.evidence.models import Evidence
from tests.committees.committee_fixtures import NAME
from tests.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


def run(*args: str):
    from lakthan.cli import main

    return CliRunner().invoke(main, ["committee", *args])


@pytest.fixture
def files(tmp_path):
    (tmp_path / "order.pdf").write_bytes(pdf_bytes("order"))
    (tmp_path / "minutes.pdf").write_bytes(pdf_bytes("minutes"))
    (tmp_path / "agenda.txt").write_text("๑. เรื่องแจ้งเพื่อทราบ\n๒. พิจารณาแผนจัดหาเครื่องแม่ข่าย\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def people(org):
    return {
        "chair": add_person(org.bureau, "วิรัชกร", "ทองศรีนวล", title_th="พล.ต.ต."),
        "secretary": add_person(org.bureau, "มาลินี", "สุขสวัสดิ์"),  # no title: found by "first last"
    }


def test_the_whole_record_from_the_command_line(cli, org, people, files):
    r = cli(
        "committee", "add", NAME, "--unit", "B", "--duties", "กำกับการจัดหาระบบ", "--meetings-per-round", "2",
        "--order", str(files / "order.pdf"), "--order-no", "123/2555", "--order-date", "2012-10-15",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    c = Committee.objects.get()
    assert c.order.kind == "order" and c.order.doc_no == "123/2555" and str(c.appointed_on) == "2012-10-15"
    assert cli("committee", "member", NAME, "พล.ต.ต.วิรัชกร ทองศรีนวล", "--role", "chair").exit_code == 0
    r = cli("committee", "member", str(c.pk), "มาลินี สุขสวัสดิ์", "--role", "secretary", "--position", "หัวหน้างาน")
    assert r.exit_code == 0, r.output
    r = cli(
        "committee", "meeting", NAME, "--number", "1/2556", "--held", "2013-01-15T09:30", "--place", "ห้องประชุม ๑",
        "--agenda", f"@{files / 'agenda.txt'}", "--minutes", str(files / "minutes.pdf"),
        "--minutes-no", "1/2556", "--minutes-date", "2013-01-20",
        "--present", "มาลินี สุขสวัสดิ์", "--absent", f"{people['chair'].pk}:ไปราชการ",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    m = Meeting.objects.get()
    assert m.agenda == "๑. เรื่องแจ้งเพื่อทราบ\n๒. พิจารณาแผนจัดหาเครื่องแม่ข่าย"
    assert m.minutes.kind == "minutes" and m.minutes.doc_no == "1/2556"
    assert m.held_at.isoformat() == "2013-01-15T02:30:00+00:00"
    absent = Attendance.objects.get(meeting=m, present=False)
    assert absent.member.person == people["chair"] and absent.note == "ไปราชการ"
    r = cli(
        "committee", "resolution", NAME, "1/2556", "--number", "1", "--text", "อนุมัติแผนจัดหา",
        "--owner", "มาลินี สุขสวัสดิ์", "--due", "2013-03-31",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    res = Resolution.objects.get()
    assert cli("committee", "follow-up", str(res.pk), "--status", "done", "--note", "ส่งมอบแล้ว").exit_code == 0
    shown = json.loads(cli("committee", "show", NAME, "--json").output)
    assert shown["order"] == {"evidence": c.order_id, "doc_no": "123/2555", "doc_date": "2012-10-15"}
    assert [m["role"] for m in shown["members"]] == ["chair", "secretary"]
    meeting = shown["meetings"][0]
    assert meeting["present"] == ["มาลินี  สุขสวัสดิ์"]
    assert meeting["absent"] == [{"name": "พล.ต.ต.วิรัชกร  ทองศรีนวล", "reason": "ไปราชการ"}]
    assert meeting["resolutions"][0]["status"] == "done"
    listed = json.loads(cli("committee", "list", "--json").output)
    assert listed[0]["last_meeting"] == {"number": "1/2556", "held_at": "2013-01-15T02:30:00Z"}
    found = json.loads(
        cli(
            "committee", "findings", "--unit", "B", "--from", "2012-10-01", "--to", "2013-09-30", "--json"
        ).output
    )
    assert [f["kind"] for f in found] == ["not_met", "overdue_resolution"]  # done today, long after the round
    out = files / "record.pdf"
    r = cli(
        "committee", "record", "--unit", "B", "--from", "2012-10-01", "--to", "2013-09-30", "--out", str(out)
    )
    assert r.exit_code == 0 and out.read_bytes().startswith(b"%PDF")
    assert not list(files.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--order-date", "2012-13-45"], "--order-date"),
        (["--order-date", "2555-10-15"], "--order-date"),  # a B.E. year written as C.E.
        (["--order-date", "2012-10-15", "--appointed", "15/10/2555"], "--appointed"),
        (["--order-date", "2012-10-15", "--meetings-per-round", "0"], "meetings per round"),
    ],
)
def test_a_bad_date_is_one_line_exit_2_and_nothing_stored(org, files, args, option):
    r = run("add", NAME, "--unit", "B", "--order", str(files / "order.pdf"), "--order-no", "1/2555", *args)
    assert r.exit_code == 2, r.output
    assert option in r.output and len(r.output.strip().splitlines()) == 1
    assert not Committee.objects.exists() and not Evidence.objects.exists()


def test_a_bad_meeting_time_or_a_non_member_stores_neither_the_meeting_nor_its_minutes(
    cli, org, people, files
):
    cli(
        "committee",
        "add",
        NAME,
        "--unit",
        "B",
        "--order",
        str(files / "order.pdf"),
        "--order-no",
        "1",
        "--order-date",
        "2012-10-15",
    )
    cli("committee", "member", NAME, str(people["chair"].pk), "--role", "chair")
    stranger = add_person(org.bureau, "ภูริพัฒน์", "เจริญสุข")
    before = Evidence.objects.count()
    minutes = ["--minutes", str(files / "minutes.pdf"), "--minutes-no", "1", "--minutes-date", "2013-01-20"]
    r = run("meeting", NAME, "--number", "1/2556", "--held", "15/01/2556 09:30", *minutes)
    assert r.exit_code == 2 and "--held" in r.output and len(r.output.strip().splitlines()) == 1
    r = run(
        "meeting",
        NAME,
        "--number",
        "1/2556",
        "--held",
        "2013-01-15T09:30",
        "--present",
        str(stranger.pk),
        *minutes,
    )
    assert r.exit_code == 2 and "is not a member" in r.output
    r = run("meeting", NAME, "--number", "1/2556", "--held", "2099-01-15T09:30", *minutes)
    assert r.exit_code == 2 and "future" in r.output
    r = run(
        "meeting",
        NAME,
        "--number",
        "1/2556",
        "--held",
        "2013-01-15T09:30",
        "--agenda",
        "@/no/such/agenda.txt",
    )
    assert r.exit_code == 2 and "--agenda" in r.output
    assert not Meeting.objects.exists() and Evidence.objects.count() == before


def test_the_order_is_required_and_must_be_an_order(org, files):
    r = run("add", NAME, "--unit", "B")
    assert r.exit_code == 2 and "--order" in r.output
    minutes = Evidence.objects.create(unit=org.bureau, title="รายงานการประชุม", kind="minutes")
    r = run("add", NAME, "--unit", "B", "--order-evidence", str(minutes.pk))
    assert r.exit_code == 2 and "not an order" in r.output
    assert not Committee.objects.exists()
