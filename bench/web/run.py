"""Dashboard latency under load: p95 of the bureau's dashboard (its round with the roll-up of every
unit below it) under 20 concurrent clients, on the demo data scaled to 40 units, served by gunicorn on
127.0.0.1, with the load from a second process; the baseline is /healthz under the same load.

    .venv/bin/python bench/web/run.py [--clients 20] [--requests 30] [--workers N]
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = "/units/IMM/fy/2556/round/12/"
BASELINE = "/healthz"
UNITS = 40


def build(home: Path) -> tuple[str, Path]:
    """Demo data, scaled to 40 units; returns a session cookie of an auditor of the whole bureau."""
    os.environ["LAKTHAN_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    from lakthan.demo import prepare_home

    prepare_home()  # moves LAKTHAN_HOME to its demo/ folder
    home = Path(os.environ["LAKTHAN_HOME"])
    from lakthan.cli import setup_django

    setup_django()
    from decimal import Decimal

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from tests.conftest import pdf_bytes

    from lakthan.core.models import RoleGrant, Unit
    from lakthan.core.services import add_unit
    from lakthan.demo import build_demo
    from lakthan.evidence import services as ev
    from lakthan.indicators import services as ind

    build_demo()
    indicator = ind.find_indicator("9.2", 2556)
    bureau = Unit.objects.get(code="IMM")
    n, division = Unit.objects.count(), 0
    while n < UNITS:
        division += 1
        parent = add_unit(
            f"IMM-D{division:02d}",
            f"กองบังคับการทดสอบ {division}",
            parent="IMM",
            name_en=f"Division {division}",
        )
        units = [parent] + [
            add_unit(
                f"IMM-D{division:02d}-{k}",
                f"ด่านตรวจทดสอบ {division}/{k}",
                parent=parent.code,
                kind="checkpoint",
            )
            for k in range(1, 4)
        ]
        for i, unit in enumerate(units):
            if n >= UNITS:
                break
            ind.set_agreement(unit, 2556, [(indicator, Decimal(3))])
            report = ind.get_report(unit, 2556, 12, "9.2")
            e = ev.add_file(
                unit,
                io.BytesIO(pdf_bytes(unit.code)),
                f"{unit.code}.pdf",
                ev.Metadata(title=f"คำสั่ง {unit.code}", kind="order", doc_date=date(2013, 1, 1)),
            )
            ev.link(e, report, 1)
            for item in range(1, 2 + (division + i) % 6):
                ind.set_result(report, item, "met")
            n += 1
    user = get_user_model().objects.create_user("bench-auditor", password="bench-password-123")
    RoleGrant.objects.create(user=user, unit=bureau, role="auditor")
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = (
        str(user.pk),
        "django.contrib.auth.backends.ModelBackend",
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key, home


def load(port: int, path: str, cookie: str, clients: int, per_client: int) -> list[float]:
    """The load generator (runs in its own process): each client a keep-alive connection."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in range(per_client):
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": f"lakthan_session={cookie}"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t0)
            if response.status != 200:
                errors.append(f"{path}: {response.status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, first: {errors[0]}")
    return latencies


def run_load(port: int, path: str, cookie: str, clients: int, per_client: int) -> tuple[list[float], float]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--load", str(port), path, cookie, str(clients), str(per_client)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout), time.perf_counter() - t0


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30, help="per client")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--load", nargs=5)
    args = parser.parse_args()
    if args.load:
        port, path, cookie, clients, per_client = args.load
        print(json.dumps(load(int(port), path, cookie, int(clients), int(per_client))))
        return
    sys.path.insert(0, str(ROOT))
    home = Path(tempfile.mkdtemp(prefix="lakthan-bench-web-"))
    t0 = time.perf_counter()
    cookie, home = build(home)
    print(f"demo data scaled to {UNITS} units in {time.perf_counter() - t0:.1f} s ({home})")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "LAKTHAN_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "lakthan.settings",
        "LAKTHAN_LOG_LEVEL": "ERROR",
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [
            gunicorn,
            "lakthan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", BASELINE)
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        run_load(port, DASHBOARD, cookie, 4, 3)  # warm-up: every worker imports and renders once
        run_load(port, BASELINE, cookie, 4, 3)
        base, base_wall = run_load(port, BASELINE, cookie, args.clients, args.requests)
        dash, dash_wall = run_load(port, DASHBOARD, cookie, args.clients, args.requests)
        print(
            f"gunicorn {args.workers} workers on {os.cpu_count()} cores, {args.clients} concurrent clients × {args.requests} requests, SQLite (WAL)"
        )
        print(
            f"{'GET ' + BASELINE:<40} p50 {statistics.median(base) * 1000:8.1f} ms   p95 {p95(base) * 1000:8.1f} ms   {len(base) / base_wall:7.1f} req/s"
        )
        print(
            f"{'GET ' + DASHBOARD + ' (40 units)':<40} p50 {statistics.median(dash) * 1000:8.1f} ms   p95 {p95(dash) * 1000:8.1f} ms   {len(dash) / dash_wall:7.1f} req/s"
        )
        print(
            f"dashboard p95 {p95(dash) * 1000:.1f} ms vs baseline /healthz p95 {p95(base) * 1000:.1f} ms: ratio {p95(dash) / p95(base):.1f}"
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
