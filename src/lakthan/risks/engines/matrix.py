"""A risk matrix as data: the likelihood and impact scales with their Thai and English labels, the
levels (bands of likelihood × impact, lowest first) and, where an agency's matrix is not a plain
product, the level of named cells. Read from YAML (``matrices/default-5x5.yaml`` is the default) and
validated whole; a problem is named by its line. Pure: no Django."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, SequenceNode

from lakthan.lib.yaml_problems import Problems, Rejected, compose, fields_of, text_of

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "matrices" / "default-5x5.yaml"
TOP_FIELDS = {"name", "title_th", "title_en", "likelihood", "impact", "levels", "cells", "high_from"}


@dataclass(frozen=True)
class Step:
    value: int
    label_th: str
    label_en: str


@dataclass(frozen=True)
class Level:
    code: str
    label_th: str
    label_en: str
    colour: str
    min_score: int
    rank: int  # 0 for the lowest level


@dataclass(frozen=True)
class Matrix:
    name: str
    title_th: str
    title_en: str
    likelihood: tuple[Step, ...]
    impact: tuple[Step, ...]
    levels: tuple[Level, ...]
    cells: tuple[tuple[int, int, str], ...]  # explicit (likelihood, impact, level code)
    high_from: str

    def level(self, likelihood: int, impact: int) -> Level:
        """The level of a cell; ValueError when the cell is outside the matrix."""
        if likelihood not in self.likelihood_values or impact not in self.impact_values:
            raise ValueError(f"({likelihood}, {impact}) is outside the matrix {self.name}")
        for li, im, code in self.cells:
            if (li, im) == (likelihood, impact):
                return self.level_by_code(code)
        score = likelihood * impact
        found = self.levels[0]
        for level in self.levels:
            if score >= level.min_score:
                found = level
        return found

    def level_by_code(self, code: str) -> Level:
        for level in self.levels:
            if level.code == code:
                return level
        raise ValueError(f"no level {code!r} in the matrix {self.name}")

    def is_high(self, level_code: str) -> bool:
        return self.level_by_code(level_code).rank >= self.level_by_code(self.high_from).rank

    @property
    def likelihood_values(self) -> tuple[int, ...]:
        return tuple(s.value for s in self.likelihood)

    @property
    def impact_values(self) -> tuple[int, ...]:
        return tuple(s.value for s in self.impact)


class MatrixRejected(Rejected):
    """Every problem of the file, each with its line (0: the file as a whole)."""


def load_default() -> Matrix:
    return parse_matrix(DEFAULT_PATH.read_bytes())


def parse_matrix(data: bytes) -> Matrix:
    """The matrix, or MatrixRejected naming every problem by its line."""
    root = compose(data, MatrixRejected)
    problems = Problems()
    if not isinstance(root, MappingNode):
        problems.add(root, "ไฟล์ต้องเป็น mapping", "the file must be a mapping")
        raise MatrixRejected(problems.found)
    top = fields_of(root, problems)
    for key, (key_node, _) in top.items():
        if key not in TOP_FIELDS:
            problems.add(key_node, f"ไม่รู้จักช่อง {key}", f"unknown field {key}")
    name = text_of(top, "name", problems, root) or "matrix"
    likelihood = _steps(top, "likelihood", problems, root)
    impact = _steps(top, "impact", problems, root)
    levels = _levels(top, problems, root)
    codes = {lv.code for lv in levels}
    cells = _cells(top, problems, codes, {s.value for s in likelihood}, {s.value for s in impact})
    high_from = text_of(top, "high_from", problems, root, required=False) or (
        levels[-1].code if levels else ""
    )
    if levels and high_from not in codes:
        problems.add(top["high_from"][1], f"ไม่มีระดับ {high_from}", f"no level {high_from}")
    if problems.found:
        raise MatrixRejected(problems.found)
    return Matrix(
        name=name,
        title_th=text_of(top, "title_th", problems, root, required=False) or name,
        title_en=text_of(top, "title_en", problems, root, required=False) or name,
        likelihood=tuple(likelihood),
        impact=tuple(impact),
        levels=tuple(levels),
        cells=tuple(cells),
        high_from=high_from,
    )


def _int(fields: dict[str, tuple[Node, Node]], key: str, problems: Problems, parent: Node) -> int | None:
    text = text_of(fields, key, problems, parent)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        problems.add(fields[key][1], f"{key} ต้องเป็นจำนวนเต็ม", f"{key} must be a whole number")
        return None


def _items(
    fields: dict[str, tuple[Node, Node]], key: str, problems: Problems, parent: Node
) -> list[tuple[MappingNode, dict[str, tuple[Node, Node]]]]:
    if key not in fields:
        problems.add(parent, f"ไม่มีช่อง {key}", f"{key} is missing")
        return []
    node = fields[key][1]
    if not isinstance(node, SequenceNode) or not node.value:
        problems.add(node, f"{key} ต้องเป็นรายการที่ไม่ว่าง", f"{key} must be a non-empty list")
        return []
    out = []
    for item in node.value:
        if not isinstance(item, MappingNode):
            problems.add(item, f"แต่ละรายการของ {key} ต้องเป็น mapping", f"each item of {key} must be a mapping")
            continue
        out.append((item, fields_of(item, problems)))
    return out


def _steps(fields: dict[str, tuple[Node, Node]], key: str, problems: Problems, parent: Node) -> list[Step]:
    steps: list[Step] = []
    for node, item in _items(fields, key, problems, parent):
        value = _int(item, "value", problems, node)
        if value is None:
            continue
        expected = len(steps) + 1
        if value != expected:
            problems.add(
                node,
                f"ค่าของ {key} ต้องเรียง 1, 2, 3 … (คาดว่า {expected})",
                f"{key} values must run 1, 2, 3 … (expected {expected})",
            )
        steps.append(
            Step(value, text_of(item, "label_th", problems, node), text_of(item, "label_en", problems, node))
        )
    return steps


def _levels(fields: dict[str, tuple[Node, Node]], problems: Problems, parent: Node) -> list[Level]:
    levels: list[Level] = []
    for node, item in _items(fields, "levels", problems, parent):
        code = text_of(item, "code", problems, node)
        min_score = _int(item, "min_score", problems, node)
        if min_score is None:
            continue
        if levels and min_score <= levels[-1].min_score:
            problems.add(node, "min_score ต้องเพิ่มขึ้นจากระดับก่อนหน้า", "min_score must grow from the level before")
        if any(lv.code == code for lv in levels):
            problems.add(node, f"ระดับ {code} ซ้ำ", f"level {code} twice")
        levels.append(
            Level(
                code=code,
                label_th=text_of(item, "label_th", problems, node),
                label_en=text_of(item, "label_en", problems, node),
                colour=text_of(item, "colour", problems, node, required=False) or "#9e9e9e",
                min_score=min_score,
                rank=len(levels),
            )
        )
    return levels


def _cells(
    fields: dict[str, tuple[Node, Node]],
    problems: Problems,
    codes: set[str],
    likelihoods: set[int],
    impacts: set[int],
) -> list[tuple[int, int, str]]:
    if "cells" not in fields:
        return []
    node = fields["cells"][1]
    if not isinstance(node, MappingNode):
        problems.add(
            node,
            'cells ต้องเป็น mapping ของ "โอกาส,ผลกระทบ": ระดับ',
            'cells must map "likelihood,impact" to a level',
        )
        return []
    out = []
    for key, value in node.value:
        try:
            li, im = (int(part) for part in str(key.value).split(","))
        except ValueError:
            problems.add(
                key,
                f'ช่อง {key.value} ต้องเป็น "โอกาส,ผลกระทบ"',
                f'cell {key.value} must be "likelihood,impact"',
            )
            continue
        if li not in likelihoods or im not in impacts:
            problems.add(key, f"ช่อง {li},{im} อยู่นอกเมทริกซ์", f"cell {li},{im} is outside the matrix")
        level = str(getattr(value, "value", ""))
        if level not in codes:
            problems.add(value, f"ไม่มีระดับ {level}", f"no level {level}")
        out.append((li, im, level))
    return out
