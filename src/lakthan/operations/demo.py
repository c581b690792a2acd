"""Demo data for items 4 and 8.

Item 8: probes of the bureau's website and of Suvarnabhumi checkpoint's, of the TM30 service and of
PIBICS' application port, with a year of results (FY 2556) and a few outages that opened and closed
incidents; the websites' content changes every few weeks. At the end of the round both websites are
probed and checked for real — the checklist of the government website standard and axe-core in
headless Chromium — on demo pages this process serves on loopback (`demo_site/`), so what is recorded
is what the checks found on them.

Item 4: PIBICS is declared installed at the IT centre and at the two airport checkpoints; the usage
logs (monitoring/demo.py) show it used there — from the IT centre's hosts, and from the checkpoints'
counters, whose addresses lie in the checkpoints' prefixes of the address plan (network/demo.py)."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from lakthan.lib.timezones import BANGKOK

SITE_DIR = Path(__file__).resolve().parent / "demo_site"
ROUND_START = datetime(2012, 10, 1, tzinfo=BANGKOK)
ROUND_END = datetime(2013, 9, 30, 17, 0, tzinfo=BANGKOK)
EVERY_S = 3600
PROBES = [
    # name, unit, kind ("site" | "https" | "tcp"), target, system code, outages [(start, hours)]
    ("imm-website", "IMM", "site", "imm/", "website", [(datetime(2013, 2, 14, 22, tzinfo=BANGKOK), 5)]),
    ("bkk-website", "IMM-D2-BKK", "site", "bkk/", None, [(datetime(2013, 6, 2, 1, tzinfo=BANGKOK), 3)]),
    (
        "tm30-service",
        "IMM-ITC",
        "https",
        "https://tm30.immigration.example/",
        "tm30",
        [(datetime(2012, 12, 30, 9, tzinfo=BANGKOK), 14), (datetime(2013, 4, 12, 20, tzinfo=BANGKOK), 2)],
    ),
    (
        "pibics-app",
        "IMM-ITC",
        "tcp",
        "10.10.1.31:8443",
        "pibics-db",
        [(datetime(2013, 8, 4, 2, tzinfo=BANGKOK), 1)],
    ),
]
UPDATED = {
    "imm": datetime(2013, 9, 20, 10, 15, tzinfo=BANGKOK),
    "bkk": datetime(2013, 9, 25, 14, 0, tzinfo=BANGKOK),
}
INSTALLED = {"pibics-db": ["IMM-ITC", "IMM-D2-BKK", "IMM-D2-DMK"]}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


def serve_demo_sites(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """The demo websites on a loopback port of this process (stopped by the caller), from a copy in
    ``folder`` whose files last changed when their news says (what their Last-Modified tells)."""
    shutil.copytree(SITE_DIR, folder, dirs_exist_ok=True)
    for site, changed in UPDATED.items():
        for page in (folder / site).iterdir():
            os.utime(page, (changed.timestamp(), changed.timestamp()))
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def history(name: str, outages: list[tuple[datetime, int]], rng: random.Random):
    """(at, up, detail, content hash) for every hour of the round: down during the outages, the
    content changing every two to five weeks."""
    at, version, next_change = ROUND_START, 0, ROUND_START + timedelta(days=rng.randint(14, 35))
    while at < ROUND_END:
        if at >= next_change:
            version, next_change = version + 1, at + timedelta(days=rng.randint(14, 35))
        down = any(start <= at < start + timedelta(hours=hours) for start, hours in outages)
        content = hashlib.sha256(f"{name}-{version}".encode()).hexdigest()
        yield at, not down, ("connection refused" if down else ""), content
        at += timedelta(seconds=EVERY_S + rng.randint(-20, 20))


def seed(report, bureau) -> None:
    from lakthan.core.models import Unit
    from lakthan.inventory.models import System
    from lakthan.inventory.services import set_installed_at
    from lakthan.operations.services.probes import add_probe, record_results, run_probe
    from lakthan.operations.services.sites import check_site

    rng = random.Random(2556_8)
    units = {u.code: u for u in Unit.objects.filter(pk__in=bureau.descendant_ids())}
    systems = {s.code: s for s in System.objects.all()}
    for code, where in INSTALLED.items():
        if code in systems:
            set_installed_at(systems[code], [units[u] for u in where], actor="demo")
    folder = tempfile.TemporaryDirectory()
    server, base = serve_demo_sites(Path(folder.name))
    try:
        for name, unit, kind, target, system, outages in PROBES:
            options = (
                {"tcp": target} if kind == "tcp" else {"url": base + target if kind == "site" else target}
            )
            probe = add_probe(
                name,
                units[unit],
                every_s=EVERY_S,
                website=kind == "site",
                system=systems.get(system) if system else None,
                actor="demo",
                **options,
            )
            record_results(
                probe,
                (
                    {
                        "at": at.astimezone(UTC),
                        "up": up,
                        "detail": detail,
                        "status_code": None if kind == "tcp" or not up else 200,
                        "latency_ms": rng.randint(40, 400) if up else None,
                        "content_sha256": content if kind != "tcp" and up else "",
                    }
                    for at, up, detail, content in history(name, outages, rng)
                ),
            )
            if kind == "site":  # the end of the round, for real, on the demo pages
                run_probe(probe, at=ROUND_END.astimezone(UTC))
                check_site(probe, at=ROUND_END.astimezone(UTC))
    finally:
        server.shutdown()
        server.server_close()
        folder.cleanup()
