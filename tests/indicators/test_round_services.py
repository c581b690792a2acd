from decimal import ROUND_HALF_UP, Decimal

import pytest

from lakthan.core.errors import InvalidInput, Locked, NotFound
from lakthan.core.models import AuditEntry
from lakthan.indicators import libraries
from lakthan.indicators import services as ind
from lakthan.indicators.models import CriterionResult, SignOffEvent


def decide(report, met: set[int]):
    for number in range(1, 11):
        ind.set_result(report, number, "met" if number in met else "not_met")


def test_bundled_library_loads_once_and_has_ten_items(org):
    assert libraries.ensure_bundled_libraries() == 0  # already loaded by the fixture, unchanged
    assert org.indicator.criteria.count() == 10
    assert org.indicator.parent.code == "9"
    assert org.report.results.count() == 10


@pytest.mark.parametrize(
    "met,items,score,weighted",
    [
        (set(), 0, "0", "0.00"),
        ({1}, 1, "1", "0.03"),
        ({1, 2, 3, 10}, 4, "4", "0.12"),
        ({1, 2, 3, 4, 10}, 5, "5", "0.15"),
        (set(range(1, 11)), 10, "5", "0.15"),
    ],
)
def test_score_counts_items_met(org, met, items, score, weighted):
    decide(org.report, met)
    s = ind.compute_score(org.report)
    assert (s.items_met, s.score, s.weight, s.weighted_score) == (
        items,
        Decimal(score),
        Decimal("3"),
        Decimal(weighted),
    )


def test_sign_locks_results_texts_and_links_until_reopened(org):
    decide(org.report, {1, 2, 3, 4, 10})
    ind.sign(org.report, org.supervisor)
    org.report.refresh_from_db()
    assert org.report.is_signed and org.report.signed_by == org.supervisor
    with pytest.raises(Locked):
        ind.set_result(org.report, 5, "met")
    with pytest.raises(Locked):
        ind.update_report(org.report, obstacles=["x"])
    assert org.report.results.get(criterion__number=5).status == CriterionResult.Status.NOT_MET

    with pytest.raises(InvalidInput, match="reason"):
        ind.reopen(org.report, org.supervisor, "  ")
    ind.reopen(org.report, org.supervisor, "แก้ไขข้อ ๕ ตามหลักฐานเพิ่มเติม")
    ind.set_result(org.report, 5, "met")
    assert ind.compute_score(org.report).items_met == 6
    events = list(SignOffEvent.objects.filter(report=org.report).values_list("action", "reason"))
    assert events == [("sign", ""), ("reopen", "แก้ไขข้อ ๕ ตามหลักฐานเพิ่มเติม")]
    assert AuditEntry.objects.filter(action="report.reopen").count() == 1


def test_sign_needs_every_item_decided_and_the_supervisor(org):
    with pytest.raises(InvalidInput, match="undecided"):
        ind.sign(org.report, org.supervisor)
    decide(org.report, {1})
    with pytest.raises(InvalidInput, match="not a supervisor"):
        ind.sign(org.report, org.collector)
    assert not org.report.signoff_events.exists()


def test_agreement_weights_warn_when_not_100(org):
    result = ind.set_agreement(org.other, 2556, [(org.indicator, Decimal("3"))])
    assert result.total_weight == 3 and "not 100" in result.warnings[0]
    result = ind.set_agreement(org.other, 2556, [(org.indicator, Decimal("100"))])
    assert result.warnings == []
    with pytest.raises(InvalidInput, match="weight"):
        ind.set_agreement(org.other, 2556, [(org.indicator, Decimal("0"))])


def test_report_for_an_indicator_outside_the_agreement_is_refused(org):
    with pytest.raises(NotFound, match="not in the agreement"):
        ind.get_report(org.other, 2556, 12, "9.2")
    with pytest.raises(InvalidInput, match="6, 9 or 12"):
        ind.get_report(org.bureau, 2556, 7, "9.2")
    with pytest.raises(InvalidInput, match="B.E."):
        ind.get_report(org.bureau, 2013, 12, "9.2")


def test_round_period_is_the_fiscal_year_in_be(org):
    start, end = ind.round_period(org.report.round)
    assert (start.isoformat(), end.isoformat()) == ("2012-10-01", "2013-09-30")
    six = ind.get_report(org.bureau, 2556, 6, "9.2")
    assert ind.round_period(six.round)[1].isoformat() == "2013-03-31"


def test_bad_library_file_is_refused_whole(org, tmp_path):
    from lakthan.indicators.models import Indicator

    good = (libraries.BUNDLED_DIR / "opdc-2556.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    # a valid library under a new URN, broken near the end: nothing of it may be loaded
    text = good.replace("urn:lakthan:opdc:2556", "urn:lakthan:test:2556")
    lines = text.splitlines()
    lines.append("bogus_top_level_key: 1")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = Indicator.objects.count()
    with pytest.raises(libraries.LibraryInvalid) as err:
        libraries.load_library_file(bad)
    assert str(err.value).startswith(f"{bad}:")
    assert Indicator.objects.count() == before


@pytest.fixture
def small_library_round(org):
    """The test library with a milestone and two linear indicators, in an agreement of weight 50/25/25."""
    from pathlib import Path

    libraries.load_library_file(Path(__file__).parent / "data" / "valid_small.yaml")
    lines = [
        (ind.find_indicator(code, 2557), Decimal(w)) for code, w in (("2", 50), ("1.10", 25), ("1.11", 25))
    ]
    assert ind.set_agreement(org.other, 2557, lines).warnings == []
    return org


def test_milestone_score_is_the_highest_level_whose_steps_and_all_below_are_done(small_library_round):
    report = ind.get_report(small_library_round.other, 2557, 12, "2")
    for number in (1, 2, 3):  # level 3 has steps 3 and 4: only one of them done
        ind.set_result(report, number, "met")
    ind.set_result(report, 5, "met")  # level 4 done, but level 3 is not: still level 2
    s = ind.compute_score(report)
    assert (s.score, s.weighted_score) == (Decimal("2"), Decimal("1.00"))
    ind.set_result(report, 4, "met")
    assert ind.compute_score(report).score == Decimal("4")


@pytest.mark.parametrize(
    "code,value,score", [("1.10", "99.7", "2.5000"), ("1.11", "3", "3.5000"), ("1.11", "20", "1.0000")]
)
def test_linear_score_interpolates_the_measured_value(small_library_round, code, value, score):
    report = ind.get_report(small_library_round.other, 2557, 12, code)
    assert ind.compute_score(report).score == Decimal(0)  # nothing measured yet
    ind.update_report(report, measured_value=Decimal(value))
    s = ind.compute_score(report)
    half_up = (Decimal(score) * 25 / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # 0.625 → 0.63
    assert s.score == Decimal(score) and s.weighted_score == half_up


def test_an_indicator_without_a_scoring_scheme_is_refused_with_a_domain_error():
    from lakthan.core.errors import InvalidInput
    from lakthan.indicators.models import Indicator
    from lakthan.indicators.services import scheme_of

    with pytest.raises(InvalidInput, match="indicator 9 has no scoring scheme") as refused:
        scheme_of(Indicator(code="9", scheme=None))
    assert refused.value.message_th == "ตัวชี้วัด 9 ไม่มีเกณฑ์การให้คะแนน"
