"""The item-4 scene, built through the services and the real log pipeline (lines ingested and sealed
into signed segments): units A ⊃ A-1 ⊃ checkpoints CP1, CP2, CP3 (the shared `world`); the system
pibics run by a host at CP1 and one at CP2 and declared installed at CP3 (which stays silent); the
central web system tm30 on web-central at A, whose access log names addresses of CP1's and A-1's
prefixes in the address plan."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lakthan.core.models import Unit
from lakthan.core.services import add_unit
from lakthan.inventory import services as inventory
from lakthan.inventory.models import System
from lakthan.monitoring.services import ingest
from lakthan.monitoring.services import seal as sealing
from lakthan.network.models import Prefix
from lakthan.network.services import register


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


def add_prefix(cidr: str, unit: Unit) -> Prefix:
    """A prefix of the address plan, through the register's service."""
    return register.add_prefix(cidr, unit, actor="test")


def ssh_login(host: str, user: str, at: str, src: str = "10.99.0.1") -> str:
    """An RFC 5424 sshd line: the parser reads the user and the source address from it."""
    return f"<38>1 {at} {host} sshd 1 - - Accepted password for {user} from {src} port 22 ssh2"


def access(ip: str, user: str, at: str, uri: str = "/") -> str:
    """A combined-format access log line; ``at`` as nginx writes it (05/Jan/2026:10:00:00 +0700)."""
    return f'{ip} - {user} [{at}] "GET {uri} HTTP/1.1" 200 512 "-" "Mozilla/5.0"'


@dataclass
class Scene:
    a: Unit
    a1: Unit
    cp1: Unit
    cp2: Unit
    cp3: Unit
    pibics: System
    tm30: System


@pytest.fixture
def scene(world) -> Scene:
    cp1 = add_unit("CP1", "ด่านตรวจ ๑", parent="A-1", kind="checkpoint")
    cp2 = add_unit("CP2", "ด่านตรวจ ๒", parent="A-1", kind="checkpoint")
    cp3 = add_unit("CP3", "ด่านตรวจ ๓", parent="A-1", kind="checkpoint")
    pibics = inventory.add_system(
        "pibics", name_th="ระบบตรวจคนเข้าเมือง", unit=world.a1, klass="intranet", criticality=5
    )
    tm30 = inventory.add_system("tm30", name_th="ระบบแจ้งที่พัก ตม.๓๐", unit=world.a, klass="internet")
    inventory.add_host("pib-cp1", unit=cp1, addresses=["10.1.1.10"], systems=[pibics])
    inventory.add_host("pib-cp2", unit=cp2, addresses=["10.1.2.10"], systems=[pibics])
    inventory.add_host("web-central", unit=world.a, addresses=["10.0.0.80"], systems=[tm30])
    inventory.add_host("mail-cp3", unit=cp3, addresses=["10.1.3.25"])  # runs no system
    inventory.set_installed_at(pibics, [cp3], actor="test")  # declared, and silent
    add_prefix("10.1.0.0/16", world.a1)
    add_prefix("10.1.1.0/24", cp1)
    add_prefix("10.1.2.0/24", cp2)
    add_prefix("10.1.3.0/24", cp3)

    ingest.ingest_lines(
        [
            ssh_login("pib-cp1", "somchai", "2026-01-05T09:00:00+07:00"),
            ssh_login("pib-cp1", "somsri", "2026-01-06T09:00:00+07:00"),
            ssh_login("pib-cp1", "somchai", "2026-01-31T23:30:00+07:00"),  # still January in Bangkok
            # 00:30 on 1 February in Bangkok is 31 January in UTC: February
            ssh_login("pib-cp1", "somchai", "2026-02-01T00:30:00+07:00"),
            # CP2's host sends under its address
            ssh_login("10.1.2.10", "kanya", "2026-02-10T10:00:00+07:00"),
            ssh_login("10.1.2.10", "kanya", "2026-02-11T10:00:00+07:00"),
            ssh_login("mail-cp3", "postmaster", "2026-01-10T10:00:00+07:00"),  # not a system's host
        ],
        "syslog",
    )
    ingest.ingest_lines(
        [
            access("10.1.1.55", "wichai", "05/Jan/2026:10:00:00 +0700"),  # from CP1
            access("10.1.1.56", "-", "05/Jan/2026:10:01:00 +0700"),  # from CP1, no user named
            access("10.1.1.55", "wichai", "01/Feb/2026:00:30:00 +0700", "/form"),  # CP1, February
            access("10.1.0.7", "anan", "20/Jan/2026:08:00:00 +0700"),  # A-1's own prefix, not a CP's
            access("192.0.2.9", "guest", "20/Jan/2026:08:00:00 +0700"),  # outside the plan
            access("10.1.1.55", "wichai", "05/Mar/2026:10:00:00 +0700"),  # after the period
        ],
        "nginx",
        host="web-central",
    )
    sealing.seal()
    return Scene(world.a, world.a1, cp1, cp2, cp3, pibics, tm30)
