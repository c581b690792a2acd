"""The trend of open risks across rounds: for each round two stacked bars, inherent (left) and residual
(right), each cut by level in the matrix's colours, with the number in each piece. Pure: no Django;
the counts come in ready (services.heatmap works them out from the revisions)."""

from __future__ import annotations

from dataclasses import dataclass

from lakthan.lib import picture
from lakthan.lib.thai import digits
from lakthan.risks.engines.heatmap import TEXT, ink_on
from lakthan.risks.engines.matrix import Matrix

LEFT, TOP, PLOT_H, BOTTOM, LEGEND_W = 70, 60, 320, 84, 200
MIN_PLOT_W = 560  # room for the title and the note under the bars with one round
BAR_W, BAR_GAP, GROUP_GAP = 46, 6, 44
AXIS = "#9aa5b1"


@dataclass(frozen=True)
class RoundCounts:
    label: str
    inherent: dict[str, int]  # level code → open risks
    residual: dict[str, int]


def _step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 8:
            return step
    return max(1, top // 8)


def scene(matrix: Matrix, rounds: list[RoundCounts], title: str, *, thai: bool = True) -> picture.Scene:
    group_w = 2 * BAR_W + BAR_GAP
    plot_w = max(MIN_PLOT_W, len(rounds) * (group_w + GROUP_GAP) + GROUP_GAP)
    pic = picture.Scene(LEFT + plot_w + LEGEND_W, TOP + PLOT_H + BOTTOM, title)
    pic.add(picture.Text(16, 32, title, 20, bold=True, css_class="title"))
    totals = [sum(r.inherent.values()) for r in rounds] + [sum(r.residual.values()) for r in rounds]
    step = _step(max(totals, default=0) or 1)
    top = max(step, -(-max(totals, default=0) // step) * step)
    base = TOP + PLOT_H

    def y(count: float) -> float:
        return base - PLOT_H * count / top

    for tick in range(0, top + 1, step):
        pic.add(
            picture.Line(LEFT, y(tick), LEFT + plot_w, y(tick), "#e4e7eb" if tick else AXIS),
            picture.Text(LEFT - 8, y(tick) + 5, digits(tick, thai=thai), 13, anchor="end"),
        )
    pic.add(
        picture.Text(
            22, TOP + PLOT_H / 2, "จำนวนความเสี่ยงที่ยังไม่ปิด", 15, bold=True, anchor="middle", vertical=True
        )
    )
    for i, rnd in enumerate(rounds):
        x0 = LEFT + GROUP_GAP + i * (group_w + GROUP_GAP)
        for j, (kind, counts, label) in enumerate(
            (("inherent", rnd.inherent, "ก่อน"), ("residual", rnd.residual, "หลัง"))
        ):
            x = x0 + j * (BAR_W + BAR_GAP)
            below = 0
            for level in matrix.levels:  # lowest at the bottom
                n = counts.get(level.code, 0)
                if not n:
                    continue
                pic.add(
                    picture.Rect(
                        x,
                        y(below + n),
                        BAR_W,
                        y(below) - y(below + n),
                        level.colour,
                        stroke="#ffffff",
                        css_class="bar",
                        data=(("round", rnd.label), ("kind", kind), ("level", level.code), ("count", str(n))),
                        tooltip=f"{rnd.label} {label}จัดการ · {level.label_th}: {n}",
                    )
                )
                if y(below) - y(below + n) >= 16:
                    pic.add(
                        picture.Text(
                            x + BAR_W / 2,
                            y(below + n / 2) + 5,
                            digits(n, thai=thai),
                            13,
                            ink_on(level.colour),
                            "middle",
                        )
                    )
                below += n
            pic.add(
                picture.Text(
                    x + BAR_W / 2,
                    y(below) - 6,
                    digits(below, thai=thai),
                    13,
                    TEXT,
                    "middle",
                    True,
                    css_class="total",
                ),
                picture.Text(x + BAR_W / 2, base + 18, label, 13, anchor="middle"),
            )
        pic.add(
            picture.Text(
                x0 + group_w / 2, base + 42, rnd.label, 14, anchor="middle", bold=True, css_class="round"
            )
        )
    if not rounds:
        pic.add(picture.Text(LEFT + 12, base - 20, "ไม่มีรอบ", 14))
    pic.add(
        picture.Text(
            LEFT, base + 70, "ก่อน = ความเสี่ยงก่อนจัดการ (inherent) · หลัง = ความเสี่ยงคงเหลือ (residual)", 13
        )
    )
    lx = LEFT + plot_w + 24
    pic.add(picture.Text(lx, TOP + 4, "ระดับความเสี่ยง", 15, bold=True))
    for i, level in enumerate(reversed(matrix.levels)):
        pic.add(
            picture.Rect(
                lx, TOP + 20 + i * 30, 20, 20, level.colour, css_class="legend", data=(("level", level.code),)
            ),
            picture.Text(lx + 28, TOP + 35 + i * 30, level.label_th, 14),
        )
    return pic


def to_svg(matrix: Matrix, rounds: list[RoundCounts], title: str, *, thai: bool = True) -> str:
    return picture.to_svg(scene(matrix, rounds, title, thai=thai))


def to_png(
    matrix: Matrix,
    rounds: list[RoundCounts],
    title: str,
    *,
    regular_font: str | None,
    bold_font: str | None = None,
    thai: bool = True,
    scale: int = 2,
) -> bytes:
    return picture.to_png(scene(matrix, rounds, title, thai=thai), regular_font, bold_font, scale)
