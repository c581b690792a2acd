"""A real OpenLDAP slapd for the tests and the demo: a temporary slapd.conf with back_mdb and the memberof, lastbind
and ppolicy overlays, on 127.0.0.1 at a free port, loaded with slapadd (which takes the operational
attributes a directory keeps itself: authTimestamp, pwdAccountLockedTime, pwdChangedTime,
createTimestamp), groups added over LDAP afterwards so that the memberof overlay writes memberOf.
Stopped (and removed) by the test fixture, or at the end of `lakthan demo`. Not a production directory:
the administrator's password is a fixed demo value kept in a file beside the database."""

from __future__ import annotations

import base64
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import ldap3

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
SCHEMA = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")
BASE = "dc=agency,dc=example"
ADMIN = f"cn=admin,{BASE}"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"

CONF = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
include {schema}/nis.schema
modulepath {modules}
moduleload back_mdb
moduleload memberof
moduleload lastbind
moduleload ppolicy
pidfile {root}/slapd.pid
database mdb
suffix "{base}"
rootdn "{admin}"
rootpw {password}
directory {root}/db
maxsize 1073741824
overlay memberof
memberof-refint true
overlay lastbind
lastbind-precision 0
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{base}"
"""

BASE_LDIF = f"""\
dn: {BASE}
objectClass: dcObject
objectClass: organization
o: Agency
dc: agency

dn: {PEOPLE}
objectClass: organizationalUnit
ou: people

dn: {GROUPS}
objectClass: organizationalUnit
ou: groups

dn: ou=policies,{BASE}
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,{BASE}
objectClass: organizationalRole
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE

"""


@dataclass
class User:
    """A person's entry; times as GeneralizedTime text (20260101000000Z), None to leave out."""

    uid: str
    cn: str
    sn: str = ""
    employee_number: str | None = None
    password: str = "user-password"
    auth_timestamp: str | None = None
    locked: str | None = None  # pwdAccountLockedTime
    pwd_changed: str | None = None
    created: str | None = "20200101000000Z"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{PEOPLE}"

    def ldif(self) -> str:
        lines = [f"dn: {self.dn}", "objectClass: inetOrgPerson", f"uid: {self.uid}"]
        lines += [_attr("cn", self.cn), _attr("sn", self.sn or self.cn), _attr("userPassword", self.password)]
        for name, value in (
            ("employeeNumber", self.employee_number),
            ("authTimestamp", self.auth_timestamp),
            ("pwdAccountLockedTime", self.locked),
            ("pwdChangedTime", self.pwd_changed),
            ("createTimestamp", self.created),
            *self.extra.items(),
        ):
            if value is not None:
                lines.append(_attr(name, value))
        return "\n".join(lines) + "\n\n"


def _attr(name: str, value: str) -> str:
    """An LDIF line; a value that is not plain ASCII (a Thai name) is written base64 (RFC 2849)."""
    if value.isascii() and not value.startswith((" ", ":", "<")):
        return f"{name}: {value}"
    return f"{name}:: {base64.b64encode(value.encode()).decode()}"


def _ok(conn: ldap3.Connection) -> None:
    if conn.result["result"] != 0:
        raise RuntimeError(f"slapd refused: {conn.result}")


def available() -> bool:
    """Whether this machine has slapd, slapadd and the schema (Debian's slapd package)."""
    return Path(SLAPD).is_file() and Path(SLAPADD).is_file() and (SCHEMA / "core.schema").is_file()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Slapd:
    def __init__(self, root: Path):
        self.root = root
        self.password = "admin-secret"
        self.password_file = root / "bind-password"
        self.port = 0
        self.url = ""
        self.process: subprocess.Popen | None = None

    def start(self, users: list[User], groups: dict[str, list[str]]) -> Slapd:
        """Loads the users with slapadd, starts slapd, adds ``groups`` (name → member uids) over LDAP."""
        (self.root / "db").mkdir(parents=True)
        self.password_file.write_text(self.password + "\n")
        conf = self.root / "slapd.conf"
        conf.write_text(
            CONF.format(
                schema=SCHEMA, modules=MODULES, root=self.root, base=BASE, admin=ADMIN, password=self.password
            )
        )
        data = self.root / "data.ldif"
        data.write_text(BASE_LDIF + "".join(u.ldif() for u in users), encoding="utf-8")
        subprocess.run([SLAPADD, "-q", "-f", str(conf), "-l", str(data)], check=True, capture_output=True)
        for _attempt in range(5):  # another process may take the free port first
            self.port = free_port()
            self.url = f"ldap://127.0.0.1:{self.port}"
            # -d 0: stay in the foreground, so the fixture owns the process and no slapd outlives it
            self.process = subprocess.Popen(
                [SLAPD, "-f", str(conf), "-h", f"{self.url}/", "-d", "0"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            if self._wait_ready():
                break
            self.stop()
        else:
            raise RuntimeError("slapd did not start")
        if groups:
            self.add_groups(groups)
        return self

    def _wait_ready(self, seconds: float = 10) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                time.sleep(0.02)
        return False

    def connection(self, dn: str = ADMIN, password: str | None = None) -> ldap3.Connection:
        server = ldap3.Server(self.url, get_info=ldap3.NONE)
        return ldap3.Connection(
            server, user=dn, password=self.password if password is None else password, auto_bind=True
        )

    def add_groups(self, groups: dict[str, list[str]]) -> None:
        with self.connection() as conn:
            for name, uids in groups.items():
                members = [f"uid={uid},{PEOPLE}" for uid in uids] or [ADMIN]
                conn.add(f"cn={name},{GROUPS}", ["groupOfNames"], {"cn": name, "member": members})
                _ok(conn)

    def attribute(self, dn: str, name: str) -> list[str]:
        with self.connection() as conn:
            conn.search(dn, "(objectClass=*)", search_scope=ldap3.BASE, attributes=[name])
            value = conn.response[0]["attributes"].get(name, [])
            return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def can_bind(self, dn: str, password: str) -> bool:
        server = ldap3.Server(self.url, get_info=ldap3.NONE)
        conn = ldap3.Connection(server, user=dn, password=password)
        ok = conn.bind()
        conn.unbind()
        return bool(ok)

    def modify(self, dn: str, changes: dict) -> None:
        with self.connection() as conn:
            conn.modify(dn, changes)
            _ok(conn)

    def delete(self, dn: str) -> None:
        with self.connection() as conn:
            conn.delete(dn)
            _ok(conn)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
