"""A warm copy of Lakthan for one LAKTHAN_HOME, one environment and one version of the code.

Started by lakthan.launch as `python -m lakthan.warm SOCKET KEY SECONDS`. It sets Django up once,
single-threaded, and keeps one spare process forked from itself. The spare imports polars and pyarrow
after the fork, so no thread ever crosses a fork (polars and pyarrow start threads on import, and a
process with threads must not fork). A command handed over runs in the spare with the sender's
streams, directory, environment and umask; a new spare is forked at once for the next command. A
command that comes while the spare is still importing runs in a process forked for it alone, but a
`logs` command, which uses what the spare imports, waits for it (at most SPARE_WAIT_SECONDS).

It serves only its own user (SO_PEERCRED), only the key it was started for, and leaves when it has
had no command for SECONDS, when its socket is removed or replaced, or when its home is deleted or
made again. Each command it ran is one line in warm-KEY.log beside its socket: its time, pid, whether
the spare or a process forked for it ran it, its first words and its status.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import fcntl
import gc
import importlib
import os
import random
import selectors
import signal
import socket
import sys
import time
import traceback

from lakthan import handover

# What the most frequent commands (logs ingest, seal, detect) import beyond Django: done by the spare.
SPARE_IMPORTS = (
    "polars",
    "pyarrow",
    "pyarrow.compute",  # polars imports it on its first Arrow conversion: 0.12 s
    "lakthan.monitoring.services.ingest",
    "lakthan.monitoring.services.seal",
    "lakthan.monitoring.services.alerts",
)
READY = b"R"
PR_SET_PDEATHSIG = 1
STEP_SECONDS = 2.0
# Commands that use what the spare imports wait for it while it is still importing, at most this
# long, rather than run in a process forked for them that imports it all again beside it (a detection
# right after a seal took 1.5 s that way instead of 0.5). The others do not need it: they go at once.
SPARE_COMMANDS = {"logs"}
SPARE_WAIT_SECONDS = 3.0


def main() -> None:
    path, key, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    home = handover.home()
    if handover.key(home) != key:
        log(f"not started: the environment or the code changed since the command ({path})")
        return
    lock = open(handover.beside(path, ".lock"), "a+")  # not "w": a contender must not erase the pid
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return  # another warm copy serves this key
    lock.truncate(0)
    lock.write(f"{os.getpid()}\n")  # who to stop, for an operator (or a test)
    lock.flush()
    try:
        set_up()
        if (threads := thread_count()) != 1:
            raise RuntimeError(
                f"{threads} threads after setting Django up; a process with threads must not fork"
            )
    except Exception as exc:  # the commands themselves will say what is wrong, each in its own process
        log(f"not started: {exc!r}")
        open(handover.beside(path, ".failed"), "w").close()  # commands of this key stop starting warm copies
        return
    Server(path, key, seconds, lock, home).serve()


def set_up() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakthan.settings")
    import django

    django.setup()
    from django.db import connections

    import lakthan.cli  # noqa: F401  every command registered

    connections.close_all()  # the spares open their own


class Server:
    def __init__(self, path: str, key: str, seconds: int, lock, home: str):
        self.path, self.key, self.seconds, self.lock = path, key, seconds, lock
        self.home, self.home_made = home, os.stat(home).st_ino
        self.pid = os.getpid()
        if os.path.exists(path):
            os.unlink(path)  # a warm copy killed before it could remove it: we hold the lock
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            with handover.reachable(path) as name:
                self.listener.bind(name)
        finally:
            os.umask(old)
        self.listener.listen(16)
        self.inode = os.stat(path).st_ino
        # per command's pid: the sender's line, its words for the log, and the command's own line
        self.jobs: dict[int, tuple[socket.socket, list[str], socket.socket]] = {}
        # commands taken, waiting for the spare to be ready: the sender's line, the request, its
        # streams, and until when they wait
        self.waiting: list[tuple[socket.socket, dict, list[int], float]] = []
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # its socket removed on the way out
        self.selector.register(self.wake_r, selectors.EVENT_READ, "child")
        self.spare: tuple[int, socket.socket] | None = None
        self.spare, self.spare_ready = self.fork_child(preload=True), False
        self.last = time.monotonic()

    def serve(self) -> None:
        try:
            while (
                self.jobs
                or self.waiting
                or (time.monotonic() - self.last < self.seconds and self.still_wanted())
            ):
                for ready, _ in self.selector.select(self.step()):
                    if ready.data == "accept":
                        self.accept()
                    elif ready.data == "child":
                        with contextlib.suppress(BlockingIOError):
                            while os.read(self.wake_r, 512):
                                pass
                        self.reap()
                    elif isinstance(ready.data, tuple):
                        self.from_command(ready.data[1])
                    elif ready.data == "spare":
                        self.spare_is_ready()
                    else:
                        self.from_sender(ready.data)
                self.start_waiting()
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

    def still_wanted(self) -> bool:
        """Its socket is still its own, and its home is still the one it was started for."""
        try:
            return self.socket_is_ours() and os.stat(self.home).st_ino == self.home_made
        except OSError:
            return False

    def accept(self) -> None:
        conn, _ = self.listener.accept()
        self.last = time.monotonic()
        fds: list[int] = []
        try:
            conn.settimeout(5)
            if handover.peer_uid(conn) != os.getuid():
                raise ValueError("another user")
            request, fds = handover.receive(conn, with_fds=True)
            if request.get("key") != self.key or len(fds) != 3 or self.spare is None:
                handover.send(conn, {"ready": False})
                raise ValueError("not this warm copy's command")
            handover.send(conn, {"ready": True})
            if handover.receive(conn).get("go") is not True:
                raise ValueError("no go")
        except (OSError, ValueError):
            conn.close()
            for fd in fds:
                os.close(fd)
            return
        argv = request["argv"]
        if not self.spare_is_ready() and argv and argv[0] in SPARE_COMMANDS:
            self.waiting.append((conn, request, fds, time.monotonic() + SPARE_WAIT_SECONDS))
            self.watch_spare(True)
        else:
            self.start(conn, request, fds)

    def step(self) -> float:
        """How long to wait for the next event: until the first waiting command's wait is over."""
        if not self.waiting:
            return STEP_SECONDS
        return max(0.0, min(STEP_SECONDS, self.waiting[0][3] - time.monotonic()))

    def watch_spare(self, on: bool) -> None:
        """Whether the spare's line is watched for the byte that says it is ready (while commands wait)."""
        if self.spare is None:
            return
        line = self.spare[1]
        watched = line.fileno() >= 0 and line.fileno() in self.selector.get_map()
        if on and not watched and not self.spare_ready:
            self.selector.register(line, selectors.EVENT_READ, "spare")
        elif not on and watched and self.selector.get_key(line).data == "spare":
            self.selector.unregister(line)

    def start_waiting(self) -> None:
        """The waiting commands, in the order they came, once the spare is ready (each takes the spare,
        the next one waits for the next spare) or when their wait is over (in a process of their own)."""
        while self.waiting:
            conn, request, fds, until = self.waiting[0]
            if not self.spare_is_ready() and self.spare is not None and time.monotonic() < until:
                self.watch_spare(True)
                return
            self.waiting.pop(0)
            self.start(conn, request, fds)

    def start(self, conn: socket.socket, request: dict, fds: list[int]) -> None:
        """Hands the command to the spare when it is ready; else to a process forked for it alone,
        which imports only what it needs."""
        try:
            ready = self.spare_is_ready()
            self.watch_spare(False)
            pid, to_child = self.spare if ready and self.spare else self.fork_child(preload=False)
            try:
                handover.send(to_child, request, fds=fds)
            except OSError:  # the spare died since it said it was ready: a process of its own, then
                to_child.close()
                ready = False
                pid, to_child = self.fork_child(preload=False)
                handover.send(to_child, request, fds=fds)
        except (OSError, ValueError):
            conn.close()
            return
        finally:
            for fd in fds:
                os.close(fd)
        conn.settimeout(None)
        how = "spare" if ready else "fork"
        self.jobs[pid] = (conn, [how, "lakthan", *(str(a) for a in request["argv"][:3])], to_child)
        self.selector.register(conn, selectors.EVENT_READ, pid)
        self.selector.register(to_child, selectors.EVENT_READ, ("done", pid))
        if ready:
            self.spare, self.spare_ready = self.fork_child(preload=True), False

    def spare_is_ready(self) -> bool:
        """The spare has made its imports (it says so with one byte): it takes a command at once."""
        if not self.spare_ready and self.spare is not None:
            try:
                self.spare_ready = self.spare[1].recv(1, socket.MSG_DONTWAIT) == READY
            except OSError:  # not yet (or never: it died)
                pass
        return self.spare_ready

    def from_sender(self, pid: int) -> None:
        """A signal the sender forwards, or its end: a sender killed takes its command with it."""
        if pid not in self.jobs:  # answered already, in the same round
            return
        conn = self.jobs[pid][0]
        try:
            sig = int(handover.receive(conn)["signal"])
        except (OSError, ValueError, KeyError):
            sig = signal.SIGKILL
            self.selector.unregister(conn)
        if sig in (*handover.FORWARDED, signal.SIGKILL):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def from_command(self, pid: int) -> None:
        """The command's status, which it sends as soon as it has ended (report_done), before its
        process has given its memory back; nothing (an end of file) when it was killed or crashed:
        then its status is answered when it is reaped."""
        if pid not in self.jobs:  # answered already, in the same round (it was reaped first)
            return
        line = self.jobs[pid][2]
        self.selector.unregister(line)
        try:
            code = int(handover.receive(line)["status"])
        except (OSError, ValueError, KeyError, TypeError):
            return
        finally:
            line.close()
        self.answer(pid, code)

    def answer(self, pid: int, code: int) -> None:
        conn, words, line = self.jobs.pop(pid)
        log(f"pid {pid} ({words[0]}) {' '.join(words[1:])}: status {code}")
        try:
            handover.send(conn, {"status": code})
        except OSError:
            pass
        for held in (conn, line):
            if held.fileno() >= 0 and held.fileno() in self.selector.get_map():
                self.selector.unregister(held)
            held.close()
        self.last = time.monotonic()

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = os.waitstatus_to_exitcode(status)
            if pid in self.jobs:  # it ended without saying so: killed, or it crashed
                self.answer(pid, code)
            elif self.spare is not None and pid == self.spare[0]:
                waited = self.spare_is_ready()
                self.watch_spare(False)
                self.spare[1].close()
                if waited:  # killed while it waited (the OOM killer, say): another one
                    log(f"the spare process {pid} ended while it waited (status {code}); another one")
                    self.spare, self.spare_ready = self.fork_child(preload=True), False
                    continue
                log(f"not serving: the spare process ended before it was ready (status {code})")
                open(handover.beside(self.path, ".failed"), "w").close()
                self.spare = None
                self.seconds = 0  # leaves once its commands are done

    def fork_child(self, preload: bool) -> tuple[int, socket.socket]:
        """A process that waits for a command on a line of its own: the spare (``preload``: it makes
        the imports of the most frequent commands first), or one for a command that came before the
        spare was ready."""
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            ours.close()
            self.become_child(theirs, preload)
        theirs.close()
        return pid, ours

    def become_child(self, conn: socket.socket, preload: bool) -> None:
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
            self.lock.close()  # held by the warm copy alone: a new one may start once it is gone
            os.close(self.wake_r)
            os.close(self.wake_w)
            for other, _, line in self.jobs.values():
                other.close()
                line.close()
            for other, _, streams, _ in self.waiting:  # another command's streams: not this one's to hold
                other.close()
                for fd in streams:
                    os.close(fd)
            if self.spare is not None:
                self.spare[1].close()  # another child's line
            if preload:
                for name in SPARE_IMPORTS:
                    importlib.import_module(name)
            # what Django and the imports made lives as long as this process: out of the collector's
            # sight, a full collection in the command no longer walks it (0.03-0.06 s in an ingest)
            gc.freeze()
            if preload:
                conn.sendall(READY)
            conn.settimeout(None)
            request, fds = handover.receive(conn, with_fds=True)
            take_over(request, fds)
            code = run(request["argv"])
            report_done(conn, code)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)


def report_done(line: socket.socket, code: int) -> None:
    """The command has ended (its output flushed): its status to the warm copy, which answers the sender
    at once, while this process still gives its memory back (0.05 s after an ingest). The sender's
    streams are closed first, so that a reader of them sees their end before the answer."""
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError):
            os.close(fd)
    with contextlib.suppress(OSError):
        handover.send(line, {"status": code})


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
