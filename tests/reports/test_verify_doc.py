"""docs/verify-a-pack.md runs as written: its shell block and its Python snippet, on a real issued pack."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "verify-a-pack.md"


def block(language: str, after: str) -> str:
    """The first fenced block of ``language`` after the heading ``after``."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"```{language}\n(.*?)```", text[text.index(after) :], re.S)
    assert found, f"no {language} block after {after!r}"
    return found.group(1)


@pytest.fixture
def evaluator(world, settings, tmp_path):
    """A folder with the pack of A's report, as issued, and the agency's key as published."""
    from lakthan.reports.issuing import issue_pack, public_key

    settings.LAKTHAN_PACK_KEY_FILE = tmp_path / "keys" / "pack.key"
    settings.LAKTHAN_LOG_DIR = tmp_path / "logs"
    folder = tmp_path / "evaluator"
    issue_pack(world.reports["A"], folder / "pack.zip", "x")
    (folder / "agency-key.pem").write_bytes(public_key().pem())
    return folder, public_key()


def run_python(folder: Path) -> subprocess.CompletedProcess:
    (folder / "verify.py").write_text(block("python", "## Without Lakthan"), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "../verify.py", "../agency-key.pem"],
        cwd=folder / "pack",
        capture_output=True,
        text=True,
    )


@pytest.mark.skipif(
    not all(shutil.which(t) for t in ("unzip", "sha256sum", "openssl", "base64")), reason="needs the tools"
)
def test_the_shell_block_checks_sums_fingerprint_and_signature(evaluator):
    folder, key = evaluator
    shell = block("sh", "## Without Lakthan")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", shell], cwd=folder, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert f"{key.fingerprint}  -" in done.stdout and "Signature Verified Successfully" in done.stdout


def test_the_python_snippet_passes_an_intact_pack_and_names_what_is_wrong(evaluator):
    folder, _ = evaluator
    with zipfile.ZipFile(folder / "pack.zip") as zf:
        zf.extractall(folder / "pack")
    snippet = block("python", "## Without Lakthan")
    code_lines = [ln for ln in snippet.splitlines() if ln.strip() and not ln.startswith(("import", "from"))]
    assert len(code_lines) <= 10  # "ten lines of Python", as the document says

    ok = run_python(folder)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("authentic and intact: {") and "'unit': 'A'" in ok.stdout

    report = folder / "pack" / "report" / "report.html"
    original = report.read_bytes()
    report.write_bytes(original + b"<p>score 5</p>")
    changed = run_python(folder)
    assert changed.returncode == 1 and "AssertionError: report/report.html: changed" in changed.stderr
    report.write_bytes(original)

    (folder / "pack" / "report" / "extra.pdf").write_bytes(b"%PDF-")
    extra = run_python(folder)
    assert extra.returncode == 1 and "AssertionError: not signed: ['report/extra.pdf']" in extra.stderr
    (folder / "pack" / "report" / "extra.pdf").unlink()

    manifest = folder / "pack" / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"signed": false', b'"signed": true'))
    forged = run_python(folder)
    assert forged.returncode == 1 and "InvalidSignature" in forged.stderr
