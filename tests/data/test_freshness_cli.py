"""`lakthan data freshness` and `lakthan data report`: the JSON fields exactly, the table, a bad or future
--as-of named in one line with exit 2, the document written whole."""

from __future__ import annotations

import json

from pypdf import PdfReader

from tests.data import freshness_fixtures

fresh = freshness_fixtures.fresh


def test_the_json_rows_and_their_fields(cli, fresh):
    r = cli("data", "freshness", "--unit", "A", "--as-of", "2026-01-11T12:00", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [row["dataset"] for row in rows] == ["passports", "visas"]
    assert list(rows[0]) == [
        "dataset",
        "unit",
        "system",
        "owner",
        "last_update",
        "expected_every_s",
        "late",
        "late_by_s",
        "read_ok",
        "error",
    ]
    assert rows[0] | {} == {
        "dataset": "passports",
        "unit": "A",
        "system": "passport",
        "owner": "นางสมศรี  ข้อมูลดี",
        "last_update": "2026-01-08T19:00:00Z",
        "expected_every_s": 86400,
        "late": True,
        "late_by_s": 86400 + 10 * 3600,
        "read_ok": True,
        "error": "",
    }
    # an offset given is honoured: 05:00 UTC is 12:00 in Bangkok
    same = json.loads(
        cli("data", "freshness", "--unit", "A", "--as-of", "2026-01-11T05:00Z", "--json").output
    )
    assert same == rows


def test_every_unit_by_default_and_the_table(cli, fresh, monkeypatch):
    from lakthan.cli_common import console

    monkeypatch.setattr(console, "width", 160)  # a terminal wide enough for one line a dataset
    rows = json.loads(cli("data", "freshness", "--json", "--as-of", "2026-01-20T12:00+07:00").output)
    assert {r["dataset"]: r["late"] for r in rows} == {"passports": False, "visas": True, "crossings": False}
    r = cli("data", "freshness", "--as-of", "2026-01-12T09:00")
    assert r.exit_code == 0  # it reports, it does not fail
    assert "passports" in r.output and "late 2d7h" in r.output and "failed: timeout" in r.output
    assert "2026-01-09 02:00" in r.output  # the last update in Bangkok time
    assert "3 dataset(s), 2 late" in r.output


def test_a_bad_or_future_as_of_is_one_line_and_exit_2(cli, fresh):
    for bad, what in (("yesterday", "is not an ISO-8601 time"), ("2999-01-01", "is in the future")):
        r = cli("data", "freshness", "--as-of", bad, "--json")
        assert r.exit_code == 2, r.output
        assert r.output.strip().count("\n") == 0 and what in r.output and "Traceback" not in r.output
    assert cli("data", "freshness", "--unit", "NOPE").exit_code != 0


def test_the_report_is_written(cli, fresh, tmp_path):
    out = tmp_path / "data.pdf"
    r = cli("data", "report", "--unit", "A", "--from", "2026-01-01", "--to", "2026-01-31", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert f"wrote {out}" in r.output
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "passports" in text and "crossings" not in text
    bad = tmp_path / "bad.pdf"
    r = cli("data", "report", "--unit", "A", "--from", "2026-02-01", "--to", "2026-01-01", "--out", str(bad))
    assert r.exit_code == 2 and "before" in r.output and not bad.exists()
