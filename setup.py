"""Native kernels (C, built at install). Everything else is in pyproject.toml.

They exist only where Python cannot reach item 2's throughput: hashing every event of the
tamper-evident log (SHA-256 with the CPU's SHA extensions, two messages at a time, or OpenSSL's)
without the GIL; reading the Parquet pages the log store writes straight into what that hashing
reads (verification: polars' strings cost more than the hashing leaves room for); and splitting and
parsing syslog lines (item 5: a million events per second from file to alerts).
scripts/fuzz-kernels.py builds the same EXTENSIONS with the sanitizers (make fuzz).
"""

from setuptools import Extension, setup

EXTENSIONS = [
    Extension(
        "lakthan.monitoring.engines._native",
        sources=["src/lakthan/monitoring/engines/_native.c"],
        depends=["src/lakthan/monitoring/engines/_sha256_ni.h"],
        libraries=["crypto"],
        extra_compile_args=["-O3", "-Wall"],
    ),
    Extension(
        "lakthan.monitoring.engines._parquet_pages",
        sources=["src/lakthan/monitoring/engines/_parquet_pages.c"],
        libraries=["lz4", "zstd"],
        extra_compile_args=["-O3", "-Wall"],
    ),
    Extension(
        "lakthan.monitoring.pipeline._parse_native",
        sources=["src/lakthan/monitoring/pipeline/_parse_native.c"],
        extra_compile_args=["-O3", "-Wall", "-pthread"],
        extra_link_args=["-pthread"],
    ),
]

if __name__ == "__main__":  # as pip's build backend runs it too
    setup(ext_modules=EXTENSIONS)
