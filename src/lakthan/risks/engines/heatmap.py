"""The risk heat map: the matrix as a grid (likelihood up the side, impact along the bottom), each cell
in the colour of its level on the matrix, with the number of risks in it and their refs; the axis
titles โอกาสที่จะเกิด / ผลกระทบ and the matrix's own labels; a legend of the levels with their counts.
SVG and PNG draw the same shapes (lib/picture.py). Pure: no Django.

A risk whose cell lies outside the matrix (kept from an older, larger matrix) is not placed; the
number of such risks is written under the legend so it is not silently lost.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lakthan.lib import picture
from lakthan.lib.thai import digits
from lakthan.risks.engines.matrix import Matrix

CELL_W, CELL_H = 132, 92
LEFT, TOP = 150, 56  # room for the likelihood title and labels; for the title
BOTTOM, LEGEND_W = 74, 210
REFS_PER_LINE, REF_LINES = 2, 3
TEXT, GRID = "#1f2933", "#ffffff"
AXIS_LIKELIHOOD, AXIS_IMPACT = "โอกาสที่จะเกิด", "ผลกระทบ"


@dataclass(frozen=True)
class RiskPoint:
    ref: str
    likelihood: int
    impact: int


def ink_on(colour: str) -> str:
    """Dark text on a light fill, white on a dark one (relative luminance, WCAG)."""
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return TEXT if luminance > 0.3 else "#ffffff"


def cells(matrix: Matrix, points: list[RiskPoint]) -> tuple[dict[tuple[int, int], list[str]], int]:
    """Refs per (likelihood, impact) cell, sorted; and how many points fell outside the matrix."""
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    outside = 0
    for p in points:
        if p.likelihood in matrix.likelihood_values and p.impact in matrix.impact_values:
            found[(p.likelihood, p.impact)].append(p.ref)
        else:
            outside += 1
    return {k: sorted(v) for k, v in found.items()}, outside


def scene(matrix: Matrix, points: list[RiskPoint], title: str, *, thai: bool = True) -> picture.Scene:
    rows, cols = len(matrix.likelihood), len(matrix.impact)
    grid_w, grid_h = cols * CELL_W, rows * CELL_H
    pic = picture.Scene(LEFT + grid_w + LEGEND_W, TOP + grid_h + BOTTOM, title)
    pic.add(picture.Text(16, 32, title, 20, bold=True, css_class="title"))
    by_cell, outside = cells(matrix, points)
    per_level: dict[str, int] = defaultdict(int)

    for row, step_l in enumerate(reversed(matrix.likelihood)):  # highest likelihood at the top
        y = TOP + row * CELL_H
        pic.add(
            picture.Text(
                LEFT - 10, y + CELL_H / 2 - 2, digits(step_l.value, thai=thai), 16, anchor="end", bold=True
            ),
            picture.Text(LEFT - 10, y + CELL_H / 2 + 18, step_l.label_th, 14, anchor="end"),
        )
        for col, step_i in enumerate(matrix.impact):
            x = LEFT + col * CELL_W
            level = matrix.level(step_l.value, step_i.value)
            refs = by_cell.get((step_l.value, step_i.value), [])
            per_level[level.code] += len(refs)
            ink = ink_on(level.colour)
            pic.add(
                picture.Rect(
                    x,
                    y,
                    CELL_W,
                    CELL_H,
                    level.colour,
                    stroke=GRID,
                    css_class="cell",
                    data=(
                        ("likelihood", str(step_l.value)),
                        ("impact", str(step_i.value)),
                        ("level", level.code),
                        ("count", str(len(refs))),
                        ("refs", " ".join(refs)),
                    ),
                    tooltip=f"{level.label_th} ({step_l.value}×{step_i.value}): {', '.join(refs) or '–'}",
                )
            )
            if refs:
                pic.add(
                    picture.Text(
                        x + CELL_W / 2,
                        y + 30,
                        digits(len(refs), thai=thai),
                        22,
                        ink,
                        "middle",
                        True,
                        css_class="count",
                    )
                )
                for i, line in enumerate(_ref_lines(refs)):
                    pic.add(
                        picture.Text(
                            x + CELL_W / 2, y + 50 + 14 * i, line, 11, ink, "middle", css_class="refs"
                        )
                    )

    for col, step_i in enumerate(matrix.impact):
        middle = LEFT + col * CELL_W + CELL_W / 2
        pic.add(
            picture.Text(
                middle, TOP + grid_h + 20, digits(step_i.value, thai=thai), 16, anchor="middle", bold=True
            ),
            picture.Text(middle, TOP + grid_h + 40, step_i.label_th, 14, anchor="middle"),
        )
    pic.add(
        picture.Text(LEFT + grid_w / 2, TOP + grid_h + 66, AXIS_IMPACT, 17, anchor="middle", bold=True),
        picture.Text(30, TOP + grid_h / 2, AXIS_LIKELIHOOD, 17, anchor="middle", bold=True, vertical=True),
    )
    _legend(pic, matrix, per_level, outside, LEFT + grid_w + 24, TOP, thai)
    return pic


def _ref_lines(refs: list[str]) -> list[str]:
    """The refs two to a line, at most three lines; the rest as "+N"."""
    room = REFS_PER_LINE * REF_LINES
    shown = refs if len(refs) <= room else refs[: room - 1]
    lines = [" ".join(shown[i : i + REFS_PER_LINE]) for i in range(0, len(shown), REFS_PER_LINE)]
    if len(shown) < len(refs):
        lines[-1] += f" +{len(refs) - len(shown)}"
    return lines


def _legend(
    pic: picture.Scene,
    matrix: Matrix,
    per_level: dict[str, int],
    outside: int,
    x: float,
    y: float,
    thai: bool,
) -> None:
    pic.add(picture.Text(x, y + 14, "ระดับความเสี่ยง", 15, bold=True))
    for i, level in enumerate(reversed(matrix.levels)):  # highest first, as in the grid
        top = y + 30 + i * 30
        pic.add(
            picture.Rect(x, top, 20, 20, level.colour, css_class="legend", data=(("level", level.code),)),
            picture.Text(
                x + 28,
                top + 15,
                f"{level.label_th} ({digits(per_level.get(level.code, 0), thai=thai)})",
                14,
                css_class="legend-label",
            ),
        )
    bottom = y + 30 + len(matrix.levels) * 30 + 10
    total = sum(per_level.values())
    pic.add(picture.Text(x, bottom + 10, f"รวม {digits(total, thai=thai)} ความเสี่ยง", 14, css_class="total"))
    if outside:
        pic.add(picture.Text(x, bottom + 32, f"นอกเมทริกซ์ {digits(outside, thai=thai)} รายการ", 13, "#b3261e"))


def to_svg(matrix: Matrix, points: list[RiskPoint], title: str, *, thai: bool = True) -> str:
    return picture.to_svg(scene(matrix, points, title, thai=thai))


def to_png(
    matrix: Matrix,
    points: list[RiskPoint],
    title: str,
    *,
    regular_font: str | None,
    bold_font: str | None = None,
    thai: bool = True,
    scale: int = 2,
) -> bytes:
    return picture.to_png(scene(matrix, points, title, thai=thai), regular_font, bold_font, scale)
