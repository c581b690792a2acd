"""Probes of the agency's services and websites (item 4 and 8): adding and removing them, running
them (on the worker's schedule and on demand), recording their results and the incidents those open
and close.

Incidents follow the results in time order: a result down with no open incident opens one (the first
down after an up, or a first result that is down); the next result up closes it at that result's time.
A probe has at most one open incident: the probe's row is locked while a result is recorded, so two
workers recording at once cannot both open one. A result recorded out of order (older than the newest
one kept) is stored for availability but leaves the incidents as they are.

Results are measurements, not changes a person made: they are not copied into the audit trail (a
probe every minute would drown it); adding and removing a probe, and each incident opened and closed,
are.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from lakthan.core import audit, roles
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Unit
from lakthan.inventory.models import System
from lakthan.operations.engines import probe as engine
from lakthan.operations.models import Incident, Probe, ProbeResult

log = logging.getLogger(__name__)

RESULT_FIELDS = {
    "status_code",
    "latency_ms",
    "tls_expires",
    "tls_days_left",
    "content_sha256",
    "last_modified",
    "etag",
}
CHANGE = roles.UPLOAD  # adding and running probes: the collector's capability in the unit
MAX_TIMEOUT_S = 120
NAME_RE = re.compile(r"^[^\s/\x00-\x1f\x7f]{1,80}$")  # a URL path segment, a CLI argument
SLACK_S = 30  # run_due: the worker ticks each minute, so a probe due within half a tick runs now
PARALLEL = 8  # probes checked at once by run_due (the network waits, not the CPU)


def get_probe(name: str) -> Probe:
    probe = Probe.objects.select_related("unit", "system").filter(name=name).first()
    if probe is None:
        raise NotFound(f"ไม่พบโพรบชื่อ {name}", f"no probe named {name}")
    return probe


def add_probe(
    name: str,
    unit: Unit,
    *,
    url: str = "",
    expect_text: str = "",
    status: int = 200,
    tcp: str = "",
    ca_file: str = "",
    every_s: int = 300,
    timeout_s: int = 10,
    website: bool = False,
    system: System | None = None,
    actor: str = audit.SYSTEM,
) -> Probe:
    """An HTTP(S) probe (``url``) or a TCP one (``tcp`` = ``host:port``); InvalidInput naming what is
    wrong, nothing stored."""
    name = name.strip()
    if not NAME_RE.match(name) or name == "add":  # probes/add/ is the form's URL
        raise InvalidInput(
            f"ชื่อโพรบ '{name[:80]}' ต้องมี 1–80 ตัวอักษร ไม่มีช่องว่างหรือ /",
            f"a probe's name '{name[:80]}' must be 1–80 characters, without spaces or /",
        )
    if Probe.objects.filter(name=name).exists():
        raise InvalidInput(f"มีโพรบชื่อ {name} อยู่แล้ว", f"a probe named {name} already exists")
    if bool(url) == bool(tcp):
        raise InvalidInput(
            "ระบุอย่างใดอย่างหนึ่ง: URL (HTTP/HTTPS) หรือ host:port (TCP)",
            "give either a URL (HTTP/HTTPS) or a host:port (TCP), not both",
        )
    if not 100 <= status <= 599:
        raise InvalidInput(f"รหัสสถานะ {status} ต้องอยู่ระหว่าง 100–599", f"status {status} must be 100–599")
    if every_s < 10:
        raise InvalidInput(
            f"รอบการตรวจ {every_s} วินาที สั้นเกินไป (อย่างน้อย 10 วินาที)",
            f"every {every_s} s is too short (at least 10 s)",
        )
    if not 1 <= timeout_s <= MAX_TIMEOUT_S:
        raise InvalidInput(
            f"เวลารอ {timeout_s} วินาที ต้องอยู่ระหว่าง 1–{MAX_TIMEOUT_S} วินาที",
            f"timeout {timeout_s} s must be 1–{MAX_TIMEOUT_S} s",
        )
    fields: dict = {"expect_status": status, "expect_text": expect_text}
    if url:
        url = url.strip()
        try:
            engine.split_url(url)
        except ValueError:
            raise InvalidInput(
                f"URL ไม่ถูกต้อง: {url} (ต้องขึ้นต้นด้วย http:// หรือ https://)",
                f"not an http(s) URL: {url}",
            ) from None
        if len(url) > 2000:
            raise InvalidInput("URL ยาวเกิน 2000 ตัวอักษร", "the URL is longer than 2000 characters")
        fields.update(kind=Probe.Kind.HTTP, url=url)
    else:
        try:
            host, port = engine.parse_host_port(tcp)
        except ValueError:
            raise InvalidInput(
                f"ต้องเป็น host:port เช่น mail.example.go.th:25 (ได้ {tcp})",
                f"expected host:port such as mail.example.go.th:25 (got {tcp})",
            ) from None
        if expect_text:
            raise InvalidInput("โพรบ TCP ตรวจข้อความไม่ได้", "a TCP probe cannot expect a text")
        fields.update(kind=Probe.Kind.TCP, host=host, port=port)
    if len(expect_text) > 500:
        raise InvalidInput("ข้อความที่คาดหวังยาวเกิน 500 ตัวอักษร", "the expected text is over 500 characters")
    if ca_file:
        _check_ca_file(ca_file)
    with transaction.atomic():
        try:
            probe = Probe.objects.create(
                name=name,
                unit=unit,
                system=system,
                ca_file=ca_file,
                every_s=every_s,
                timeout_s=timeout_s,
                website=website,
                created_by=actor or audit.SYSTEM,
                **fields,
            )
        except IntegrityError:
            raise InvalidInput(f"มีโพรบชื่อ {name} อยู่แล้ว", f"a probe named {name} already exists") from None
        audit.record(actor, "operations.probe.add", probe)
    return probe


def _check_ca_file(path: str) -> None:
    if not os.path.isfile(path):
        raise InvalidInput(f"ไม่พบไฟล์ CA: {path}", f"no CA file at {path}")
    try:
        engine.tls_context(path)
    except (OSError, ValueError) as exc:
        raise InvalidInput(
            f"ไฟล์ CA อ่านไม่ได้ (ต้องเป็น PEM): {path}", f"the CA file is not a readable PEM: {path} ({exc})"
        ) from None


def remove_probe(probe: Probe, actor: str = audit.SYSTEM) -> None:
    """Deletes the probe with its results and incidents (the audit trail keeps what it was)."""
    with transaction.atomic():
        before = audit.snapshot(probe)
        audit.record(actor, "operations.probe.remove", probe, before=before, after=None)
        probe.delete()


def record_result(probe: Probe, at: datetime, up: bool, detail: str = "", **fields) -> ProbeResult:
    """Stores one result and opens or closes the probe's incident; no network I/O."""
    unknown = set(fields) - RESULT_FIELDS
    if unknown:
        raise TypeError(f"unknown result fields: {sorted(unknown)}")
    if timezone.is_naive(at):
        raise ValueError("at must carry its offset")
    values = {k: v for k, v in fields.items() if v is not None or k not in ("content_sha256", "etag")}
    with transaction.atomic():
        Probe.objects.select_for_update().filter(pk=probe.pk).first()  # one recorder at a time
        newer = ProbeResult.objects.filter(probe=probe, at__gt=at).exists()
        try:
            with transaction.atomic():
                result = ProbeResult.objects.create(
                    probe=probe, at=at, up=bool(up), detail=(detail or "")[:500], **values
                )
        except IntegrityError:
            raise InvalidInput(
                f"โพรบ {probe.name} มีผลการตรวจเวลา {at.isoformat()} อยู่แล้ว",
                f"probe {probe.name} already has a result at {at.isoformat()}",
            ) from None
        if not newer:
            _follow_incidents(probe, result)
    return result


@transaction.atomic
def record_results(probe: Probe, rows: Iterable[dict]) -> int:
    """Many results at once, every one newer than the newest kept: a history brought in from another
    monitor, or the demo's year. Stored set-based, with the incidents opened and closed exactly as
    recording them one by one would. Each row: ``at``, ``up``, optional ``detail`` and result fields.
    InvalidInput (nothing stored) for a row not newer than the one before it or than what is kept."""
    Probe.objects.select_for_update().filter(pk=probe.pk).first()
    newest = ProbeResult.objects.filter(probe=probe).aggregate(m=Max("at"))["m"]
    results: list[ProbeResult] = []
    for row in rows:
        extra = {k: v for k, v in row.items() if k not in ("at", "up", "detail")}
        unknown = set(extra) - RESULT_FIELDS
        if unknown:
            raise TypeError(f"unknown result fields: {sorted(unknown)}")
        at = row["at"]
        if timezone.is_naive(at):
            raise ValueError("at must carry its offset")
        previous = results[-1].at if results else newest
        if previous is not None and at <= previous:
            raise InvalidInput(
                f"ผลการตรวจของโพรบ {probe.name} เวลา {at.isoformat()} ไม่ใหม่กว่าผลก่อนหน้า ({previous.isoformat()})",
                f"probe {probe.name}: the result at {at.isoformat()} is not newer than {previous.isoformat()}",
            )
        values = {k: v for k, v in extra.items() if v is not None or k not in ("content_sha256", "etag")}
        results.append(
            ProbeResult(
                probe=probe, at=at, up=bool(row["up"]), detail=(row.get("detail") or "")[:500], **values
            )
        )
    ProbeResult.objects.bulk_create(results, batch_size=2000)
    # a result in the same state as the one before it changes no incident: follow only the changes
    # (the first result too, against what is kept), through the one-by-one bookkeeping
    before: bool | None = None
    for result in results:
        if result.up != before:
            _follow_incidents(probe, result)
        before = result.up
    return len(results)


def _follow_incidents(probe: Probe, result: ProbeResult) -> None:
    open_incident = (
        Incident.objects.filter(probe=probe, closed_at__isnull=True).order_by("-opened_at").first()
    )
    if not result.up and open_incident is None:
        incident = Incident.objects.create(probe=probe, opened_at=result.at, detail=result.detail)
        audit.record(audit.SYSTEM, "operations.incident.open", incident)
    elif result.up and open_incident is not None:
        before = audit.snapshot(open_incident)
        open_incident.closed_at = result.at
        open_incident.save(update_fields=["closed_at"])
        audit.record(audit.SYSTEM, "operations.incident.close", open_incident, before=before)


def check(probe: Probe) -> engine.Outcome:
    """The probe's check over the network (no database)."""
    if probe.kind == Probe.Kind.TCP:
        return engine.tcp_check(probe.host, int(probe.port or 0), probe.timeout_s)
    return engine.http_check(
        probe.url, probe.expect_status, probe.expect_text, probe.ca_file, probe.timeout_s
    )


def _record_outcome(probe: Probe, at: datetime, outcome: engine.Outcome) -> ProbeResult:
    return record_result(
        probe,
        at,
        outcome.up,
        outcome.detail,
        status_code=outcome.status_code,
        latency_ms=outcome.latency_ms,
        tls_expires=outcome.tls_expires,
        tls_days_left=outcome.tls_days_left,
        content_sha256=outcome.body_sha256,
        last_modified=outcome.last_modified,
        etag=outcome.etag,
    )


def run_probe(probe: Probe, at: datetime | None = None) -> ProbeResult:
    """Runs the probe now (real network I/O) and records its result at ``at`` (default: when it
    started)."""
    at = at or timezone.now()
    return _record_outcome(probe, at, check(probe))


def due_probes(now: datetime | None = None) -> list[Probe]:
    """Active probes whose newest result is older than their interval (or that have none)."""
    now = now or timezone.now()
    rows = Probe.objects.filter(active=True).select_related("unit").annotate(last_at=Max("results__at"))
    return [
        p
        for p in rows
        if p.last_at is None or p.last_at <= now - timedelta(seconds=max(p.every_s - SLACK_S, 1))
    ]


def run_due(now: datetime | None = None) -> int:
    """Runs every due probe (the worker calls this each minute); the checks run in parallel, each
    result is recorded on its own, so one probe failing does not stop the rest. Returns how many
    results were recorded."""
    now = now or timezone.now()
    probes = due_probes(now)
    if not probes:
        return 0

    def guarded(p: Probe) -> engine.Outcome | None:
        try:
            return check(p)
        except Exception:  # noqa: BLE001 - one probe's failure must not stop the others
            log.exception("probe %s failed", p.name)
            return None

    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(probes))) as pool:
        outcomes = list(pool.map(guarded, probes))
    done = 0
    for p, outcome in zip(probes, outcomes, strict=True):
        if outcome is None:
            continue
        try:
            _record_outcome(p, now, outcome)
            done += 1
        except Exception:  # noqa: BLE001
            log.exception("recording probe %s failed", p.name)
    return done


def run_all() -> list[ProbeResult]:
    """Every active probe now (``lakthan ops probe run --all``)."""
    return [run_probe(p) for p in Probe.objects.filter(active=True)]


def latest_results(probes) -> dict[int, ProbeResult]:
    """The newest result of each probe (one query)."""
    ids = [p.pk for p in probes]
    newest = (
        ProbeResult.objects.filter(probe_id__in=ids)
        .values("probe_id")
        .annotate(last=Max("at"))
        .values_list("probe_id", "last")
    )
    pairs = dict(newest)
    if not pairs:
        return {}
    rows = ProbeResult.objects.filter(probe_id__in=list(pairs), at__in=set(pairs.values()))
    return {r.probe_id: r for r in rows if pairs.get(r.probe_id) == r.at}


def probe_rows(probes) -> list[dict]:
    """The list's rows: name, unit, target, last_status up|down (None before any result), last_detail,
    tls_days_left, last_at, tls_warning."""
    probes = list(probes)
    latest = latest_results(probes)
    rows = []
    for p in probes:
        r = latest.get(p.pk)
        rows.append(
            {
                "name": p.name,
                "unit": p.unit.code,
                "kind": p.kind,
                "target": target(p),
                "website": p.website,
                "active": p.active,
                "every_s": p.every_s,
                "last_status": None if r is None else ("up" if r.up else "down"),
                "last_detail": "" if r is None else r.detail,
                "tls_days_left": None if r is None else r.tls_days_left,
                "tls_warning": r is not None
                and r.tls_days_left is not None
                and r.tls_days_left < engine.WARN_DAYS,
                "last_at": None if r is None else r.at,
                "probe": p,
            }
        )
    return rows


def target(probe: Probe) -> str:
    if probe.kind == Probe.Kind.TCP:
        host = f"[{probe.host}]" if ":" in probe.host else probe.host
        return f"{host}:{probe.port}"
    return probe.url


def visible_probes(unit_ids: set[int] | None, unit: Unit | None = None):
    """Probes of the units a caller may see (None: every unit), optionally of ``unit`` and below."""
    qs = Probe.objects.select_related("unit", "system")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    return qs.order_by("unit__code", "name")


def incidents(unit_ids: set[int] | None = None, *, open_only: bool = False, probe: Probe | None = None):
    qs = Incident.objects.select_related("probe", "probe__unit")
    if unit_ids is not None:
        qs = qs.filter(probe__unit_id__in=unit_ids)
    if probe is not None:
        qs = qs.filter(probe=probe)
    if open_only:
        qs = qs.filter(closed_at__isnull=True)
    return qs.order_by("-opened_at", "-pk")


def incident_row(i: Incident) -> dict:
    return {
        "id": i.pk,
        "probe": i.probe.name,
        "unit": i.probe.unit.code,
        "opened_at": i.opened_at,
        "closed_at": i.closed_at,
        "open": i.closed_at is None,
        "duration_s": int((i.closed_at - i.opened_at).total_seconds()) if i.closed_at else None,
        "detail": i.detail,
    }
