"""bench/cli: start-up of the `lakthan` command against a bare `python -c pass`, median of 11.

`lakthan --help`, `lakthan logs --help` (neither starts Django), `lakthan unit list` (a read-only
listing, answered without Django when it can) and `lakthan logs source list` (Django set up, the
migration check, one query, a table), each in a process of its own on a home made and migrated
beforehand; the last two also as installed, handed to a warm copy (lakthan.launch), whose own time is
not counted in the CPU column (only the command's process is). The goal of issue 14 is 0.3 s of wall
time for the first three on the 2-core development machine. The machine is shared: CPU time (user +
system) is printed too, as another process's load disturbs it less than wall time.

    .venv/bin/python bench/cli/run.py [--repeat 11]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from common import line, own_warm_copies, stop_warm_copies  # noqa: E402

# What the installed console script runs.
LAKTHAN = [sys.executable, "-c", "from lakthan.launch import main; main()"]
COMMANDS = (["--help"], ["logs", "--help"], ["unit", "list"], ["logs", "source", "list"])
HANDED_OVER = (["unit", "list"], ["logs", "source", "list"])
GOAL_SECONDS = 0.3


def medians(args: list[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of the command over `repeat` runs after one warm-up run."""
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    walls, cpus = [], []
    for _ in range(repeat):
        before, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
        after, t1 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        walls.append(t1 - t0)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=11)
    repeat = parser.parse_args().repeat
    home = Path(tempfile.mkdtemp(prefix="lakthan-bench-cli-"))
    env = {**os.environ, "LAKTHAN_HOME": str(home), "PYTHONPATH": str(ROOT / "src"), "LAKTHAN_WARM": "0"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: the bytecode is compiled once, then read

    for code, name in (("B", "สำนักงานทดสอบ"), ("B-IT", "ศูนย์เทคโนโลยีสารสนเทศ"), ("B-CP", "ด่านทดสอบ")):
        parent = ["--parent", "B"] if code != "B" else []
        add = [*LAKTHAN, "unit", "add", code, "--name-th", name, *parent]
        subprocess.run(add, env=env, check=True, stdout=subprocess.DEVNULL)  # the first migrates the home

    bare_wall, bare_cpu = medians([sys.executable, "-c", "pass"], env, repeat)
    for args in COMMANDS:
        wall, cpu = medians([*LAKTHAN, *args], env, repeat)
        line(f"lakthan {' '.join(args)} (wall)", wall, "python -c pass (wall)", bare_wall)
        line(f"lakthan {' '.join(args)} (CPU)", cpu, "python -c pass (CPU)", bare_cpu)
    warm = {**env, "LAKTHAN_WARM": "120"}
    runtime = own_warm_copies(warm, home / "run")
    try:
        subprocess.run([*LAKTHAN, "unit", "list"], env=warm, check=True, stdout=subprocess.DEVNULL)
        time.sleep(3)  # the warm copy it started is ready
        for args in HANDED_OVER:
            wall, cpu = medians([*LAKTHAN, *args], warm, repeat)
            line(f"lakthan {' '.join(args)} (wall, warm copy)", wall, "python -c pass (wall)", bare_wall)
            line(f"lakthan {' '.join(args)} (CPU, warm copy)", cpu, "python -c pass (CPU)", bare_cpu)
    finally:
        stop_warm_copies(runtime)
    print(f"goal: each lakthan command under {GOAL_SECONDS} s wall; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
