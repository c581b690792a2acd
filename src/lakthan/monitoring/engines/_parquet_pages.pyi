"""Types of the C reader built from _parquet_pages.c (mypy cannot read an extension module)."""

from typing_extensions import Buffer

from lakthan.monitoring.engines._native import Column

def layout(data: Buffer, /) -> tuple[list[tuple[str, str]], int]: ...
def read_row_group(data: Buffer, index: int, /) -> tuple[int, list[Column]]: ...
