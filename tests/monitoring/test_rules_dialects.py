"""The two dialects of a compiled Sigma condition give the same answer on awkward values: each
primitive is run by polars and by Spark over the same column of values chosen where the engines'
defaults differ (Java's $ before a final newline, its ASCII \\d and \\w, its case-insensitive dotted
i, Spark's cast of " 4" or "1d" to a number, addresses with too many or too few parts …)."""

from __future__ import annotations

import polars as pl
import pytest

from lakthan.monitoring.pipeline import javaregex
from lakthan.monitoring.pipeline.dialects import ANY_ONE, ANY_RUN, POLARS, Regex, Wildcard
from lakthan.monitoring.pipeline.javaregex import Untranslatable, java_regex

VALUES = [
    "abc",
    "abc\n",
    "x\nabc\ny",
    "ABC",
    "İSTANBUL",
    "ıi",
    "Kelvin \u212a",
    "ſtop",
    "٣4",  # an Arabic-Indic digit
    "naïve café",
    "snake_case",
    "a\rb",
    "a\u2028b",
    "\ufffd bad",
    " 4",
    "4 ",
    "4.0",
    "+4",
    "-4",
    "1e3",
    "1d",
    "inf",
    "-Infinity",
    "NaN",
    "-nan",
    ".5",
    "1.",
    "0x10",
    "",
    "10.1.2.3",
    "10.1.2.3.4",
    "10.1.2",
    "10.1.2.300",
    "010.001.002.003",
    " 10.1.2.3",
    "10.1.2.",
    "192.168.1.1",
    "Failed password for root from 203.0.113.7 port 4001 ssh2",
    "FAILED PASSWORD FOR ADMIN FROM 203.0.113.7 port 4999 ssh2\n",
    None,
]
REGEXES = [
    "abc$",
    "(?m)^abc$",
    "^abc",
    "(?i)abc",
    "(?i)istanbul",
    "(?i)i",
    "(?i)kelvin k",
    "(?i)stop",
    "(?i)[a-z]{5}",
    "(?i)[^k]elvin",
    "\\d",
    "^\\d+$",
    "\\w+_\\w+",
    "\\bcaf\\b",
    "\\Bai",
    "a.b",
    "(?s)a.b",
    "\\s",
    "[^\\W]+ ",
    "\\W",
    "(?i)failed password for (root|admin) from \\d+\\.\\d+\\.\\d+\\.\\d+ port 4\\d{3} ssh2$",
    "x{2,}|c",
    "é",
    "(?i)NAÏVE",
    "a(?i:B)c",
    "^$",
    "(?m)^$",
]


@pytest.fixture(scope="module")
def frame(spark):
    return spark.createDataFrame([(v,) for v in VALUES], "msg string")


def _spark(frame, column) -> list:
    return [r[0] for r in frame.select(column.alias("r")).collect()]


def _polars(expr: pl.Expr) -> list:
    return pl.DataFrame({"msg": VALUES}, schema={"msg": pl.Utf8}).select(expr.alias("r"))["r"].to_list()


def test_a_regex_finds_the_same_values_in_java_as_in_rust(frame):
    from pyspark.sql import functions as F

    for rx in REGEXES:
        java = java_regex(rx)
        assert _spark(frame, F.col("msg").rlike(java)) == _polars(pl.col("msg").str.contains(rx)), rx


@pytest.mark.parametrize(
    "rx",
    ["[[:alpha:]]", "[a&&b]", "[a--b]", "a{", "x{,3}", "(?x)a b", "(?i)[à-ÿ]", "[\\W\\d]", "(?=a)"],
)
def test_a_regex_java_would_read_differently_is_refused(rx):
    with pytest.raises(Untranslatable):
        java_regex(rx)


def test_ascii_case_classes_are_what_polars_matches_case_insensitively():
    for c in range(128):
        assert javaregex._orbit(c) == javaregex.asked_orbit(c), chr(c)


def test_numbers_addresses_and_wildcards_read_the_same_on_both_engines(frame):
    from lakthan.monitoring.pipeline.spark.rules import SPARK

    cases = [
        (lambda d, op=op, n=n: d.compare("msg", op, n))
        for op in ("LT", "LTE", "GT", "GTE")
        for n in (0, 4, 1000.5)
    ] + [
        lambda d: d.ipv4_between("msg", 0x0A000000, 0x0AFFFFFF),
        lambda d: d.ipv4_between("msg", 0x0A010200, 0x0A0102FF),
        lambda d: d.full_match(d.col("msg"), [Wildcard(ANY_RUN), "b", Wildcard(ANY_ONE), Wildcard(ANY_RUN)]),
        lambda d: d.full_match(d.col("msg"), ["a", Wildcard(ANY_RUN), "c"]),
        lambda d: d.full_match(d.col("msg"), ["a", Wildcard(ANY_ONE), "c"]),
        lambda d: d.full_match(d.col("msg"), [Wildcard(ANY_RUN), "4"]),
        lambda d: d.full_match(d.col("msg"), [Wildcard(ANY_RUN)]),
        lambda d: d.regex("msg", Regex("(?i)abc$", java_regex("(?i)abc$"))),
        lambda d: d.known(d.any([d.contains(d.col("msg"), "1"), d.starts_with(d.col("msg"), "a")])),
        lambda d: d.known(d.neg(d.all([d.ends_with(d.col("msg"), "c"), d.eq(d.col("msg"), "abc")]))),
        lambda d: d.is_in(d.col("msg"), ["abc", "NaN"]),
        lambda d: d.is_in(d.col("msg"), []),
        lambda d: d.is_null("msg"),
        lambda d: d.either(d.eq(d.lower(d.col("msg")), "abc"), d.one_of(d.col("msg"), frozenset({"inf"}))),
    ]
    for i, case in enumerate(cases):
        assert _spark(frame, case(SPARK)) == _polars(case(POLARS)), i
