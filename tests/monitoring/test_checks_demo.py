"""The item-2 checks on the demo's monitoring data: partly met (one silent host), integrity intact."""

from __future__ import annotations

import time

import pytest

from lakthan.checks.services import run_check


@pytest.fixture
def demo_org(db):
    from lakthan import demo_data as D
    from lakthan.core.services import add_unit
    from lakthan.indicators import services as ind

    ind.ensure_bundled_libraries()
    for code, parent, kind, name_th, name_en, abbr in D.UNITS:
        add_unit(code, name_th, name_en=name_en, parent=parent, kind=kind, abbreviation_th=abbr)
    from lakthan.core.models import Unit

    bureau = Unit.objects.get(code="IMM")
    indicator = ind.find_indicator("9.2", 2556)
    ind.set_agreement(bureau, 2556, [(indicator, 3)])
    return bureau, ind.get_report(bureau, 2556, 12, "9.2")


def test_demo_seed_and_the_two_checks(demo_org):
    from lakthan.monitoring import demo
    from lakthan.monitoring.models import Alert, Segment

    bureau, report = demo_org
    started = time.monotonic()
    demo.seed(report, bureau)
    assert time.monotonic() - started < 30
    assert Segment.objects.count() == 3
    brute = Alert.objects.get(rule_title__startswith="SSH brute force")
    assert brute.host == "itc-web01" and brute.count == 41 and brute.disposition == "true_positive"
    assert not Alert.objects.filter(disposition="open").exists()

    cov = run_check("urn:lakthan:check:log-coverage", report)
    assert cov.status == "partly"
    assert "inv-fs01" in cov.summary_en and "2013-08-12..2013-08-25" in cov.summary_en
    assert cov.figures["per_criterion"] == {"2": "partly"}
    integ = run_check("urn:lakthan:check:log-integrity", report)
    assert integ.status == "met" and integ.figures["intact"] is True
    titles = (
        set(report.evidence_links.values_list("evidence__title", flat=True))
        if hasattr(report, "evidence_links")
        else set()
    )
    del titles

    from lakthan.checks.services import propose_results

    proposals = propose_results(report)
    assert proposals[2][0] == "met"


def test_no_hosts_is_no_data_and_most_hosts_silent_is_not_met(org):
    from lakthan.monitoring.services import hosts as log_hosts
    from lakthan.monitoring.services import ingest
    from lakthan.monitoring.services import seal as sealing

    run = run_check("urn:lakthan:check:log-coverage", org.report)
    assert run.status == "no_data"
    for name in ("a1", "a2", "a3"):
        log_hosts.add_host(name, "B")
    ingest.ingest_lines(["<38>1 2013-05-01T10:00:00+07:00 a1 sshd 1 - - hello"], "syslog")
    sealing.seal()
    run = run_check("urn:lakthan:check:log-coverage", org.report)
    assert run.status == "not_met" and "never sent: a2, a3" in run.summary_en
