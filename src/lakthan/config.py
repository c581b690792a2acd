"""Configuration read from the environment, with embedded defaults.

Every setting is documented in the README's configuration section. Nothing here imports Django,
so the CLI can decide where LAKTHAN_HOME is before Django starts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def home() -> Path:
    return Path(os.environ.get("LAKTHAN_HOME", "var")).resolve()


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{home() / 'lakthan.sqlite3'}"


def secret_key() -> str:
    """LAKTHAN_SECRET_KEY, else a key generated on first run and kept in LAKTHAN_HOME (mode 0600)."""
    if key := os.environ.get("LAKTHAN_SECRET_KEY"):
        return key
    path = home() / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    write_private(path, key)
    return key


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (mode 0600), atomically: temp file, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def integer(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default
