"""Command-line arguments: dates in either era, output files only into existing directories."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lakthan.cli_common import parse_date
from lakthan.core.errors import InvalidInput

TODAY = date(2026, 12, 4)
A_ROUND = ("--fy", "2556", "--round", "12", "--indicator", "9.2")  # the world's unit A report


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013-07-11", date(2013, 7, 11)),
        ("2556-07-11BE", date(2013, 7, 11)),
        ("2556-07-11 พ.ศ.", date(2013, 7, 11)),
        ("2027-12-31", date(2027, 12, 31)),  # next year is still a C.E. year
        ("2567-02-29BE", date(2024, 2, 29)),  # a leap day in B.E. is one in C.E.
    ],
)
def test_dates_in_either_era(text, expected):
    assert parse_date(text, "--date", today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2556-07-11", "did you mean B.E. 2556 = 2013? write 2556-07-11BE or 2013-07-11"),
        ("2028-01-01", "did you mean B.E. 2028 = 1485?"),
        ("11/07/2556", "is not a YYYY-MM-DD date"),
        ("2556-02-30BE", "is not a YYYY-MM-DD date"),
    ],
)
def test_a_year_in_the_wrong_era_or_a_bad_date_is_refused(text, says):
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, "--date", today=TODAY)
    assert says in caught.value.message_en and "--date" in caught.value.message_th


def test_the_cli_refuses_a_be_year_typed_as_ce_without_a_traceback(world, cli):
    r = cli(
        "evidence",
        "add",
        "--unit",
        world.a.code,
        "--title",
        "คำสั่ง",
        "--kind",
        "order",
        "--url",
        "https://example.org/x",
        "--date",
        "2556-07-11",
    )
    assert r.exit_code != 0 and "did you mean B.E. 2556 = 2013" in r.output and "Traceback" not in r.output


def test_an_output_file_in_a_missing_directory_is_refused_not_created(world, cli, tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "report.pdf"
    r = cli("report", "--unit", world.a.code, *A_ROUND, "--format", "pdf", "--out", str(target))
    assert r.exit_code == 2 and "does not exist" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("weight", ["NaN", "nan", "Infinity", "-inf", "0.004", "abc", "1e999999"])
def test_a_weight_that_is_not_a_real_positive_number_is_refused_in_one_line(world, cli, weight):
    r = cli("agreement", "set", "--unit", world.a.code, "--fy", "2556", "--indicator", f"9.2={weight}")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "weight" in r.output and len(r.output.strip().splitlines()) == 1


@pytest.mark.parametrize("measured", ["NaN", "-Infinity", "12345678901", "x"])
def test_a_measured_value_that_is_not_a_real_number_is_refused(world, cli, measured):
    r = cli(
        "report-text",
        "--unit",
        world.a.code,
        *A_ROUND,
        "--measured",
        measured,
    )
    assert r.exit_code == 2 and "Traceback" not in r.output and "measured value" in r.output


def test_a_failed_evidence_add_leaves_no_file_in_the_store(world, cli, tmp_path, settings):
    from lakthan.evidence.models import Evidence
    from tests.conftest import pdf_bytes

    def stored() -> set[str]:
        root = Path(settings.LAKTHAN_BLOB_DIR)
        return {p.name for p in root.rglob("*") if p.is_file() and "tmp" not in p.relative_to(root).parts}

    before, evidence_before = stored(), Evidence.objects.count()
    upload = tmp_path / "new-plan.pdf"
    upload.write_bytes(pdf_bytes("a plan no one uploaded before"))
    r = cli(
        "evidence",
        "add",
        str(upload),
        "--unit",
        world.a.code,
        "--fy",
        "2556",
        "--round",
        "12",
        "--item",
        "9.2:99",
        "--title",
        "แผน",
    )  # item 99 does not exist: the link fails after the upload
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert len(before) > 0  # the world's evidence files are there: the listing sees the store
    assert stored() == before and Evidence.objects.count() == evidence_before


@pytest.mark.parametrize(
    ("group", "default", "other"), [("report", "write", "verify"), ("pack", "build", "key")]
)
def test_a_group_with_a_default_command_shows_its_own_help(cli, group, default, other):
    """`lakthan report --help` lists write and verify; the default command keeps its own help."""
    own = cli(group, "--help")
    assert own.exit_code == 0
    assert f" {group} [OPTIONS] COMMAND" in own.output
    assert default in own.output and other in own.output
    sub = cli(group, default, "--help")
    assert f" {group} {default} [OPTIONS]" in sub.output and "--unit" in sub.output
