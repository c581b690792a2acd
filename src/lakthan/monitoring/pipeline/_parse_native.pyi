"""Types of the C kernel built from _parse_native.c (mypy cannot read an extension module)."""

from typing_extensions import Buffer

def valid_utf8(data: Buffer, /) -> bool: ...
def lines(
    data: Buffer, offsets: Buffer | None, window_bits: int, threads: int, limit: int = -1, /
) -> bytes: ...

# column name -> (validity bitmap or None, values): 16-byte string views or 8-byte integers
def parse_syslog(
    data: Buffer, offsets: Buffer | None, window_bits: int, threads: int, year: int, /
) -> dict[str, tuple[bytes | None, bytes]]: ...
def constants() -> bytes: ...
