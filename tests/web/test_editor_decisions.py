"""Issue 15, point 10, the report editor: a note with each decision, "accept all" without a stale
note, reasons and check names in the UI's language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lakthan.checks.services import propose_results, run_and_propose
from lakthan.evidence import services as ev
from lakthan.indicators import services as ind

EDITOR = "/units/A/fy/2556/round/12/indicators/9.2/"


@pytest.fixture
def sup(client, world):
    client.force_login(world.users["supervisor"])
    return client


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def item(world, number):
    return world.reports["A"].results.get(criterion__number=number)


def test_a_decision_keeps_its_note_and_an_empty_note_clears_it(sup, world):
    sup.post(EDITOR, {"action": "result", "item": 2, "status": "not_met", "note": " ยังไม่มีแผน "})
    assert (item(world, 2).status, item(world, 2).note) == ("not_met", "ยังไม่มีแผน")
    html = sup.get(EDITOR).content.decode()
    assert ">ยังไม่มีแผน</textarea>" in html  # the form shows the note to edit
    sup.post(EDITOR, {"action": "result", "item": 2, "status": "met"})  # an old form without a note
    assert (item(world, 2).status, item(world, 2).note) == ("met", "ยังไม่มีแผน")
    sup.post(EDITOR, {"action": "result", "item": 2, "status": "met", "note": ""})
    assert item(world, 2).note == ""


def test_accept_all_replaces_a_stale_note(sup, world):
    report = world.reports["A"]
    sup.post(EDITOR, {"action": "result", "item": 1, "status": "not_met", "note": "ไม่มีหลักฐาน"})
    ev.link(world.evidence["A"], report, 1)
    propose_results(report)
    assert item(world, 1).proposed_status == "met"
    sup.post(EDITOR, {"action": "accept"})
    assert (item(world, 1).status, item(world, 1).note) == ("met", "")
    sup.post(EDITOR, {"action": "result", "item": 1, "status": "not_met", "note": "ทบทวนอีกครั้ง"})
    sup.post(EDITOR, {"action": "accept", "note": "ยอมรับตามผลการตรวจ"})
    assert (item(world, 1).status, item(world, 1).note) == ("met", "ยอมรับตามผลการตรวจ")


def test_accept_proposals_leaves_the_notes_of_items_it_does_not_change(world):
    report = world.reports["A"]
    ind.set_result(report, 3, "not_met", note="ตรวจแล้วไม่ผ่าน")
    propose_results(report)  # item 3: proposed not met, as decided
    ind.accept_proposals(report, note="")
    assert item(world, 3).note == "ตรวจแล้วไม่ผ่าน"


def test_cli_note_replaces_and_absent_note_keeps(cli, world):
    args = [
        "result",
        "set",
        "--unit",
        "A",
        "--fy",
        "2556",
        "--round",
        "12",
        "--indicator",
        "9.2",
        "--item",
        "4",
    ]
    assert cli(*args, "--status", "not_met", "--note", "รอเอกสาร").exit_code == 0
    assert item(world, 4).note == "รอเอกสาร"
    assert cli(*args, "--status", "met").exit_code == 0
    assert (item(world, 4).status, item(world, 4).note) == ("met", "รอเอกสาร")


def test_a_note_too_long_is_refused_in_both_languages(sup, world):
    response = sup.post(
        EDITOR, {"action": "result", "item": 5, "status": "met", "note": "ก" * 5001}, follow=True
    )
    assert "บันทึกประกอบการพิจารณายาวเกิน" in response.content.decode()
    assert item(world, 5).status == "undecided"


def test_reasons_and_check_names_follow_the_ui_language(sup, world):
    run_and_propose(world.reports["A"], trigger="web")
    one = item(world, 1)
    assert one.proposal_reason == "ยังไม่มีหลักฐานที่มีผลใช้บังคับ"
    assert one.proposal_reason_en == "no evidence in force yet"
    thai = sup.get(EDITOR).content.decode()
    assert "ยังไม่มีหลักฐานที่มีผลใช้บังคับ" in thai and "no evidence in force yet" not in thai
    assert ">ความครบถ้วนของหลักฐาน</td>" in thai  # the check's name, not its URN
    english(sup)
    page = sup.get(EDITOR).content.decode()
    assert "no evidence in force yet" in page and "ยังไม่มีหลักฐานที่มีผลใช้บังคับ" not in page
    assert ">Evidence completeness</td>" in page
