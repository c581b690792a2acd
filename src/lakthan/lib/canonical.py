"""Canonical JSON: one byte string per value, so that a hash over it names the content, not the layout.

Keys sorted, no whitespace, UTF-8 (not \\u escapes), no NaN or infinities. A JSON column may hand
back a value with its keys in another order (PostgreSQL's jsonb does); the canonical bytes and their
hash stay the same.
"""

from __future__ import annotations

import hashlib
import json


def canonical_json(value: object) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def json_sha256(value: object) -> str:
    """SHA-256 (hex) of the value's canonical JSON."""
    return hashlib.sha256(canonical_json(value)).hexdigest()
