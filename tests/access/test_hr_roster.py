"""The HR roster: CSV in UTF-8 (with or without BOM) or cp874, or XLSX; refused whole on a bad row."""

from __future__ import annotations

import io
from datetime import date

import pytest

pytestmark = pytest.mark.django_db

HEADER = "employee_id,title,first_name,last_name,unit,position,status,effective_date\n"
ROWS = (
    "E001,นาย,สมชาย,ใจดี,B-IT,นักวิชาการคอมพิวเตอร์,active,2015-10-01\n"
    "E002,นางสาว,สมหญิง,รักงาน,B-IT,เจ้าพนักงานธุรการ,resigned,2026-10-01\n"
    "E003,นาย,มานะ,อดทน,B-HR,นักทรัพยากรบุคคล,active,2018-05-01\n"
)


def roster(rows: str = ROWS) -> str:
    return HEADER + rows


def test_an_import_keeps_who_when_and_the_file_hash_and_each_persons_history(units):
    import hashlib

    from lakthan.access.models import Employee, EmployeeRecord
    from lakthan.access.services.roster import import_roster

    data = roster().encode()
    first = import_roster(data, "hr-2569-10.csv", actor="hr-officer")

    assert (first.rows, first.added, first.changed, first.actor) == (3, 3, 0, "hr-officer")
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    somying = Employee.objects.get(employee_id="E002")
    assert (somying.display_name, somying.unit.code, somying.status) == (
        "นางสาวสมหญิง  รักงาน",
        "B-IT",
        "resigned",
    )

    moved = roster().replace(
        "E003,นาย,มานะ,อดทน,B-HR,นักทรัพยากรบุคคล,active,2018-05-01",
        "E003,นาย,มานะ,อดทน,B-IT,นักทรัพยากรบุคคล,transferred,2026-11-15",
    )
    second = import_roster(moved.encode(), "hr-2569-11.csv", actor="hr-officer")

    assert (second.added, second.changed, second.unchanged) == (0, 1, 2)
    history = EmployeeRecord.objects.filter(employee__employee_id="E003").order_by("pk")
    assert [(r.unit.code, r.status, r.effective_date) for r in history] == [
        ("B-HR", "active", date(2018, 5, 1)),
        ("B-IT", "transferred", date(2026, 11, 15)),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_thai_names_read_the_same_in_utf8_with_or_without_bom_and_in_cp874(units, encoding):
    from lakthan.access.models import Employee
    from lakthan.access.services.roster import import_roster

    import_roster(roster().encode(encoding), "hr.csv")

    assert Employee.objects.get(employee_id="E001").first_name == "สมชาย"
    assert Employee.objects.get(employee_id="E002").position == "เจ้าพนักงานธุรการ"


def test_an_xlsx_roster_with_spreadsheet_dates_and_numeric_ids(units):
    from datetime import datetime

    from openpyxl import Workbook

    from lakthan.access.models import Employee
    from lakthan.access.services.roster import import_roster

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append([10045, "ร.ต.อ.", "วีระ", "กล้าหาญ", "B-IT", "สารวัตร", "retired", datetime(2026, 9, 30)])
    sheet.append(["E2", "นาง", "มาลี", "ศรีสุข", "B-HR", "", "active", "2567-01-15"])  # a B.E. year
    buffer = io.BytesIO()
    book.save(buffer)

    import_roster(buffer.getvalue(), "hr.xlsx")

    veera = Employee.objects.get(employee_id="10045")
    assert (veera.status, veera.effective_date, veera.title) == ("retired", date(2026, 9, 30), "ร.ต.อ.")
    assert Employee.objects.get(employee_id="E2").effective_date == date(2024, 1, 15)


@pytest.mark.parametrize(
    "bad_row, th, en",
    [
        (
            "E001,นาย,ซ้ำ,ซ้ำ,B-IT,,active,2020-01-01\n",
            "แถว 5: รหัสพนักงาน E001 ซ้ำกับแถว 2",
            "row 5: employee id E001 already on row 2",
        ),
        (
            "E009,นาย,ก,ข,B-IT,,on_leave,2020-01-01\n",
            "แถว 5: สถานะ 'on_leave' ไม่รู้จัก",
            "row 5: unknown status 'on_leave'",
        ),
        ("E009,นาย,ก,ข,NOPE,,active,2020-01-01\n", "แถว 5: ไม่พบหน่วยงานรหัส NOPE", "row 5: unknown unit NOPE"),
        (
            "E009,นาย,ก,ข,B-IT,,active,2020-13-45\n",
            "แถว 5: วันที่มีผล '2020-13-45' ไม่ใช่วันที่",
            "row 5: effective_date '2020-13-45' is not a date",
        ),
        (
            "E009,นาย,,ข,B-IT,,active,2020-01-01\n",
            "แถว 5: ไม่มีค่าในคอลัมน์ first_name",
            "row 5: first_name is empty",
        ),
    ],
)
def test_a_bad_row_refuses_the_whole_file_naming_the_row_and_nothing_changes(units, bad_row, th, en):
    from lakthan.access.models import Employee, EmployeeRecord, RosterImport
    from lakthan.access.services.roster import import_roster
    from lakthan.core.errors import InvalidInput

    import_roster(roster().encode(), "first.csv")
    before = (list(Employee.objects.values()), EmployeeRecord.objects.count(), RosterImport.objects.count())
    changed = roster().replace(",resigned,2026-10-01", ",active,2026-10-01")  # would change E002 …

    with pytest.raises(InvalidInput) as refused:
        import_roster((changed + bad_row).encode(), "second.csv")  # … but row 5 is bad

    assert th in refused.value.message_th
    assert en in refused.value.message_en
    assert (
        list(Employee.objects.values()),
        EmployeeRecord.objects.count(),
        RosterImport.objects.count(),
    ) == before


def test_a_missing_column_is_named(units):
    from lakthan.access.services.roster import import_roster
    from lakthan.core.errors import InvalidInput

    text = roster().replace(",position", "").replace(",นักวิชาการคอมพิวเตอร์", "")
    with pytest.raises(InvalidInput, match="row 1: missing column"):
        import_roster(text.encode(), "hr.csv")


def test_the_cli_refuses_with_exit_2_and_one_line_naming_the_row(units, cli, tmp_path):
    from click.testing import CliRunner

    from lakthan.access.models import Employee
    from lakthan.cli import main

    bad = tmp_path / "hr.csv"
    bad.write_bytes(roster(ROWS + "E004,นาย,ก,ข,B-IT,,fired,2020-01-01\n").encode("cp874"))

    result = CliRunner().invoke(main, ["access", "hr", "import", str(bad)])

    assert result.exit_code == 2
    assert "row 5: unknown status 'fired'" in result.output
    assert "Traceback" not in result.output
    assert not Employee.objects.exists()
    good = tmp_path / "good.csv"
    good.write_bytes(roster().encode("utf-8-sig"))
    assert "imported 3 rows from good.csv: 3 new" in cli("access", "hr", "import", str(good)).output


@pytest.mark.django_db
def test_an_employee_is_linked_to_one_person_of_lakthan_and_back(units):
    from lakthan.access.models import Employee
    from lakthan.access.services.roster import import_roster, link_employee_to_person
    from lakthan.core.errors import InvalidInput
    from lakthan.core.models import AuditEntry
    from lakthan.core.services import add_person
    from tests.access.conftest import ROSTER

    import_roster(ROSTER.encode(), "roster.csv")
    somchai, somying = Employee.objects.get(employee_id="E001"), Employee.objects.get(employee_id="E002")
    person = add_person(units, "สมชาย", "ใจดี")

    link_employee_to_person(somchai, person, actor="hr")
    with pytest.raises(InvalidInput, match="E001"):
        link_employee_to_person(somying, person, actor="hr")

    assert Employee.objects.get(employee_id="E001").person == person
    assert Employee.objects.get(employee_id="E002").person is None
    link_employee_to_person(somchai, None, actor="hr")
    assert Employee.objects.get(employee_id="E001").person is None
    assert AuditEntry.objects.filter(action="access.employee.link_person").count() == 2
