"""A generated log with known attacks (for the exact-count detection test)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

BKK = ZoneInfo("Asia/Bangkok")


def line(t: datetime, host: str, app: str, msg: str, seq: int) -> str:
    return f'<38>1 {t.isoformat()} {host} {app} 1 - [meta sequenceId="{seq}"] {msg}'


def known_attacks() -> tuple[list[str], list[str]]:
    """(syslog lines, nginx access lines) on 2013-03-05 (a Tuesday)."""
    out: list[str] = []
    seq = 0
    t0 = datetime(2013, 3, 5, 9, 0, tzinfo=BKK)

    def add(t, host, app, msg):
        nonlocal seq
        seq += 1
        out.append(line(t, host, app, msg, seq))

    for i in range(200):  # noise: office-hours logins, cron
        add(
            t0 + timedelta(minutes=2 * i),
            "web01",
            "sshd",
            f"Accepted publickey for staff{i % 7} from 10.1.0.{i % 50} port 5000 ssh2",
        )
        add(
            t0 + timedelta(minutes=2 * i, seconds=30),
            "db01",
            "CRON",
            "(root) CMD (run-parts /etc/cron.hourly)",
        )
    # brute force 1: 12 failures from 203.0.113.7 on web01 within 2 minutes → alert with 12 events
    for i in range(12):
        add(
            t0 + timedelta(hours=1, seconds=10 * i),
            "web01",
            "sshd",
            f"Failed password for root from 203.0.113.7 port {4000 + i} ssh2",
        )
    # brute force 2: 15 invalid-user attempts from 198.51.100.4 on db01, 20 s apart (5 min window holds 15)
    for i in range(15):
        add(
            t0 + timedelta(hours=2, seconds=20 * i),
            "db01",
            "sshd",
            f"Invalid user guest{i} from 198.51.100.4 port {4100 + i}",
        )
    # not brute force: 9 failures in 5 minutes, then 9 more an hour later, from 192.0.2.50
    for burst in range(2):
        for i in range(9):
            add(
                t0 + timedelta(hours=3 + burst, seconds=30 * i),
                "web01",
                "sshd",
                f"Failed password for admin from 192.0.2.50 port {4200 + i} ssh2",
            )
    # logins outside office hours: 2 at night, 1 on Saturday
    add(
        datetime(2013, 3, 5, 23, 30, tzinfo=BKK),
        "db01",
        "sshd",
        "Accepted password for somchai from 10.1.0.9 port 5000 ssh2",
    )
    add(
        datetime(2013, 3, 6, 2, 5, tzinfo=BKK),
        "db01",
        "sshd",
        "Accepted password for somchai from 10.1.0.9 port 5001 ssh2",
    )
    add(
        datetime(2013, 3, 9, 10, 0, tzinfo=BKK),
        "web01",
        "sshd",
        "Accepted password for wichai from 10.1.0.8 port 5002 ssh2",
    )
    # account created with UID 0, and one added to sudo
    add(
        t0 + timedelta(hours=5),
        "db01",
        "useradd",
        "new user: name=backdoor, UID=0, GID=0, home=/root, shell=/bin/bash",
    )
    add(t0 + timedelta(hours=5, minutes=1), "db01", "usermod", "add 'backdoor' to group 'sudo'")
    # log cleared via sudo
    add(
        t0 + timedelta(hours=5, minutes=2),
        "db01",
        "sudo",
        "  backdoor : TTY=pts/1 ; PWD=/root ; USER=root ; COMMAND=/bin/rm /var/log/syslog",
    )
    # disabled account logs in (office hours)
    add(
        t0 + timedelta(hours=6),
        "web01",
        "sshd",
        "Accepted password for former01 from 10.1.0.77 port 5003 ssh2",
    )
    web = []
    base = datetime(2013, 3, 5, 10, 0, tzinfo=BKK)
    for i in range(100):
        web.append(
            f'10.2.0.{i % 30} - - [{(base + timedelta(seconds=i)).strftime("%d/%b/%Y:%H:%M:%S %z")}] "GET /pibics/search?q={i} HTTP/1.1" 200 512 "-" "Mozilla/5.0"'
        )
    attacks = [
        '"GET /pibics/search?q=1%27%20OR%201=1-- HTTP/1.1" 200 512 "-" "Mozilla/5.0"',
        '"GET /static/../../etc/passwd HTTP/1.1" 404 0 "-" "Mozilla/5.0"',
        '"GET /pibics/ HTTP/1.1" 200 512 "-" "sqlmap/1.7.2#stable (https://sqlmap.org)"',
        '"GET /download/tool.exe HTTP/1.1" 200 512 "-" "Microsoft-WebDAV-MiniRedir/10.0.19041"',
    ]
    for i, tail in enumerate(attacks):
        web.append(
            f"203.0.113.9 - - [{(base + timedelta(minutes=5, seconds=i)).strftime('%d/%b/%Y:%H:%M:%S %z')}] {tail}"
        )
    return out, web
