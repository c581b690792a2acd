"""Prometheus metrics: request counts and latency per view, and a few figures read at scrape time."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "lakthan_http_requests", "HTTP requests answered", ["method", "view", "status"], registry=REGISTRY
)
LATENCY = Histogram(
    "lakthan_http_request_seconds",
    "Time to answer a request",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)


def observe(method: str, view: str, status: int, seconds: float) -> None:
    if view == "web:metrics":
        return
    REQUESTS.labels(method, view, str(status)).inc()
    LATENCY.labels(view).observe(seconds)


class DomainCollector:
    """Figures from the database, read when Prometheus scrapes."""

    def collect(self):
        from django.utils import timezone

        from lakthan.checks.models import CheckRun
        from lakthan.evidence.models import Evidence
        from lakthan.indicators.models import IndicatorReport

        today = timezone.localdate()
        evidence = GaugeMetricFamily("lakthan_evidence", "Evidence items registered")
        evidence.add_metric([], Evidence.objects.count())
        yield evidence
        expired = GaugeMetricFamily("lakthan_evidence_expired", "Evidence items past their expiry date")
        expired.add_metric([], Evidence.objects.filter(expiry_date__lt=today).count())
        yield expired
        reports = GaugeMetricFamily("lakthan_indicator_reports", "Indicator round reports", labels=["signed"])
        signed = IndicatorReport.objects.filter(signed_at__isnull=False).count()
        reports.add_metric(["true"], signed)
        reports.add_metric(["false"], IndicatorReport.objects.count() - signed)
        yield reports
        runs = GaugeMetricFamily("lakthan_check_runs", "Check runs recorded", labels=["status"])
        for status in CheckRun.Status.values:
            runs.add_metric([status], CheckRun.objects.filter(status=status).count())
        yield runs
        from lakthan.monitoring.services.home import udp_counters

        udp = udp_counters()
        if udp is not None:
            datagrams = CounterMetricFamily(
                "lakthan_udp_datagrams", "Syslog UDP datagrams, by what became of them", labels=["outcome"]
            )
            for outcome in ("received", "stored", "dropped", "truncated"):
                datagrams.add_metric([outcome], udp.get(outcome, 0))
            yield datagrams


REGISTRY.register(DomainCollector())


def exposition() -> bytes:
    return generate_latest(REGISTRY)
