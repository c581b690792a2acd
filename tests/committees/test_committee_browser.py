"""One browser pass: a secretary records a meeting in the quick form as a Thai clerk would (number
suggested, time typed in B.E., one member unticked with a reason, the minutes uploaded, two
resolution rows) and reads it back on the meeting's page."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from lakthan.committees.models import Meeting
from lakthan.committees.services import committees as csvc
from lakthan.core.models import RoleGrant
from tests.committees.committee_fixtures import make_board
from tests.conftest import chromium, pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


def test_the_meeting_form_in_a_browser(live_server, org, tmp_path):
    board = make_board(org)
    user = get_user_model().objects.create_user("secretary-b", password="a-long-test-password")
    RoleGrant.objects.create(user=user, unit=org.bureau, role="collector")
    (tmp_path / "minutes.pdf").write_bytes(pdf_bytes("minutes"))
    url = f"/committees/{board.committee.pk}/meetings/add/"
    with chromium() as page:  # started after the database is written: Playwright runs an event loop
        page.goto(f"{live_server.url}/accounts/login/?next={url}")
        page.fill("#id_username", "secretary-b")
        page.fill("#id_password", "a-long-test-password")
        page.click("button.primary")
        page.wait_for_url(f"**{url}")
        assert page.input_value("#id_number").endswith(
            f"/{date.today().year + 543 + (date.today().month >= 10)}"
        )
        assert page.locator("input[name^=present_]:checked").count() == 3  # the leaver's term is over
        page.fill("#id_number", "1/2556")
        page.fill("#id_held_at", "15/01/2556 09:30")
        page.fill("#id_place", "ห้องประชุมชั้น ๓")
        page.uncheck(f"#id_present_{board.member.pk}")
        page.fill(f"#id_reason_{board.member.pk}", "ไปราชการต่างจังหวัด")
        page.fill("#id_agenda", "๑. เรื่องแจ้งเพื่อทราบ\n๒. แผนจัดหาเครื่องแม่ข่าย")
        page.set_input_files("#id_minutes_file", str(tmp_path / "minutes.pdf"))
        page.fill("#id_minutes_no", "1/2556")
        page.fill("#id_minutes_date", "20/01/2556")
        page.fill("#id_res_text_1", "อนุมัติแผนจัดหาเครื่องแม่ข่าย")
        page.select_option("#id_res_owner_1", str(board.secretary.person_id))
        page.fill("#id_res_due_1", "31/03/2556")
        page.fill("#id_res_text_2", "ให้จัดทำนโยบายสำรองข้อมูล")
        page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
        page.click("form.meetingform button.primary")
        page.wait_for_url("**/committees/meetings/*/")
        page.screenshot(path=str(tmp_path / "meeting.png"), full_page=True)
        assert "ไปราชการต่างจังหวัด" in page.locator("ol.absent").inner_text()
        assert page.locator("ol.present li").count() == 2
        assert page.locator("table.resolutions tbody tr").count() == 2
        page.goto(f"{live_server.url}/committees/")
        page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
        assert page.locator("table.committees tbody tr").count() == 1
        page.goto(f"{live_server.url}/committees/{board.committee.pk}/")
        page.screenshot(path=str(tmp_path / "committee.png"), full_page=True)
        page.goto(f"{live_server.url}/committees/resolutions/")
        page.screenshot(path=str(tmp_path / "resolutions.png"), full_page=True)
    m = Meeting.objects.get()
    assert m.minutes.doc_no == "1/2556" and m.resolutions.count() == 2
    assert {a.member_id for a in m.attendance.filter(present=True)} == {board.chair.pk, board.secretary.pk}
    assert csvc.members_on(board.committee, date(2013, 1, 15))  # the members of the day
