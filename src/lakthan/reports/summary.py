"""What the dashboard shows for one unit's round, assembled from the indicator services (read side)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from lakthan.core.models import Unit
from lakthan.evidence.models import EvidenceLink
from lakthan.indicators.models import Agreement, Indicator, IndicatorReport
from lakthan.indicators.services import ScoreResult, compute_score, unstarted_score

# The models' choice labels are Thai source strings; the UI needs them in both languages.
STATUS_LABELS = {"met": _("Met"), "not_met": _("Not met"), "undecided": _("Undecided")}
PROPOSED_LABELS = {**STATUS_LABELS, "undecided": _("No proposal")}


@dataclass(frozen=True)
class ItemRow:
    number: int
    title_th: str
    title_en: str
    status: str
    proposed_status: str
    evidence_count: int
    reconstructed: bool = False  # not in the seed report: written from its evidence list

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def proposed_label(self) -> str:
        return PROPOSED_LABELS.get(self.proposed_status, self.proposed_status)


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    report: IndicatorReport
    score: ScoreResult
    items: list[ItemRow]


@dataclass(frozen=True)
class RoundSummary:
    unit: Unit
    agreement: Agreement
    months: int
    rows: list[IndicatorRow]

    @property
    def total_weight(self) -> Decimal:
        return sum((r.score.weight for r in self.rows), Decimal(0))

    @property
    def total_weighted(self) -> Decimal:
        return sum((r.score.weighted_score for r in self.rows), Decimal(0))

    @property
    def signed_count(self) -> int:
        return sum(1 for r in self.rows if r.report is not None and r.report.is_signed)


def round_summary(agreement: Agreement, months: int, *, with_items: bool = True) -> RoundSummary:
    """Every indicator of the agreement in the round. Read-only: an indicator whose round report does
    not exist yet (it is made when someone opens its editor) shows every item undecided."""
    (summary,) = _summaries([agreement], months, with_items=with_items)
    return summary


def _items(indicator, report: IndicatorReport | None, score: ScoreResult) -> list[ItemRow]:
    criteria = {c.number: c for c in indicator.criteria.all()}
    counts = (
        dict(
            EvidenceLink.objects.filter(report=report, criterion__isnull=False)
            .values("criterion__number")
            .annotate(n=Count("pk"))
            .values_list("criterion__number", "n")
        )
        if report is not None
        else {}
    )
    return [
        ItemRow(
            item.number,
            item.title_th,
            criteria[item.number].title_en if item.number in criteria else "",
            item.status,
            item.proposed_status,
            counts.get(item.number, 0),
            item.number in criteria and criteria[item.number].reconstructed,
        )
        for item in score.items
    ]


def child_rollup(unit: Unit, fiscal_year: int, months: int) -> list[RoundSummary]:
    """One summary per direct child unit that has an agreement for the fiscal year.

    Read-only (unlike the unit's own summary, it never creates a child's round reports, so a
    dashboard view takes no write lock per child): an indicator whose report does not exist yet
    counts with its weight and a score of 0."""
    agreements = list(
        Agreement.objects.filter(unit__parent=unit, fiscal_year=fiscal_year)
        .select_related("unit")
        .order_by("unit__code")
    )
    return _summaries(agreements, months, with_items=False)


def _summaries(agreements: list[Agreement], months: int, *, with_items: bool) -> list[RoundSummary]:
    """The round's summaries of ``agreements`` from the reports that exist (nothing is created)."""
    reports = {
        (r.round.agreement_id, r.indicator_id): r
        for r in IndicatorReport.objects.filter(
            round__agreement__in=agreements, round__months=months
        ).select_related("round__agreement", "indicator", "signed_by")
    }
    summaries = []
    for agreement in agreements:
        rows = []
        lines = agreement.lines.select_related("indicator").order_by("indicator__order", "indicator__code")
        for line in lines:
            report = reports.get((agreement.pk, line.indicator_id))
            score = compute_score(report) if report is not None else unstarted_score(line)
            items = _items(line.indicator, report, score) if with_items else []
            rows.append(IndicatorRow(line.indicator, report, score, items))
        summaries.append(RoundSummary(agreement.unit, agreement, months, rows))
    return summaries
