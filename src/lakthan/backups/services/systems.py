"""The inventory of information systems and their backup policy."""

from __future__ import annotations

import os
import secrets
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lakthan.backups.engines import compliance as engine
from lakthan.backups.engines.restic import Restic, ResticError
from lakthan.backups.models import BackupSystem
from lakthan.core import audit
from lakthan.core.errors import InvalidInput, LakthanError, NotFound
from lakthan.core.models import Person, Unit
from lakthan.inventory import services as inventory
from lakthan.inventory.models import System
from lakthan.lib.files import write_private

NAME_RE = inventory.CODE_RE  # a backup is named by its system's code
# Backups' importance, as `lakthan backup system add --importance` still takes it, on the inventory's
# criticality scale (1–5): low=2, medium=3, high=4; the ends are left for people to choose.
CRITICALITY = {"low": 2, "medium": 3, "high": 4}
SELF_NAME = "lakthan"
# Retention never goes below what proving a fiscal year and its last round needs.
MIN_KEEP = {"keep_daily": 7, "keep_weekly": 53, "keep_monthly": 13}
LOCK_RETRIES, LOCK_BACKOFF = 3, 1.0  # a locked repository: retried after 1, 2, 4 s


class BackupFailed(LakthanError):
    """restic could not do what was asked (exit 1)."""

    exit_code = 1


def backup_home() -> Path:
    return settings.LAKTHAN_HOME / "backups"


def get_system(name: str) -> BackupSystem:
    try:
        return BackupSystem.objects.select_related("system__unit").get(name=name)
    except BackupSystem.DoesNotExist:
        raise NotFound(f"ไม่พบระบบสารสนเทศชื่อ {name}", f"no backup system named {name}") from None


def policy_of(system: BackupSystem) -> engine.Policy:
    klass = system.system.klass
    default = engine.Policy.default(klass)
    return engine.Policy(
        klass, system.min_per_window or default.min_per_window, system.window or default.window
    )


def restic_for(system: BackupSystem, **kw) -> Restic:
    kw.setdefault("lock_retries", LOCK_RETRIES)
    kw.setdefault("lock_backoff", LOCK_BACKOFF)
    return Restic(
        system.repository, password_file=system.password_file, cache_dir=backup_home() / "cache", **kw
    )


def _new_password_file(name: str) -> Path:
    path = backup_home() / "keys" / f"{name}.key"
    write_private(path, secrets.token_urlsafe(32))
    return path


@transaction.atomic
def add_system(
    name: str,
    *,
    unit: Unit,
    klass: str,
    paths: list[str] | None = None,
    postgres: str = "",
    sqlite: str = "",
    lakthan: bool = False,
    repo: str | None = None,
    password_file: str | None = None,
    title: str = "",
    importance: str = "medium",
    min_per_window: int | None = None,
    window: str = "",
    override_reason: str = "",
    in_service_from: date | None = None,
    owner: Person | None = None,
    init_repo: bool = True,
    actor: str = audit.SYSTEM,
) -> BackupSystem:
    """Sets up the backup of the inventory system whose code is ``name``: the system is created from
    ``unit``, ``klass``, ``title``, ``importance`` and ``owner`` when the inventory has no such code,
    else the backup attaches to it (its unit and class must then be the ones given).

    Validates everything first; creates (or opens) the repository last, so a refusal leaves nothing."""
    if not NAME_RE.match(name or ""):
        raise InvalidInput(
            f"ชื่อระบบ '{name}' ไม่ถูกต้อง (ตัวอักษรอังกฤษ ตัวเลข . _ - ไม่เกิน ๘๐ ตัว)",
            f"system name '{name}' is invalid (letters, digits, . _ -, at most 80)",
        )
    if BackupSystem.objects.filter(name=name).exists():
        raise InvalidInput(f"มีระบบชื่อ {name} อยู่แล้ว", f"a backup system named {name} already exists")
    if klass not in System.Klass.values:
        raise InvalidInput(
            f"ประเภทระบบ '{klass}' ไม่ถูกต้อง (intranet หรือ internet)",
            f"class '{klass}' must be intranet or internet",
        )
    if importance not in CRITICALITY:
        raise InvalidInput(
            f"ความสำคัญ '{importance}' ไม่ถูกต้อง (low, medium หรือ high)",
            f"importance '{importance}' must be low, medium or high",
        )
    sources = [bool(paths), bool(postgres), bool(sqlite), lakthan]
    if sum(sources) != 1:
        raise InvalidInput(
            "ต้องระบุสิ่งที่จะสำรองอย่างใดอย่างหนึ่ง: --path, --postgres หรือ --sqlite",
            "give exactly one of --path, --postgres or --sqlite",
        )
    clean_paths = _clean_paths(paths or [])
    _check_source(sqlite, postgres)
    _check_policy(min_per_window, window, override_reason)
    if password_file and not Path(password_file).is_file():
        raise InvalidInput(f"ไม่พบไฟล์รหัสผ่าน {password_file}", f"password file {password_file} does not exist")
    repository = str(Path(repo).expanduser().resolve()) if repo else str(backup_home() / "repos" / name)
    source = "paths" if paths else "postgres" if postgres else "sqlite" if sqlite else "lakthan"
    inventory_system = _inventory_system(name, unit, klass, title, importance, owner, actor)
    created_key = None
    if not password_file:
        if repo and Path(repository, "config").exists():
            raise InvalidInput(
                f"คลัง {repository} มีอยู่แล้ว: ต้องระบุ --password-file",
                f"repository {repository} exists: give --password-file",
            )
        created_key = _new_password_file(name)
    system = BackupSystem(
        system=inventory_system,
        name=name,
        source=source,
        paths=clean_paths,
        postgres_dsn=postgres,
        sqlite_path=str(Path(sqlite).resolve()) if sqlite else "",
        repository=repository,
        password_file=str(Path(password_file).resolve()) if password_file else str(created_key),
        min_per_window=min_per_window,
        window=window,
        override_reason=override_reason.strip(),
        in_service_from=in_service_from or timezone.localdate(),
    )
    system.save()
    if init_repo:
        try:
            restic = restic_for(system)
            if not Path(repository, "config").exists():
                Path(repository).parent.mkdir(parents=True, exist_ok=True)
                restic.init()
            else:
                restic.snapshots()  # opens it: a wrong password is refused here, before anything is kept
        except ResticError as exc:
            if created_key:
                created_key.unlink(missing_ok=True)
            raise as_domain_error(exc, system) from None
    audit.record(actor, "backup.system.add", system, after={**audit.snapshot(system), "postgres_dsn": "…"})
    return system


def _clean_paths(paths: list[str]) -> list[str]:
    clean = []
    for p in paths:
        path = Path(p).expanduser()
        if not path.exists():
            raise InvalidInput(f"ไม่พบเส้นทาง {p}", f"path {p} does not exist")
        clean.append(str(path.resolve()) if not str(p).startswith("/proc/") else str(path))
    return clean


def _check_source(sqlite: str, postgres: str) -> None:
    if sqlite and not Path(sqlite).is_file():
        raise InvalidInput(f"ไม่พบไฟล์ SQLite {sqlite}", f"SQLite file {sqlite} does not exist")
    if postgres and not postgres.startswith(("postgres://", "postgresql://")):
        raise InvalidInput(
            "DSN ของ PostgreSQL ต้องขึ้นต้นด้วย postgres:// หรือ postgresql://",
            "the PostgreSQL DSN must start with postgres:// or postgresql://",
        )


def _check_policy(min_per_window: int | None, window: str, override_reason: str) -> None:
    if window and window not in engine.WINDOWS:
        raise InvalidInput(
            f"รอบเวลา '{window}' ไม่ถูกต้อง", f"window '{window}' must be one of {', '.join(engine.WINDOWS)}"
        )
    if min_per_window is not None and min_per_window < 1:
        raise InvalidInput("จำนวนครั้งต่อรอบต้องอย่างน้อย ๑", "--min-per-window must be at least 1")
    if (min_per_window or window) and not override_reason.strip():
        raise InvalidInput(
            "การกำหนดนโยบายเฉพาะระบบต้องระบุเหตุผล (--reason)",
            "a policy override needs its reason (--reason)",
        )


@transaction.atomic
def update_system(
    system: BackupSystem,
    *,
    paths: list[str] | None = None,
    sqlite: str = "",
    postgres: str = "",
    min_per_window: int | None = None,
    window: str = "",
    override_reason: str = "",
    keep_daily: int | None = None,
    keep_weekly: int | None = None,
    keep_monthly: int | None = None,
    active: bool = True,
    actor: str = audit.SYSTEM,
) -> BackupSystem:
    """Changes what is backed up (within the system's kind of source), the policy override and its
    reason, retention and whether the system is active. The repository, its key and the inventory's
    facts stay (the inventory page changes those). An empty ``postgres`` keeps the DSN."""
    before = {**audit.snapshot(system), "postgres_dsn": "…"}
    if system.source == BackupSystem.Source.PATHS:
        if not paths:
            raise InvalidInput("ต้องระบุไดเรกทอรีที่จะสำรองอย่างน้อยหนึ่งรายการ", "give at least one directory")
        system.paths = _clean_paths(paths)
    elif system.source == BackupSystem.Source.SQLITE:
        _check_source(sqlite or system.sqlite_path, "")
        system.sqlite_path = str(Path(sqlite).resolve()) if sqlite else system.sqlite_path
    elif system.source == BackupSystem.Source.POSTGRES and postgres:
        _check_source("", postgres)
        system.postgres_dsn = postgres
    _check_policy(min_per_window, window, override_reason)
    for key, value in (
        ("keep_daily", keep_daily),
        ("keep_weekly", keep_weekly),
        ("keep_monthly", keep_monthly),
    ):
        if value is not None:
            if not 0 < value <= 1000:
                raise InvalidInput(f"{key} ต้องอยู่ระหว่าง ๑ ถึง ๑๐๐๐", f"{key} must be between 1 and 1000")
            setattr(system, key, value)
    system.min_per_window, system.window = min_per_window, window
    system.override_reason = override_reason.strip() if (min_per_window or window) else ""
    system.active = active
    system.save()
    audit.record(
        actor,
        "backup.system.update",
        system,
        before=before,
        after={**audit.snapshot(system), "postgres_dsn": "…"},
    )
    return system


def _inventory_system(
    code: str, unit: Unit, klass: str, title: str, importance: str, owner: Person | None, actor: str
) -> System:
    existing = System.objects.filter(code=code).select_related("unit").first()
    if existing is None:
        return inventory.add_system(
            code,
            name_th=title or code,
            unit=unit,
            klass=klass,
            owner=owner,
            criticality=CRITICALITY[importance],
            actor=actor,
        )
    if existing.unit_id != unit.pk or existing.klass != klass:
        raise InvalidInput(
            f"ระบบ {code} ในทะเบียนเป็นของหน่วยงาน {existing.unit.code} ประเภท {existing.klass}"
            f" ไม่ตรงกับ --unit {unit.code} --class {klass}",
            f"inventory system {code} belongs to unit {existing.unit.code} with class {existing.klass},"
            f" not --unit {unit.code} --class {klass}",
        )
    if BackupSystem.objects.filter(system=existing).exists():
        raise InvalidInput(f"ระบบ {code} มีการสำรองข้อมูลอยู่แล้ว", f"system {code} already has a backup")
    return existing


def as_domain_error(exc: ResticError, system: BackupSystem) -> LakthanError:
    if exc.kind == "wrong_password":
        return InvalidInput(
            f"รหัสผ่านของคลังสำรองข้อมูล {system.repository} ไม่ถูกต้อง",
            f"wrong password for repository {system.repository}",
        )
    if exc.kind == "locked":
        return BackupFailed(
            f"คลังสำรองข้อมูล {system.repository} ถูกล็อกโดยงานอื่น",
            f"repository {system.repository} is locked: {exc.detail}",
        )
    if exc.kind == "no_repository":
        return InvalidInput(
            f"ไม่พบคลังสำรองข้อมูลที่ {system.repository}", f"no restic repository at {system.repository}"
        )
    return BackupFailed(f"restic ทำงานไม่สำเร็จ: {exc.detail}", f"restic failed: {exc.detail}")


def ensure_self_system(unit: Unit | None = None, actor: str = audit.SYSTEM, **repo) -> BackupSystem:
    """Lakthan's own database and evidence store, as a system in its own inventory."""
    existing = BackupSystem.objects.filter(name=SELF_NAME).select_related("system").first()
    if existing:
        return existing
    unit = unit or Unit.objects.filter(parent=None).order_by("code").first()
    if unit is None:
        raise InvalidInput("ยังไม่มีหน่วยงาน: เพิ่มหน่วยงานก่อน", "no unit yet: add a unit first")
    return add_system(
        SELF_NAME,
        unit=unit,
        klass="intranet",
        lakthan=True,
        title="Lakthan (หลักฐาน): ฐานข้อมูลและคลังหลักฐาน",
        importance="high",
        min_per_window=1,
        window="day",
        override_reason="the evidence of every control lives here: backed up daily",
        actor=actor,
        **repo,
    )


def effective_retention(system: BackupSystem) -> dict[str, int]:
    return {k: max(getattr(system, k), v) for k, v in MIN_KEEP.items()}


def sandbox_dir() -> Path:
    path = backup_home() / "sandbox"
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path
