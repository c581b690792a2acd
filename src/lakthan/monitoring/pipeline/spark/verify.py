"""Verification with the segments checked on a Spark cluster's executors.

``spark_check(spark, segments_url)`` is a checker for ``pipeline.verify.verify_dir``: Spark reads each
segment's Parquet file and its ``.leaves`` file (``binaryFile``: a path, ``file:``, ``hdfs:`` or
``s3a:`` URL the cluster reads), an executor computes the leaf hashes and the segment root from the
file with the same ``check_segment`` as the local verifier, and only the small per-segment Reports
come back. The driver never reads a segment's bytes; it keeps the headers, the checkpoints and the
consistency proofs, read from the store, and combines the segment roots into the tree as the local
verifier does, so both name the same problems at the same segment and position.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pyarrow as pa

from lakthan.core.errors import InvalidInput
from lakthan.monitoring.engines import eventhash
from lakthan.monitoring.pipeline.verify import Check, Report, check_segment

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# the files of a segment Spark reads: NNNNNNNN.parquet, NNNNNNNN.leaves and the NNNNNNNN.pruned marker
FILE_KINDS = ("parquet", "leaves", "pruned")
NAME = r"(\d+)\.(parquet|leaves|pruned)$"


def spark_check(spark: SparkSession, segments_url: str | None) -> Check:
    """A checker of segments on the executors, reading the segment files under ``segments_url`` (the
    directory holding ``NNNNNNNN.parquet`` and ``NNNNNNNN.leaves``: a path or a URL the cluster reads;
    ``services.verification`` gives the store's own directory when no other is set)."""
    if not segments_url:
        raise InvalidInput("ไม่ได้ระบุที่เก็บไฟล์ส่วนของบันทึก", "no location of the segment files given")
    base = segments_url.rstrip("/")

    def check(items: list[tuple[int, dict]]) -> list[Report]:
        if not items:
            return []
        return _check_on_executors(spark, base, items)

    return check


def _check_on_executors(spark: SparkSession, base: str, items: list[tuple[int, dict]]) -> list[Report]:
    from pyspark.errors import AnalysisException
    from pyspark.sql import functions as F

    headers = spark.sparkContext.broadcast({index: header for index, header in items})
    try:
        files = (
            spark.read.format("binaryFile")
            .option("pathGlobFilter", "*.{" + ",".join(FILE_KINDS) + "}")
            .load(base)
            .select(
                F.regexp_extract("path", NAME, 1).cast("long").alias("index"),
                F.regexp_extract("path", NAME, 2).alias("kind"),
                "content",
            )
        )
    except AnalysisException as exc:
        if "PATH_NOT_FOUND" not in str(exc) and "does not exist" not in str(exc):
            raise
        raise InvalidInput(
            f"ไม่พบที่เก็บไฟล์ส่วนของบันทึก {base}", f"the segment files' location {base} does not exist"
        ) from None
    # every segment appears at least once, its files or not, so a segment whose files are all gone is
    # named by the same check on an executor
    wanted = spark.createDataFrame([(index, "header", None) for index, _ in items], files.schema)
    # the files of one segment meet in one partition (a segment per partition, about), in order
    parts = min(len(items), 10_000)
    grouped = files.unionByName(wanted).repartition(parts, "index").sortWithinPartitions("index", "kind")

    def check_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        known = headers.value
        current: int | None = None
        found: dict[str, bytes | None] = {}

        def report() -> pa.RecordBatch:
            assert current is not None
            part = check_segment(
                current, known[current], found.get("parquet"), found.get("leaves"), "pruned" in found
            )
            return pa.record_batch({"index": [current], "report": [json.dumps(part.as_json())]})

        for batch in batches:
            columns = batch.to_pydict()
            for index, kind, content in zip(
                columns["index"], columns["kind"], columns["content"], strict=True
            ):
                if index not in known:  # a file of a segment no checkpoint covers: verify_dir names it
                    continue
                if index != current:
                    if current is not None:
                        yield report()
                    current, found = index, {}
                if kind != "header":
                    found[kind] = content
        if current is not None:
            yield report()
        eventhash.release_read_buffers()  # Spark keeps its Python workers: not the buffers

    rows = grouped.mapInArrow(check_partition, "index long, report string").collect()
    headers.unpersist()
    reports = {row["index"]: Report.from_json(json.loads(row["report"])) for row in rows}
    return [reports[index] for index, _ in items]
