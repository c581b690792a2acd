"""`lakthan worker`, the process that runs the background and periodic jobs."""

from __future__ import annotations

import subprocess
import sys
import time

LAKTHAN = [sys.executable, "-m", "lakthan.cli"]


def test_the_worker_prints_each_log_line_once(process_env):
    subprocess.run([*LAKTHAN, "migrate"], env=process_env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [*LAKTHAN, "worker"], env=process_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    deadline = time.time() + 30
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            lines.append(line)
            if "Periodic tasks are enabled" in line or time.time() > deadline:
                break
    finally:
        proc.terminate()
        proc.wait(10)
    started = [line for line in lines if "Huey consumer started" in line]
    assert len(started) == 1, "".join(lines)
    assert "[" in started[0] and "INFO" in started[0]  # huey's own format, with time and level
