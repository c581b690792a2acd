"""Item 8, the websites of the agency and its units: one check of a website's home page (the probe's
URL) records the government website standard's checklist, axe-core's accessibility violations and
when its content last changed (a SiteCheck); the website table of a unit and a period; its PDF.

The home page is fetched as the probe fetches (http or https only, no user name in the URL, the
probe's CA file for an internal certificate, the probe's timeout, redirects followed only on the same
host, at most 5 MiB read). Content age comes from the probe's results (``content_changed_at``).
"""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Lag
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Unit
from lakthan.lib.files import write_atomic
from lakthan.lib.timezones import end_of_day, iso
from lakthan.operations.engines import accessibility
from lakthan.operations.engines import checklist as checklist_engine
from lakthan.operations.models import Probe, ProbeResult, SiteCheck

MAX_PAGE = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "Lakthan-site-check/1 (+item 8)"
IMPACTS = accessibility.IMPACTS

AvailabilityOf = Callable[[Probe, date, date], "float | None"]


# --- the checklist in force -----------------------------------------------------------------------


def checklist_path() -> Path:
    """The agency's own checklist (``lakthan ops site checklist load``), when one was loaded."""
    return Path(settings.LAKTHAN_HOME) / "site-checklist.yaml"


def current_checklist() -> checklist_engine.Checklist:
    path = checklist_path()
    if path.is_file():
        return checklist_engine.parse_checklist(path.read_bytes())
    return checklist_engine.load_default()


def load_checklist(
    data: bytes, name: str = "checklist", actor: str = audit.SYSTEM
) -> checklist_engine.Checklist:
    """Validates the whole file (InvalidInput naming ``name`` and each line at fault, nothing written),
    then makes it the checklist of every later check."""
    try:
        parsed = checklist_engine.parse_checklist(data)
    except checklist_engine.ChecklistRejected as exc:
        where = [f"{name}:{line}" if line else name for line, _, _ in exc.problems]
        raise InvalidInput(
            "; ".join(
                f"{w}: {_unprefixed(th, line)}" for w, (line, th, _) in zip(where, exc.problems, strict=True)
            ),
            "; ".join(
                f"{w}: {_unprefixed(en, line)}" for w, (line, _, en) in zip(where, exc.problems, strict=True)
            ),
        ) from None
    path = checklist_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    audit.record_event(
        actor,
        "site_checklist.load",
        "operations.sitechecklist",
        parsed.version,
        {"version": parsed.version, "sha256": parsed.sha256, "items": [i.id for i in parsed.items]},
    )
    return parsed


def _unprefixed(message: str, line: int) -> str:
    """The engine's "line N: …" (or "บรรทัด N: …") without its prefix, for "FILE:N: …"."""
    return message.split(": ", 1)[1] if line and ": " in message else message


# --- fetching the home page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    last_modified: datetime | None
    etag: str


class FetchFailed(Exception):
    pass


def fetch(url: str, *, ca_file: str = "", timeout: float = 10) -> Page:
    """GETs ``url`` as the probe does; FetchFailed (English) when it cannot."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchFailed(f"not an http(s) URL: {url[:200]}")
    if "@" in parts.netloc:
        raise FetchFailed("a URL may not carry a user name or password")
    host = parts.hostname or ""
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            raise FetchFailed(f"bad port in {url[:200]}") from None
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn: http.client.HTTPConnection
        try:
            if parts.scheme == "https":
                context = ssl.create_default_context(cafile=ca_file or None)
                conn = http.client.HTTPSConnection(
                    parts.hostname or "", port, timeout=timeout, context=context
                )
            else:
                conn = http.client.HTTPConnection(parts.hostname or "", port, timeout=timeout)
            try:
                conn.request(
                    "GET",
                    path,
                    headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Accept": "*/*"},
                )
                response = conn.getresponse()
                body = response.read(MAX_PAGE + 1)
            finally:
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            raise FetchFailed(f"{type(exc).__name__}: {exc}"[:300]) from None
        if len(body) > MAX_PAGE:
            raise FetchFailed(f"the page is larger than {MAX_PAGE // (1024 * 1024)} MiB")
        location = response.getheader("Location")
        if response.status in (301, 302, 303, 307, 308) and location:
            target = urljoin(url, location)
            if (urlsplit(target).hostname or "") != host or urlsplit(target).scheme not in ("http", "https"):
                raise FetchFailed(f"redirected to another host: {target[:200]}")
            url = target
            continue
        return Page(
            url=url,
            status=response.status,
            content_type=response.getheader("Content-Type") or "text/html",
            body=body,
            last_modified=_http_date(response.getheader("Last-Modified")),
            etag=(response.getheader("ETag") or "")[:255],
        )
    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


# --- the check ------------------------------------------------------------------------------------


def check_site(probe: Probe, at: datetime | None = None, *, actor: str = audit.SYSTEM) -> SiteCheck:
    """Fetches the probe's home page and records its checklist, accessibility and content age. A part
    that cannot be checked (the page does not answer, Chromium is missing) is said in ``error``; the
    check is recorded all the same."""
    if probe.kind != Probe.Kind.HTTP or not probe.url:
        raise InvalidInput(
            f"{probe.name} ไม่ใช่การตรวจ HTTP(S) ของเว็บไซต์", f"{probe.name} is not an HTTP(S) probe"
        )
    at = at or timezone.now()
    errors: list[str] = []
    checklist = current_checklist()
    results: dict = {}
    a11y: dict | None = None
    engine = ""
    page: Page | None = None
    try:
        page = fetch(probe.url, ca_file=probe.ca_file, timeout=probe.timeout_s)
    except FetchFailed as exc:
        errors.append(f"home page: {exc}")
    if page is not None and not 200 <= page.status < 300:
        errors.append(f"home page: status {page.status}")
        page = None
    if page is not None:
        results = checklist_engine.evaluate(checklist, page.body, page.url)

        def sub_resource(url: str) -> tuple[int, str, bytes]:
            got = fetch(url, ca_file=probe.ca_file, timeout=probe.timeout_s)
            return got.status, got.content_type, got.body

        try:
            a11y = accessibility.check_page(
                page.url,
                page.body,
                content_type=page.content_type,
                fetch=sub_resource,
                timeout_s=max(30, probe.timeout_s * 3),
                executable=settings.LAKTHAN_CHROMIUM or accessibility.CHROMIUM,
            )
            engine = a11y.pop("engine")
        except accessibility.AccessibilityUnavailable as exc:
            errors.append(f"accessibility: {exc.en}")
            a11y = None
    changed, source = content_changed_at(probe, at)
    if changed is None and page is not None and page.last_modified is not None:
        changed, source = page.last_modified, "last-modified"
    with transaction.atomic():
        check = SiteCheck.objects.create(
            probe=probe,
            at=at,
            content_changed_at=changed,
            content_source=source,
            checklist=results,
            checklist_version=checklist.version[:80],
            a11y=a11y,
            a11y_engine=engine[:80],
            error="; ".join(errors)[:500],
        )
        audit.record(actor, "site.check", check)
    return check


def content_changed_at(probe: Probe, until: datetime | None = None) -> tuple[datetime | None, str]:
    """When the page's content last changed, from the probe's results up to ``until`` (now): the
    Last-Modified of the newest result that carries one ("last-modified"); else the first result with
    the current ETag after the last one with another ("etag"); else the same with the page's hash
    ("page-hash"). Results with none of the three (down, TCP) are skipped. (None, "") without any."""
    until = until or timezone.now()
    qs = ProbeResult.objects.filter(probe=probe, at__lte=until)
    latest = (
        qs.filter(Q(last_modified__isnull=False) | ~Q(etag="") | ~Q(content_sha256=""))
        .order_by("-at")
        .values("at", "last_modified", "etag", "content_sha256")
        .first()
    )
    if latest is None:
        return None, ""
    if latest["last_modified"] is not None:
        # a Last-Modified later than the answer carrying it is a wrong clock or a file touched by a
        # deployment, not news from the future: the page changed no later than it was read
        return min(latest["last_modified"], latest["at"]), "last-modified"
    row: dict = dict(latest)
    for field, source in (("etag", "etag"), ("content_sha256", "page-hash")):
        current = row[field]
        if not current:
            continue
        other = (
            qs.exclude(**{field: ""}).exclude(**{field: current}).order_by("-at").values_list("at", flat=True)
        )
        before = other.first()
        same = qs.filter(**{field: current})
        if before is not None:
            same = same.filter(at__gt=before)
        return same.order_by("at").values_list("at", flat=True).first(), source
    return None, ""


def content_changes(probe: Probe, until: datetime | None = None, limit: int = 20) -> list[dict]:
    """The newest changes of the page's hash (``{"at", "sha256"}``), newest first; the first result with
    a hash counts as one. One windowed query (LAG), on SQLite and PostgreSQL alike."""
    until = until or timezone.now()
    rows = (
        ProbeResult.objects.filter(probe=probe, at__lte=until)
        .exclude(content_sha256="")
        .annotate(previous=Window(Lag("content_sha256"), order_by=F("at").asc()))
        .filter(Q(previous__isnull=True) | ~Q(previous=F("content_sha256")))
        .order_by("-at")
        .values("at", "content_sha256", "last_modified", "etag")[:limit]
    )
    return [
        {"at": r["at"], "sha256": r["content_sha256"], "last_modified": r["last_modified"], "etag": r["etag"]}
        for r in rows
    ]


def get_website(name: str) -> Probe:
    probe = Probe.objects.select_related("unit").filter(name=name).first()
    if probe is None:
        raise NotFound(f"ไม่พบการตรวจ {name}", f"no probe {name}")
    return probe


def latest_check(probe: Probe, until: datetime | None = None) -> SiteCheck | None:
    qs = probe.site_checks.all()
    if until is not None:
        qs = qs.filter(at__lte=until)
    return qs.order_by("-at", "-pk").first()


# --- the website table ----------------------------------------------------------------------------


def _real_availability(probe: Probe, start: date, end: date) -> float | None:
    from lakthan.operations.services.availability import availability

    ratio = availability(probe, start, end)["ratio"]
    return None if ratio is None else float(ratio)


def website_probes(unit: Unit | None = None, unit_ids: set[int] | None = None):
    qs = Probe.objects.filter(website=True, active=True).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return qs.order_by("unit__code", "name")


def site_table(
    unit: Unit | None,
    start: date,
    end: date,
    availability_of: AvailabilityOf | None = None,
    *,
    unit_ids: set[int] | None = None,
) -> list[dict]:
    """One row per website probe of ``unit`` and the units below it (``unit_ids``: only those units; a
    page passes the user's), judged as of the end of ``end`` (Bangkok) or now, whichever is earlier:
    availability over the days from ``start`` to ``end``, the newest certificate days left, content age,
    and the newest site check's missing checklist items and accessibility counts."""
    availability_of = availability_of or _real_availability
    until = min(end_of_day(end), timezone.now())
    newest_tls = (
        ProbeResult.objects.filter(probe=OuterRef("pk"), at__lte=until, tls_days_left__isnull=False)
        .order_by("-at")
        .values("tls_days_left")[:1]
    )
    newest_check = (
        SiteCheck.objects.filter(probe=OuterRef("pk"), at__lte=until).order_by("-at", "-pk").values("pk")[:1]
    )
    probes = list(
        website_probes(unit, unit_ids).annotate(tls=Subquery(newest_tls), check_id=Subquery(newest_check))
    )
    checks = SiteCheck.objects.in_bulk([p.check_id for p in probes if p.check_id])
    rows = []
    for probe in probes:
        check = checks.get(probe.check_id)
        changed, source = content_changed_at(probe, until)
        if changed is None and check is not None:
            changed, source = check.content_changed_at, check.content_source
        rows.append(
            {
                "probe": probe.name,
                "url": probe.url,
                "unit": probe.unit.code,
                "availability": availability_of(probe, start, end),
                "tls_days_left": probe.tls,
                "content_changed_at": changed,
                "content_source": source,
                "checklist_missing": checklist_engine.missing(check.checklist) if check else [],
                "checklist_total": len(check.checklist) if check else 0,
                "a11y": {k: int(check.a11y.get(k, 0)) for k in IMPACTS}
                if check and check.a11y is not None
                else None,
                "checked_at": check.at if check else None,
            }
        )
    return rows


def websites_pdf(unit: Unit, start: date, end: date, availability_of: AvailabilityOf | None = None) -> bytes:
    """The website table as an official Thai PDF (services/sites_report.py)."""
    from lakthan.operations.services.sites_report import render

    return render(unit, start, end, availability_of)


# --- one website's state, as the CLI, the pages and the API show it -------------------------------


def site_status(probe: Probe, check: SiteCheck | None = None, now: datetime | None = None) -> dict:
    """The probe's newest result and the newest site check (or ``check``), the `ops site check --json`
    shape; times in UTC ISO-8601."""
    now = now or timezone.now()
    check = check or latest_check(probe)
    last = probe.results.order_by("-at").values("at", "up", "detail", "status_code").first()
    tls = (
        probe.results.filter(tls_days_left__isnull=False)
        .order_by("-at")
        .values_list("tls_days_left", flat=True)
        .first()
    )
    titles = {i.id: i for i in current_checklist().items}
    items = {}
    for item_id, found in (check.checklist if check else {}).items():
        item = titles.get(item_id)
        items[item_id] = {
            **found,
            "title_th": item.title_th if item else item_id,
            "title_en": item.title_en if item else item_id,
        }
    changed = check.content_changed_at if check else None
    return {
        "probe": probe.name,
        "url": probe.url,
        "unit": probe.unit.code,
        "status": None if last is None else ("up" if last["up"] else "down"),
        "status_at": iso(last["at"]) if last else None,
        "detail": last["detail"] if last else "",
        "tls_days_left": tls,
        "checked_at": iso(check.at) if check else None,
        "content_changed_at": iso(changed),
        "content_source": check.content_source if check else "",
        "content_age_days": (now - changed).days if changed else None,
        "checklist_version": check.checklist_version if check else "",
        "checklist": items,
        "checklist_missing": checklist_engine.missing(check.checklist) if check else [],
        "a11y": check.a11y if check else None,
        "a11y_engine": check.a11y_engine if check else "",
        "error": check.error if check else "",
    }
