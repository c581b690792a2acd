"""Which engine does a heavy pass over the sealed segments (hunt, verify, usage), and where a Spark
cluster reads the segment files: one choice and one answer for every command."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from lakthan.core.errors import InvalidInput
from lakthan.monitoring.pipeline.segment_layout import seg_name
from lakthan.monitoring.services.home import store

ENGINES = ("local", "spark")


def check_engine(engine: str, master: str | None = None, segments_url: str | None = None) -> None:
    """Refuses an unknown engine, and --master/--segments without Spark; for Spark, says what to
    install when PySpark or Java is missing (exit 2) before anything is read or recorded."""
    if engine not in ENGINES:
        raise InvalidInput(
            f"ไม่รู้จัก engine {engine!r}: local หรือ spark", f"unknown engine {engine!r}: local or spark"
        )
    if engine == "local" and (master or segments_url):
        raise InvalidInput(
            "--master และ --segments ใช้กับ --engine spark เท่านั้น",
            "--master and --segments go with --engine spark",
        )
    if engine == "spark":
        from lakthan.monitoring.pipeline.spark.session import require_spark

        require_spark()


def segments_base(segments_url: str | None = None) -> str:
    """Where the cluster reads the segment files: the URL given (a path, file:, hdfs: or s3a:), else
    the setting LAKTHAN_LOG_SEGMENTS_URL, else the store's own segments directory (absolute)."""
    base = settings.LAKTHAN_LOG_SEGMENTS_URL if segments_url is None else segments_url
    if not base:
        return str(store().seg_dir.resolve())
    if "://" not in base and not base.startswith(("file:", "hdfs:", "s3a:")):
        return str(Path(base).resolve())
    return base.rstrip("/")


def segment_files(indices: list[int], segments_url: str | None = None) -> list[tuple[int, str]]:
    """Each segment's Parquet file as the cluster reads it: ``<base>/<00000001>.parquet``."""
    base = segments_base(segments_url)
    return [(i, f"{base}/{seg_name(i)}.parquet") for i in indices]
