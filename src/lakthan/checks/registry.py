"""The Check protocol and registry: the bridge from controls to evidence.

A control registers a check with `@register`; the indicator library names which check URNs feed which
criterion. `checks.services.run_check` runs one for a unit's round, records a CheckRun and stores its
artefacts as system-generated evidence linked to the criteria the check supports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from lakthan.core.models import Unit
    from lakthan.indicators.models import IndicatorReport

Status = Literal["met", "partly", "not_met", "no_data"]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive


@dataclass(frozen=True)
class Artefact:
    filename: str  # e.g. "evidence-completeness.csv"
    data: bytes
    title_th: str
    title_en: str = ""


@dataclass(frozen=True)
class CheckResult:
    status: Status
    summary_th: str
    summary_en: str
    figures: dict = field(default_factory=dict)
    artefacts: list[Artefact] = field(default_factory=list)
    # criterion numbers this result speaks for, with the per-criterion status (empty = all the check's criteria)
    per_criterion: dict[int, Status] = field(default_factory=dict)


def judged_on(period: Period) -> date:
    """The day a check judges: the round's last day, or today while the round is still running."""
    from django.utils import timezone

    return min(period.end, timezone.localdate())


def check_result(
    report: IndicatorReport,
    period: Period,
    urn: str,
    status: Status,
    figures: dict,
    summary: Callable[[Status, dict], tuple[str, str]],
    documents: Callable[[], list[Artefact]],
) -> CheckResult:
    """A check's result: its summary in both languages, its documents unless it had no data, and the
    status for each criterion of the report the check feeds."""
    summary_th, summary_en = summary(status, figures)
    return CheckResult(
        status=status,
        summary_th=summary_th,
        summary_en=summary_en,
        figures={**figures, "period": [period.start.isoformat(), period.end.isoformat()]},
        artefacts=[] if status == "no_data" else documents(),
        per_criterion={c.number: status for c in report.indicator.criteria.all() if urn in c.check_urns},
    )


class Check(Protocol):
    urn: str
    title_th: str
    title_en: str

    def run(self, period: Period, unit: Unit, report: IndicatorReport) -> CheckResult: ...


_REGISTRY: dict[str, Check] = {}


def register(check_cls: type) -> type:
    instance = check_cls()
    if instance.urn in _REGISTRY:
        raise ValueError(f"check {instance.urn} registered twice")
    _REGISTRY[instance.urn] = instance
    return check_cls


def get(urn: str) -> Check | None:
    _load_all()
    return _REGISTRY.get(urn)


def all_checks() -> dict[str, Check]:
    _load_all()
    return dict(_REGISTRY)


def _load_all() -> None:
    """Import every installed app's checks module so its @register lines run."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    for config in apps.get_app_configs():
        name = f"{config.name}.checks"
        if config.name.startswith("lakthan.") and find_spec(name) is not None:
            import_module(name)
