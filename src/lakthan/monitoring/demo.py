"""Demo data for item 2: the demo bureau's hosts, three months of generated logs in FY 2556
(July–September 2013) with one host that goes silent for two weeks and an SSH brute-force episode,
sealed month by month with signed checkpoints, and detections run and reviewed."""

from __future__ import annotations

import json
import random
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from lakthan.lib.timezones import BANGKOK

HOSTS = [
    # name, unit, addresses, role
    ("itc-web01", "IMM-ITC", ["10.10.1.11"], "web server (intranet portal)"),
    ("itc-db01", "IMM-ITC", ["10.10.1.21"], "database server"),
    ("pibics-app01", "IMM-ITC", ["10.10.1.31"], "PIBICS application server"),
    ("bkk-gw01", "IMM-D2-BKK", ["10.20.1.1"], "checkpoint gateway, Suvarnabhumi"),
    ("inv-fs01", "IMM-INV", ["10.30.1.5"], "file server, investigation division"),
]
SERVES = {"pibics-app01": ["pibics-db"], "itc-db01": ["pibics-db", "tm30"], "itc-web01": ["website"]}
START, END = date(2013, 7, 1), date(2013, 9, 30)
SILENT = ("inv-fs01", date(2013, 8, 12), date(2013, 8, 25))
BRUTE = ("itc-web01", datetime(2013, 8, 20, 2, 14, tzinfo=BANGKOK), "203.0.113.66", 40)
STAFF = ["somsak", "wanida", "pracha", "kanya", "thawat", "malee"]
# where PIBICS is used from: the IT centre's staff network (its staff) and the counters of the two
# checkpoints (their officers): first address, last address, the users there (None: STAFF)
PIBICS_PLACES = [
    ("10.10.9.", 2, 60, None),
    ("10.20.2.", 10, 40, ["anong", "boonmee", "chalerm", "duangjai", "ekkarat"]),
    ("10.21.2.", 10, 29, ["fongchan", "kasem", "lamai"]),
]


def _syslog(t: datetime, host: str, app: str, msg: str, seq: int) -> str:
    return f'<38>1 {t.isoformat(timespec="seconds")} {host} {app} {1000 + seq % 9000} - [meta sequenceId="{seq}"] {msg}'


def generate(
    month_start: date, month_end: date, rng: random.Random, seq: dict
) -> tuple[list[str], list[str], list[str]]:
    """(syslog lines, nginx access lines of itc-web01, JSON audit lines of pibics-app01)."""
    syslog, web, audit = [], [], []
    day = month_start
    while day <= month_end:
        for host, *_ in HOSTS:
            if host == SILENT[0] and SILENT[1] <= day <= SILENT[2]:
                continue
            for _ in range(rng.randint(40, 60)):
                t = datetime(
                    day.year,
                    day.month,
                    day.day,
                    rng.randint(0, 23),
                    rng.randint(0, 59),
                    rng.randint(0, 59),
                    tzinfo=BANGKOK,
                )
                kind = rng.random()
                if kind < 0.5:
                    app, msg = "CRON", "(root) CMD (run-parts /etc/cron.hourly)"
                elif kind < 0.75 and 8 <= t.hour < 18 and t.weekday() < 5:
                    app, msg = (
                        "sshd",
                        f"Accepted publickey for {rng.choice(STAFF)} from 10.10.9.{rng.randint(2, 60)} port {rng.randint(40000, 60000)} ssh2",
                    )
                else:
                    app, msg = "systemd", "Started Session of user root."
                seq[host] = seq.get(host, 0) + 1
                syslog.append(_syslog(t, host, app, msg, seq[host]))
        for _ in range(100):
            t = datetime(
                day.year,
                day.month,
                day.day,
                rng.randint(7, 19),
                rng.randint(0, 59),
                rng.randint(0, 59),
                tzinfo=BANGKOK,
            )
            web.append(
                f'10.10.9.{rng.randint(2, 60)} - - [{t.strftime("%d/%b/%Y:%H:%M:%S %z")}] "GET /portal/{rng.choice(["news", "forms", "staff", "search?q=visa"])} HTTP/1.1" 200 {rng.randint(300, 9000)} "-" "Mozilla/5.0"'
            )
        # PIBICS is used at the IT centre and at the two airport checkpoints (their counters' addresses
        # lie in the checkpoints' prefixes of the address plan: network/demo.py); an rng of its own,
        # so the rest of the generated logs stay as they were
        counters = random.Random(day.toordinal())
        for _ in range(30):
            t = datetime(
                day.year,
                day.month,
                day.day,
                rng.randint(8, 17),
                rng.randint(0, 59),
                rng.randint(0, 59),
                tzinfo=BANGKOK,
            )
            action = rng.choice(["view", "update", "check-in", "check-out"])
            staff = rng.choice(STAFF)
            net, low, high, officers = counters.choice(PIBICS_PLACES)
            audit.append(
                json.dumps(
                    {
                        "ts": t.isoformat(),
                        "host": "pibics-app01",
                        "user": staff if officers is None else counters.choice(officers),
                        "ip": f"{net}{counters.randint(low, high)}",
                        "action": action,
                        "record": f"passport/{rng.randint(0, 99999999):08d}",
                    }
                )
            )
        if day == date(2013, 9, 3):  # the on-call administrator logs in at night (reviewed: false positive)
            seq["itc-db01"] += 1
            syslog.append(
                _syslog(
                    datetime(2013, 9, 3, 23, 40, tzinfo=BANGKOK),
                    "itc-db01",
                    "sshd",
                    "Accepted password for somsak from 10.10.9.7 port 51000 ssh2",
                    seq["itc-db01"],
                )
            )
        day += timedelta(days=1)
    host, t0, ip, n = BRUTE
    if month_start <= t0.date() <= month_end:
        for i in range(n):
            seq[host] += 1
            syslog.append(
                _syslog(
                    t0 + timedelta(seconds=6 * i),
                    host,
                    "sshd",
                    f"Failed password for root from {ip} port {30000 + i} ssh2",
                    seq[host],
                )
            )
        syslog.append(
            _syslog(
                t0 + timedelta(minutes=5),
                host,
                "sshd",
                f"Invalid user oracle from {ip} port 31000",
                seq[host] + 1,
            )
        )
        seq[host] += 1
    return sorted(syslog, key=lambda s: s.split(" ")[1]), web, audit


def seed(report, bureau) -> None:
    from lakthan.core.models import Unit
    from lakthan.inventory import services as inventory
    from lakthan.inventory.models import System
    from lakthan.monitoring.models import Alert
    from lakthan.monitoring.services import alerts as log_alerts
    from lakthan.monitoring.services import hosts as log_hosts
    from lakthan.monitoring.services import ingest, retention, verification
    from lakthan.monitoring.services import seal as sealing

    codes = set(Unit.objects.filter(pk__in=bureau.descendant_ids()).values_list("code", flat=True))
    for name, unit, addrs, role in HOSTS:
        host = log_hosts.add_host(
            name, unit if unit in codes else bureau.code, addrs, role=role, actor="demo"
        )
        served = list(System.objects.filter(code__in=SERVES.get(name, [])))  # the backups demo's systems
        if served:
            inventory.update_host(host, systems=served, actor="demo")
    retention.set_retention(90, actor="demo")
    rng = random.Random(2556)
    seq: dict[str, int] = {}
    months = [
        (date(2013, 7, 1), date(2013, 7, 31)),
        (date(2013, 8, 1), date(2013, 8, 31)),
        (date(2013, 9, 1), date(2013, 9, 30)),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for first, last in months:
            syslog, web, audit = generate(first, last, rng, seq)
            tag = first.strftime("%Y-%m")
            files = {f"syslog-{tag}.log": syslog, f"access-{tag}.log": web, f"audit-{tag}.jsonl": audit}
            for fname, lines in files.items():
                (Path(tmp) / fname).write_text("\n".join(lines) + "\n")
            ingest.ingest_files([Path(tmp) / f"syslog-{tag}.log"], fmt="syslog")
            ingest.ingest_files([Path(tmp) / f"access-{tag}.log"], host="itc-web01", fmt="nginx")
            ingest.ingest_files([Path(tmp) / f"audit-{tag}.jsonl"], fmt="jsonl")
            sealing.seal()
    log_alerts.detect()
    for alert in Alert.objects.all():
        if "brute force" in alert.rule_title.lower() or "failed login" in alert.rule_title.lower():
            log_alerts.set_disposition(
                alert.pk,
                "true_positive",
                "ที่อยู่ต้นทางถูกปิดกั้นที่ไฟร์วอลล์ / source address blocked at the firewall",
                actor="demo",
            )
        else:
            log_alerts.set_disposition(
                alert.pk, "false_positive", "ผู้ดูแลระบบเวรนอกเวลาราชการ / on-call administrator", actor="demo"
            )
    verification.verify()
