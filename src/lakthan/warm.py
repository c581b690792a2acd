"""A warm copy of Lakthan for one LAKTHAN_HOME, one environment and one version of the code.

Started by lakthan.launch as `python -m lakthan.warm SOCKET KEY SECONDS`. It sets Django up once,
single-threaded, and keeps one spare process forked from itself. The spare imports polars and pyarrow
after the fork, so no thread ever crosses a fork (polars and pyarrow start threads on import, and a
process with threads must not fork). A command handed over runs in the spare with the sender's
streams, directory, environment and umask; a new spare is forked at once for the next command.

It serves only its own user (SO_PEERCRED), only the key it was started for, and leaves when it has
had no command for SECONDS, when its socket is removed or replaced (the home deleted), or when its
lock is taken over. Each command it ran is one line in run/warm.log: its time, pid, words and status.
"""

from __future__ import annotations

import atexit
import ctypes
import fcntl
import importlib
import os
import random
import selectors
import signal
import socket
import sys
import time
import traceback

from lakthan import launch

# What the most frequent commands (logs ingest, seal, detect) import beyond Django: done by the spare.
SPARE_IMPORTS = (
    "polars",
    "pyarrow",
    "lakthan.monitoring.services.ingest",
    "lakthan.monitoring.services.seal",
    "lakthan.monitoring.services.alerts",
)
PR_SET_PDEATHSIG = 1
STEP_SECONDS = 2.0


def main() -> None:
    path, key, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    home = os.path.dirname(os.path.dirname(path))
    if launch.key(home) != key:
        log(f"not started: the environment or the code changed since the command ({path})")
        return
    lock = open(path + ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return  # another warm copy serves this key
    lock.write(f"{os.getpid()}\n")  # who to stop, for an operator (or a test)
    lock.flush()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakthan.settings")
    import django

    django.setup()
    from django.db import connections

    import lakthan.cli  # noqa: F401  every command registered

    connections.close_all()  # the spares open their own
    if (threads := thread_count()) != 1:
        log(f"not started: {threads} threads after setting Django up; a process with threads must not fork")
        open(path + ".failed", "w").close()  # commands of this key stop starting warm copies
        return
    Server(path, key, seconds).serve()


class Server:
    def __init__(self, path: str, key: str, seconds: int):
        self.path, self.key, self.seconds = path, key, seconds
        self.pid = os.getpid()
        if os.path.exists(path):
            os.unlink(path)  # a warm copy killed before it could remove it: we hold the lock
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            with launch.reachable(path) as name:
                self.listener.bind(name)
        finally:
            os.umask(old)
        self.listener.listen(16)
        self.inode = os.stat(path).st_ino
        self.jobs: dict[int, tuple[socket.socket, list[str]]] = {}
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.selector.register(self.wake_r, selectors.EVENT_READ, "child")
        self.spare: tuple[int, socket.socket] | None = self.fork_spare()
        self.last = time.monotonic()

    def serve(self) -> None:
        try:
            while self.jobs or (time.monotonic() - self.last < self.seconds and self.socket_is_ours()):
                for ready, _ in self.selector.select(STEP_SECONDS):
                    if ready.data == "accept":
                        self.accept()
                    elif ready.data == "child":
                        while os.read(self.wake_r, 512) == 512:
                            pass
                        self.reap()
                    else:
                        self.from_sender(ready.data)
        finally:
            if self.socket_is_ours():
                os.unlink(self.path)
            if self.spare is not None:
                os.kill(self.spare[0], signal.SIGKILL)

    def socket_is_ours(self) -> bool:
        try:
            return os.stat(self.path).st_ino == self.inode
        except OSError:
            return False

    def accept(self) -> None:
        conn, _ = self.listener.accept()
        self.last = time.monotonic()
        fds: list[int] = []
        try:
            conn.settimeout(5)
            if launch.peer_uid(conn) != os.getuid():
                raise ValueError("another user")
            request, fds = launch.receive(conn, with_fds=True)
            if request.get("key") != self.key or len(fds) != 3 or self.spare is None:
                launch.send(conn, {"ready": False})
                raise ValueError("not this warm copy's command")
            launch.send(conn, {"ready": True})
            if launch.receive(conn).get("go") is not True:
                raise ValueError("no go")
            pid, to_spare = self.spare
            launch.send(to_spare, request, fds=fds)
            to_spare.close()
        except (OSError, ValueError):
            conn.close()
            return
        finally:
            for fd in fds:
                os.close(fd)
        conn.settimeout(None)
        self.jobs[pid] = (conn, [str(a) for a in request["argv"][:3]])
        self.selector.register(conn, selectors.EVENT_READ, pid)
        self.spare = self.fork_spare()

    def from_sender(self, pid: int) -> None:
        """A signal the sender forwards, or its end: a sender killed takes its command with it."""
        conn = self.jobs[pid][0]
        try:
            sig = int(launch.receive(conn)["signal"])
        except (OSError, ValueError, KeyError):
            sig = signal.SIGKILL
            self.selector.unregister(conn)
        if sig in (*launch.FORWARDED, signal.SIGKILL):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = os.waitstatus_to_exitcode(status)
            if pid in self.jobs:
                conn, words = self.jobs.pop(pid)
                log(f"pid {pid} lakthan {' '.join(words)}: status {code}")
                try:
                    launch.send(conn, {"status": code})
                except OSError:
                    pass
                if conn.fileno() in self.selector.get_map():
                    self.selector.unregister(conn)
                conn.close()
                self.last = time.monotonic()
            elif self.spare is not None and pid == self.spare[0]:
                log(f"not serving: the spare process ended before any command (status {code})")
                open(self.path + ".failed", "w").close()
                self.spare = None
                self.seconds = 0  # leaves once its commands are done

    def fork_spare(self) -> tuple[int, socket.socket]:
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            ours.close()
            self.become_spare(theirs)
        theirs.close()
        return pid, ours

    def become_spare(self, conn: socket.socket) -> None:
        code = 1
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the warm copy gone, its commands go too
            if os.getppid() != self.pid:
                return  # it went before the line above
            signal.set_wakeup_fd(-1)
            for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
                signal.signal(sig, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            self.selector.close()
            self.listener.close()
            os.close(self.wake_r)
            for other, _ in self.jobs.values():
                other.close()
            for name in SPARE_IMPORTS:
                importlib.import_module(name)
            conn.settimeout(None)
            request, fds = launch.receive(conn, with_fds=True)
            conn.close()
            take_over(request, fds)
            code = run(request["argv"])
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)


def take_over(request: dict, fds: list[int]) -> None:
    """This process becomes the sender's: its streams, directory, environment and umask."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    encoding, errors = sys.stdout.encoding, sys.stdout.errors
    sys.stdin = open(0, encoding=encoding, errors=errors, closefd=False)
    line = 1 if os.isatty(1) else -1  # as Python does: a terminal gets each line at once
    sys.stdout = open(1, "w", line, encoding, errors, closefd=False)
    sys.stderr = open(2, "w", 1, encoding, "backslashreplace", closefd=False)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    os.umask(int(request["umask"]))
    random.seed()
    from rich.console import Console

    from lakthan import cli, cli_common

    # the consoles looked at the log file when they were made: they look at the sender's terminal now
    Console.__init__(cli.err_console, stderr=True)
    Console.__init__(cli_common.console)


def run(argv: list[str]) -> int:
    """The command, as `lakthan ARGV` would run it; its exit status."""
    from lakthan.cli import main

    sys.argv = ["lakthan", *argv]
    code: int = 0
    try:
        main(args=argv, prog_name="lakthan")
    except SystemExit as exc:
        if isinstance(exc.code, int) or exc.code is None:
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:
                pass
    return code


def thread_count() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("Threads:"))


def log(line: str) -> None:
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%S%z')} {line}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
