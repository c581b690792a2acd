"""Configuration read from the environment, with embedded defaults.

Every setting is documented in docs/configuration.md. settings.py is the only reader
(each variable parsed once, at start-up); the rest of the code reads django.conf.settings. Nothing
here imports Django, so the CLI can decide where LAKTHAN_HOME is before Django starts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from lakthan.lib.files import write_private


def home() -> Path:
    return Path(os.environ.get("LAKTHAN_HOME", "var")).resolve()


def language() -> str:
    """LAKTHAN_LANG: the language of the CLI's one-line errors (th | en)."""
    return text("LAKTHAN_LANG", "en")


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


def secret_key_given() -> bool:
    return bool(os.environ.get("LAKTHAN_SECRET_KEY"))


def warm_seconds() -> int:
    """LAKTHAN_WARM: how long a warm copy of Lakthan waits for the next command (lakthan.launch); 0,
    or a value no one can read, turns it off rather than failing every command."""
    try:
        return max(integer("LAKTHAN_WARM", 600), 0)
    except ValueError:
        return 0


def sha_ni() -> bool:
    """LAKTHAN_SHA_NI: 0 keeps the log's hashing to OpenSSL (engines/eventhash); by default it uses the
    CPU's SHA extensions where there are some."""
    return os.environ.get("LAKTHAN_SHA_NI", "").strip() != "0"


LOG_COMPRESSIONS = ("lz4", "zstd")


def log_compression() -> str:
    """LAKTHAN_LOG_COMPRESSION: how new log chunks and segments are compressed, ``lz4`` (the default)
    or ``zstd`` (smaller files, slower to read); segments already sealed keep theirs."""
    value = (os.environ.get("LAKTHAN_LOG_COMPRESSION") or LOG_COMPRESSIONS[0]).strip().lower()
    if value not in LOG_COMPRESSIONS:
        from lakthan.core.errors import InvalidInput

        raise InvalidInput(
            f"LAKTHAN_LOG_COMPRESSION ต้องเป็น lz4 หรือ zstd ไม่ใช่ {value!r}",
            f"LAKTHAN_LOG_COMPRESSION must be lz4 or zstd, not {value!r}",
        )
    return value


def flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def integer(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def text(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def items(name: str, default: str = "") -> list[str]:
    """A comma-separated list, blanks dropped: ``"a@x, b@x,"`` → ``["a@x", "b@x"]``."""
    return [item.strip() for item in text(name, default).split(",") if item.strip()]
