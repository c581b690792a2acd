"""make fuzz: the C kernels built with AddressSanitizer and UBSan, and their fuzz tests (and those of
our Parquet reader) run against that build. The build goes to a temporary directory with a copy of
src/ (the in-place build stays as it is); the tests run with libasan preloaded (Python itself is not
instrumented) and Python's allocations going through malloc, so that ASan sees every buffer. Fails when a test fails or a
sanitizer reports. The sanitizers write their reports to files (pytest captures the standard error of
a test, and a sanitizer stops the process before pytest would show it), printed here.

Usage: python scripts/fuzz-kernels.py [pytest arguments]
"""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from setuptools import Distribution

ROOT = Path(__file__).resolve().parent.parent
TESTS = ("tests/monitoring/test_kernels_fuzz.py", "tests/monitoring/test_parquet_pages.py")
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
# -fno-wrapv: Python's own flags make signed overflow wrap, which would hide it from UBSan
COMPILE = [*SANITIZE, "-O1", "-g", "-fno-wrapv"]
KERNELS = (
    "lakthan.monitoring.engines._native",
    "lakthan.monitoring.engines._parquet_pages",
    "lakthan.monitoring.pipeline._parse_native",
)


def build(out: Path) -> Path:
    """setup.py's extensions with the sanitizers, in out; the src tree to import them from."""
    extensions = runpy.run_path(str(ROOT / "setup.py"), run_name="setup")["EXTENSIONS"]
    for ext in extensions:
        ext.extra_compile_args = [a for a in ext.extra_compile_args if not a.startswith("-O")] + COMPILE
        ext.extra_link_args = [*ext.extra_link_args, *SANITIZE]
    dist = Distribution({"ext_modules": extensions})
    command = dist.get_command_obj("build_ext")
    command.build_lib, command.build_temp, command.force = str(out / "lib"), str(out / "temp"), True
    dist.run_command("build_ext")
    src = out / "src"
    shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    for built in (out / "lib").rglob("*.so"):
        shutil.copy2(built, src / built.relative_to(out / "lib"))
    return src


def libasan() -> str:
    path = subprocess.run(
        ["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if not os.path.isabs(path):
        sys.exit("gcc knows no libasan.so (Debian: the gcc package brings it)")
    return os.path.realpath(path)


def main() -> int:
    os.chdir(ROOT)  # setup.py's sources are relative to it
    with tempfile.TemporaryDirectory(prefix="lakthan-fuzz-") as tmp:
        src = build(Path(tmp))
        reports = Path(tmp) / "sanitizer"
        env = os.environ | {
            "PYTHONPATH": str(src),
            "LD_PRELOAD": libasan(),
            "ASAN_OPTIONS": f"detect_leaks=0:log_path={reports}",
            "UBSAN_OPTIONS": f"print_stacktrace=1:halt_on_error=1:log_path={reports}",
            "PYTHONMALLOC": "malloc",
        }
        check = f"import importlib\nfor name in {KERNELS!r}: print(importlib.import_module(name).__file__)"
        loaded = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True)
        if loaded.returncode or any(not line.startswith(str(src)) for line in loaded.stdout.split()):
            print(loaded.stdout, loaded.stderr, file=sys.stderr)
            sys.exit("the sanitized kernels are not the ones imported")
        status = subprocess.run(
            [sys.executable, "-m", "pytest", *TESTS, "-q", *sys.argv[1:]], env=env
        ).returncode
        logs = sorted(Path(tmp).glob("sanitizer.*"))
        for log in logs:
            print(log.read_text(errors="replace"), file=sys.stderr)
    if logs:
        print("make fuzz: a sanitizer reported (above)", file=sys.stderr)
        return 1
    if status:
        print(f"make fuzz: the fuzz tests failed (pytest exit status {status})", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
