"""A backup run killed with kill -9, lakthan or its restic, in the middle of a real restic backup: the
run is closed as failed with its reason, the repository stays usable, the next run succeeds (issue 13).

`lakthan backup run` runs as a process of its own, on a new home and database, with the real restic
behind a wrapper in PATH that only notes restic's process id. The test waits until restic has written
a pack of the backup, freezes it (SIGSTOP) so that it cannot finish meanwhile, and kills."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.backups.conftest import cheap_repository
from tests.conftest import lakthan_argv

pytestmark = pytest.mark.slow

RUNS = """
import json
from lakthan.cli import setup_django
setup_django()
from lakthan.backups.models import Alert, BackupRun
print(json.dumps({
    "runs": [
        {"pk": r.pk, "status": r.status, "error": r.error, "exit_code": r.exit_code, "worker": r.worker,
         "snapshot": r.snapshot_id, "visible": r.snapshot_visible, "finished": r.finished_at is not None}
        for r in BackupRun.objects.order_by("pk")
    ],
    "alerts": [[a.kind, a.key, a.message_en] for a in Alert.objects.order_by("pk")],
}))
"""
PR_SET_CHILD_SUBREAPER = 36


@contextmanager
def adopting_orphans():
    """Makes this process what a service manager is: a process orphaned below it (restic, once lakthan
    is killed) becomes its child and is reaped by it, not by PID 1, which in a container may never
    reap it (a zombie restic keeps its lock looking alive to restic)."""
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    try:
        yield
    finally:
        libc.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)


def _lakthan(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(lakthan_argv(*args), env=env, capture_output=True, text=True, timeout=300)


def _state(env: dict) -> dict:
    done = subprocess.run([sys.executable, "-c", RUNS], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _restic(repo: Path, key: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RESTIC_PASSWORD_FILE": str(key), "RESTIC_CACHE_DIR": str(key.parent / "cache")}
    return subprocess.run(
        ["restic", "-r", str(repo), *args], env=env, capture_output=True, text=True, timeout=300
    )


def _files(directory: Path) -> set[Path]:
    return {p for p in directory.rglob("*") if p.is_file()}


def _wait_ended(pid: int, timeout: float = 60) -> int:
    """Reaps ``pid`` (a child, or an orphan adopted by this process); its wait status."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    pytest.fail(f"process {pid} did not end")


@pytest.fixture
def backed_up(process_env, tmp_path):
    """A home with one system whose source is 64 MB that restic has never seen (so a backup of it takes
    a while and writes several packs), its real restic behind a wrapper that notes its process id."""
    env = process_env
    data = tmp_path / "data"
    data.mkdir()
    for i in range(4):
        (data / f"part-{i}.bin").write_bytes(os.urandom(16 << 20))
    repo, key = tmp_path / "repo", cheap_repository(tmp_path / "repo", tmp_path / "keys" / "web.key")
    wrapper = tmp_path / "bin" / "restic"
    wrapper.parent.mkdir()
    wrapper.write_text(
        "#!/bin/sh\n"
        f'case " $* " in *" backup "*) echo $$ > "{tmp_path / "restic.pid"}" ;; esac\n'
        f'exec {shutil.which("restic")} "$@"\n'
    )
    wrapper.chmod(0o755)
    env["PATH"] = f"{wrapper.parent}{os.pathsep}{env['PATH']}"
    assert _lakthan(env, "unit", "add", "IT", "--name-th", "ศูนย์เทคโนโลยีสารสนเทศ").returncode == 0
    added = _lakthan(
        env, "backup", "system", "add", "web", "--unit", "IT", "--class", "intranet",
        "--path", str(data), "--repo", str(repo), "--password-file", str(key),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return env, repo, key, tmp_path / "restic.pid"


def _freeze_mid_backup(env: dict, repo: Path, pidfile: Path) -> tuple[subprocess.Popen, int]:
    """Starts `lakthan backup run web`; once restic has written a pack, stops restic where it is."""
    packs = _files(repo / "data")
    proc = subprocess.Popen(
        lakthan_argv("backup", "run", "web"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (pidfile.exists() and pidfile.read_text().strip() and _files(repo / "data") - packs):
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.communicate()}"
        assert time.monotonic() < deadline, "restic wrote no pack"
        time.sleep(0.005)
    restic = int(pidfile.read_text())
    os.kill(restic, signal.SIGSTOP)
    assert not list((repo / "snapshots").iterdir()), "restic finished before it could be stopped"
    return proc, restic


def _repository_usable_and_next_run_ok(env: dict, repo: Path, key: Path) -> None:
    assert list((repo / "locks").iterdir()), "restic killed mid-backup leaves its lock"
    verified = _lakthan(env, "backup", "verify", "web", "--subset", "1/1")  # check: exclusive lock
    assert verified.returncode == 0 and "1/1 ok" in verified.stdout, verified.stdout + verified.stderr
    assert not list((repo / "locks").iterdir())  # the stale lock was removed (restic unlock)
    checked = _restic(repo, key, "check", "--read-data")
    assert checked.returncode == 0 and "no errors were found" in checked.stdout, checked.stderr
    again = _lakthan(env, "backup", "run", "web")
    assert again.returncode == 0 and again.stdout.startswith("web: ok snapshot"), again.stdout + again.stderr
    restored = _lakthan(env, "backup", "restore-test", "web")
    assert restored.returncode == 0 and "4/4 files" in restored.stdout, restored.stdout + restored.stderr
    latest = _state(env)["runs"][-1]
    assert latest["status"] == "ok" and latest["visible"] and latest["finished"]


def test_lakthan_killed_mid_backup_is_closed_as_interrupted_and_the_repository_stays_usable(backed_up):
    env, repo, key, pidfile = backed_up
    with adopting_orphans():
        proc, restic = _freeze_mid_backup(env, repo, pidfile)
        running = _state(env)["runs"]
        assert [(r["status"], r["worker"]) for r in running] == [
            ("running", f"{socket.gethostname()}:{proc.pid}")
        ]
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
        proc.stdout.close()
        proc.stderr.close()
        os.kill(restic, signal.SIGCONT)
        status = _wait_ended(restic)  # its output goes nowhere now: restic dies at its next line
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGPIPE
    assert not list((repo / "snapshots").iterdir())

    _repository_usable_and_next_run_ok(env, repo, key)  # the verify closes the killed run first
    state = _state(env)
    killed = state["runs"][0]
    assert killed["status"] == "failed" and killed["finished"] and not killed["snapshot"]
    assert killed["error"] == "interrupted: its process stopped before a snapshot"
    assert [a[:2] for a in state["alerts"]] == [["run_failed", f"run:{killed['pk']}"]]
    assert "interrupted" in state["alerts"][0][2]
    assert len(state["runs"]) == 2


def test_restic_killed_mid_backup_fails_the_run_with_restic_s_end_and_the_repository_stays_usable(backed_up):
    env, repo, key, pidfile = backed_up
    proc, restic = _freeze_mid_backup(env, repo, pidfile)
    os.kill(restic, signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "web: failed" in out and "killed by signal 9 (SIGKILL)" in out, out + err
    assert "Traceback" not in err and "killed by signal 9 (SIGKILL)" in err

    _repository_usable_and_next_run_ok(env, repo, key)
    state = _state(env)
    killed = state["runs"][0]
    assert killed["status"] == "failed" and killed["exit_code"] == -signal.SIGKILL and killed["finished"]
    assert "killed by signal 9 (SIGKILL)" in killed["error"]
    assert [a[:2] for a in state["alerts"]] == [["run_failed", f"run:{killed['pk']}"]]
    assert len(state["runs"]) == 2
