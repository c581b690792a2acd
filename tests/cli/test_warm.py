"""The warm copy (lakthan.launch, lakthan.handover, lakthan.warm): a command handed to it does what the same command
does in a process of its own, on both databases, and the warm copy serves no one else."""

from __future__ import annotations

import fcntl
import inspect
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click
import openpyxl
import pytest

from lakthan import handover, launch

LAUNCHER = str(Path(sys.executable).with_name("lakthan"))  # the entry point pip installed
# How a command is handed over (signals, spares, keys, leaving) does not depend on the database: the
# SQLite pass tests it; the PostgreSQL pass tests what the commands handed over do.
MECHANICS = pytest.mark.skipif(
    os.environ.get("LAKTHAN_TEST_DB") == "postgres", reason="no database in it: the SQLite pass runs it"
)
F_SETPIPE_SZ = 1031


def lakthan(env: dict, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([LAUNCHER, *args], env=env, capture_output=True, text=True, timeout=120, **kw)


def runtime(env: dict) -> Path:
    """Where the test's warm copies listen: a runtime directory of its own (TMPDIR)."""
    return Path(env["TMPDIR"]) / f"lakthan-{os.getuid()}"


def served(rt: Path) -> list[str]:
    """The lines of the warm copies' logs, one per command they ran, in time order."""
    lines = [line for log in rt.glob("warm-*.log") for line in log.read_text().splitlines()]
    return sorted(line for line in lines if " pid " in line)


def wait_for(condition, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)
    raise AssertionError("waited in vain")


def warm_pids(rt: Path) -> list[int]:
    pids = []
    for lock in rt.glob("warm-*.lock"):
        text = lock.read_text().strip()
        if text and Path(f"/proc/{text}").exists():
            pids.append(int(text))
    return pids


def listening(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe, handover.reachable(str(path)) as name:
        return probe.connect_ex(name) == 0


def socket_of(rt: Path) -> Path:
    """The socket of a warm copy, once it listens."""
    return wait_for(lambda: next((p for p in rt.glob("warm-*.sock") if listening(p)), None))


def environ(env: dict, tmp: Path, seconds: str) -> dict:
    (tmp / "rt").mkdir(exist_ok=True)
    env = {**env, "LAKTHAN_WARM": seconds, "LAKTHAN_LANG": "en", "TMPDIR": str(tmp / "rt")}
    env.pop("DJANGO_SETTINGS_MODULE")
    env.pop("XDG_RUNTIME_DIR", None)
    return env


@pytest.fixture
def warm_env(process_env, tmp_path):
    """A migrated home and a warm copy ready: its first command made the home's secret key, in a
    process of its own (no warm copy is started before); the second started the warm copy."""
    env = environ(process_env, tmp_path, "60")
    rt = runtime(env)
    assert (
        lakthan(
            env, "unit", "add", "ICT", "--name-th", "ศูนย์เทคโนโลยีสารสนเทศ", "--kind", "division"
        ).returncode
        == 0
    )
    assert not list(rt.glob("warm-*"))
    assert lakthan(env, "unit", "list").returncode == 0
    socket_of(rt)
    try:
        yield env
    finally:
        for pid in warm_pids(rt):
            os.kill(pid, signal.SIGKILL)


def test_a_command_handed_over_does_what_it_does_in_its_own_process(warm_env, tmp_path):
    rt = runtime(warm_env)
    cold = {**warm_env, "LAKTHAN_WARM": "0"}
    for args in (
        ("unit", "list", "--json"),
        ("unit", "add", "ICT", "--name-th", "ซ้ำ", "--kind", "division"),  # refused: one line, its exit code
        ("library", "show", "urn:lakthan:opdc:2556"),
        ("risk", "matrix", "show"),
    ):
        before = len(served(rt))
        warm, alone = lakthan(warm_env, *args), lakthan(cold, *args)
        assert len(served(rt)) == before + 1, f"{args} was not handed to the warm copy"
        assert (warm.returncode, warm.stdout, warm.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    home = Path(warm_env["LAKTHAN_HOME"])
    assert not [p for p in home.rglob("*") if p.is_socket()]  # a home stays plain files to copy
    assert lakthan(warm_env, "unit", "add", "ICT", "--name-th", "ซ้ำ", "--kind", "division").returncode == 2
    # the sender's working directory and umask: a relative path is the sender's, the mode its own
    work = tmp_path / "work"
    work.mkdir()
    sockets = set(rt.glob("warm-*.sock"))
    assert lakthan(warm_env, "unit", "list", cwd=work).returncode == 0  # another directory: another copy
    wait_for(lambda: set(rt.glob("warm-*.sock")) - sockets)
    for name, env in (("warm.xlsx", warm_env), ("alone.xlsx", cold)):
        done = subprocess.run(
            ["sh", "-c", f"umask 027 && exec {LAUNCHER} risk export --unit ICT {name}"],
            env=env,
            cwd=work,
            capture_output=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert (work / name).stat().st_mode & 0o777 == 0o640  # the warm copy's own umask is 022
    assert served(rt)[-1].endswith("lakthan risk export --unit: status 0")
    cells = [
        [[c.value for c in row] for row in openpyxl.load_workbook(work / name).active.iter_rows()]
        for name in ("warm.xlsx", "alone.xlsx")
    ]
    assert cells[0] == cells[1] and cells[0][0][0] == "ลำดับ/รหัสความเสี่ยง"


def _at_once(warm_env: dict, n: int, *args: str) -> list[str]:
    """``lakthan ARGS`` sent n times at once, once the spare is ready: each gives what the command gives
    in a process of its own; the warm copy's log lines of them."""
    rt = runtime(warm_env)
    alone = lakthan({**warm_env, "LAKTHAN_WARM": "0"}, *args).stdout
    socket_of(rt)
    time.sleep(2)  # the spare has made its imports
    before = len(served(rt))
    senders = [
        subprocess.Popen([LAUNCHER, *args], env=warm_env, stdout=subprocess.PIPE, text=True) for _ in range(n)
    ]
    assert [s.communicate(timeout=60)[0] for s in senders] == [alone] * n
    lines = served(rt)[before:]
    assert len(lines) == n and all(line.endswith(f"lakthan {' '.join(args)}: status 0") for line in lines)
    return lines


def test_commands_at_once_each_run_at_once_in_a_process_of_their_own(warm_env):
    lines = _at_once(warm_env, 4, "unit", "list", "--json")
    # the first took the spare; the others came before the next spare was ready: forked for them
    assert sum("(spare)" in line for line in lines) >= 1 and sum("(fork)" in line for line in lines) >= 1


@MECHANICS
def test_a_logs_command_waits_for_the_spare_rather_than_import_polars_again(warm_env):
    """`logs` commands use what the spare imports: one that comes while the next spare is still
    importing waits for it (a fork would import it all again beside it); `unit list` does not."""
    lines = _at_once(warm_env, 2, "logs", "source", "list")
    assert all("(spare)" in line for line in lines), lines


def _blocked_on_its_output(env: dict) -> tuple[subprocess.Popen, int]:
    """`library show` writing 25 KB into a pipe of 4 KB no one reads: it waits, handed over."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, F_SETPIPE_SZ, 4096)
    sender = subprocess.Popen(
        [LAUNCHER, "library", "show", "urn:lakthan:opdc:2556"],
        env=env,
        stdout=write_end,
        stderr=subprocess.PIPE,
    )
    os.close(write_end)
    return sender, read_end


@MECHANICS
def test_the_senders_signals_reach_the_command_and_a_killed_sender_takes_it_along(warm_env):
    rt = runtime(warm_env)
    for sig, status in ((signal.SIGINT, "status 1"), (signal.SIGKILL, "status -9")):
        before = len(served(rt))
        sender, read_end = _blocked_on_its_output(warm_env)
        time.sleep(1.5)
        assert sender.poll() is None and len(served(rt)) == before  # still writing
        sender.send_signal(sig)
        sender.wait(timeout=30)
        line = wait_for(lambda n=before: served(rt)[n:])[0]
        assert line.endswith(f"library show urn:lakthan:opdc:2556: {status}"), line
        job = int(line.split(" pid ")[1].split()[0])
        # it said its status as it ended; its process is gone once it gave its memory back
        wait_for(lambda job=job: not Path(f"/proc/{job}").exists(), 10)
        os.close(read_end)
        if sig == signal.SIGINT:  # Ctrl-C: click's "Aborted!", exit 1, as in a process of its own
            assert sender.returncode == 1 and "Aborted!" in sender.stderr.read().decode()
        else:
            assert sender.returncode == -signal.SIGKILL


@MECHANICS
def test_a_command_ended_by_a_signal_ends_its_sender_the_same_way(warm_env):
    sender, read_end = _blocked_on_its_output(warm_env)
    time.sleep(1.5)
    sender.send_signal(signal.SIGTERM)  # forwarded; the command dies of it, and so does its sender
    assert sender.wait(timeout=30) == -signal.SIGTERM
    os.close(read_end)


@MECHANICS
def test_a_command_killed_outright_ends_its_sender_the_same_way(warm_env):
    (warm,) = warm_pids(runtime(warm_env))
    sender, read_end = _blocked_on_its_output(warm_env)
    time.sleep(1.5)
    pipe = os.readlink(f"/proc/self/fd/{read_end}")
    children = Path(f"/proc/{warm}/task/{warm}/children").read_text().split()
    (job,) = [pid for pid in children if os.readlink(f"/proc/{pid}/fd/1") == pipe]
    os.kill(int(job), signal.SIGKILL)  # the kernel's OOM killer, say
    assert sender.wait(timeout=30) == -signal.SIGKILL
    assert sender.stderr.read() == b""  # no traceback: it died as its command did
    os.close(read_end)


@MECHANICS
def test_a_spare_killed_while_it_waits_is_replaced_and_a_copy_told_to_stop_removes_its_socket(warm_env):
    rt = runtime(warm_env)
    path = socket_of(rt)
    (warm,) = warm_pids(rt)
    time.sleep(2)  # the spare is ready
    (spare,) = Path(f"/proc/{warm}/task/{warm}/children").read_text().split()
    os.kill(int(spare), signal.SIGKILL)
    wait_for(lambda: Path(f"/proc/{warm}/task/{warm}/children").read_text().split() not in ([], [spare]))
    time.sleep(2)
    before = len(served(rt))
    assert lakthan(warm_env, "unit", "list").returncode == 0
    assert served(rt)[before:][0].endswith("(spare) lakthan unit list: status 0")
    os.kill(warm, signal.SIGTERM)
    wait_for(lambda: not Path(f"/proc/{warm}").exists(), 30)
    assert not path.exists()


@MECHANICS
def test_the_warm_copy_serves_only_its_key_and_stays_single_threaded(warm_env):
    rt = runtime(warm_env)
    path = str(socket_of(rt))
    (pid,) = warm_pids(rt)
    status = Path(f"/proc/{pid}/status").read_text()
    assert "\nThreads:\t1\n" in status  # it forks: no thread may exist in it
    # nor a spinning OpenBLAS pool in its spares, which import numpy (through pyarrow) beside a command
    environ = b"\0" + Path(f"/proc/{pid}/environ").read_bytes()
    assert b"\0OPENBLAS_NUM_THREADS=1\0" in environ
    # and glibc's malloc asks for huge pages, which an ingest's large blocks fault in far fewer of
    assert b"\0GLIBC_TUNABLES=glibc.malloc.hugetlb=1\0" in environ
    (spare,) = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    held = {os.readlink(fd) for fd in Path(f"/proc/{spare}/fd").iterdir()}
    assert not any(name.endswith(".lock") for name in held)  # a new warm copy may start once this one is gone
    assert len([name for name in held if name.startswith("socket:")]) == 1  # its own line to the warm copy
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(10)
    with handover.reachable(path) as name:
        conn.connect(name)
    handover.send(
        conn, {"key": "0" * 64, "argv": ["unit", "list"], "cwd": "/", "env": {}, "umask": 18}, fds=[0, 1, 2]
    )
    assert handover.receive(conn) == {"ready": False}
    conn.close()
    # another environment is another warm copy; a variable that only differs between shells is not
    other = {**warm_env, "LAKTHAN_LANG": "th"}
    assert lakthan(other, "unit", "list").returncode == 0
    wait_for(lambda: len(list(rt.glob("warm-*.sock"))) == 2)
    again = {**warm_env, "PWD": "/elsewhere", "SHLVL": "7"}
    before = len(served(rt))
    assert lakthan(again, "unit", "list").returncode == 0
    assert len(served(rt)) == before + 1 and len(list(rt.glob("warm-*.sock"))) == 2


def test_what_the_key_is_made_of(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "secret_key").write_text("k")
    package = tmp_path / "lakthan"
    shutil.copytree(Path(handover.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(handover, "__file__", str(package / "handover.py"))
    monkeypatch.chdir(tmp_path)
    first = handover.key(str(home))
    assert handover.key(str(home)) == first
    monkeypatch.setenv("SHLVL", "9")
    assert handover.key(str(home)) == first
    monkeypatch.setenv("LAKTHAN_LANG", "th")
    assert handover.key(str(home)) != first
    monkeypatch.delenv("LAKTHAN_LANG")
    with_lang_gone = handover.key(str(home))
    (package / "monitoring" / "cli.py").write_text("# changed\n")
    assert handover.key(str(home)) != with_lang_gone
    changed_code = handover.key(str(home))
    (home / "secret_key").write_text("another")
    assert handover.key(str(home)) != changed_code
    new_secret = handover.key(str(home))
    shutil.rmtree(home)
    home.mkdir()
    (home / "secret_key").write_text("another")
    os.utime(home / "secret_key", ns=(0, 0))
    assert handover.key(str(home)) != new_secret  # a home made again is another home
    made_again = handover.key(str(home))
    monkeypatch.chdir(home)  # relative paths in the settings would mean other files
    assert handover.key(str(home)) != made_again


@MECHANICS
def test_it_leaves_when_idle_when_its_socket_goes_or_when_killed_a_new_one_takes_over(process_env, tmp_path):
    env = environ(process_env, tmp_path, "3")
    rt = runtime(env)
    for _ in range(2):
        assert lakthan(env, "unit", "list").returncode == 0
    sock = socket_of(rt)
    (pid,) = wait_for(lambda: warm_pids(rt))
    wait_for(lambda: not Path(f"/proc/{pid}").exists(), 30)  # three seconds without a command
    assert not sock.exists()
    env["LAKTHAN_WARM"] = "60"
    assert lakthan(env, "unit", "list").returncode == 0
    sock = socket_of(rt)
    (pid,) = wait_for(lambda: warm_pids(rt))
    os.kill(pid, signal.SIGKILL)  # its socket stays behind, stale
    wait_for(lambda: not Path(f"/proc/{pid}").exists())
    first = lakthan(env, "unit", "list", "--json")
    assert first.returncode == 0 and first.stdout.startswith("[")  # ran in its own process
    socket_of(rt)
    (new,) = warm_pids(rt)
    assert new != pid
    before = len(served(rt))
    assert lakthan(env, "unit", "list", "--json").stdout == first.stdout
    assert len(served(rt)) == before + 1
    os.unlink(socket_of(rt))  # its socket removed: it goes within a few seconds
    wait_for(lambda: not Path(f"/proc/{new}").exists(), 30)
    for _ in range(2):
        assert lakthan(env, "unit", "list").returncode == 0
    socket_of(rt)
    (last,) = warm_pids(rt)
    home = Path(env["LAKTHAN_HOME"])
    shutil.rmtree(home)  # its home deleted: it goes too
    wait_for(lambda: not Path(f"/proc/{last}").exists(), 30)


def test_no_warm_copy_for_a_new_home_nor_when_turned_off(process_env, tmp_path):
    env = environ(process_env, tmp_path, "60")
    rt = runtime(env)
    assert not (Path(env["LAKTHAN_HOME"]) / "secret_key").exists()
    assert lakthan(env, "unit", "list").returncode == 0  # the first command makes the secret key
    assert not list(rt.glob("warm-*"))
    for off in ("0", "not a number"):
        assert lakthan({**env, "LAKTHAN_WARM": off}, "unit", "list").returncode == 0
        assert not list(rt.glob("warm-*"))


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_commands_that_ask_at_a_terminal_or_serve_run_in_their_own_process():
    from lakthan.cli import main

    for path, command in _commands(main):
        source = inspect.getsource(inspect.unwrap(command.callback))
        asks = any(word in source for word in ("click.prompt", "click.confirm", "getpass", "input("))
        serves = any(word in source for word in ("serve_forever", "run_huey", ".serve(", "runserver"))
        if asks or serves:
            assert path in launch.COLD, (
                f"lakthan {' '.join(path)} asks or serves: it must stay in launch.COLD"
            )
    for path in launch.COLD:
        assert not launch.eligible(list(path))
    assert launch.eligible(["logs", "ingest", "f.log"]) and not launch.eligible(["logs", "ingest", "--help"])
    assert not launch.eligible([]) and not launch.eligible(["--version"])
