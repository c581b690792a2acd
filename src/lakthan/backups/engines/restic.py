"""The restic adapter: runs the installed restic through its ``--json`` output (no Django here).

The repository password reaches restic only through RESTIC_PASSWORD_FILE or RESTIC_PASSWORD in the
child's environment: never on a command line, never in a log or an error message.

Versions differ (Debian 12 ships 0.14.0):

- exit codes 10 (no repository), 11 (lock failed) and 12 (wrong password) arrived in 0.17; older
  versions exit 1 for all three, so they are told apart by restic's own stderr lines;
- ``check --json`` arrived later still: a version without it is judged by its exit code;
- ``restore --verify`` re-reads every restored file against the blob IDs (SHA-256) in the snapshot.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import IO, Any

_VERSION_RE = re.compile(r"restic (\d+)\.(\d+)\.(\d+)")
WRONG_PASSWORD_MARKERS = ("wrong password or no key found",)
LOCK_MARKERS = ("unable to create lock", "repository is already locked")
NO_REPO_MARKERS = ("Is there a repository at the following location?", "unable to open config file")


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def at_least(self, major: int, minor: int, patch: int = 0) -> bool:
        return (self.major, self.minor, self.patch) >= (major, minor, patch)

    @property
    def exit_codes(self) -> bool:
        """10/11/12 as distinct exit codes (restic ≥ 0.17)."""
        return self.at_least(0, 17)

    @property
    def check_json(self) -> bool:
        return self.at_least(0, 18)

    @property
    def restore_verify(self) -> bool:
        return self.at_least(0, 13)


def parse_version(text: str) -> Version:
    m = _VERSION_RE.search(text)
    if not m:
        raise ResticError("failed", f"cannot read the restic version from {text.strip()[:80]!r}")
    return Version(*(int(g) for g in m.groups()))


@cache
def detect_version(binary: str) -> Version:
    out = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=30)
    return parse_version(out.stdout)


class ResticError(Exception):
    """kind: wrong_password | locked | no_repository | failed | not_installed"""

    def __init__(self, kind: str, detail: str, exit_code: int | None = None):
        self.kind, self.detail, self.exit_code = kind, detail, exit_code
        super().__init__(f"{kind}: {detail}")


@dataclass(frozen=True)
class FileError:
    path: str
    error: str


@dataclass(frozen=True)
class BackupResult:
    exit_code: int
    snapshot_id: str
    files_new: int
    files_changed: int
    files_unmodified: int
    files_processed: int
    bytes_processed: int
    bytes_added: int
    duration: float
    unreadable: list[FileError] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return self.exit_code == 3


@dataclass(frozen=True)
class Snapshot:
    id: str
    short_id: str
    time: datetime  # aware, UTC
    hostname: str
    paths: list[str]
    tags: list[str]


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    exit_code: int
    subset: str
    errors: list[str]
    duration: float


@dataclass(frozen=True)
class Node:
    path: str
    type: str
    size: int
    mtime: str


def parse_time(text: str) -> datetime:
    """restic's RFC 3339 times carry nanoseconds and any offset; Python takes microseconds."""
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$", text)
    if not m:
        raise ResticError("failed", f"unexpected time {text!r} from restic")
    frac = (m.group(2) or ".0")[1:7].ljust(6, "0")
    zone = "+00:00" if m.group(3) == "Z" else m.group(3)
    return datetime.fromisoformat(f"{m.group(1)}.{frac}{zone}").astimezone(UTC)


def parse_json_lines(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return out


class Restic:
    """One repository. ``password_file`` or ``password`` (kept only in the child's environment)."""

    def __init__(
        self,
        repo: str | Path,
        *,
        password_file: str | Path | None = None,
        password: str | None = None,
        binary: str | None = None,
        cache_dir: str | Path | None = None,
        lock_retries: int = 3,
        lock_backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.repo = str(repo)
        self.password_file = str(password_file) if password_file else None
        self._password = password
        self.binary = binary or shutil.which("restic") or "/usr/bin/restic"
        self.cache_dir = str(cache_dir) if cache_dir else None
        self.lock_retries, self.lock_backoff, self._sleep = lock_retries, lock_backoff, sleep
        if not Path(self.binary).exists():
            raise ResticError("not_installed", f"restic not found at {self.binary}")

    # --- plumbing -------------------------------------------------------------------------------

    @property
    def version(self) -> Version:
        return detect_version(self.binary)

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RESTIC_")}
        env["TZ"] = "UTC"  # `backup --time` is read in the local zone: we always pass UTC
        if self.password_file:
            env["RESTIC_PASSWORD_FILE"] = self.password_file
        elif self._password is not None:
            env["RESTIC_PASSWORD"] = self._password
        if self.cache_dir:
            env["RESTIC_CACHE_DIR"] = self.cache_dir
        return env

    def _raw(
        self, args: Sequence[str], *, stdin: IO[Any] | int | None = None, timeout: float | None = None
    ) -> subprocess.CompletedProcess[str]:
        cmd = [self.binary, "-r", self.repo, *args]
        return subprocess.run(
            cmd, env=self._env(), stdin=stdin, capture_output=True, text=True, timeout=timeout
        )

    def classify(self, exit_code: int, stderr: str) -> str | None:
        """The kind of a fatal failure, from the exit code on new versions, from stderr on old ones."""
        if exit_code in (0, 3):
            return None
        if self.version.exit_codes and exit_code in (10, 11, 12):
            return {10: "no_repository", 11: "locked", 12: "wrong_password"}[exit_code]
        if any(m in stderr for m in WRONG_PASSWORD_MARKERS):
            return "wrong_password"
        if any(m in stderr for m in LOCK_MARKERS):
            return "locked"
        if any(m in stderr for m in NO_REPO_MARKERS):
            return "no_repository"
        return "failed"

    def run(
        self,
        args: Sequence[str],
        *,
        ok_codes: Container[int] = (0,),
        stdin: IO[Any] | int | None = None,
        timeout: float | None = None,
        retry_lock: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        """Runs restic; a lock failure is retried with backoff (after `unlock`, which removes only
        stale locks); any other failure raises ResticError with restic's last stderr lines."""
        attempt = 0
        while True:
            proc = self._raw(args, stdin=stdin, timeout=timeout)
            if proc.returncode in ok_codes:
                return proc
            kind = self.classify(proc.returncode, proc.stderr)
            if kind == "locked" and retry_lock and attempt < self.lock_retries:
                if attempt == 0:
                    self._raw(["unlock"])  # only locks restic itself judges stale are removed
                self._sleep(self.lock_backoff * (2**attempt))
                attempt += 1
                continue
            raise ResticError(kind or "failed", _failure(proc.returncode, proc.stderr), proc.returncode)

    # --- commands -------------------------------------------------------------------------------

    def init(self) -> None:
        self.run(["init"], retry_lock=False)

    def exists(self) -> bool:
        try:
            self.run(["cat", "config"], retry_lock=False)
            return True
        except ResticError as exc:
            if exc.kind == "no_repository":
                return False
            raise

    def backup(
        self,
        paths: Sequence[str | Path],
        *,
        time: datetime | None = None,
        tags: Sequence[str] = (),
        host: str | None = None,
        excludes: Sequence[str] = (),
    ) -> BackupResult:
        args = ["backup", "--json"]
        if time is not None:
            args += ["--time", time.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")]
        for tag in tags:
            args += ["--tag", tag]
        if host:
            args += ["--host", host]
        for ex in excludes:
            args += ["--exclude", ex]
        args += ["--", *map(str, paths)]
        proc = self.run(args, ok_codes=(0, 3))
        summary = next((m for m in parse_json_lines(proc.stdout) if m.get("message_type") == "summary"), None)
        if summary is None:
            raise ResticError("failed", "restic printed no summary: " + _tail(proc.stderr), proc.returncode)
        unreadable = [
            FileError(m.get("item", ""), _error_text(m.get("error")))
            for m in parse_json_lines(proc.stderr)
            if m.get("message_type") == "error"
        ]
        if proc.returncode == 3 and not unreadable:  # old versions print plain lines
            unreadable = [
                FileError("", line) for line in proc.stderr.splitlines() if "could not be read" not in line
            ]
        return BackupResult(
            exit_code=proc.returncode,
            snapshot_id=summary.get("snapshot_id", ""),
            files_new=summary.get("files_new", 0),
            files_changed=summary.get("files_changed", 0),
            files_unmodified=summary.get("files_unmodified", 0),
            files_processed=summary.get("total_files_processed", 0),
            bytes_processed=summary.get("total_bytes_processed", 0),
            bytes_added=summary.get("data_added", 0),
            duration=float(summary.get("total_duration", 0.0)),
            unreadable=unreadable,
        )

    def snapshots(
        self, *, host: str | None = None, path: str | None = None, tags: Sequence[str] = ()
    ) -> list[Snapshot]:
        args = ["snapshots", "--json"]
        if host:
            args += ["--host", host]
        if path:
            args += ["--path", path]
        for tag in tags:
            args += ["--tag", tag]
        proc = self.run(args)
        data = json.loads(proc.stdout or "[]") or []
        return sorted(
            (
                Snapshot(
                    id=s["id"],
                    short_id=s.get("short_id", s["id"][:8]),
                    time=parse_time(s["time"]),
                    hostname=s.get("hostname", ""),
                    paths=list(s.get("paths") or []),
                    tags=list(s.get("tags") or []),
                )
                for s in data
            ),
            key=lambda s: s.time,
        )

    def stats(self, mode: str = "raw-data") -> dict[str, Any]:
        stats: dict[str, Any] = json.loads(self.run(["stats", "--json", "--mode", mode]).stdout or "{}")
        return stats

    def pack_count(self) -> int:
        return len([line for line in self.run(["list", "packs"]).stdout.splitlines() if line.strip()])

    def check(self, subset: str | None = None, *, read_data: bool = False) -> CheckResult:
        """``subset`` "n/N" reads the n-th of N parts of the packs; judged by exit code where restic
        has no ``check --json``."""
        args = ["check"]
        if subset:
            args.append(f"--read-data-subset={subset}")
        elif read_data:
            args.append("--read-data")
        started = time.monotonic()
        proc = self._raw(args)
        attempt = 0
        while self.classify(proc.returncode, proc.stderr) == "locked" and attempt < self.lock_retries:
            if attempt == 0:
                self._raw(["unlock"])
            self._sleep(self.lock_backoff * (2**attempt))
            attempt += 1
            proc = self._raw(args)
        kind = self.classify(proc.returncode, proc.stderr)
        if kind is not None and kind != "failed":
            raise ResticError(kind, _tail(proc.stderr), proc.returncode)
        errors = [
            line.strip()
            for line in (proc.stdout + "\n" + proc.stderr).splitlines()
            if any(w in line.lower() for w in ("error", "failed", "fatal", "invalid", "mismatch"))
            and "no errors were found" not in line
        ]
        if proc.returncode < 0:
            errors.insert(0, _failure(proc.returncode, ""))
        return CheckResult(
            proc.returncode == 0, proc.returncode, subset or "", errors[:50], time.monotonic() - started
        )

    def ls(self, snapshot_id: str) -> list[Node]:
        proc = self.run(["ls", "--json", snapshot_id])
        return [
            Node(m["path"], m.get("type", ""), int(m.get("size", 0) or 0), m.get("mtime", ""))
            for m in parse_json_lines(proc.stdout)
            if m.get("struct_type") == "node"
        ]

    def restore(
        self, snapshot_id: str, target: str | Path, *, includes: Sequence[str] = (), no_cache: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Restores into ``target``; ``restore --verify`` re-reads what was written against the blob
        IDs; ``--no-cache`` so what is read is the repository, not a local cache of it."""
        args = (["--no-cache"] if no_cache else []) + ["restore", snapshot_id, "--target", str(target)]
        if self.version.restore_verify:
            args.append("--verify")
        for inc in includes:
            args += ["--include", inc]
        return self.run(args)

    def forget(self, *, keep_daily: int, keep_weekly: int, keep_monthly: int, prune: bool = True) -> str:
        args = ["forget", "--json", "--keep-daily", str(keep_daily), "--keep-weekly", str(keep_weekly)]
        args += ["--keep-monthly", str(keep_monthly)]
        if prune:
            args.append("--prune")
        return self.run(args).stdout


def _error_text(err: object) -> str:
    if isinstance(err, dict):
        code = err.get("Err")
        names: dict[object, str] = {2: "no such file", 5: "input/output error", 13: "permission denied"}
        name = names.get(code, f"errno {code}")
        return f"{err.get('Op', 'read')}: {name}"
    return str(err or "")


def _failure(exit_code: int, stderr: str) -> str:
    """Why restic failed: its last stderr lines, or the signal that killed it (it then said nothing of
    it; subprocess gives such an end as the negative signal number)."""
    if exit_code >= 0:
        return _tail(stderr)
    try:
        name = signal.Signals(-exit_code).name
    except ValueError:
        name = "unknown"
    said = _tail(stderr, default="")
    return f"restic was killed by signal {-exit_code} ({name})" + (f" after: {said}" if said else "")


def _tail(stderr: str, lines: int = 3, default: str = "restic failed") -> str:
    kept = [ln.strip() for ln in stderr.strip().splitlines() if ln.strip()]
    return " | ".join(kept[-lines:])[:500] or default


def now_utc() -> datetime:
    return datetime.now(UTC)
