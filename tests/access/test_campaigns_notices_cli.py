"""Reminders and escalations by mail, the campaign commands, the report PDF."""

from __future__ import annotations

import json
import subprocess
import unicodedata
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.access import review_setup
from tests.access.review_setup import PEOPLE, STAFF, due_in, items_by_right

review = review_setup.review

pytestmark = pytest.mark.django_db


def test_a_reminder_reaches_each_reviewer_once_before_the_due_date(review, locmem_mail, settings):
    from lakthan.access.models import ReviewNotice
    from lakthan.access.services.campaigns import keep_all_pending, start
    from lakthan.access.services.review_notices import remind

    settings.LAKTHAN_ACCESS_REVIEW_REMIND_DAYS = 3
    campaign = start(review.unit, due_in(5), fallback=review.people["E007"], name="ทบทวนสิทธิ์ ไตรมาส ๑")
    keep_all_pending(campaign, by=review.owner)  # the owner has nothing left: no reminder
    today = timezone.localdate()

    assert remind(today) == 0  # five days before: too early
    assert remind(today + timedelta(days=2)) == 2
    assert remind(today + timedelta(days=3)) == 0  # once

    assert sorted(m.to[0] for m in mail.outbox) == ["e001@agency.example", "e004@agency.example"]
    body = next(m.body for m in mail.outbox if m.to == ["e004@agency.example"])
    assert "มีสิทธิ์การเข้าถึงรอท่านทบทวน 1 รายการ ใน “ทบทวนสิทธิ์ ไตรมาส ๑”" in body
    assert f"/access/campaigns/{campaign.pk}/review/" in body
    assert ReviewNotice.objects.filter(kind="remind", ok=True).count() == 2


def test_after_the_due_date_pending_items_escalate_to_the_unit_above_who_may_decide_them(review, locmem_mail):
    from lakthan.access.services.campaigns import decide, start
    from lakthan.access.services.review_notices import escalate

    start_at = timezone.now() - timedelta(days=20)
    campaign = start(review.unit, due_in(-2), fallback=review.people["E007"], at=start_at)
    mana = items_by_right(campaign)[("dir:mana", "staff")]

    # B-HR's and B-IT's heads → the bureau's head; the owner (no unit above) → the fallback: the same
    # person, told once of all four items
    assert escalate(timezone.localdate()) == 1
    assert escalate(timezone.localdate()) == 0
    assert [m.to for m in mail.outbox] == [["e007@agency.example"]]
    body = mail.outbox[0].body
    assert "ยังไม่ตัดสิน 4 รายการ" in body
    assert all(name in body for name in ("มาลี  ศรีสุข", "สมชาย  ใจดี", "เจ้าของ  ระบบ"))

    decide(campaign, [mana.pk], "keep", by=review.people["E007"])  # the head above decides in their place
    mana.refresh_from_db()
    assert (mana.decision, mana.decided_by_person) == ("keep", review.people["E007"])


def test_the_campaign_commands_and_the_report(review, cli, tmp_path):
    from lakthan.access.models import ReviewCampaign

    out = cli(
        "access",
        "campaign",
        "start",
        "--unit",
        "B",
        "--due",
        due_in(10).isoformat(),
        "--fallback",
        str(review.people["E007"].pk),
        "--name",
        "ทบทวนสิทธิ์ประจำปี",
    ).output
    campaign = ReviewCampaign.objects.get()
    assert f'campaign {campaign.pk} "ทบทวนสิทธิ์ประจำปี": 4 rights, 3 reviewer(s)' in out

    cli("access", "campaign", "decide", str(campaign.pk), "keep", "--as", str(review.owner.pk))
    somying = items_by_right(campaign)[("dir:somying", "staff")]
    refused = cli(
        "access",
        "campaign",
        "decide",
        str(campaign.pk),
        "revoke",
        "--as",
        str(review.people["E001"].pk),
        "--item",
        str(somying.pk),
    )
    assert refused.exit_code == 2
    cli(
        "access",
        "campaign",
        "decide",
        str(campaign.pk),
        "revoke",
        "--as",
        str(review.people["E001"].pk),
        "--item",
        str(somying.pk),
        "--comment",
        "ลาออกตั้งแต่ ๑ ต.ค.",
    )
    status = json.loads(cli("access", "campaign", "status", str(campaign.pk), "--json").output)
    assert status["decisions"] == {"pending": 1, "keep": 2, "revoke": 1, "no_answer": 0}
    assert [(r["name"], r["pending"]) for r in status["reviewers"]][0] == ("มาลี  ศรีสุข", 1)
    assert status["overdue"] is False

    closed = cli("access", "campaign", "close", str(campaign.pk)).output
    assert f"campaign {campaign.pk} closed; removals: removed 1" in closed
    assert f"uid=somying,{PEOPLE}" not in review.directory.attribute(STAFF, "member")
    assert "closed" in cli("access", "campaign", "list").output

    pdf = tmp_path / "campaign.pdf"
    cli("access", "campaign", "report", str(campaign.pk), "-o", str(pdf))
    raw = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    text = "".join(unicodedata.normalize("NFKD", raw).split())  # the text layer gives ำ as ํ + า

    def has(needle: str) -> bool:  # lines break inside table cells: compared without white space
        return "".join(unicodedata.normalize("NFKD", needle).split()) in text

    assert has("รายงานผลการทบทวนสิทธิ์การเข้าถึงระบบสารสนเทศ")
    assert has("ลาออกตั้งแต่ ๑ ต.ค.")
    assert has("ลบออกจากกลุ่มในไดเรกทอรีแล้ว")
    assert has("คงสิทธิ์ ๒ เพิกถอน ๑ ไม่ตอบ ๑")
