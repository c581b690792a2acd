"""The review pages: the list, a campaign's progress, the reviewer's page (filters, bulk keep, a revoke
refused without a reason) and, in Chromium, a unit head deciding 50 rights at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests.access import review_setup
from tests.access.review_setup import due_in, items_by_right

review = review_setup.review
PASSWORD = "a-long-test-password"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "access-review-th.png"


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


def login_as(person, django_user_model) -> Client:
    user = django_user_model.objects.create_user(f"user-{person.pk}", password=PASSWORD)
    person.user = user
    person.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_reviewer_filters_keeps_in_bulk_and_cannot_revoke_without_a_reason(review, django_user_model):
    from lakthan.access.services.campaigns import start

    campaign = start(review.unit, due_in(14), fallback=review.people["E007"])
    owner = login_as(review.owner, django_user_model)
    base = f"/access/campaigns/{campaign.pk}/review/"

    page = owner.get(base).content.decode()
    assert "dir:somchai" in page and "dir:somying" not in page  # only the owner's items
    assert (
        owner.get(f"/access/campaigns/{campaign.pk}/review/?group=admins")
        .content.decode()
        .count('name="item"')
        == 1
    )
    ids = [str(i.pk) for k, i in items_by_right(campaign).items() if k[0] == "dir:somchai"]

    refused = owner.post(base + "decide/", {"action": "revoke", "item": ids, "comment": ""}, follow=True)
    assert "การเพิกถอนสิทธิ์ต้องระบุเหตุผล" in refused.content.decode()
    assert not campaign.items.exclude(decision="").exists()

    kept = owner.post(base + "decide/", {"action": "keep", "item": ids, "query": "group=admins"})
    assert kept.status_code == 302 and kept["Location"] == base + "?group=admins"
    assert set(campaign.items.filter(decision="keep").values_list("account_name", flat=True)) == {
        "dir:somchai"
    }

    progress = owner.get(f"/access/campaigns/{campaign.pk}/").content.decode()
    assert "เจ้าของ  ระบบ" in progress or "เจ้าของ ระบบ" in progress
    listing = owner.get("/access/campaigns/").content.decode()
    assert f'/access/campaigns/{campaign.pk}/"' in listing and "ทบทวนสิทธิ์ B" in listing
    pdf = owner.get(f"/access/campaigns/{campaign.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    somchai = login_as(review.people["E001"], django_user_model)  # his own rights are not his to decide
    theirs = somchai.get(base).content.decode()
    assert "dir:somying" in theirs and "dir:somchai" not in theirs


@pytest.fixture
def fifty_rights(transactional_db, units, slapd_factory):
    """A division of 40 people (one a leaver, some dormant) in four groups: 50 rights for one head."""
    from django.contrib.auth import get_user_model

    from lakthan.access.models import Employee
    from lakthan.access.services.campaigns import start
    from lakthan.access.services.roster import import_roster
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync
    from lakthan.core.models import Unit
    from lakthan.core.services import add_person, set_unit_head
    from tests.access.slapd import User

    first = ["สมชาย", "สมหญิง", "มานะ", "มาลี", "ปิติ", "ชูใจ", "วีระ", "ประเสริฐ", "สุดา", "กิตติ"]
    last = ["ใจดี", "รักงาน", "อดทน", "ศรีสุข", "ยินดี", "มั่นคง", "กล้าหาญ", "สุขใจ"]
    roster = ["employee_id,title,first_name,last_name,unit,position,status,effective_date"]
    users = []
    for n in range(40):
        eid, uid = f"E{n:03d}", f"user{n:02d}"
        status = "resigned,2026-11-20" if n == 7 else "active,2015-10-01"
        roster.append(f"{eid},นาย,{first[n % 10]},{last[n % 8]}{n},B-IT,นักวิชาการ,{status}")
        login = "20260101000000Z" if n % 9 == 4 else "20261201093000Z"
        users.append(
            User(uid, f"{first[n % 10]} {last[n % 8]}{n}", employee_number=eid, auth_timestamp=login)
        )
    roster.append("E900,นาย,หัวหน้า,กอง,B-IT,ผู้อำนวยการ,active,2010-01-01")
    groups = {
        "staff": [f"user{n:02d}" for n in range(30)],
        "finance-app": [f"user{n:02d}" for n in range(0, 40, 4)],
        "hr-app": [f"user{n:02d}" for n in range(1, 40, 6)],
        "vpn-admins": ["user03", "user17", "user33"],
    }
    directory = slapd_factory(users, groups)
    import_roster("\n".join(roster).encode(), "roster.csv", actor="hr")
    sync(
        add_source(
            "ad",
            unit=units,
            ldap_url=directory.url,
            bind_dn="cn=admin,dc=agency,dc=example",
            password_file=str(directory.password_file),
            base_dn="dc=agency,dc=example",
            may_write=True,
        )
    )
    user = get_user_model().objects.create_user("head-it", password=PASSWORD)
    head = add_person(Unit.objects.get(code="B-IT"), "หัวหน้า", "กอง", title_th="นาย", user=user)
    Employee.objects.filter(employee_id="E900").update(person=head)
    set_unit_head(Unit.objects.get(code="B-IT"), head)
    campaign = start(units, due_in(10), fallback=head, name="ทบทวนสิทธิ์ศูนย์เทคโนโลยีสารสนเทศ ไตรมาส ๑")
    return campaign


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_unit_head_keeps_fifty_rights_at_once_in_chromium(live_server, fifty_rights, chromium_page):
    page = chromium_page
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    url = f"/access/campaigns/{fifty_rights.pk}/review/"
    page.goto(f"{live_server.url}/accounts/login/?next={url}")
    page.fill("#id_username", "head-it")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"**{url}")
    assert page.locator("[data-item]").count() == 50
    page.set_viewport_size({"width": 1366, "height": 1900})
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    page.click("button[value=revoke]")  # no reason: refused in the page, focus on the reason
    assert page.evaluate("document.activeElement.name") == "comment"
    page.check("[data-select-all]")
    assert page.inner_text("[data-selected-count] b") == "50"
    page.uncheck("#item-" + page.locator("tr:has-text('user07') [data-item]").first.get_attribute("value"))
    page.click("button[value=keep]")
    page.wait_for_selector(".alert")
    assert "49" in page.inner_text(".alert")
    assert page.locator("[data-item]").count() == 1  # the leaver's right is left to decide
    assert csp == []
