"""A bureau ready for review campaigns (used by the test_campaigns*.py and test_check.py modules)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

PEOPLE = "ou=people,dc=agency,dc=example"
STAFF = "cn=staff,ou=groups,dc=agency,dc=example"
ADMINS = "cn=admins,ou=groups,dc=agency,dc=example"
BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def review(bureau):
    """The bureau with core people linked to the roster: somchai (E001) heads B-IT, malee (E004) heads
    B-HR, weera (E007) heads the bureau; the directory's system has an owner outside the roster."""
    from lakthan.access.models import Employee
    from lakthan.core.models import Unit
    from lakthan.core.services import add_person, set_unit_head

    people = {}
    for eid, first, last, unit in (
        ("E001", "สมชาย", "ใจดี", "B-IT"),
        ("E004", "มาลี", "ศรีสุข", "B-HR"),
        ("E007", "วีระ", "กล้าหาญ", "B"),
    ):
        person = add_person(Unit.objects.get(code=unit), first, last, email=f"{eid.lower()}@agency.example")
        Employee.objects.filter(employee_id=eid).update(person=person)
        people[eid] = person
    set_unit_head(Unit.objects.get(code="B-IT"), people["E001"])
    set_unit_head(Unit.objects.get(code="B-HR"), people["E004"])
    set_unit_head(Unit.objects.get(code="B"), people["E007"])
    owner = add_person(bureau.unit, "เจ้าของ", "ระบบ", email="owner@agency.example")
    system = bureau.source.system
    system.owner = owner
    system.save()
    bureau.people, bureau.owner, bureau.system = people, owner, system
    return bureau


def due_in(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def items_by_right(campaign) -> dict[tuple[str, str], object]:
    return {(i.account_name, i.group_name): i for i in campaign.items.select_related("reviewer")}
