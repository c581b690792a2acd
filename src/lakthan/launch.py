"""The `lakthan` command's entry point: a command is handed to a warm copy of Lakthan when one is ready.

Setting Django up and importing polars take most of a second, longer than most commands take to do
their work. A warm copy (lakthan.warm) has done that once, for one LAKTHAN_HOME, one environment and
one version of the code. Each command handed to it runs in a process it prepared beforehand, with this
process's standard streams, working directory, environment and umask; this process forwards its
signals and exits with that process's status. With no warm copy ready (the first commands on a home,
another environment or directory, another version of the code, LAKTHAN_WARM=0), the command runs here
as before, and a warm copy is started for the commands that follow; it leaves after LAKTHAN_WARM
seconds without a command.

This module imports only os and sys: `--help` pays nothing for it.
"""

from __future__ import annotations

import os
import sys

DEFAULT_SECONDS = 600
# Long-running services, and the commands that ask at a terminal, always run in their own process.
COLD = {("serve",), ("worker",), ("logs", "serve"), ("demo",), ("migrate",), ("user", "create")}


def main() -> None:
    seconds = warm_seconds()
    if seconds and eligible(sys.argv[1:]):
        from lakthan import handover

        found = handover.address()
        if found is not None:
            path, key = found
            status = handover.run_warm(path, key, sys.argv[1:])
            if status is not None:
                handover.exit_as(status)
            handover.start_warm(path, key, seconds)
    from lakthan.cli import main as run_here

    run_here(prog_name="lakthan")


def warm_seconds() -> int:
    value = os.environ.get("LAKTHAN_WARM", "")
    try:
        return max(int(value), 0) if value.strip() else DEFAULT_SECONDS
    except ValueError:
        return 0  # a value no one can read turns the warm copy off rather than failing every command


def eligible(args: list[str]) -> bool:
    if not args or args[0].startswith("-") or "--help" in args:
        return False  # --help and --version answer at once without Django
    return tuple(args[:1]) not in COLD and tuple(args[:2]) not in COLD
