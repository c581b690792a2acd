"""Handing a command to a warm copy of Lakthan (lakthan.warm): where it listens, what it must share
with the command (its key), and the messages between the two. The sender's side runs before every
command handed over (lakthan.launch): it imports nothing heavy."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import stat
import struct
import sys

from lakthan import config

# Variables that differ between two shells of the same user without changing what Lakthan does.
VOLATILE = {"PWD", "OLDPWD", "SHLVL", "_", "COLUMNS", "LINES", "TERM", "PYTEST_CURRENT_TEST"}
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
MESSAGE_MAX = 4 << 20


def address() -> tuple[str, str] | None:
    """The warm copy's socket and key for this home and environment, or None when there can be none:
    a home its first command has not made yet (nor its secret key), or no private runtime directory."""
    try:
        made = home() if config.secret_key_given() else os.path.join(home(), "secret_key")
        os.stat(made)
        where = runtime_dir()
        k = key(home())
    except OSError:  # no home yet, a working directory deleted under us, a read-only /tmp
        return None
    return (os.path.join(where, f"warm-{k[:24]}.sock"), k) if where else None


def beside(path: str, suffix: str) -> str:
    """The warm copy's other files: warm-KEY.lock (its pid), .log, .failed (it could not start)."""
    return path.removesuffix(".sock") + suffix


def home() -> str:
    return str(config.home())


def runtime_dir() -> str | None:
    """Where warm copies listen, outside any home (a home stays a tree of plain files to copy):
    $XDG_RUNTIME_DIR/lakthan, else $TMPDIR/lakthan-UID, made with mode 0700; None when another user
    owns it or could enter it (made beforehand by someone else, say)."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    tmp = os.environ.get("TMPDIR") or "/tmp"
    where = os.path.join(base, "lakthan") if base else os.path.join(tmp, f"lakthan-{os.getuid()}")
    try:
        os.mkdir(where, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(where)
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or not stat.S_ISDIR(info.st_mode):
        return None
    return where


def key(home: str) -> str:
    """What a warm copy must share with a command to run it: the user, the environment, the working
    directory, the interpreter, the installed packages, Lakthan's own files and this home's identity."""
    h = hashlib.sha256()

    def add(*parts: object) -> None:
        h.update(repr(parts).encode("utf-8", "surrogateescape"))

    add(os.getuid(), sys.executable, sys.version, os.getcwd())
    add(sorted((n, v) for n, v in os.environ.items() if n not in VOLATILE))
    for entry in sorted({p for p in sys.path if p.endswith("-packages")}):
        add(entry, _stamp(entry))
    package = os.path.dirname(os.path.abspath(__file__))
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            add(os.path.relpath(os.path.join(root, name), package), _stamp(os.path.join(root, name)))
    home_made = _stamp(home)[:2]  # the home itself: made again, it is another home
    add(home_made, _stamp(os.path.join(home, "secret_key")))
    return h.hexdigest()


def _stamp(path: str) -> tuple[int, ...]:
    try:
        s = os.stat(path)
    except OSError:
        return ()
    return (s.st_dev, s.st_ino, s.st_mtime_ns, s.st_size)


def run_warm(path: str, k: str, args: list[str]) -> int | None:
    """The command's exit status (negative: the signal that ended it) once a warm copy ran it, or None
    when none took it; nothing has run then. Once it said "go", the command is the warm copy's."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    before = {sig: signal.getsignal(sig) for sig in FORWARDED}
    try:
        conn.settimeout(10)
        with reachable(path) as name:
            conn.connect(name)
        request = {"key": k, "argv": args, "cwd": os.getcwd(), "env": dict(os.environ), "umask": _umask()}
        if peer_uid(conn) != os.getuid():
            raise ValueError("a socket of another user")
        send(conn, request, fds=[0, 1, 2])
        if receive(conn).get("ready") is not True:
            raise ValueError("not taken")
        for sig in FORWARDED:  # from "go" on, Ctrl-C and the others are the command's
            signal.signal(sig, lambda signum, _frame: send(conn, {"signal": signum}))
        send(conn, {"go": True})
    except (OSError, ValueError):
        for sig, handler in before.items():
            signal.signal(sig, handler)
        conn.close()
        return None
    conn.settimeout(None)
    try:
        return int(receive(conn)["status"])
    except (OSError, ValueError, KeyError):
        sys.stderr.write("error: the warm Lakthan process ended before the command did\n")
        return 1


def exit_as(status: int) -> None:
    if status < 0:  # ended by a signal: end the same way, as a shell or a supervisor expects
        with contextlib.suppress(OSError, ValueError):  # SIGKILL's own handler cannot be set
            signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
        status = 128 - status
    sys.stdout.flush()
    os._exit(status)


def start_warm(path: str, k: str, seconds: int) -> None:
    """A warm copy for the next commands, in a session of its own; it logs to warm-KEY.log."""
    import subprocess

    if os.path.exists(beside(path, ".failed")):
        return
    try:
        with open(beside(path, ".log"), "ab") as log:
            subprocess.Popen(
                [sys.executable, "-P", "-m", "lakthan.warm", path, k, str(seconds)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
    except OSError:
        pass  # a full disk, no more processes: the command runs all the same, cold


@contextlib.contextmanager
def reachable(path: str):
    """A name of PATH short enough for a socket address (108 bytes), however deep the home lies."""
    fd = os.open(os.path.dirname(path), os.O_PATH | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{fd}/{os.path.basename(path)}"
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def peer_uid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def send(conn: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message, ensure_ascii=False).encode("utf-8", "surrogateescape")
    frame = struct.pack(">I", len(data)) + data
    if fds:
        sent = socket.send_fds(conn, [frame], fds)
        frame = frame[sent:]
    if frame:
        conn.sendall(frame)


def receive(conn: socket.socket, with_fds: bool = False):
    """One message, and the descriptors that came with it when asked (an EOF is a ValueError)."""
    fds: list[int] = []
    if with_fds:
        head, fds, _flags, _addr = socket.recv_fds(conn, 4, 3)
    else:
        head = conn.recv(4)
    head += _exactly(conn, 4 - len(head))
    size = struct.unpack(">I", head)[0]
    if size > MESSAGE_MAX:
        raise ValueError("a message of more than 4 MB")
    data = _exactly(conn, size)
    message = json.loads(data.decode("utf-8", "surrogateescape"))
    if not isinstance(message, dict):
        raise ValueError("a message is a JSON object")
    return (message, fds) if with_fds else message


def _exactly(conn: socket.socket, n: int) -> bytes:
    chunks = []
    while n > 0:
        chunk = conn.recv(min(n, 1 << 20))
        if not chunk:
            raise ValueError("the other side closed the connection")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)
