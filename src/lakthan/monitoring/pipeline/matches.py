"""What each sealed segment's events match, kept on disk per set of rules (no Django).

The hourly detection looks at every retained event. Reading a segment back means decoding it and
reading its lines again, so instead each segment is matched once per set of rules and its matches
(few rows: the events some rule matched, with the columns the alerts need) are kept under
``state/matches/<rules key>/``; detection then stacks them. What an event matches depends on that
event alone, so the alerts are the same as over all events at once (a test checks it).

A chunk large enough to be sealed as a segment of its own is matched as it is written, from the
events already parsed (``chunk_matches``, an annotation of the store); when its segment is indexed,
those matches are adopted, and nothing reads it back.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from lakthan.lib.files import write_atomic
from lakthan.monitoring.pipeline import parsers

if TYPE_CHECKING:
    from lakthan.monitoring.pipeline.compiled import RuleSet

# the modules whose code decides what a line matches; found, not imported (the rule compiler imports
# pySigma, which a seal, needing only the key, does without)
MATCHING_CODE = ("rules", "compiled", "dialects", "javaregex", "candidates", "detect")

FORMAT = 1  # raised whenever what is kept changes meaning
_RULE = "rule:"


def rules_key(sources: list[tuple[str, str]], placeholders: dict[str, list[str]]) -> str:
    """Names a set of rules (their files and texts, the placeholder values) and the code that reads
    lines and matches them, so an upgrade of either starts afresh."""
    code = hashlib.sha256()
    modules = [find_spec(f"lakthan.monitoring.pipeline.{name}") for name in MATCHING_CODE]
    for path in (parsers.__file__, parsers.KERNEL_FILE, *(m.origin for m in modules if m and m.origin)):
        code.update(Path(path).read_bytes())
    text = json.dumps(
        [FORMAT, code.hexdigest(), sorted(sources), sorted(placeholders.items())], ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()[:24]


KEY = re.compile(r"[0-9a-f]{24}")  # what rules_key gives
KEPT = re.compile(r"\.?\d{8}\.parquet(\.tmp\d+)?")  # a segment's kept matches (or one being written)


class MatchCache:
    def __init__(self, root: Path, key: str):
        self.dir = Path(root) / key
        if Path(root).exists():
            for other in Path(root).iterdir():
                if other.name != key and is_stale_matches(other):
                    shutil.rmtree(other, ignore_errors=True)
        self.dir.mkdir(parents=True, exist_ok=True)

    def adopt(self, index: int, kept: Path) -> None:
        """Takes the file of segment ``index``'s matches taken when its chunk was written
        (``chunk_matches``); it must be on the same file system (the store and this cache are both
        under the log home)."""
        os.replace(kept, self.dir / f"{index:08d}.parquet")

    def get(
        self, index: int, compute: Callable[[], tuple[pl.DataFrame, pl.DataFrame]]
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Segment ``index``'s (found, matched), computed once and kept."""
        path = self.dir / f"{index:08d}.parquet"
        if path.exists():  # adopted files were written before the segment had its number
            return split(
                pl.read_parquet(path, glob=False).with_columns(pl.lit(index, dtype=pl.Int64).alias("segment"))
            )
        found, matched = compute()
        buf = io.BytesIO()
        joined(found, matched).write_parquet(buf)
        write_atomic(path, buf.getvalue())
        return found, matched


def is_stale_matches(path: Path) -> bool:
    """Whether ``path`` is the kept matches of another set of rules (a directory named by a rules key
    holding nothing but kept matches): only those are removed, never a neighbour that happens to share
    the root."""
    if path.is_symlink() or not path.is_dir() or not KEY.fullmatch(path.name):
        return False
    return all(KEPT.fullmatch(p.name) and p.is_file() and not p.is_symlink() for p in path.iterdir())


def chunk_matches(events: pl.DataFrame, ruleset: RuleSet) -> pl.DataFrame:
    """What a chunk's parsed events match, in the kept form, positions counted in the chunk (the
    segment is not known before the seal)."""
    positioned = events.with_columns(
        pl.lit(0, dtype=pl.Int64).alias("segment"), pl.int_range(pl.len(), dtype=pl.Int64).alias("position")
    )
    from lakthan.monitoring.pipeline import detect

    return joined(*detect.matching(positioned, ruleset))


def forget_matches(root: Path, index: int) -> None:
    """Removes what is kept of a segment's matches (its payload was pruned), under every rules key."""
    for path in Path(root).glob(f"*/{index:08d}.parquet"):
        path.unlink()


def joined(found: pl.DataFrame, matched: pl.DataFrame) -> pl.DataFrame:
    return found.hstack(matched.rename({c: _RULE + c for c in matched.columns}))


def split(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    rule_columns = [c for c in df.columns if c.startswith(_RULE)]
    matched = df.select(pl.col(c).fill_null(False).alias(c.removeprefix(_RULE)) for c in rule_columns)
    return df.drop(rule_columns), matched


def stacked(parts: list[tuple[pl.DataFrame, pl.DataFrame]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Several segments' (found, matched) as one: a rule absent from a segment matched none of it."""
    frames = [joined(f, m) for f, m in parts if f.height]
    if not frames:
        return parts[0] if parts else (pl.DataFrame(), pl.DataFrame())
    return split(pl.concat(frames, how="diagonal_relaxed"))
