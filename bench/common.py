"""What every benchmark script prints the same way: a median timing and a line with its baseline."""

from __future__ import annotations

import statistics
import time


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
