"""Demo data for item 1: three of the bureau's systems backed up across FY 2556, a few windows missed.

Real restic repositories under $LAKTHAN_HOME/backups, real snapshots dated with `restic backup
--time` into the past (1 Oct 2012 – 6 Oct 2013: the last ISO week of the fiscal year ends in FY
2557), a verification and a restore test of each system, and Lakthan backing itself up today.
The misses are deliberate, so the report shows them honestly:

- PIBICS database (intranet, ≥ 2 a week): the week of 14–20 Jan 2013 had one backup, the week of
  15–21 Apr 2013 (Songkran) none;
- residence notification TM.30 (internet, ≥ 1 a month): no backup in April 2013;
- the public website (internet): every month met.
One PIBICS backup is at 23:30 UTC on Sunday 6 Jan 2013 — 06:30 on Monday 7 Jan in Bangkok — so it
counts in the week of 7 Jan, not the week before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from lakthan.lib.timezones import BANGKOK

FY_START, LAST_DAY = date(2012, 10, 1), date(2013, 10, 6)

SYSTEMS = [
    # name, title, class, files
    ("pibics-db", "ระบบ PIBICS (ฐานข้อมูลตรวจคนเข้าเมือง)", "intranet", 6),
    ("tm30", "ระบบแจ้งที่พักคนต่างด้าว (ตม.๓๐)", "internet", 4),
    ("website", "เว็บไซต์สำนักงานตรวจคนเข้าเมือง", "internet", 3),
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BANGKOK).astimezone(UTC)


def schedule(name: str) -> list[datetime]:
    """Backup times for one demo system across the fiscal year, with its deliberate misses."""
    out: list[datetime] = []
    if name == "pibics-db":
        monday = FY_START
        while monday <= LAST_DAY:
            if monday == date(2013, 4, 15):
                pass  # Songkran week: none
            elif monday == date(2013, 1, 14):
                out.append(_at(monday + timedelta(days=1), 1))  # one only
            elif monday == date(2013, 1, 7):
                out.append(datetime(2013, 1, 6, 23, 30, tzinfo=UTC))  # Monday 06:30 in Bangkok
                out.append(_at(monday + timedelta(days=3), 1))
            else:
                out += [_at(monday, 1), _at(monday + timedelta(days=3), 1)]
            monday += timedelta(days=7)
        return out
    day = FY_START
    while day <= LAST_DAY:
        if not (name == "tm30" and (day.year, day.month) == (2013, 4)):
            out.append(_at(day.replace(day=15 if name == "tm30" else 3), 2))
        day = (day.replace(day=28) + timedelta(days=5)).replace(day=1)
    return [t for t in out if t.astimezone(BANGKOK).date() <= LAST_DAY]


def _data_dir(name: str, files: int):
    from django.conf import settings

    root = settings.LAKTHAN_HOME / "demo-systems" / name
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        (root / f"export-{i + 1:02d}.csv").write_text(
            "record,checkpoint,status\n" + "".join(f"{name}-{i}-{n},BKK,ok\n" for n in range(200)),
            encoding="utf-8",
        )
    return root


def use_cheap_key(repo: str | Path, password: bytes) -> None:
    """Re-wraps a repository's master key under a cheap scrypt setting (N=1024) and removes the
    original key. restic calibrates its key derivation to about half a second of CPU per command;
    the demo, the tests and the benchmark make hundreds of backdated snapshots and cannot pay that.
    FOR DEMO, TEST AND BENCHMARK REPOSITORIES ONLY: it makes guessing the password far cheaper, which
    is why it lives here and no production service can ask for it.

    The format is restic's (internal/crypto): scrypt(password) → 32-byte AES-256 key, then the
    Poly1305 key k‖r; ``data`` = nonce ‖ AES-256-CTR(master-key JSON) ‖ Poly1305-AES MAC."""
    import base64
    import hashlib
    import json
    import os

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.poly1305 import Poly1305

    from lakthan.backups.engines.restic import ResticError

    def derive(salt: bytes, n: int, r: int, p: int) -> tuple[bytes, bytes, bytes]:
        d = hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, dklen=64, maxmem=1 << 30)
        return d[:32], d[32:48], d[48:64]

    def mac(msg: bytes, nonce: bytes, k: bytes, r: bytes) -> bytes:
        aes = Cipher(algorithms.AES(k), modes.ECB()).encryptor()
        return Poly1305.generate_tag(r + aes.update(nonce) + aes.finalize(), msg)

    keys = Path(repo) / "keys"
    files = sorted(keys.iterdir())
    if len(files) != 1:
        raise ResticError("failed", "expected exactly one key in a new repository")
    key = json.loads(files[0].read_text())
    enc, mk, mr = derive(base64.b64decode(key["salt"]), key["N"], key["r"], key["p"])
    data = base64.b64decode(key["data"])
    nonce, ct, tag = data[:16], data[16:-16], data[-16:]
    if mac(ct, nonce, mk, mr) != tag:
        raise ResticError("wrong_password", "wrong password or no key found")
    master = Cipher(algorithms.AES(enc), modes.CTR(nonce)).decryptor().update(ct)
    salt, nonce = os.urandom(64), os.urandom(16)
    enc, mk, mr = derive(salt, 1024, 8, 1)
    ct = Cipher(algorithms.AES(enc), modes.CTR(nonce)).encryptor().update(master)
    blob = nonce + ct + mac(ct, nonce, mk, mr)
    new = dict(
        key, N=1024, r=8, p=1, salt=base64.b64encode(salt).decode(), data=base64.b64encode(blob).decode()
    )
    body = json.dumps(new).encode()
    target = keys / hashlib.sha256(body).hexdigest()
    target.write_bytes(body)
    os.chmod(target, 0o400)
    files[0].unlink()


def _init_repositories(names: list[str]) -> dict[str, dict[str, str]]:
    """`restic init` of every demo repository at once (each costs restic's calibrated key
    derivation), re-keyed cheaply: demo repositories only (see use_cheap_key)."""
    import secrets
    from concurrent.futures import ThreadPoolExecutor

    from lakthan.backups.engines.restic import Restic
    from lakthan.backups.services.systems import backup_home
    from lakthan.lib.files import write_private

    def init(name: str) -> dict[str, str]:
        repo, key = backup_home() / "repos" / name, backup_home() / "keys" / f"{name}.key"
        password = secrets.token_urlsafe(24)
        write_private(key, password)
        repo.parent.mkdir(parents=True, exist_ok=True)
        Restic(repo, password_file=key).init()
        use_cheap_key(repo, password.encode())
        return {"repo": str(repo), "password_file": str(key)}

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        return dict(zip(names, pool.map(init, names), strict=True))


def seed(report, bureau) -> None:
    from lakthan.backups.services.runs import backfill, run_backup
    from lakthan.backups.services.systems import add_system, ensure_self_system
    from lakthan.backups.services.verify import restore_test, verify
    from lakthan.core.models import Unit

    unit = Unit.objects.filter(code="IMM-ITC").first() or bureau
    repos = _init_repositories([name for name, *_ in SYSTEMS] + ["lakthan"])
    systems = []
    for name, title, klass, files in SYSTEMS:
        systems.append(
            add_system(
                name,
                unit=unit,
                klass=klass,
                paths=[str(_data_dir(name, files))],
                title=title,
                importance="high" if klass == "intranet" else "medium",
                in_service_from=FY_START,
                actor="demo",
                **repos[name],
            )
        )
    backfill([(system, schedule(system.name)) for system in systems], trigger="demo")
    for system in systems:
        # the verification and the restore test of the round, dated in its last month
        verify(system, "1/1", trigger="demo", actor="demo", at=_at(date(2013, 9, 20), 3), alert=False)
        restore_test(
            system, trigger="demo", seed=2556, actor="demo", at=_at(date(2013, 9, 21), 4), alert=False
        )
    me = ensure_self_system(bureau, actor="demo", **repos["lakthan"])
    run_backup(me, trigger="demo", actor="demo", alert=False)
