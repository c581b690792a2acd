"""The people of the request tests: the heads of the IT and HR units, the directory's owner, a clerk
who files requests, and an outsider; each signs in. The bureau's directory (tests/access/conftest.py)
holds the accounts; ``mai`` (E006, IT) starts locked, so a grant must unlock her."""

from __future__ import annotations

from dataclasses import dataclass

import ldap3
import pytest

MAI = "uid=mai,ou=people,dc=agency,dc=example"
MANA = "uid=mana,ou=people,dc=agency,dc=example"
ADMINS = "cn=admins,ou=groups,dc=agency,dc=example"
STAFF = "cn=staff,ou=groups,dc=agency,dc=example"


@dataclass
class Office:
    bureau: object
    system: object
    head_it: object
    head_hr: object
    owner: object
    clerk: object
    outsider: object


@pytest.fixture
def office(bureau, django_user_model):
    from lakthan.access.services.sync import sync
    from lakthan.core.models import Unit
    from lakthan.core.services import add_person, add_unit, set_unit_head
    from lakthan.inventory.services import update_system

    def person(unit_code, first, last, title, position, username):
        user = django_user_model.objects.create_user(username, password="pw-" + username)
        unit = Unit.objects.get(code=unit_code)
        return add_person(unit, first, last, title_th=title, position_th=position, user=user)

    head_it = person("B-IT", "วีระ", "กล้าหาญ", "นาย", "ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ", "weera")
    head_hr = person("B-HR", "ประภา", "ใจเย็น", "นาง", "หัวหน้าฝ่ายบุคคล", "prapa")
    owner = person("B", "สมศักดิ์", "รักษาระบบ", "พ.ต.ท.", "ผู้ดูแลระบบไดเรกทอรี", "somsak")
    clerk = person("B-IT", "สุดา", "ขยันยิ่ง", "นางสาว", "เจ้าพนักงานธุรการ", "suda")
    add_unit("C", "สำนักงานอื่น", name_en="Other bureau")
    outsider = person("C", "ชาติ", "ต่างถิ่น", "นาย", "หัวหน้าสำนักงาน", "chart")
    set_unit_head(Unit.objects.get(code="B-IT"), head_it)
    set_unit_head(Unit.objects.get(code="B-HR"), head_hr)
    set_unit_head(Unit.objects.get(code="C"), outsider)
    system = update_system(bureau.source.system, owner=owner)
    bureau.directory.modify(MAI, {"pwdAccountLockedTime": [(ldap3.MODIFY_REPLACE, ["000001010000Z"])]})
    sync(bureau.source)
    return Office(bureau, system, head_it, head_hr, owner, clerk, outsider)


def employee(employee_id: str):
    from lakthan.access.models import Employee

    return Employee.objects.get(employee_id=employee_id)


def group(name: str):
    from lakthan.access.models import Group

    return Group.objects.get(name=name)


def members(office: Office, group_dn: str) -> set[str]:
    return {m.lower() for m in office.bureau.directory.attribute(group_dn, "member")}
