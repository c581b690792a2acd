"""`make bench`: prints each measurement with a ratio against a named baseline.

- report rendering (PDF, DOCX, HTML) of the demo's 9.2 report vs the issue's budget of 1 s, and the PDF
  vs bare WeasyPrint rendering a one-paragraph Thai page (the floor any PDF pays);
- `evidence verify` (re-hashing the store) vs coreutils `sha256sum` over the same files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import line, median_of  # noqa: E402

HOME = Path(tempfile.mkdtemp(prefix="lakthan-bench-"))
os.environ["LAKTHAN_HOME"] = str(HOME)
os.environ.pop("DATABASE_URL", None)


def main() -> None:
    from lakthan.demo import prepare_home

    prepare_home()
    from lakthan.cli import setup_django

    setup_django()
    from lakthan.demo import build_demo
    from lakthan.reports.render_pdf import render_pdf_from_html
    from lakthan.reports.services import build_context, render

    print(f"Lakthan benchmarks on {os.cpu_count()} cores (median of 7 runs after a warm-up)")
    report = build_demo()
    ctx = build_context(report)
    floor = median_of(
        lambda: render_pdf_from_html('<html lang="th"><body><p>รายงานผลการปฏิบัติราชการ</p></body></html>')
    )
    for fmt in ("pdf", "docx", "html"):
        t = median_of(lambda fmt=fmt: render(report, fmt, context=ctx))
        line(f"render report.{fmt}", t, "budget (issue #2: < 1 s)", 1.0)
    line(
        "render report.pdf",
        median_of(lambda: render(report, "pdf", context=ctx)),
        "bare WeasyPrint, one paragraph",
        floor,
    )
    line(
        "build context from the database",
        median_of(lambda: build_context(report)),
        "budget (issue #2: < 1 s)",
        1.0,
    )

    from lakthan.evidence.services import blob_store, verify_blobs

    files = [str(p) for p in blob_store().root.rglob("*") if p.is_file()]
    ours = median_of(verify_blobs, repeat=5)
    sha = shutil.which("sha256sum")
    base = median_of(lambda: subprocess.run([sha, *files], capture_output=True, check=True), repeat=5)
    line(f"evidence verify ({len(files)} files)", ours, "sha256sum over the same files", base)


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(HOME, ignore_errors=True)
    sys.exit(0)
