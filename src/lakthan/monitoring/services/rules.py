"""The Sigma rules in force: the bundled ones, the imported ones, and their placeholder values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from lakthan.core import audit
from lakthan.core.errors import InvalidInput
from lakthan.monitoring.models import Rule
from lakthan.monitoring.pipeline import tally
from lakthan.monitoring.pipeline.matches import chunk_matches, rules_key

if TYPE_CHECKING:  # the compiler imports pySigma: loaded by the commands that compile, not by a seal
    from lakthan.monitoring.pipeline.rules import RuleSet
from lakthan.monitoring.pipeline.store import Annotate

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
MATCHES = "matches-"  # + the rules key: an annotation of what the events match


def placeholders() -> dict[str, list[str]]:
    return {"disabled_accounts": list(settings.LAKTHAN_DISABLED_ACCOUNTS)}


def rule_sources() -> list[tuple[str, str]]:
    sources = [(str(p), p.read_text()) for p in sorted(RULES_DIR.glob("*.yml"))]
    return sources + [(r.filename, r.text) for r in Rule.objects.all()]


def compile_texts(sources: list[tuple[str, str]], values: dict[str, list[str]]) -> RuleSet:
    from lakthan.monitoring.pipeline import rules

    return rules.compile_texts(sources, values)


def ruleset() -> RuleSet:
    return compile_texts(rule_sources(), placeholders())


_compiled: dict[str, RuleSet] = {}


def compiled_rules(key: str, sources: list[tuple[str, str]], values: dict[str, list[str]]) -> RuleSet:
    """Rules compiled once per key (compiling them takes about 0.1 s)."""
    if key not in _compiled:
        _compiled.clear()
        _compiled[key] = compile_texts(sources, values)
    return _compiled[key]


def key_in_force() -> str:
    return rules_key(rule_sources(), placeholders())


def rules_in_force() -> tuple[str, RuleSet]:
    """The key of the rules in force (pipeline/matches.py) and the rules compiled."""
    sources, values = rule_sources(), placeholders()
    key = rules_key(sources, values)
    return key, compiled_rules(key, sources, values)


def chunk_annotations() -> Annotate:
    """What is taken from events as they are written so that nothing reads them back: the coverage
    tallies, and what they match under the rules in force (compiled only if a chunk is annotated)."""
    sources, values = rule_sources(), placeholders()
    key = rules_key(sources, values)
    return {
        "days": tally.days,
        "seq": tally.seq_runs,
        MATCHES + key: lambda df: chunk_matches(df, compiled_rules(key, sources, values)),
    }


@dataclass
class ImportResult:
    loaded: list[str]
    errors: list[tuple[str, str]]


@transaction.atomic
def import_rules(directory: Path, actor: str = audit.SYSTEM) -> ImportResult:
    directory = Path(directory)
    if not directory.is_dir():
        raise InvalidInput(f"ไม่พบโฟลเดอร์ {directory}", f"not a directory: {directory}")
    files = sorted(list(directory.rglob("*.yml")) + list(directory.rglob("*.yaml")))
    if not files:
        raise InvalidInput(f"ไม่พบกฎ Sigma (*.yml) ใน {directory}", f"no Sigma rules (*.yml) in {directory}")
    loaded, errors = [], []
    existing = [(r.filename, r.text) for r in Rule.objects.all()]
    bundled = [(str(p), p.read_text()) for p in sorted(RULES_DIR.glob("*.yml"))]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        rs = compile_texts(bundled + existing + [(str(path), text)], placeholders())
        mine = [e for e in rs.errors if e[0] == str(path)]
        if mine:
            errors += mine
            continue
        compiled = [r for r in rs.rules if r.path == str(path)] + [
            c for c in rs.correlations if c.path == str(path)
        ]
        for r in compiled:
            Rule.objects.update_or_create(
                rule_id=r.id,
                defaults={"title": r.title, "level": r.level, "filename": str(path), "text": text},
            )
            loaded.append(r.id)
        existing.append((str(path), text))
    for rule in Rule.objects.filter(rule_id__in=loaded):
        audit.record(
            actor, "logrule.import", rule, after={"rule_id": rule.rule_id, "filename": rule.filename}
        )
    return ImportResult(loaded, errors)
