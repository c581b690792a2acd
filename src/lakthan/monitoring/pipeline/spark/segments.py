"""Sealed segments as Spark DataFrames: the stored columns with each event's segment and position, and
the events as the local engine sees them (every other column read out of the line again on the
executors by Lakthan's own parser, ``parsers.derive``), so both engines match the same values.

A segment is given as (index, URL of its Parquet file): a path, ``file:``, ``hdfs:`` or ``s3a:`` URL
the cluster reads. The position of an event is its row in the file (Parquet's row index), which is
its leaf's position in the segment's tree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from lakthan.monitoring.pipeline import parsers
from lakthan.monitoring.pipeline.schema import EVIDENCE, SCHEMA

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import DataType, StructType

Segments = list[tuple[int, str]]
POSITIONED = ("segment", "position")
# Per parser, the columns ``parsers.derive`` reads out of the line as a piece of it, or leaves null:
# where such a column (lower-cased) holds a literal, the lower-cased line holds it too. Not so: what
# a parser names or decodes (``fmt``, ``action``, ``parsed``; a web log's ``app`` is its format; every
# field of a JSON line is a decoded JSON value), the local-time fields, and the stored ``host``,
# ``source`` and ``parser`` (given, not read: ``STORED_TEXT``, tested on themselves).
_WEB = frozenset({"raw", "msg", "pid", "user", "src_ip", "method", "uri", "uri_ext", "useragent"})
_NULL = frozenset({"vhost", "record"})  # no parser reads these but JSON's record
IN_LINE: dict[str, frozenset[str]] = {
    "syslog": frozenset({"raw", "msg", "app", "pid", "user", "src_ip"})
    | {"method", "uri", "uri_ext", "useragent"}
    | _NULL,
    "nginx": _WEB | _NULL,
    "apache": _WEB | _NULL,
    "jsonl": frozenset({"raw", "pid", "method", "uri", "uri_ext", "useragent", "vhost"}),
}
STORED_TEXT = frozenset({"host", "source", "parser"})


def spark_type(dtype: pl.DataType | type[pl.DataType]) -> DataType:
    from pyspark.sql import types as T

    if dtype == pl.Utf8:
        return T.StringType()
    if dtype == pl.Int64:
        return T.LongType()
    if dtype == pl.Boolean:
        return T.BooleanType()
    if dtype == pl.Binary:
        return T.BinaryType()
    if isinstance(dtype, pl.Datetime) or dtype == pl.Datetime:
        return T.TimestampType()
    raise TypeError(f"no Spark type for {dtype}")


def spark_schema(columns: list[str], positioned: bool = True) -> StructType:
    from pyspark.sql import types as T

    fields = [T.StructField(c, spark_type(SCHEMA[c])) for c in columns]
    if positioned:
        fields += [T.StructField(c, T.LongType()) for c in POSITIONED]
    return T.StructType(fields)


def stored_events(
    spark: SparkSession,
    segments: Segments,
    start: datetime | None = None,
    end: datetime | None = None,
) -> DataFrame:
    """The stored columns (``schema.EVIDENCE``) of the segments' events in [start, end] (None: open),
    with ``segment`` and ``position``. A column added since a file was written reads as null there."""
    from pyspark.sql import functions as F

    if not segments:
        return spark.createDataFrame([], spark_schema(list(EVIDENCE)))
    by_path = spark.createDataFrame([(url, index) for index, url in segments], "url string, segment long")
    df = (
        spark.read.schema(spark_schema(list(EVIDENCE), positioned=False))
        .parquet(*[url for _, url in segments])
        .select(
            *EVIDENCE,
            F.col("_metadata.row_index").alias("position"),
            F.col("_metadata.file_path").alias("_path"),
        )
    )
    # the index comes from the list given, matched on the file's name (Spark writes the path as a URI)
    names = by_path.select(F.regexp_extract("url", r"([^/]+)$", 1).alias("_name"), "segment")
    df = df.withColumn("_name", F.regexp_extract("_path", r"([^/]+)$", 1)).join(F.broadcast(names), "_name")
    if start is not None:
        df = df.filter(F.col("ts") >= F.lit(start))
    if end is not None:
        df = df.filter(F.col("ts") <= F.lit(end))
    return df.select(*EVIDENCE, "segment", "position")


def derived_events(
    spark: SparkSession,
    segments: Segments,
    start: datetime | None = None,
    end: datetime | None = None,
    tz: str = "Asia/Bangkok",
    keep: Callable[[pl.DataFrame], pl.Series] | None = None,
) -> DataFrame:
    """Every schema column of the segments' events in [start, end], with ``segment`` and ``position``:
    the stored ones as stored, the others parsed out of the line on the executors. ``keep``, a mask
    over a batch of stored columns (``spark.rules.Narrowing``), leaves out the lines it does not hold
    before they are parsed."""
    columns = list(SCHEMA)
    out_schema = spark_schema(columns)
    arrow_schema = pa.schema(
        [pa.field(c, _arrow_type(SCHEMA[c])) for c in columns] + [pa.field(c, pa.int64()) for c in POSITIONED]
    )

    def derive(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if batch.num_rows == 0:
                continue
            stored = pl.from_arrow(batch)
            assert isinstance(stored, pl.DataFrame)
            if keep is not None:
                stored = stored.filter(keep(stored))
                if stored.height == 0:
                    continue
            events = parsers.derive(stored.select(EVIDENCE), tz).hstack(stored.select(POSITIONED))
            table = events.to_arrow().cast(arrow_schema)
            yield from table.to_batches()

    return stored_events(spark, segments, start, end).mapInArrow(derive, out_schema)


def _arrow_type(dtype: pl.DataType | type[pl.DataType]) -> pa.DataType:
    if dtype == pl.Utf8:
        return pa.string()
    if dtype == pl.Int64:
        return pa.int64()
    if dtype == pl.Boolean:
        return pa.bool_()
    if dtype == pl.Binary:
        return pa.binary()
    return pa.timestamp("us", tz="UTC")
