"""The heat map from the command line, on the page and through the API: files written by extension,
one-line errors with exit 2, the page with both maps and the trend, pictures limited to the caller's
units, the endpoint in the OpenAPI schema."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from PIL import Image
from rest_framework.test import APIClient

from lakthan.lib.timezones import BANGKOK
from tests.conftest import api_key

from .heatmap_data import add_risk, change
from .test_heatmap import parse_cells


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def risks_of_a(world):
    r1 = add_risk("R-1", world.a, 5, 4, datetime(2012, 11, 1, tzinfo=BANGKOK), residual=(2, 2))
    add_risk("R-2", world.a1, 2, 2, datetime(2012, 11, 1, tzinfo=BANGKOK))
    add_risk("R-3", world.b, 3, 3, datetime(2012, 11, 1, tzinfo=BANGKOK))
    change(r1, datetime(2013, 5, 1, tzinfo=BANGKOK), residual_likelihood=1)
    return world


def test_cli_writes_the_heat_map_by_the_files_extension(cli, risks_of_a, tmp_path):
    svg, png = tmp_path / "a.svg", tmp_path / "a.png"
    result = cli("risk", "heatmap", "--unit", "A", "--residual", "--out", str(svg))
    assert result.exit_code == 0, result.output
    assert {k: c["refs"] for k, c in parse_cells(svg.read_bytes()).items() if c["count"]} == {
        (1, 2): ["R-1"],
        (2, 2): ["R-2"],
    }
    past = tmp_path / "past.svg"
    assert (
        cli(
            "risk", "heatmap", "--unit", "A", "--residual", "--at", "2013-01-01", "--out", str(past)
        ).exit_code
        == 0
    )
    assert parse_cells(past.read_bytes())[(2, 2)]["refs"] == ["R-1", "R-2"]
    assert cli("risk", "heatmap", "--unit", "A", "--out", str(png)).exit_code == 0
    assert Image.open(png).format == "PNG"
    trend = tmp_path / "trend.png"
    assert cli("risk", "trend", "--unit", "A", "--fy", "2556", "--out", str(trend)).exit_code == 0
    assert Image.open(trend).format == "PNG"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["heatmap", "--unit", "NOPE", "--out", "x.svg"], "NOPE"),
        (["heatmap", "--unit", "A", "--out", "x.pdf"], "x.pdf"),
        (["heatmap", "--unit", "A", "--at", "yesterday", "--out", "x.svg"], "yesterday"),
        (["trend", "--unit", "A", "--fy", "2013", "--out", "x.svg"], "2013"),
        (["trend", "--unit", "NOPE", "--fy", "2556", "--out", "x.png"], "NOPE"),
    ],
)
def test_cli_refuses_bad_input_in_one_line_with_exit_2(risks_of_a, tmp_path, monkeypatch, args, words):
    from click.testing import CliRunner

    from lakthan.cli import main

    work = tmp_path / "out"
    work.mkdir()
    monkeypatch.chdir(work)
    result = CliRunner().invoke(main, ["risk", *args])
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(work.iterdir()) == []


def test_the_page_shows_both_maps_the_trend_and_the_downloads(client, risks_of_a):
    client.force_login(risks_of_a.users["auditor"])
    page = client.get("/risks/heatmap/?unit=A&fy=2556")
    assert page.status_code == 200
    html = page.content.decode()
    for url in (
        "/risks/heatmap/A/inherent.svg",
        "/risks/heatmap/A/residual.svg",
        "/risks/heatmap/A/trend.svg?fy=2556",
        "/risks/heatmap/A/inherent.png?download=1",
        "/risks/heatmap/A/trend.png?fy=2556&amp;download=1",
    ):
        assert url in html
    assert 'option value="A-1"' in html and 'option value="B"' not in html
    inherent = client.get("/risks/heatmap/A/inherent.svg")
    assert inherent["Content-Type"] == "image/svg+xml"
    assert {k: c["refs"] for k, c in parse_cells(inherent.content).items() if c["count"]} == {
        (5, 4): ["R-1"],
        (2, 2): ["R-2"],
    }
    png = client.get("/risks/heatmap/A/residual.png?download=1")
    assert png["Content-Type"] == "image/png" and "attachment" in png["Content-Disposition"]
    assert Image.open(io.BytesIO(png.content)).format == "PNG"
    trend = client.get("/risks/heatmap/A/trend.svg?fy=2556")
    assert trend.status_code == 200 and b'class="bar"' in trend.content
    assert client.get("/risks/heatmap/B/inherent.svg").status_code == 404  # not the auditor's unit
    assert client.get("/risks/heatmap/A/inherent.gif").status_code == 404
    assert client.get("/risks/heatmap/?unit=B").status_code == 404
    past = client.get("/risks/heatmap/?unit=A&as_of=2012-10-15").content.decode()
    assert "/risks/heatmap/A/inherent.svg?as_of=2012-10-15" in past
    assert client.get("/risks/heatmap/A/inherent.svg?as_of=9999-12-31").status_code == 400


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def test_the_api_returns_the_picture_by_format_and_errors_as_json(risks_of_a):
    client = api(risks_of_a.users["auditor"])
    svg = client.get("/api/risks/heatmap/?unit=A&residual=true&format=svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert parse_cells(svg.content)[(1, 2)]["refs"] == ["R-1"]
    past = client.get(
        "/api/risks/heatmap/", {"unit": "A", "residual": "true", "at": "2013-01-01T00:00:00+07:00"}
    )
    assert parse_cells(past.content)[(2, 2)]["refs"] == ["R-1", "R-2"]
    png = client.get("/api/risks/heatmap/?unit=A&format=png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    trend = client.get("/api/risks/heatmap/trend/?unit=A&fy=2556&format=png")
    assert trend.status_code == 200 and trend["Content-Type"] == "image/png"
    assert client.get("/api/risks/heatmap/?unit=B").status_code == 404
    bad = client.get("/api/risks/heatmap/?unit=A&at=soon&format=png")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/json"
    assert "soon" in bad.json()["detail"]
    assert client.get("/api/risks/heatmap/?unit=A&format=gif").status_code == 404
    far = client.get("/api/risks/heatmap/?unit=A&at=9999-12-31T23:59:59-12:00")
    assert far.status_code == 400 and "out of range" in far.json()["detail"]
    assert client.get("/api/risks/heatmap/?unit=%00").status_code == 400


def test_the_schema_lists_the_picture_endpoints(risks_of_a):
    paths = api(risks_of_a.users["auditor"]).get("/api/schema/?format=json").json()["paths"]
    for path in ("/api/risks/heatmap/", "/api/risks/heatmap/trend/"):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert set(content) == {"image/svg+xml", "image/png"}
    names = {p["name"] for p in paths["/api/risks/heatmap/"]["get"]["parameters"]}
    assert {"unit", "residual", "at", "format"} <= names
