"""Reading datasets (their last update) and running their quality rules, on the worker's schedule and
on demand; recording both as history, and telling the owner when a dataset turns late or its read
starts failing.

A reading is judged when it is recorded (``engines.freshness.judge`` at the reading's moment). The
owner is told once per change for the worse, not on every reading: when a dataset turns late (the
reading before it was current, failed, or there was none) and when a read fails after the dataset was
fine (current, or never read). A dataset that stays late or keeps failing is not told again; once it
is fine, the next turn for the worse is told again. The dataset's row is locked while a reading is
recorded, so two workers cannot both tell.

Readings are measurements, not changes a person made: they are not copied into the audit trail.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from lakthan.core import notifications
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Person
from lakthan.data.engines import freshness, sources
from lakthan.data.models import Dataset, QualityResult, QualityRule, Reading
from lakthan.lib.durations import format_duration, format_duration_th

log = logging.getLogger(__name__)

READ_EVERY_MAX_S = 3600  # run_due reads a dataset at least hourly, more often when it is expected sooner
RULES_EVERY_S = 86400  # and runs its quality rules daily
SLACK_S = 30  # the worker ticks each minute: what is due within half a tick runs now
PARALLEL = 4


# ---------------------------------------------------------------- reading


def measure(ds: Dataset) -> tuple[datetime | None, str, int]:
    """(last update, error, milliseconds) of one read of the dataset's source; no database write.
    An error never holds a secret (the engine scrubs the driver's message)."""
    started = time.monotonic()
    last_update, error = None, ""
    try:
        tz = sources.zone(ds.tz)
        if ds.source == Dataset.Source.SQL:
            last_update = sources.sql_last_update(ds.dsn, ds.query, tz, ds.timeout_s)
        elif ds.source == Dataset.Source.FILE:
            last_update = sources.file_mtime(ds.path)
        else:
            last_update = sources.import_log_last(ds.path, ds.pattern, tz)
    except sources.SourceError as exc:
        error = exc.text()
    except Exception as exc:  # noqa: BLE001 - a read that fails is a reading, never a crash
        log.exception("reading dataset %s failed", ds.name)
        error = sources.scrub(f"อ่านไม่สำเร็จ / read failed: {type(exc).__name__}", ds.dsn)
    return last_update, error, int((time.monotonic() - started) * 1000)


def read_dataset(ds: Dataset, at: datetime | None = None) -> Reading:
    """Reads the dataset's last update now (real I/O) and records it at ``at`` (default: now)."""
    at = at or timezone.now()
    last_update, error, ms = measure(ds)
    return record_reading(ds, at, last_update=last_update, error=error, duration_ms=ms)


def _state(ok: bool, late: bool | None) -> str:
    return "failed" if not ok else ("late" if late else "fine")


def record_reading(
    ds: Dataset,
    at: datetime,
    *,
    last_update: datetime | None,
    error: str = "",
    duration_ms: int | None = None,
    notify: bool = True,
) -> Reading:
    """Stores one reading judged at ``at`` (no I/O on the source); tells the owner when the dataset
    turns late or its read starts failing (see the module's docstring) and marks the reading
    ``notified`` when it was told."""
    if timezone.is_naive(at) or (last_update is not None and timezone.is_naive(last_update)):
        raise ValueError("at and last_update must carry their offset")
    ok = not error and last_update is not None
    if not ok and not error:
        error = "ไม่มีเวลาปรับปรุงล่าสุด / no last update"
    late, late_by_s = freshness.judge(last_update, ds.every_s, at) if ok and last_update else (None, None)
    with transaction.atomic():
        Dataset.objects.select_for_update().filter(pk=ds.pk).first()  # one recorder at a time
        before = Reading.objects.filter(dataset=ds, at__lt=at).order_by("-at").first()
        try:
            with transaction.atomic():
                reading = Reading.objects.create(
                    dataset=ds,
                    at=at,
                    ok=ok,
                    last_update=last_update if ok else None,
                    late=late,
                    late_by_s=late_by_s,
                    error=sources.scrub(error, ds.dsn)[:500],
                    duration_ms=duration_ms,
                )
        except IntegrityError:
            raise InvalidInput(
                f"ชุดข้อมูล {ds.name} มีผลการอ่านเวลา {at.isoformat()} อยู่แล้ว",
                f"dataset {ds.name} already has a reading at {at.isoformat()}",
            ) from None
        now_state = _state(ok, late)
        was = None if before is None else _state(before.ok, before.late)
        turned = (now_state == "late" and was != "late") or (now_state == "failed" and was in (None, "fine"))
    # told after the reading is stored and the lock released: a slow mail server holds nothing
    if notify and turned and _tell_owner(ds, reading):
        reading.notified = True
        Reading.objects.filter(pk=reading.pk).update(notified=True)
    return reading


def channels_of(person: Person) -> tuple[list[str], str]:
    """(e-mail addresses, webhook URL) a person is reached at: the account's address (else the
    person's own) unless they turned e-mail off, and their webhook if they set one."""
    user = person.user
    pref = getattr(user, "notification_preference", None) if user is not None else None
    emails: list[str] = []
    if pref is None or pref.by_email:
        address = (user.email if user is not None else "") or person.email
        if address:
            emails.append(address)
    return emails, (pref.webhook_url if pref is not None else "")


def dataset_url(ds: Dataset) -> str:
    try:
        path = reverse("data:dataset", args=[ds.pk])
    except NoReverseMatch:
        path = "/data/"
    return f"{settings.LAKTHAN_BASE_URL.rstrip('/')}{path}"


def message(ds: Dataset, reading: Reading) -> notifications.Message:
    url = dataset_url(ds)
    if reading.ok:
        by = reading.late_by_s or 0
        th = f"ชุดข้อมูล “{ds.name}” ไม่เป็นปัจจุบัน: ปรับปรุงช้ากว่ากำหนด {format_duration_th(by) if by else '0 วินาที'}"
        en = f"Dataset “{ds.name}” is late: not updated for {format_duration(by) if by else '0s'} past its interval"
    else:
        th = f"อ่านชุดข้อมูล “{ds.name}” ไม่สำเร็จ: {reading.error}"
        en = f"Reading dataset “{ds.name}” failed"
    return notifications.bilingual(
        th,
        en,
        url,
        dataset=ds.name,
        kind="late" if reading.ok else "failed",
        late_by_s=reading.late_by_s,
        error=reading.error,
    )


def _tell_owner(ds: Dataset, reading: Reading) -> bool:
    owner = Person.objects.select_related("user").filter(pk=ds.owner_id).first() if ds.owner_id else None
    if owner is None:
        return False
    emails, webhook = channels_of(owner)
    if not emails and not webhook:
        return False
    delivery = notifications.deliver(message(ds, reading), emails=emails, webhook_url=webhook)
    if delivery.errors:
        log.warning("telling the owner of dataset %s: %s", ds.name, "; ".join(delivery.errors))
    return delivery.emailed or delivery.webhook_sent


# ---------------------------------------------------------------- quality


def evaluate(rule: QualityRule) -> tuple[bool, float | None, str]:
    """(passed, value, error) of one run of the rule against its dataset's database; no write."""
    ds = rule.dataset
    try:
        if rule.kind == QualityRule.Kind.ROW_COUNT:
            count = sources.row_count(ds.dsn, rule.table, ds.timeout_s)
            passed = (rule.min_value is None or count >= rule.min_value) and (
                rule.max_value is None or count <= rule.max_value
            )
            return passed, float(count), ""
        if rule.kind == QualityRule.Kind.NULL_RATE:
            rate = sources.null_rate(ds.dsn, rule.table, rule.column, ds.timeout_s)
            return rule.max_value is not None and rate <= rule.max_value, rate, ""
        failures = sources.count_rows(ds.dsn, rule.query, ds.timeout_s)
        return failures == 0, float(failures), ""
    except sources.SourceError as exc:
        return False, None, exc.text()
    except Exception as exc:  # noqa: BLE001 - a rule that fails to run is a failed result
        log.exception("quality rule %s failed", rule)
        return False, None, sources.scrub(f"ตรวจไม่สำเร็จ / check failed: {type(exc).__name__}", ds.dsn)


def record_quality(
    rule: QualityRule, at: datetime, *, passed: bool, value: float | None = None, error: str = ""
) -> QualityResult:
    if timezone.is_naive(at):
        raise ValueError("at must carry its offset")
    return QualityResult.objects.create(
        rule=rule,
        at=at,
        passed=bool(passed) and not error,
        value=value,
        error=sources.scrub(error, rule.dataset.dsn)[:500],
    )


def run_rule(rule: QualityRule, at: datetime | None = None) -> QualityResult:
    """Runs the rule now (real I/O) and records its result at ``at`` (default: now)."""
    at = at or timezone.now()
    passed, value, error = evaluate(rule)
    return record_quality(rule, at, passed=passed, value=value, error=error)


def check_dataset(ds: Dataset, at: datetime | None = None) -> tuple[Reading, list[QualityResult]]:
    """Reads the dataset and runs each of its active rules, all recorded at the same moment."""
    at = at or timezone.now()
    reading = read_dataset(ds, at)
    rules = QualityRule.objects.filter(dataset=ds, active=True).select_related("dataset").order_by("name")
    return reading, [run_rule(r, at) for r in rules]


# ---------------------------------------------------------------- the worker


def read_interval_s(ds: Dataset) -> int:
    return max(60, min(ds.every_s, READ_EVERY_MAX_S))


def due_datasets(now: datetime) -> list[Dataset]:
    rows = Dataset.objects.filter(active=True).annotate(last_at=Max("readings__at"))
    return [
        d
        for d in rows
        if d.last_at is None or d.last_at <= now - timedelta(seconds=read_interval_s(d) - SLACK_S)
    ]


def due_rules(now: datetime) -> list[QualityRule]:
    rows = (
        QualityRule.objects.filter(active=True, dataset__active=True)
        .select_related("dataset")
        .annotate(last_at=Max("results__at"))
    )
    limit = now - timedelta(seconds=RULES_EVERY_S - SLACK_S)
    return [r for r in rows if r.last_at is None or r.last_at <= limit]


def run_due(now: datetime | None = None) -> int:
    """Reads every due dataset and runs every due rule (the worker calls this each minute). The
    sources are asked in parallel; each outcome is recorded on its own, so one failing does not stop
    the rest. Returns how many readings and results were recorded."""
    now = now or timezone.now()
    datasets, rules = due_datasets(now), due_rules(now)
    if not datasets and not rules:
        return 0
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        measured = list(pool.map(measure, datasets))
        evaluated = list(pool.map(evaluate, rules))
    done = 0
    for ds, (last_update, error, ms) in zip(datasets, measured, strict=True):
        try:
            record_reading(ds, now, last_update=last_update, error=error, duration_ms=ms)
            done += 1
        except Exception:  # noqa: BLE001
            log.exception("recording dataset %s failed", ds.name)
    for rule, (passed, value, error) in zip(rules, evaluated, strict=True):
        record_quality(rule, now, passed=passed, value=value, error=error)
        done += 1
    return done


# ---------------------------------------------------------------- what pages and the CLI show


def latest_readings(datasets) -> dict[int, Reading]:
    ids = [d.pk for d in datasets]
    pairs = dict(
        Reading.objects.filter(dataset_id__in=ids)
        .values("dataset_id")
        .annotate(last=Max("at"))
        .values_list("dataset_id", "last")
    )
    if not pairs:
        return {}
    rows = Reading.objects.filter(dataset_id__in=list(pairs), at__in=set(pairs.values()))
    return {r.dataset_id: r for r in rows if pairs.get(r.dataset_id) == r.at}


def latest_results(rules) -> dict[int, QualityResult]:
    ids = [r.pk for r in rules]
    newest = dict(
        QualityResult.objects.filter(rule_id__in=ids)
        .values("rule_id")
        .annotate(last=Max("pk"))
        .values_list("rule_id", "last")
    )
    return {r.rule_id: r for r in QualityResult.objects.filter(pk__in=list(newest.values()))}
