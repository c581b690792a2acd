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
    from lakthan.indicators.libraries import ensure_bundled_libraries

    ensure_bundled_libraries()
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


def _line(host: str, day: str, text: str = "Accepted password for a from 10.0.0.1 port 1 ssh2") -> str:
    return f"<38>1 {day}T10:00:00+07:00 {host} sshd 1 - - {text}"


@pytest.fixture
def two_units(org):
    from lakthan.monitoring.services import hosts as log_hosts
    from lakthan.monitoring.services import ingest
    from lakthan.monitoring.services import seal as sealing

    log_hosts.add_host("b1", "B-IT")
    log_hosts.add_host("x1", "X")
    ingest.ingest_lines(
        [_line("b1", "2013-05-01"), _line("x1", "2013-05-01"), _line("stranger", "2013-05-02")], "syslog"
    )
    ingest.ingest_lines([_line("b1", "2013-11-01")], "syslog")  # the next fiscal year
    sealing.seal()
    return org


def _run(check_urn: str, org, start, end):
    from lakthan.checks.registry import Period, get

    return get(check_urn).run(Period(start, end), org.bureau, org.report)


def test_integrity_reads_the_last_verification_and_writes_nothing(two_units):
    from datetime import date

    from lakthan.monitoring.services import home, verification

    year = (date(2012, 10, 1), date(2013, 9, 30))
    state = home.state_dir() / "last-verify.json"
    result = _run("urn:lakthan:check:log-integrity", two_units, *year)
    assert result.status == "no_data" and "not been verified" in result.summary_en
    assert not state.exists()  # the check did not verify
    verification.verify()
    before = state.read_bytes()
    result = _run("urn:lakthan:check:log-integrity", two_units, *year)
    assert result.status == "met" and result.figures["intact"] is True
    assert result.figures["verified_at"] == verification.last_verification()["verified_at"]
    assert state.read_bytes() == before


def test_integrity_answers_for_the_units_hosts_and_the_period(two_units):
    from datetime import UTC, date, datetime

    from lakthan.monitoring.models import Alert
    from lakthan.monitoring.services import verification

    verification.verify()
    year = (date(2012, 10, 1), date(2013, 9, 30))
    at = datetime(2013, 5, 1, 3, tzinfo=UTC)
    Alert.objects.create(rule_id="r", rule_title="t", level="high", host="x1", count=1, first=at, last=at)
    Alert.objects.create(
        rule_id="r", rule_title="t", level="high", host="stranger", count=1, first=at, last=at
    )
    later = datetime(2013, 11, 1, 3, tzinfo=UTC)
    Alert.objects.create(
        rule_id="r", rule_title="t", level="high", host="b1", count=1, first=later, last=later
    )
    result = _run("urn:lakthan:check:log-integrity", two_units, *year)
    assert result.status == "met" and result.figures["alerts"] == 0  # none of the bureau's in the year
    assert result.figures["events"] == 1  # b1's one event of the year, not x1's nor November's
    Alert.objects.create(rule_id="r", rule_title="t", level="high", host="b1", count=1, first=at, last=at)
    result = _run("urn:lakthan:check:log-integrity", two_units, *year)
    assert result.status == "partly" and result.figures["alerts_open"] == 1


def test_coverage_answers_for_the_units_hosts_and_the_period(two_units):
    from datetime import date

    result = _run("urn:lakthan:check:log-coverage", two_units, date(2012, 10, 1), date(2013, 9, 30))
    assert result.figures["hosts"] == 1 and result.figures["reported"] == 1
    assert result.figures["window"] == ["2013-05-01", "2013-05-01"]  # November is another round
    assert "unknown_senders" not in result.figures  # senders no host accounts for belong to no unit
    csv_text = result.artefacts[0].data.decode("utf-8-sig")
    assert "b1" in csv_text and "x1" not in csv_text
