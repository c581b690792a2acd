"""Identity sources: which directory or user table holds the accounts of which system."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from lakthan.access.engines.directory import DirectoryConfig
from lakthan.access.models import IdentitySource
from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Unit
from lakthan.inventory import services as inventory
from lakthan.inventory.models import System
from lakthan.inventory.services import CODE_RE


def get_source(name: str) -> IdentitySource:
    try:
        return IdentitySource.objects.select_related("system__unit").get(name=name)
    except IdentitySource.DoesNotExist:
        raise NotFound(f"ไม่พบแหล่งบัญชีผู้ใช้ชื่อ {name}", f"no identity source named {name}") from None


def _system_for(name: str, unit: Unit, system_code: str | None, actor: str) -> System:
    """The named system of the inventory; without one, a directory is a system of its own (code NAME)."""
    if system_code:
        system = inventory.get_system(system_code)
        if system.unit_id != unit.pk and system.unit_id not in unit.descendant_ids():
            raise InvalidInput(
                f"ระบบ {system_code} ไม่อยู่ในหน่วยงาน {unit.code}",
                f"system {system_code} is not in unit {unit.code}",
            )
        return system
    existing = System.objects.filter(code=name).first()
    if existing is not None:
        return existing
    return inventory.add_system(
        name,
        name_th=f"ไดเรกทอรี {name}",
        name_en=f"Directory {name}",
        unit=unit,
        klass="intranet",
        actor=actor,
    )


@transaction.atomic
def add_source(
    name: str,
    *,
    unit: Unit,
    system: str | None = None,
    ldap_url: str = "",
    bind_dn: str = "",
    password_file: str = "",
    base_dn: str = "",
    csv_path: str = "",
    lakthan: bool = False,
    may_write: bool = False,
    employee_id_attribute: str = "employeeNumber",
    actor: str = audit.SYSTEM,
) -> IdentitySource:
    if not CODE_RE.match(name or ""):
        raise InvalidInput(
            f"ชื่อแหล่ง '{name}' ไม่ถูกต้อง (ตัวอักษรอังกฤษ ตัวเลข . _ - ไม่เกิน ๘๐ ตัว)",
            f"source name '{name}' is invalid (letters, digits, . _ -, at most 80)",
        )
    if IdentitySource.objects.filter(name=name).exists():
        raise InvalidInput(f"มีแหล่งบัญชีผู้ใช้ชื่อ {name} อยู่แล้ว", f"an identity source named {name} already exists")
    if [bool(ldap_url), bool(csv_path), lakthan].count(True) != 1:
        raise InvalidInput(
            "ระบุ --ldap หรือ --csv (หรือ --lakthan) อย่างใดอย่างหนึ่ง", "give either --ldap or --csv (or --lakthan)"
        )
    if lakthan:
        if not system:
            raise InvalidInput("แหล่งผู้ใช้ของ Lakthan ต้องระบุ --system", "a Lakthan source needs --system")
        if may_write:
            raise InvalidInput(
                "ผู้ใช้ของ Lakthan จัดการในหน้าผู้ดูแลระบบ ไม่ใช่ผ่าน --write",
                "Lakthan's users are managed in its admin pages, not through --write",
            )
        kind = IdentitySource.Kind.LAKTHAN
    elif ldap_url:
        if not ldap_url.startswith(("ldap://", "ldaps://")):
            raise InvalidInput(
                f"URL '{ldap_url}' ต้องขึ้นต้นด้วย ldap:// หรือ ldaps://",
                f"'{ldap_url}' is not an ldap:// or ldaps:// URL",
            )
        if not (bind_dn and password_file and base_dn):
            raise InvalidInput(
                "แหล่ง LDAP ต้องมี --bind-dn --password-file และ --base-dn",
                "an LDAP source needs --bind-dn, --password-file and --base-dn",
            )
        if not Path(password_file).is_file():
            raise InvalidInput(f"ไม่พบไฟล์รหัสผ่าน {password_file}", f"password file {password_file} not found")
        kind = IdentitySource.Kind.LDAP
    else:
        if not system:
            raise InvalidInput("แหล่ง CSV ต้องระบุ --system", "a CSV source needs --system")
        if may_write:
            raise InvalidInput(
                "Lakthan เขียนไฟล์ CSV กลับไม่ได้ (--write)", "Lakthan cannot write back to a CSV (--write)"
            )
        kind = IdentitySource.Kind.CSV
    source = IdentitySource.objects.create(
        name=name,
        system=_system_for(name, unit, system, actor),
        kind=kind,
        url=ldap_url,
        bind_dn=bind_dn,
        password_file=str(Path(password_file).resolve()) if password_file else "",
        base_dn=base_dn,
        csv_path=str(Path(csv_path).resolve()) if csv_path else "",
        may_write=may_write,
        employee_id_attribute=employee_id_attribute or "employeeNumber",
    )
    audit.record(actor, "access.source.add", source)
    return source


def directory_config(source: IdentitySource) -> DirectoryConfig:
    from lakthan.access.services import SourceFailed

    try:
        password = Path(source.password_file).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise SourceFailed(
            f"อ่านไฟล์รหัสผ่าน {source.password_file} ไม่ได้: {exc.strerror}",
            f"cannot read the password file {source.password_file}: {exc.strerror}",
        ) from None
    return DirectoryConfig(
        url=source.url,
        bind_dn=source.bind_dn,
        password=password,
        base_dn=source.base_dn,
        user_filter=source.user_filter,
        group_filter=source.group_filter,
        employee_id_attribute=source.employee_id_attribute,
    )


def require_in_files_folder(path: str) -> None:
    """A path typed on a web page must lie in LAKTHAN_ACCESS_FILES: otherwise a unit administrator
    could name any file the server can read (its secret key) as a bind password and have the sync send
    it to a directory of their choosing. The CLI, run by the operator, is not limited."""
    from django.conf import settings

    if not path:
        return
    folder = Path(settings.LAKTHAN_ACCESS_FILES).resolve()
    if not Path(path).resolve().is_relative_to(folder):
        raise InvalidInput(
            f"ไฟล์ {path} ต้องอยู่ในโฟลเดอร์ {folder} (LAKTHAN_ACCESS_FILES)",
            f"{path} must be inside {folder} (LAKTHAN_ACCESS_FILES)",
        )


@transaction.atomic
def update_source(
    source: IdentitySource,
    *,
    ldap_url: str = "",
    bind_dn: str = "",
    password_file: str = "",
    base_dn: str = "",
    employee_id_attribute: str = "",
    csv_path: str = "",
    may_write: bool = False,
    actor: str = audit.SYSTEM,
) -> IdentitySource:
    """Where the source is read from changes; its kind and system do not (a new source would). An
    empty ``password_file`` keeps the one set, unless the URL or bind DN changes."""
    before = audit.snapshot(source)
    if source.kind == IdentitySource.Kind.LDAP:
        if (ldap_url != source.url or bind_dn != source.bind_dn) and not password_file:
            # the stored password must not follow a new URL unasked (to a server that collects it)
            raise InvalidInput(
                "เปลี่ยน URL หรือ bind DN ต้องระบุไฟล์รหัสผ่านอีกครั้ง",
                "a new URL or bind DN needs the password file given again",
            )
        if not ldap_url.startswith(("ldap://", "ldaps://")):
            raise InvalidInput(
                f"URL '{ldap_url}' ต้องขึ้นต้นด้วย ldap:// หรือ ldaps://",
                f"'{ldap_url}' is not an ldap:// or ldaps:// URL",
            )
        if not (bind_dn and base_dn):
            raise InvalidInput(
                "แหล่ง LDAP ต้องมี bind DN และ base DN", "an LDAP source needs a bind DN and a base DN"
            )
        if password_file:
            if not Path(password_file).is_file():
                raise InvalidInput(
                    f"ไม่พบไฟล์รหัสผ่าน {password_file}", f"password file {password_file} not found"
                )
            source.password_file = str(Path(password_file).resolve())
        source.url, source.bind_dn, source.base_dn = ldap_url, bind_dn, base_dn
        source.employee_id_attribute = employee_id_attribute or "employeeNumber"
        source.may_write = may_write
    else:
        if not csv_path:
            raise InvalidInput("แหล่ง CSV ต้องระบุไฟล์", "a CSV source needs its file")
        if may_write:
            raise InvalidInput(
                "Lakthan เขียนไฟล์ CSV กลับไม่ได้ (--write)", "Lakthan cannot write back to a CSV (--write)"
            )
        source.csv_path = str(Path(csv_path).resolve())
    source.save()
    audit.record(actor, "access.source.edit", source, before)
    return source
