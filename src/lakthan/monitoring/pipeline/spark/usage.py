"""Usage over long periods on Spark: events per host and local day counted again from the segments.

Each executor reads the lines of its part of the segments again with Lakthan's own parser
(``parsers.derive``, which says whether a line parsed) and tallies them with ``tally.days``, the
function the seal's host-days come from; Spark adds the partial tallies up per host and day (as
``tally.stack_days`` does) and only those rows come back. No Django here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from lakthan.monitoring.pipeline import parsers, tally
from lakthan.monitoring.pipeline.schema import EVIDENCE
from lakthan.monitoring.pipeline.spark.segments import Segments, spark_schema

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DAYS = pa.schema(
    [
        pa.field("host", pa.string()),
        pa.field("day", pa.date32()),
        pa.field("n", pa.int64()),
        pa.field("unparsed", pa.int64()),
        pa.field("first", pa.timestamp("us", tz="UTC")),
        pa.field("last", pa.timestamp("us", tz="UTC")),
    ]
)
DAYS_DDL = "host string, day date, n long, unparsed long, first timestamp, last timestamp"


def host_days(
    spark: SparkSession,
    segments: Segments,
    start: datetime | None = None,
    end: datetime | None = None,
    tz: str = "Asia/Bangkok",
) -> pl.DataFrame:
    """Per host and local day (``tz``) of the segments' events in [start, end]: events (``n``), lines
    that did not parse, first and last time; the columns of ``tally.days``, sorted by host and day."""
    from pyspark.sql import functions as F

    def count(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        parts = []
        for batch in batches:
            if batch.num_rows == 0:
                continue
            stored = pl.from_arrow(batch)
            assert isinstance(stored, pl.DataFrame)
            parts.append(tally.days(parsers.derive(stored.select(EVIDENCE), tz), tz))
        if parts:  # one tally per partition: a batch holds a few thousand events of as many hosts
            days = tally.stack_days(pl.concat(parts))
            yield from days.select(DAYS.names).to_arrow().cast(DAYS).to_batches()

    if not segments:
        return pl.from_arrow(DAYS.empty_table())  # type: ignore[return-value]
    # the stored columns alone: no segment or position wanted, so no row index (which makes Spark's
    # Parquet reader several times slower) and no join of files to segments
    events = spark.read.schema(spark_schema(list(EVIDENCE), positioned=False)).parquet(
        *[u for _, u in segments]
    )
    if start is not None:
        events = events.filter(F.col("ts") >= F.lit(start))
    if end is not None:
        events = events.filter(F.col("ts") <= F.lit(end))
    partial = events.mapInArrow(count, DAYS_DDL)
    summed = partial.groupBy("host", "day").agg(
        F.sum("n").alias("n"),
        F.sum("unparsed").alias("unparsed"),
        F.min("first").alias("first"),
        F.max("last").alias("last"),
    )
    table = summed.toArrow()
    out = pl.from_arrow(table.cast(DAYS))
    assert isinstance(out, pl.DataFrame)
    return out.sort("host", "day")
