"""Types of the C kernel built from _native.c (mypy cannot read an extension module)."""

from collections.abc import Sequence

from typing_extensions import Buffer

# One column: (kind, validity bitmap, offsets, data, offset of the first row); see _native.c for
# the kinds. The buffers are Arrow buffers, bytes or None, read through the buffer protocol.
Column = tuple[int, object, object, object, int]

def leaf_hashes(columns: Sequence[Column], start: int, stop: int, /) -> bytes: ...
def merkle_root(leaves: Buffer, /) -> bytes: ...
def sha_ni(enable: bool = ..., /) -> bool: ...
