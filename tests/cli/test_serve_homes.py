"""`lakthan serve` says which home it serves; `--demo` serves the one `lakthan demo` built and prints
its logins; a home without any account says how to make the first administrator."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.conftest import lakthan_argv


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_once(env: dict, *args: str) -> str:
    """Start `lakthan serve`, wait until it answers, stop it; everything it printed."""
    addr = f"127.0.0.1:{_free_port()}"
    server = subprocess.Popen(
        lakthan_argv("serve", "--addr", addr, *args),
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while server.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://{addr}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "Starting development server" in output, output
    return output


def _demo_home(env: dict) -> Path:
    home = Path(env["LAKTHAN_HOME"])
    return home if env.get("DATABASE_URL") else home / "demo"


def test_serve_demo_without_a_demo_says_to_build_one_and_creates_nothing(bare_process_env):
    proc = subprocess.run(
        lakthan_argv("serve", "--demo"), env=bare_process_env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        == f"error: there is no demo in {_demo_home(bare_process_env)}: run `lakthan demo` first"
    )
    assert not Path(bare_process_env["LAKTHAN_HOME"]).exists()


def test_serve_demo_serves_the_demo_home_and_prints_its_logins(bare_process_env):
    demo = _demo_home(bare_process_env)
    demo.mkdir(parents=True)
    (demo / "demo-logins.txt").write_text("admin pw-of-admin\nsupervisor pw-of-supervisor\n")
    output = _serve_once(bare_process_env, "--demo")
    assert f"(data in {demo})" in output
    assert "demo login: admin / pw-of-admin" in output
    assert "demo login: supervisor / pw-of-supervisor" in output
    assert "no account here yet" not in output


def test_a_home_without_accounts_says_how_to_make_the_first_administrator(bare_process_env):
    home = Path(bare_process_env["LAKTHAN_HOME"])
    if not bare_process_env.get("DATABASE_URL"):
        (home / "demo").mkdir(parents=True)
        (home / "demo" / "demo-logins.txt").write_text("admin pw\n")
    output = _serve_once(bare_process_env)
    assert f"(data in {home})" in output
    assert "no account here yet: `lakthan user create NAME --admin` makes the first administrator" in output
    assert "demo login" not in output
    if not bare_process_env.get("DATABASE_URL"):
        assert f"the demo is in {home / 'demo'}: `lakthan serve --demo` serves it" in output
