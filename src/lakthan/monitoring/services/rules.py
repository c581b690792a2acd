"""The Sigma rules in force: the bundled ones, the imported ones, and their placeholder values."""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from django.conf import settings
from django.db import transaction

from lakthan.core import audit
from lakthan.core.errors import InvalidInput
from lakthan.lib.files import write_private
from lakthan.monitoring.models import Rule
from lakthan.monitoring.pipeline import tally
from lakthan.monitoring.pipeline.matches import chunk_matches, rules_key
from lakthan.monitoring.services.home import state_dir

if TYPE_CHECKING:  # the compiler imports pySigma: loaded by the commands that compile, not by a seal
    from lakthan.monitoring.pipeline.compiled import RuleSet
from lakthan.monitoring.pipeline.store import Annotate

log = logging.getLogger(__name__)
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
    """Rules compiled once per key, in this process and on disk: the compiler (pySigma) costs an
    ingest or a detection about a quarter of a second to import and run, every time."""
    if key not in _compiled:
        _compiled.clear()
        _compiled[key] = _kept(key) or _keep(key, compile_texts(sources, values))
    return _compiled[key]


def _kept_path(key: str) -> Path:
    """The compiled rules of ``key`` (which names the rules and the matching code) for this polars and
    this Python, whose pickles of expressions are theirs."""
    return (
        state_dir()
        / "compiled"
        / f"{key}-polars{pl.__version__}-py{sys.version_info[0]}{sys.version_info[1]}.pickle"
    )


def _seal(data: bytes) -> bytes:
    """An HMAC of the pickle under the application's secret key: a file dropped into the state
    directory (a tampered backup, say) is never unpickled, which could run any code."""
    return hmac.new(settings.SECRET_KEY.encode(), data, hashlib.sha256).digest()


def _kept(key: str) -> RuleSet | None:
    try:
        raw = _kept_path(key).read_bytes()
    except FileNotFoundError:
        return None
    mac, data = raw[:32], raw[32:]
    try:
        if not hmac.compare_digest(mac, _seal(data)):
            raise ValueError("its HMAC is not this application's")
        kept = pickle.loads(data)
    except Exception as exc:  # noqa: BLE001  (damaged, forged, or of other code): compiled again
        log.warning("compiled rules %s not readable (%s); compiling them again", _kept_path(key).name, exc)
        return None
    from lakthan.monitoring.pipeline.compiled import RuleSet

    return kept if isinstance(kept, RuleSet) else None


def _keep(key: str, rs: RuleSet) -> RuleSet:
    """Writes ``rs`` for the next command (without the parsed conditions, which other dialects need:
    a hunt on Spark compiles its rules itself) and removes what was kept for other keys."""
    path = _kept_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = replace(rs, rules=[replace(r, trees=()) for r in rs.rules])
    try:
        data = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
        write_private(path, _seal(data) + data)
    except OSError as exc:  # a full disk: the next command compiles again
        log.warning("compiled rules not kept (%s)", exc)
        return rs
    for other in path.parent.glob("*.pickle"):
        if other != path:
            other.unlink(missing_ok=True)
    return rs


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
    if loaded:  # the next ingest and detection read the new set compiled
        transaction.on_commit(_compile_in_force)
    return ImportResult(loaded, errors)


def _compile_in_force() -> None:
    """After an import is committed: a failure here loses nothing (the next command compiles)."""
    try:
        rules_in_force()
    except Exception:  # noqa: BLE001
        log.warning("the rules in force were not compiled after the import", exc_info=True)
