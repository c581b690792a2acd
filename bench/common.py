"""What every benchmark script prints the same way: a median timing and a line with its baseline."""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import time
from pathlib import Path


def median_of(fn, repeat: int = 7) -> float:
    """Median wall time of `fn()` over `repeat` runs after one warm-up run (fonts, caches, imports)."""
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def line(name: str, seconds: float, baseline_name: str, baseline: float) -> None:
    print(
        f"{name:<44} {seconds * 1000:9.1f} ms   {baseline_name:<44} {baseline * 1000:9.1f} ms   "
        f"ratio {seconds / baseline:6.2f}"
    )


def own_warm_copies(env: dict[str, str], where: Path) -> Path:
    """The warm copies `lakthan` starts under ``env`` listen in a runtime directory of the bench's own
    (under ``where``), so that stop_warm_copies stops them and only them; the directory is returned."""
    where.mkdir(parents=True, exist_ok=True)
    env["TMPDIR"] = str(where)
    env.pop("XDG_RUNTIME_DIR", None)
    return where / f"lakthan-{os.getuid()}"


def stop_warm_copies(runtime: Path) -> None:
    for lock in runtime.glob("warm-*.lock"):
        with contextlib.suppress(ValueError, ProcessLookupError):
            os.kill(int(lock.read_text()), signal.SIGTERM)
