"""Proofs a report relies on, shipped in its pack (the latest signed log checkpoint, backup proofs).

The apps that hold them sit above `reports` in the layers, so each registers a provider in its
AppConfig.ready(); `collect()` asks them all. A signed report pins what `collect()` gave at sign-off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lakthan.indicators.models import IndicatorReport


@dataclass(frozen=True)
class Proof:
    path: str  # inside the pack, under proofs/, e.g. "proofs/log-checkpoint.txt"
    text: str
    title_th: str
    title_en: str


Provider = Callable[[IndicatorReport], list[Proof]]
# providers, or their dotted paths: imported when a pack is built, not when Django starts (the log
# store's modules bring polars and pyarrow, half a second of every command's start-up)
_PROVIDERS: list[Provider | str] = []


def register(provider: Provider | str) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def collect(report: IndicatorReport) -> list[Proof]:
    from django.utils.module_loading import import_string

    found: list[Proof] = []
    for provider in _PROVIDERS:
        found += (import_string(provider) if isinstance(provider, str) else provider)(report)
    return sorted(found, key=lambda p: p.path)


def as_json(proofs: list[Proof]) -> list[dict]:
    return [{"path": p.path, "text": p.text, "title_th": p.title_th, "title_en": p.title_en} for p in proofs]


def from_json(items: list[dict]) -> list[Proof]:
    return [Proof(i["path"], i["text"], i["title_th"], i["title_en"]) for i in items]
