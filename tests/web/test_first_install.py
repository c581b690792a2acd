"""The README's "First install", as a newcomer types it, in a fresh folder: `lakthan migrate`,
`lakthan user create … --admin`, `lakthan serve` (development mode); then a real browser loads the
sign-in page with its stylesheet and fonts applied, and the new administrator signs in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SRC, chromium

pytestmark = pytest.mark.e2e
LAKTHAN = Path(sys.executable).with_name("lakthan")
PASSWORD = "first-admin-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"lakthan serve exited {server.returncode}: {server.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"lakthan serve did not answer on {url} within {seconds} s")


@pytest.fixture
def first_install(tmp_path):
    """The three commands in a new working directory with no LAKTHAN_HOME: the data goes to ./var."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAKTHAN_", "DATABASE_URL", "DJANGO_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    lakthan = str(LAKTHAN) if LAKTHAN.exists() else None
    argv = [lakthan] if lakthan else [sys.executable, "-m", "lakthan.cli"]

    def run(*args: str, stdin: str | None = None) -> str:
        proc = subprocess.run(
            [*argv, *args], cwd=tmp_path, env=env, input=stdin, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0, f"lakthan {' '.join(args)}: {proc.stderr}"
        return proc.stdout + proc.stderr

    run("migrate")
    assert "created administrator somchai" in run(
        "user", "create", "somchai", "--admin", "--password-stdin", stdin=f"{PASSWORD}\n"
    )
    addr = f"127.0.0.1:{_free_port()}"
    server = subprocess.Popen(
        [*argv, "serve", "--addr", addr],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_up(f"http://{addr}/accounts/login/", server)
        yield f"http://{addr}", tmp_path, server
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_readme_first_install_serves_a_styled_page_and_the_administrator_signs_in(first_install):
    url, cwd, server = first_install
    assert (cwd / "var" / "lakthan.sqlite3").exists()
    answers: dict[str, int] = {}
    with chromium(1280, 900, locale=None, timeout=10000) as page:
        page.on("response", lambda r: answers.__setitem__(r.url.removeprefix(url), r.status))
        page.goto(f"{url}/accounts/login/")
        page.evaluate("document.fonts.ready")
        assert answers["/static/web/lakthan.css"] == 200
        assert answers["/static/web/upload.js"] == 200
        # the stylesheet is applied: the page's ground colour and the bundled Thai font, loaded
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(243, 245, 248)"
        assert page.evaluate("document.fonts.check('16px Sarabun')") is True
        assert answers.get("/static/web/fonts/Sarabun-Regular.ttf") == 200
        page.fill("#id_username", "somchai")
        page.fill("#id_password", PASSWORD)
        page.click("button.primary")
        page.wait_for_url("**/accounts/2fa/**")  # an administrator enrols a second factor first
    server.terminate()
    output = server.communicate(timeout=10)[0]
    assert f"data in {cwd / 'var'}" in output
    assert 'GET /static/web/lakthan.css HTTP/1.1" 200' in output
