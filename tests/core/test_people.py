"""People named on the command line and in imported files."""

from __future__ import annotations

import pytest

from lakthan.core.errors import InvalidInput
from lakthan.core.people import People, person_named
from lakthan.core.services import add_person


def test_a_person_without_a_rank_is_one_person_however_written(org):
    plain = add_person(org.division, "มาลี", "ใจดี")
    assert People.load().find("มาลี ใจดี") == plain
    assert People.load().find("มาลี  ใจดี") == plain
    assert person_named(str(plain.pk), "--owner") == plain


def test_two_people_of_one_name_are_ambiguous_and_named_by_the_option(org):
    unit = org.bureau
    add_person(unit, "สมชาย", "ทองดี")
    add_person(unit, "สมชาย", "ทองดี", title_th="นาย")
    with pytest.raises(InvalidInput) as caught:
        person_named("สมชาย ทองดี", "--assignee")
    assert caught.value.message_en == "--assignee: more than one person is named สมชาย ทองดี"
    with pytest.raises(InvalidInput) as caught:
        person_named("ไม่มี ผู้ใด", "--owner")
    assert caught.value.message_th == "--owner: ไม่พบบุคคลชื่อ ไม่มี ผู้ใด"
