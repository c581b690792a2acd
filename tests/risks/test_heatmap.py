"""The heat map and the trend: cells counted and coloured by level on the matrix, inherent against
residual, the state as of a past instant read from the revisions, the counts per round, and the PNG."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from lxml import etree
from PIL import Image

from lakthan.lib.timezones import BANGKOK
from lakthan.risks.engines import heatmap as engine
from lakthan.risks.engines import trend as trend_engine
from lakthan.risks.engines.matrix import load_default
from lakthan.risks.services import heatmap as svc

from .heatmap_data import add_risk, change

SVG = "{http://www.w3.org/2000/svg}"
MATRIX = load_default()


def bkk(*args: int) -> datetime:
    return datetime(*args, tzinfo=BANGKOK)


def parse_cells(svg: bytes | str) -> dict[tuple[int, int], dict]:
    """Each cell of the SVG heat map: its fill, the count it says (attribute and the number drawn in
    it) and its refs."""
    root = etree.fromstring(svg.encode() if isinstance(svg, str) else svg)
    texts = [
        (float(t.get("x")), float(t.get("y")), t.text)
        for t in root.iter(f"{SVG}text")
        if t.get("class") == "count"
    ]
    out = {}
    for rect in root.iter(f"{SVG}rect"):
        if rect.get("class") != "cell":
            continue
        x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
        drawn = [t for tx, ty, t in texts if x <= tx <= x + w and y <= ty <= y + h]
        out[(int(rect.get("data-likelihood")), int(rect.get("data-impact")))] = {
            "fill": rect.get("fill"),
            "count": int(rect.get("data-count")),
            "drawn": drawn[0] if drawn else None,
            "refs": rect.get("data-refs").split(),
        }
    return out


def test_each_cell_is_coloured_by_its_level_and_counts_its_risks():
    points = [
        engine.RiskPoint("R-3", 5, 5),
        engine.RiskPoint("R-1", 5, 5),
        engine.RiskPoint("R-2", 3, 4),
        engine.RiskPoint("R-4", 1, 1),
        engine.RiskPoint("R-9", 6, 1),  # outside the 5 × 5 matrix
    ]
    svg = engine.to_svg(MATRIX, points, "ทดสอบ", thai=False)
    cells = parse_cells(svg)
    assert len(cells) == 25
    for (li, im), cell in cells.items():
        assert cell["fill"] == MATRIX.level(li, im).colour
    assert cells[(5, 5)]["fill"] == "#b3261e" and cells[(1, 1)]["fill"] == "#2e7d32"
    assert cells[(3, 4)]["fill"] == "#ef6c00"  # 12: high
    assert (cells[(5, 5)]["count"], cells[(5, 5)]["drawn"], cells[(5, 5)]["refs"]) == (2, "2", ["R-1", "R-3"])
    assert (cells[(3, 4)]["count"], cells[(3, 4)]["drawn"]) == (1, "1")
    assert (cells[(2, 2)]["count"], cells[(2, 2)]["drawn"]) == (0, None)
    assert sum(c["count"] for c in cells.values()) == 4
    assert "นอกเมทริกซ์ 1 รายการ" in svg
    for text in ("โอกาสที่จะเกิด", "ผลกระทบ", "ระดับความเสี่ยง", "สูงมาก (2)", "ต่ำ (1)", "น้อยมาก"):
        assert text in svg
    assert 'font-family="Sarabun,' in svg
    # the same input gives the same bytes
    assert engine.to_svg(MATRIX, list(reversed(points)), "ทดสอบ", thai=False) == svg


def test_thai_digits_in_the_counts_when_asked():
    svg = engine.to_svg(MATRIX, [engine.RiskPoint("R-0012", 2, 3)], "ทดสอบ", thai=True)
    cells = parse_cells(svg)
    assert cells[(2, 3)]["drawn"] == "๑" and "R-0012" in svg  # a ref keeps its Arabic digits


def test_many_refs_in_one_cell_are_cut_with_the_rest_counted():
    points = [engine.RiskPoint(f"R-{i}", 4, 4) for i in range(1, 10)]
    root = etree.fromstring(engine.to_svg(MATRIX, points, "t", thai=False).encode())
    lines = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "refs"]
    assert lines == ["R-1 R-2", "R-3 R-4", "R-5 +4"]


def test_the_png_is_the_same_picture_with_the_levels_colours_where_risks_are(tmp_path):
    from lakthan.reports.fonts import report_font

    font = report_font()
    points = [engine.RiskPoint("R-1", 5, 5), engine.RiskPoint("R-2", 1, 1)]
    scene = engine.scene(MATRIX, points, "แผนภาพความเสี่ยง", thai=True)
    png = engine.to_png(
        MATRIX, points, "แผนภาพความเสี่ยง", regular_font=str(font.regular), bold_font=str(font.bold), scale=2
    )
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (scene.width * 2, scene.height * 2)
    image = image.convert("RGB")

    def corner_of(li: int, im: int) -> tuple[int, int]:  # a point inside the cell, clear of text
        x = engine.LEFT + (im - 1) * engine.CELL_W + 6
        y = engine.TOP + (5 - li) * engine.CELL_H + engine.CELL_H - 6
        return x * 2, y * 2

    assert image.getpixel(corner_of(5, 5)) == (0xB3, 0x26, 0x1E)
    assert image.getpixel(corner_of(1, 1)) == (0x2E, 0x7D, 0x32)
    assert image.getpixel(corner_of(3, 3)) == (0xF9, 0xA8, 0x25)
    assert image.getpixel((4, 4)) == (255, 255, 255)
    # the count is drawn in white on the dark very-high cell: its middle holds white pixels
    cx, cy = (engine.LEFT + 4 * engine.CELL_W + engine.CELL_W // 2) * 2, (engine.TOP + 22) * 2
    box = image.crop((cx - 20, cy - 20, cx + 20, cy + 20))
    assert (255, 255, 255) in {px for _, px in box.getcolors(4096)}
    (tmp_path / "heatmap.png").write_bytes(png)


def test_trend_bars_stack_the_counts_per_level_inherent_beside_residual():
    rounds = [
        trend_engine.RoundCounts("รอบ 6 เดือน", {"very_high": 2, "low": 1}, {"low": 3}),
        trend_engine.RoundCounts("รอบ 12 เดือน", {"medium": 1}, {}),
    ]
    root = etree.fromstring(trend_engine.to_svg(MATRIX, rounds, "แนวโน้ม", thai=False).encode())
    bars = {
        (r.get("data-round"), r.get("data-kind"), r.get("data-level")): (
            int(r.get("data-count")),
            r.get("fill"),
            float(r.get("height")),
        )
        for r in root.iter(f"{SVG}rect")
        if r.get("class") == "bar"
    }
    assert set(bars) == {
        ("รอบ 6 เดือน", "inherent", "very_high"),
        ("รอบ 6 เดือน", "inherent", "low"),
        ("รอบ 6 เดือน", "residual", "low"),
        ("รอบ 12 เดือน", "inherent", "medium"),
    }
    assert bars[("รอบ 6 เดือน", "inherent", "very_high")][:2] == (2, "#b3261e")
    # heights in proportion to the counts
    assert bars[("รอบ 6 เดือน", "residual", "low")][2] == pytest.approx(
        3 * bars[("รอบ 12 เดือน", "inherent", "medium")][2], rel=1e-3
    )
    totals = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "total"]
    assert totals == ["3", "3", "1", "0"]


# --- the service: risks of a unit and those below it, from the rows and from the revisions ---


@pytest.fixture
def register(org):
    """B (bureau) above B-IT; X beside them. Times in FY 2556."""
    r1 = add_risk("R-1", org.bureau, 5, 5, bkk(2012, 11, 1), residual=(2, 2))
    r2 = add_risk("R-2", org.division, 3, 4, bkk(2012, 11, 1), residual=(3, 2))
    add_risk("R-3", org.bureau, 1, 1, bkk(2012, 11, 1))  # no residual assessed
    add_risk("R-4", org.other, 5, 5, bkk(2012, 11, 1), residual=(1, 1))
    change(r2, bkk(2013, 2, 1, 9, 0), closed=True)
    change(r1, bkk(2013, 4, 15), likelihood=4, residual_likelihood=1)
    add_risk("R-5", org.division, 2, 5, bkk(2013, 5, 1), residual=(1, 5))
    return org


def svg_counts(data: bytes) -> dict[tuple[int, int], list[str]]:
    return {k: c["refs"] for k, c in parse_cells(data).items() if c["count"]}


def test_the_present_map_holds_the_unit_and_the_units_below_it(register):
    inherent = svg_counts(svc.heatmap(register.bureau, residual=False, fmt="svg"))
    residual = svg_counts(svc.heatmap(register.bureau, residual=True, fmt="svg"))
    assert inherent == {(4, 5): ["R-1"], (1, 1): ["R-3"], (2, 5): ["R-5"]}  # R-2 closed, R-4 elsewhere
    assert residual == {(1, 2): ["R-1"], (1, 1): ["R-3"], (1, 5): ["R-5"]}  # R-3 stays where it stands
    assert svg_counts(svc.heatmap(register.division, residual=False, fmt="svg")) == {(2, 5): ["R-5"]}
    assert svg_counts(svc.heatmap(register.other, residual=True, fmt="svg")) == {(1, 1): ["R-4"]}


def test_a_past_instant_is_read_from_the_revisions(register):
    before_close = svg_counts(
        svc.heatmap(register.bureau, residual=False, fmt="svg", at=bkk(2013, 2, 1, 8, 59))
    )
    assert before_close == {(5, 5): ["R-1"], (3, 4): ["R-2"], (1, 1): ["R-3"]}
    # at the very instant of the closing revision, it counts ("at or before")
    at_close = svg_counts(svc.heatmap(register.bureau, residual=False, fmt="svg", at=bkk(2013, 2, 1, 9, 0)))
    assert at_close == {(5, 5): ["R-1"], (1, 1): ["R-3"]}
    residual = svg_counts(svc.heatmap(register.bureau, residual=True, fmt="svg", at=bkk(2013, 1, 1)))
    assert residual == {(2, 2): ["R-1"], (3, 2): ["R-2"], (1, 1): ["R-3"]}
    assert svc.states(register.bureau, bkk(2012, 10, 1)) == []  # nothing yet
    svg = svc.heatmap(register.bureau, residual=False, fmt="svg", at=bkk(2013, 1, 1)).decode()
    assert "ความเสี่ยงก่อนจัดการ (inherent) · สำนักงานทดสอบ · ณ ๑ ม.ค. ๒๕๕๖ ๐๐:๐๐ น." in svg


def test_a_risk_that_moved_units_is_counted_where_it_was(register):
    from lakthan.risks.models import Risk

    r3 = Risk.objects.get(ref="R-3")
    change(r3, bkk(2013, 3, 1), unit=register.other)
    assert "R-3" in str(
        svg_counts(svc.heatmap(register.bureau, residual=False, fmt="svg", at=bkk(2013, 2, 28)))
    )
    assert "R-3" not in str(
        svg_counts(svc.heatmap(register.bureau, residual=False, fmt="svg", at=bkk(2013, 3, 2)))
    )
    assert "R-3" in str(svg_counts(svc.heatmap(register.other, residual=False, fmt="svg")))


def test_the_trend_counts_open_risks_as_of_each_rounds_end(register):
    rounds = [
        ("ไตรมาส 1", svc.end_of_day(datetime(2012, 12, 31).date())),
        ("ไตรมาส 2", svc.end_of_day(datetime(2013, 3, 31).date())),
        ("ไตรมาส 3", svc.end_of_day(datetime(2013, 6, 30).date())),
    ]
    counts = svc.trend_counts(register.bureau, rounds)
    assert [c.label for c in counts] == ["ไตรมาส 1", "ไตรมาส 2", "ไตรมาส 3"]
    # Q1: R-1 (5×5 very high; residual 2×2 medium), R-2 (3×4 high; 3×2 medium), R-3 (1×1 low both)
    assert counts[0].inherent == {"very_high": 1, "high": 1, "low": 1}
    assert counts[0].residual == {"medium": 2, "low": 1}
    # Q2: R-2 closed on 1 Feb
    assert counts[1].inherent == {"very_high": 1, "low": 1} and counts[1].residual == {"medium": 1, "low": 1}
    # Q3: R-1 lowered to 4×5 (very high), residual 1×2; R-5 added on 1 May (2×5 high; 1×5 medium)
    assert counts[2].inherent == {"very_high": 1, "low": 1, "high": 1}
    assert counts[2].residual == {"low": 2, "medium": 1}
    svg = svc.trend(register.bureau, rounds, fmt="svg").decode()
    assert svg.count('class="bar"') == 3 + 2 + 2 + 2 + 3 + 2


def test_the_rounds_of_a_fiscal_year_are_the_indicator_rounds_else_the_quarters(register, settings):
    settings.LAKTHAN_THAI_DIGITS = False
    # the org fixture set up the 12-month round of FY 2556 for B; B-IT reports under B
    assert svc.fiscal_year_rounds(register.division, 2556) == [
        ("รอบ 12 เดือน", bkk(2013, 9, 30, 23, 59, 59, 999999))
    ]
    quarters = svc.fiscal_year_rounds(register.other, 2556)
    assert [label for label, _ in quarters] == ["ไตรมาส 1", "ไตรมาส 2", "ไตรมาส 3", "ไตรมาส 4"]
    assert [end.date().isoformat() for _, end in quarters] == [
        "2012-12-31",
        "2013-03-31",
        "2013-06-30",
        "2013-09-30",
    ]


def test_the_png_of_the_service_is_a_png(register):
    png = svc.heatmap(register.bureau, residual=True, fmt="png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    trend = svc.trend(register.bureau, svc.fiscal_year_rounds(register.bureau, 2556), fmt="png")
    assert Image.open(io.BytesIO(trend)).format == "PNG"


def test_an_unknown_format_is_refused_in_both_languages(register):
    from lakthan.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        svc.heatmap(register.bureau, residual=False, fmt="pdf")
    assert "png หรือ svg" in caught.value.message_th and "png or svg" in caught.value.message_en
