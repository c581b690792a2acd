"""Demo data for item 10: the bureau's directory, three applications' user tables and its HR roster in
FY 2556, synced, judged and remediated.

Every person is invented (first names and surnames combined by index: any likeness to a real person
is chance). Deterministic: no randomness, the same accounts, groups and dates on every run.

- The directory: a real OpenLDAP ``slapd`` under ``$LAKTHAN_ACCESS_FILES/demo-directory`` (lakthan.access.
  demo_slapd, the one the tests use) when slapd is installed, Lakthan allowed to write there; without
  slapd the same accounts come from a CSV export (then leavers get tasks instead of a disable).
- The HR roster imported twice: at the start of the fiscal year (everyone active) and at its end, with
  leavers (resigned, retired, dismissed, deceased, suspended), movers (to another unit or position)
  and people transferred out of the bureau.
- Leavers: most disabled within days, a few late (weeks), and the last ones still enabled on 30 Sep
  2013, so the findings as of that day show them. ``remediate`` is replayed on the days of FY 2556 it
  would have run, so each Remediation records its days from the HR effective date.
- Orphans (a contractor, a test account, an employee id HR does not know), two service accounts (one
  with an owner, one without), dormant accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from lakthan.lib.timezones import BANGKOK

AS_OF = date(2013, 9, 30)  # the findings the demo's pages open on: the last day of FY 2556
FY_START = date(2012, 10, 1)
PEOPLE = 130

# invented: a first name (Thai, Latin for the user name, female?) combined with a surname by index
FIRST_NAMES = [
    ("อนุชา", "anucha", False),
    ("กมลวรรณ", "kamonwan", True),
    ("ชยพล", "chayapon", False),
    ("ณัฐธิดา", "natthida", True),
    ("ธีรวัฒน์", "theerawat", False),
    ("พิมพ์ชนก", "pimchanok", True),
    ("วรวุฒิ", "worawut", False),
    ("ศศิประภา", "sasiprapa", True),
    ("สิทธิชัย", "sitthichai", False),
    ("อรอุมา", "onuma", True),
    ("กฤษดา", "kritsada", False),
    ("จันทร์เพ็ญ", "janpen", True),
    ("ณรงค์ฤทธิ์", "narongrit", False),
    ("ปวีณา", "paweena", True),
    ("ภาณุพงศ์", "panupong", False),
    ("รัชนีกร", "ratchaneekorn", True),
    ("วีรยุทธ", "weerayut", False),
    ("สุภาวดี", "supawadee", True),
    ("อภิสิทธิ์", "apisit", False),
    ("เบญจมาศ", "benjamat", True),
    ("ไกรสร", "kraisorn", False),
    ("ดวงใจ", "duangjai", True),
    ("ประเสริฐ", "prasert", False),
    ("มณีรัตน์", "maneerat", True),
    ("ยุทธนา", "yuttana", False),
    ("ลลิตา", "lalita", True),
    ("สมเกียรติ", "somkiat", False),
    ("หทัยชนก", "hathaichanok", True),
    ("เอกชัย", "ekachai", False),
    ("ขวัญใจ", "kwanjai", True),
]
SURNAMES = [
    "ทองนพคุณ",
    "ศรีสว่างวงศ์",
    "พรหมประสิทธิ์",
    "แก้วประเสริฐกุล",
    "บุญเรืองศรี",
    "จันทร์หอมวงศ์",
    "สุขสวัสดิ์นิรันดร์",
    "วงศ์ไพบูลย์ทอง",
    "รุ่งเรืองชัยกุล",
    "ชัยมงคลรัตน์",
    "ธนาภิรมย์สุข",
    "อินทรประทีป",
    "เพชรรัตนาภรณ์",
    "มั่นคงพิทักษ์",
    "ศักดิ์ศรีนิยม",
    "สายสุวรรณกิจ",
    "เจริญพรพนา",
    "ปัญญาวิศาล",
    "ทวีทรัพย์เจริญ",
    "ลิ้มสกุลไทย",
    "นาคสวัสดิ์วงศ์",
    "กิตติวรากุล",
    "บำรุงราษฎร์ศรี",
    "สมบูรณ์ชัยยศ",
    "ประทุมทองคำ",
    "วิเศษภักดี",
    "รัตนโกสินทร์ทอง",
    "ใจมั่นคงดี",
    "ภูมิพัฒนากุล",
    "ศรีจันทร์งาม",
    "อุดมทรัพย์สิน",
]
# unit code, position, directory groups, share of the roster (of every 10 people)
POSTS = [
    ("IMM-ITC", "นักวิชาการคอมพิวเตอร์", ["imm-staff", "itc-admins", "vpn-users"], 1),
    ("IMM-ITC", "เจ้าพนักงานธุรการ", ["imm-staff"], 1),
    ("IMM-D2-BKK", "สารวัตรตรวจคนเข้าเมือง", ["imm-staff", "pibics-operators", "bkk-checkpoint"], 3),
    ("IMM-D2-DMK", "รองสารวัตรตรวจคนเข้าเมือง", ["imm-staff", "pibics-operators", "dmk-checkpoint"], 2),
    ("IMM-INV-3", "พนักงานสอบสวน", ["imm-staff", "investigators", "vpn-users"], 2),
    ("IMM", "เจ้าหน้าที่บริหารงานทั่วไป", ["imm-staff"], 1),
]
MALE_TITLES = ["ร.ต.อ.", "พ.ต.ต.", "ด.ต.", "จ.ส.ต.", "นาย"]
FEMALE_TITLES = ["ร.ต.อ.หญิง", "ด.ต.หญิง", "นางสาว", "นาง"]

# person index → (status, HR effective date, the day remediate ran and found them: None = not yet)
REMEDIATION_DAYS = [
    date(2012, 11, 20),
    date(2013, 1, 10),
    date(2013, 3, 5),
    date(2013, 5, 20),
    date(2013, 7, 15),
    date(2013, 8, 30),
    date(2013, 9, 27),
]
LEAVERS = {
    7: ("resigned", date(2012, 11, 16)),  # disabled 20 Nov: 4 days
    19: ("retired", date(2012, 11, 19)),  # 1 day
    23: ("dismissed", date(2013, 1, 4)),  # next run 10 Jan: 6 days
    31: ("resigned", date(2013, 1, 8)),  # 2 days
    44: ("resigned", date(2013, 3, 1)),  # 4 days
    52: ("deceased", date(2013, 3, 3)),  # 2 days
    60: ("suspended", date(2013, 5, 14)),  # next run 20 May: 6 days
    71: ("resigned", date(2013, 5, 15)),  # 5 days
    83: ("resigned", date(2013, 7, 10)),  # 5 days
    95: ("resigned", date(2013, 8, 25)),  # next run 30 Aug: 5 days
    102: ("resigned", date(2013, 8, 26)),  # 4 days
    110: ("resigned", date(2013, 9, 23)),  # next run 27 Sep: 4 days
    118: ("resigned", date(2013, 9, 25)),  # 2 days
    126: ("retired", date(2013, 9, 30)),  # retires on the last day of the year: 0 days
    124: ("retired", date(2013, 9, 30)),
}
LOCKED_BY_HAND = {122: ("resigned", date(2013, 6, 14))}  # an administrator locked it: no finding
TRANSFERRED_OUT = {15: date(2013, 2, 1), 88: date(2013, 6, 1), 115: date(2013, 9, 1)}
MOVERS = {  # person → (new unit, new position, effective): keep the old post's groups in the directory
    12: ("IMM-INV-3", "พนักงานสอบสวน", date(2013, 4, 1)),
    27: ("IMM-D2-DMK", "สารวัตรตรวจคนเข้าเมือง", date(2013, 5, 1)),
    49: ("IMM-ITC", "นักวิชาการคอมพิวเตอร์", date(2013, 6, 15)),
    77: ("IMM-D2-BKK", "รองผู้กำกับการ", date(2013, 8, 1)),
}
DORMANT = {9, 33, 57, 81, 105}  # last login in spring 2013
NEVER_LOGGED_IN = {66, 129}  # created in 2012, never used
NO_DIRECTORY_ACCOUNT = {3, 101}  # new staff whose account is not made yet


@dataclass
class Person:
    index: int
    employee_id: str
    title: str
    first_name: str
    last_name: str
    uid: str
    unit: str
    position: str
    groups: list[str]
    hired: date
    status: str = "active"
    effective: date | None = None
    moved_to: tuple[str, str, date] | None = None
    extra_groups: list[str] = field(default_factory=list)


def people() -> list[Person]:
    posts = [post for post in POSTS for _ in range(post[3])]
    out = []
    for i in range(PEOPLE):
        first, roman, female = FIRST_NAMES[i % len(FIRST_NAMES)]
        surname = SURNAMES[(i // len(FIRST_NAMES) + 7 * i) % len(SURNAMES)]
        titles = FEMALE_TITLES if female else MALE_TITLES
        unit, position, groups, _share = posts[i % len(posts)]
        p = Person(
            index=i,
            employee_id=f"{41001 + i}",
            title=titles[i % len(titles)],
            first_name=first,
            last_name=surname,
            uid=f"{roman}.{i + 1:03d}",
            unit=unit,
            position=position,
            groups=list(groups),
            hired=date(1995 + i % 17, 1 + i % 12, 1),
        )
        if i in LEAVERS or i in LOCKED_BY_HAND:
            p.status, p.effective = {**LEAVERS, **LOCKED_BY_HAND}[i]
        elif i in TRANSFERRED_OUT:
            p.status, p.effective = "transferred", TRANSFERRED_OUT[i]
        elif i in MOVERS:
            p.moved_to = MOVERS[i]
        out.append(p)
    return out


def _roster_csv(everyone: list[Person], at_end: bool) -> bytes:
    lines = ["employee_id,title,first_name,last_name,unit,position,status,effective_date"]
    for p in everyone:
        unit, position, status, effective = p.unit, p.position, "active", p.hired
        if at_end and p.moved_to:
            unit, position, effective = p.moved_to
        elif at_end and p.effective:
            status, effective = p.status, p.effective
        lines.append(
            f"{p.employee_id},{p.title},{p.first_name},{p.last_name},{unit},{position},{status},{effective.isoformat()}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _stamp(day: date, hour: int = 9) -> str:
    """GeneralizedTime of a Bangkok wall-clock time, as slapd keeps it (UTC)."""
    at = datetime.combine(day, time(hour), BANGKOK).astimezone(UTC)
    return at.strftime("%Y%m%d%H%M%SZ")


def _last_login(p: Person) -> date | None:
    if p.index in NEVER_LOGGED_IN:
        return None
    if p.index in DORMANT:
        return date(2013, 3, 1) + timedelta(days=p.index % 40)
    if p.effective and p.status != "transferred" and p.effective < AS_OF:
        return p.effective - timedelta(days=1 + p.index % 3)
    return AS_OF - timedelta(days=1 + p.index % 20)


@dataclass(frozen=True)
class Entry:
    uid: str
    cn: str
    employee_id: str | None
    last_login: date | None
    created: date
    locked: bool = False
    groups: tuple[str, ...] = ()


def directory_entries(everyone: list[Person]) -> list[Entry]:
    out = []
    for p in everyone:
        if p.index in NO_DIRECTORY_ACCOUNT:
            continue
        created = max(date(2008, 1, 1), p.hired) if p.index not in NEVER_LOGGED_IN else date(2012, 3, 1)
        # a person transferred out keeps nothing here; a mover keeps the old post's groups (the finding
        # of excess rights, once a catalogue says which groups a post should hold)
        groups = [] if p.status == "transferred" else p.groups
        out.append(
            Entry(
                p.uid,
                f"{p.first_name} {p.last_name}",
                p.employee_id,
                _last_login(p),
                created,
                locked=p.index in LOCKED_BY_HAND or p.status == "transferred",
                groups=tuple(groups),
            )
        )
    out += [
        Entry(
            "contractor.nw01",
            "ผู้รับจ้าง ดูแลเครือข่าย",
            None,
            date(2013, 9, 27),
            date(2012, 12, 1),
            groups=("vpn-users",),
        ),
        Entry(
            "test.pibics",
            "บัญชีทดสอบ PIBICS",
            None,
            date(2013, 2, 14),
            date(2011, 6, 1),
            groups=("pibics-operators",),
        ),
        Entry(
            "trainee.2555", "นักศึกษาฝึกงาน", "69999", date(2013, 9, 12), date(2012, 5, 1), groups=("imm-staff",)
        ),
        Entry("svc-backup", "svc-backup", None, date(2013, 9, 29), date(2010, 1, 1), groups=("itc-admins",)),
        Entry("svc-pibics-sync", "svc-pibics-sync", None, date(2013, 9, 29), date(2010, 1, 1)),
    ]
    return out


# application user tables (CSV exports): system code, title, who has an account there (the directory
# group; PIBICS: every other operator, the shifts that use it), the application's own accounts
APPLICATIONS = [
    ("pibics-db", "ระบบ PIBICS (ฐานข้อมูลตรวจคนเข้าเมือง)", "pibics-operators", ["admin", "report.viewer"]),
    ("tm30", "ระบบแจ้งที่พักคนต่างด้าว (ตม.๓๐)", "investigators", ["tm30.helpdesk"]),
    ("website", "เว็บไซต์สำนักงานตรวจคนเข้าเมือง", "itc-admins", ["webmaster"]),
]


def application_csv(everyone: list[Person], group: str, extras: list[str]) -> bytes:
    lines = ["username,display_name,employee_id,disabled,last_login,created,groups"]
    for p in everyone:
        if group not in p.groups or p.status == "transferred":
            continue
        if group == "pibics-operators" and p.index % 2:
            continue
        # the applications' administrators disabled the leavers' accounts themselves, within days (the
        # last two, leaving on the year's last day, are still enabled on it)
        disabled = bool(p.effective and p.effective < date(2013, 9, 28) and p.status != "transferred")
        login = _last_login(p)
        lines.append(
            f"{p.uid},{p.first_name} {p.last_name},{p.employee_id},{'true' if disabled else 'false'},"
            f"{login.isoformat() if login else ''},{max(p.hired, date(2009, 1, 1)).isoformat()},user"
        )
    for name in extras:  # the application's own accounts: no employee id (orphans until settled)
        lines.append(f"{name},{name},,false,2013-09-{10 + len(name) % 15},2009-01-01,admin")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _directory_csv(entries: list[Entry]) -> bytes:
    lines = ["username,display_name,employee_id,disabled,last_login,created,groups"]
    for e in entries:
        lines.append(
            f"{e.uid},{e.cn},{e.employee_id or ''},{'true' if e.locked else 'false'},"
            f"{e.last_login.isoformat() if e.last_login else ''},{e.created.isoformat()},{';'.join(e.groups)}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def start_directory(root: Path, entries: list[Entry]):
    """A running demo slapd loaded with the entries (the caller stops it), or None without slapd."""
    from lakthan.access import demo_slapd

    if not demo_slapd.available():
        return None
    users = [
        demo_slapd.User(
            e.uid,
            e.cn,
            sn=e.cn.split(" ")[-1],
            employee_number=e.employee_id,
            auth_timestamp=_stamp(e.last_login) if e.last_login else None,
            locked="000001010000Z" if e.locked else None,
            created=_stamp(e.created),
            pwd_changed=_stamp(e.created),
        )
        for e in entries
    ]
    groups: dict[str, list[str]] = {}
    for e in entries:
        for g in e.groups:
            groups.setdefault(g, []).append(e.uid)
    return demo_slapd.Slapd(root).start(users, dict(sorted(groups.items())))


def _system(code: str, title: str, unit, owner=None):
    from lakthan.inventory import services as inventory
    from lakthan.inventory.models import System

    existing = System.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return inventory.add_system(code, name_th=title, unit=unit, klass="intranet", owner=owner, actor="demo")


def build_demo_directory(bureau, home: Path | None = None, use_slapd: bool = True):
    """The bureau's directory, applications and HR roster, synced and remediated through FY 2556.
    Returns the running demo slapd (the caller stops it) or None when the directory is a CSV (no
    slapd on this machine, or ``use_slapd`` False)."""
    from django.conf import settings

    from lakthan.access.services.roster import import_roster
    from lakthan.core.models import Unit

    home = home or Path(settings.LAKTHAN_ACCESS_FILES)  # where the pages may name its files
    everyone = people()
    import_roster(_roster_csv(everyone, at_end=False), "hr-roster-2555-10-01.csv", actor="hr-demo")
    import_roster(_roster_csv(everyone, at_end=True), "hr-roster-2556-09-30.csv", actor="hr-demo")

    it_centre = Unit.objects.filter(code="IMM-ITC").first() or bureau
    entries = directory_entries(everyone)
    directory = start_directory(home / "demo-directory", entries) if use_slapd else None
    try:
        _sources_synced_and_remediated(bureau, it_centre, everyone, entries, directory, home)
    except BaseException:
        if directory is not None:
            directory.stop()
        raise
    return directory


def _sources_synced_and_remediated(bureau, it_centre, everyone, entries, directory, home: Path) -> None:
    from lakthan.access.models import Account, Employee
    from lakthan.access.services.accounts import mark_service
    from lakthan.access.services.remediate import remediate
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync

    exports = home / "demo-exports"
    exports.mkdir(parents=True, exist_ok=True)
    system = _system("imm-directory", "ระบบบัญชีผู้ใช้กลาง (ไดเรกทอรี) สตม.", bureau)
    if directory is not None:
        source = add_source(
            "imm-ldap",
            unit=bureau,
            system=system.code,
            ldap_url=directory.url,
            bind_dn=demo_slapd_admin(),
            password_file=str(directory.password_file),
            base_dn=demo_slapd_base(),
            may_write=True,
            actor="demo",
        )
    else:
        (exports / "imm-directory.csv").write_bytes(_directory_csv(entries))
        source = add_source(
            "imm-ldap",
            unit=bureau,
            system=system.code,
            csv_path=str(exports / "imm-directory.csv"),
            actor="demo",
        )
    sources = [source]
    for code, title, group, extras in APPLICATIONS:
        app = _system(code, title, it_centre)
        path = exports / f"{code}-users.csv"
        path.write_bytes(application_csv(everyone, group, extras))
        sources.append(
            add_source(f"{code}-users", unit=app.unit, system=app.code, csv_path=str(path), actor="demo")
        )
    for s in sources:
        sync(s, actor="demo")

    owner = Employee.objects.filter(unit__code="IMM-ITC", status="active").order_by("employee_id").first()
    mark_service(Account.objects.get(source=source, username="svc-backup"), owner, actor="demo")
    mark_service(Account.objects.get(source=source, username="svc-pibics-sync"), None, actor="demo")
    for day in REMEDIATION_DAYS:
        remediate(day, actor="demo", now=datetime.combine(day, time(10), BANGKOK))


def demo_slapd_admin() -> str:
    from lakthan.access.demo_slapd import ADMIN

    return ADMIN


def demo_slapd_base() -> str:
    from lakthan.access.demo_slapd import BASE

    return BASE


def name_unit_heads(bureau) -> None:
    """The head of each unit of the demo's posts: the roster's first person still active there at the
    year's end, made a person of Lakthan and linked to their employee id (reviewers sign in as people)."""
    from lakthan.access.models import Employee
    from lakthan.access.services.roster import link_employee_to_person
    from lakthan.core.models import Unit
    from lakthan.core.services import add_person, set_unit_head

    for code in dict.fromkeys(post[0] for post in POSTS):
        unit = Unit.objects.filter(code=code).first() or bureau
        if unit.head_id is not None:
            continue
        employee = (
            Employee.objects.filter(unit=unit, status=Employee.Status.ACTIVE).order_by("employee_id").first()
        )
        if employee is None:
            continue
        person = employee.person or add_person(
            unit,
            employee.first_name,
            employee.last_name,
            title_th=employee.title,
            position_th=employee.position,
            actor="demo",
        )
        link_employee_to_person(employee, person, actor="demo")
        set_unit_head(unit, person, actor="demo")


def seed(report, bureau) -> None:
    from lakthan.access.demo_campaign import complete_demo_campaign

    directory = build_demo_directory(bureau)
    try:
        name_unit_heads(bureau)
        # while the directory runs, so that the rights revoked are removed in it
        complete_demo_campaign(bureau, 2556)
    finally:
        if directory is not None:  # the demo's slapd is stopped with the demo (its files stay in its home)
            directory.stop()
