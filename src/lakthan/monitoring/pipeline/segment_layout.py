"""What a sealed segment is on disk, told without polars (verification imports only this): its files'
names, its header's signed fields and its leaf in the outer tree, and the columns its Parquet file
holds as our own reader names their types (engines/_parquet_pages.c)."""

from __future__ import annotations

import json

from lakthan.monitoring.engines import merkle

HEADER_FIELDS = ("index", "count", "root", "file_sha256", "first_ts", "last_ts", "sealed_at")
# schema.EVIDENCE as a segment's file holds it: a file laid out so is read for verification by our own
# reader, any other by polars (a test checks the names are schema.EVIDENCE's)
EVIDENCE_PARQUET = (
    ("ts", "timestamp[us]"),
    ("host", "string"),
    ("source", "string"),
    ("parser", "string"),
    ("raw", "string"),
    ("raw_bytes", "binary"),
)


def seg_name(index: int) -> str:
    return f"{index:08d}"


def header_leaf(header: dict) -> bytes:
    canonical = json.dumps({k: header[k] for k in HEADER_FIELDS}, sort_keys=True, separators=(",", ":"))
    return merkle.leaf_hash(canonical.encode())
