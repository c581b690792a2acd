"""A Spark session for Lakthan's passes, or an error that says what to install (exit 2).

``local[N]`` by default (N the machine's cores); any master Spark knows is taken as given: ``spark://``,
``yarn``, ``k8s://``. The executors run Lakthan's own parser and leaf hashing (Python), so on a cluster
Lakthan must be installed in the executors' Python too (``spark.pyspark.python``); in local mode they
run this interpreter.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lakthan.core.errors import LakthanError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

INSTALL_PYSPARK = "pip install 'lakthan[spark]'"
INSTALL_JAVA = "scripts/install-system-deps.sh spark"


class SparkUnavailable(LakthanError):
    """PySpark or a Java runtime is missing (exit 2); the local engine is unaffected."""


def default_master() -> str:
    return f"local[{os.cpu_count() or 1}]"


def java_runtime() -> str | None:
    """The java command Spark will start: $JAVA_HOME/bin/java, else java on the PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        return str(candidate) if candidate.is_file() and os.access(candidate, os.X_OK) else None
    return shutil.which("java")


def require_spark() -> None:
    """Raises SparkUnavailable naming what to install when PySpark or Java is missing."""
    try:
        for module in ("pyspark", "pandas"):  # pandas: PySpark's Arrow exchange with its Python workers
            importlib.import_module(module)
    except ImportError:
        raise SparkUnavailable(
            f"ไม่ได้ติดตั้ง PySpark: ติดตั้งด้วย {INSTALL_PYSPARK} หรือใช้ --engine local",
            f"PySpark is not installed: {INSTALL_PYSPARK}, or use --engine local",
        ) from None
    if java_runtime() is None:
        raise SparkUnavailable(
            f"ไม่พบ Java ที่ Spark ต้องใช้: ติดตั้งด้วย {INSTALL_JAVA} (openjdk-17-jre-headless) หรือกำหนด JAVA_HOME"
            " หรือใช้ --engine local",
            f"no Java runtime for Spark: {INSTALL_JAVA} (openjdk-17-jre-headless) or set JAVA_HOME, "
            "or use --engine local",
        )


def spark_session(master: str | None = None, app: str = "lakthan") -> SparkSession:
    """The session (one per process: a second call with the same master returns it)."""
    require_spark()
    from pyspark.sql import SparkSession

    master = master or default_master()
    local = master.startswith("local")
    if local:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if local:  # loopback only: nothing listens beyond this machine
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
