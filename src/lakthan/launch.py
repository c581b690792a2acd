"""The `lakthan` command's entry point: a command is handed to a warm copy of Lakthan when one is ready.

Setting Django up and importing polars take most of a second, longer than most commands take to do
their work. A warm copy (lakthan.warm) has done that once, for one LAKTHAN_HOME, one environment and
one version of the code. Each command handed to it runs in a process it prepared beforehand, with this
process's standard streams, working directory, environment and umask; this process forwards its
signals and exits with that process's status. With no warm copy ready (the first commands on a home,
another environment or directory, another version of the code, LAKTHAN_WARM=0), the command runs here
as before, and a warm copy is started for the commands that follow; it leaves after LAKTHAN_WARM
seconds without a command.

This module imports only os and sys (both loaded with Python itself) until a command can be handed
over: `--help` pays nothing for it.
"""

from __future__ import annotations

import os
import sys

# Long-running services, and the commands that ask at a terminal, always run in their own process.
COLD = {("serve",), ("worker",), ("logs", "serve"), ("demo",), ("migrate",), ("user", "create")}


def main() -> None:
    # pyarrow imports numpy, whose OpenBLAS starts a thread per core that spins for a while, 0.15
    # CPU-seconds of each import taken from the command running beside it; Lakthan does no algebra
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # the warm copy and its spares (started from here) allocate large blocks on huge pages where the
    # kernel offers them (transparent huge pages, "madvise"): the 64 MB chunks of an ingest fault
    # a third fewer pages in, about 0.1 s of 1.5
    os.environ.setdefault("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1")
    if eligible(sys.argv[1:]):
        hand_over(sys.argv[1:])
    from lakthan.cli import main as run_here

    run_here(prog_name="lakthan")


def hand_over(args: list[str]) -> None:
    """Runs the command in a warm copy and exits with its status; or returns, having started a warm
    copy for the next commands when there is none, and the command runs here."""
    from lakthan import config

    if not (seconds := config.warm_seconds()):
        return
    from lakthan import handover

    found = handover.address()
    if found is not None:
        path, key = found
        status = handover.run_warm(path, key, args)
        if status is not None:
            handover.exit_as(status)
        handover.start_warm(path, key, seconds)


def eligible(args: list[str]) -> bool:
    if not args or args[0].startswith("-") or "--help" in args:
        return False  # --help and --version answer at once without Django
    return tuple(args[:1]) not in COLD and tuple(args[:2]) not in COLD
