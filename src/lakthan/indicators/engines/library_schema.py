"""Indicator libraries: a YAML file parsed and validated into frozen dataclasses.

The format (``library/opdc-2556.yaml`` is the full example)::

    urn: urn:lakthan:opdc:2556
    name_th: ...                  # name_en optional
    version: "1"
    fiscal_year: 2556             # optional, B.E. 2500-2700; else the URN's last 25xx part (here 2556)
    indicators:
      - urn: urn:lakthan:opdc:2556:ind:9          # starts with the library URN + ":"
        code: "9"
        name_th: ...
      - urn: urn:lakthan:opdc:2556:ind:9.2
        code: "9.2"
        parent_code: "9"                          # an indicator defined above in the same file
        name_th: ...
        unit_th: ข้อ
        scheme: {kind: count, thresholds: [1, 2, 3, 4, 5]}   # linear also takes direction: lower
        scoring_note_th: [...]
        criteria:
          - urn: urn:lakthan:opdc:2556:ind:9.2:item:1       # starts with the indicator URN + ":"
            number: 1
            title_th: ...
            explanation_th: [...]             # the criterion's own words, as the report form prints them
            guidance_th: [...]                # optional: our reading of it (shown on the web, never
                                              # printed as the criterion); guidance_en likewise
            checks: [urn:lakthan:check:backup-compliance]
            reconstructed: true                   # then source_note is required
            source_note: ...
            level: 1                              # milestone schemes only, required there

Scalars are read as the text written in the file (``code: 9.10`` stays "9.10", thresholds become
exact Decimals), then typed by the schema. Weights are refused: they belong to agreements.

Errors: ``load_library`` stops at the first error it finds, reading top to bottom. Within one
mapping, duplicate and unknown keys are reported before missing ones (a missing key is usually a
misspelt one), and the nested ``indicators``/``criteria`` lists are read after their siblings.
``str(error)`` is ``path:line: message``; line 0 means the file as a whole (it cannot be read).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lakthan.indicators.engines.scoring import LEVELS, Scheme, SchemeError, to_decimal

URN_RE = re.compile(r"urn:lakthan(?::[a-z0-9][a-z0-9._-]*)+")
CHECK_PREFIX = "urn:lakthan:check:"
_NULL_TAG = "tag:yaml.org,2002:null"
_MISPLACED = {
    "weight": "weights belong to the agreement (คำรับรอง), not to the library",
    "weights": "weights belong to the agreement (คำรับรอง), not to the library",
}


@dataclass(frozen=True)
class CriterionDef:
    urn: str
    number: int
    title_th: str
    title_en: str
    explanation_th: tuple[str, ...]
    explanation_en: tuple[str, ...]
    level: int | None
    reconstructed: bool
    checks: tuple[str, ...]
    source_note: str = ""  # why and from what a reconstructed criterion was written
    # our own explanation of the criterion, kept apart from its text (explanation_*): never printed as it
    guidance_th: tuple[str, ...] = ()
    guidance_en: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndicatorDef:
    urn: str
    code: str
    parent_code: str | None
    name_th: str
    name_en: str
    unit_th: str
    scheme: Scheme | None
    scoring_note_th: tuple[str, ...]
    scoring_note_en: tuple[str, ...]
    criteria: tuple[CriterionDef, ...]
    order: int  # position in the file, from 1


@dataclass(frozen=True)
class LibraryDef:
    urn: str
    name_th: str
    name_en: str
    version: str
    source_path: str
    indicators: tuple[IndicatorDef, ...]
    fiscal_year: int | None = None  # B.E.: the file's fiscal_year, else the URN's last 25xx part

    def indicator(self, code: str) -> IndicatorDef:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)


class LibraryError(Exception):
    def __init__(self, path: str, line: int, message: str):
        super().__init__(path, line, message)
        self.path, self.line, self.message = str(path), line, message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class _Fail(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(line, message)
        self.line, self.message = line, message


def _line(node: Node) -> int:
    return node.start_mark.line + 1


# --- typed scalars --------------------------------------------------------------------------------


def _text(node: Node, what: str) -> str:
    if not isinstance(node, ScalarNode):
        raise _Fail(_line(node), f"{what} must be text")
    value = "" if node.tag == _NULL_TAG and node.style is None else node.value.strip()
    if not value:
        raise _Fail(_line(node), f"{what} must not be empty")
    return value


def _texts(node: Node, what: str) -> tuple[str, ...]:
    if not isinstance(node, SequenceNode):
        raise _Fail(_line(node), f"{what} must be a list")
    if not node.value:
        raise _Fail(_line(node), f"{what} must not be an empty list (leave the key out instead)")
    return tuple(_text(item, f"each entry of {what}") for item in node.value)


def _positive_int(node: Node, what: str) -> int:
    text = _text(node, what)
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise _Fail(_line(node), f"{what} must be a whole number from 1, not {text!r}")
    return int(text)


FISCAL_YEARS = range(2500, 2701)


def _fiscal_year(node: Node) -> int:
    text = _text(node, "fiscal_year")
    if not text.isascii() or not text.isdigit() or int(text) not in FISCAL_YEARS:
        raise _Fail(
            _line(node),
            f"fiscal_year must be a B.E. year from {FISCAL_YEARS[0]} to {FISCAL_YEARS[-1]} (e.g. 2556), "
            f"not {text!r}",
        )
    return int(text)


def year_of_urn(urn: str) -> int | None:
    """The URN's last part that is a B.E. year 25xx (urn:lakthan:opdc:2556 -> 2556), else None."""
    years = [int(part) for part in urn.split(":") if re.fullmatch(r"25[0-9]{2}", part)]
    return years[-1] if years else None


def _bool(node: Node, what: str) -> bool:
    text = _text(node, what)
    if text not in ("true", "false"):
        raise _Fail(_line(node), f"{what} must be true or false, not {text!r}")
    return text == "true"


def _urn(node: Node, what: str, prefix: str = "") -> str:
    urn = _text(node, what)
    if not URN_RE.fullmatch(urn):
        raise _Fail(
            _line(node),
            f"{what} {urn!r} is not a URN of the form urn:lakthan:part:part "
            "(lower-case letters, digits, '.', '_', '-')",
        )
    if prefix and not urn.startswith(prefix):
        raise _Fail(_line(node), f"{what} {urn!r} must start with {prefix!r}")
    return urn


def _fields(node: Node, what: str, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, Node]:
    """The mapping's value nodes by key, in file order; duplicate, unknown and missing keys refused."""
    if not isinstance(node, MappingNode):
        raise _Fail(_line(node), f"{what} must be a mapping of keys ({', '.join(required)}, ...)")
    allowed = required + optional
    out: dict[str, Node] = {}
    key_lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise _Fail(_line(key_node), f"keys of {what} must be text")
        key = key_node.value
        if key in out:
            raise _Fail(_line(key_node), f"duplicate key '{key}' in {what} (first on line {key_lines[key]})")
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.7)
            if key in _MISPLACED:
                hint = f": {_MISPLACED[key]}"
            elif close:
                hint = f"; did you mean '{close[0]}'?"
            else:
                hint = f"; allowed: {', '.join(allowed)}"
            raise _Fail(_line(key_node), f"unknown key '{key}' in {what}{hint}")
        out[key], key_lines[key] = value_node, _line(key_node)
    for key in required:
        if key not in out:
            raise _Fail(_line(node), f"{what} is missing the required key '{key}'")
    return out


# --- the reader ------------------------------------------------------------------------------------


class _Reader:
    def __init__(self) -> None:
        self.urn_lines: dict[str, int] = {}  # every URN defined in the file -> its line

    def define(self, node: Node, what: str, prefix: str = "") -> str:
        urn = _urn(node, what, prefix)
        if urn in self.urn_lines:
            raise _Fail(_line(node), f"duplicate URN {urn} (first on line {self.urn_lines[urn]})")
        self.urn_lines[urn] = _line(node)
        return urn

    def read(self, node: Node | None, path: str) -> LibraryDef:
        if node is None:
            raise _Fail(1, "the file is empty: expected a library with urn, name_th, version and indicators")
        f = _fields(
            node, "the library", ("urn", "name_th", "version", "indicators"), ("name_en", "fiscal_year")
        )
        values = _parse(
            f,
            {
                "urn": lambda n: self.define(n, "the library urn"),
                "name_th": lambda n: _text(n, "name_th"),
                "name_en": lambda n: _text(n, "name_en"),
                "version": lambda n: _text(n, "version"),
                "fiscal_year": _fiscal_year,
            },
        )
        seq = f["indicators"]
        if not isinstance(seq, SequenceNode) or not seq.value:
            raise _Fail(_line(seq), "indicators must be a non-empty list")
        indicators: list[IndicatorDef] = []
        code_lines: dict[str, int] = {}
        for order, item in enumerate(seq.value, start=1):
            indicators.append(self.indicator(item, values["urn"] + ":", order, code_lines))
        return LibraryDef(
            values["urn"],
            values["name_th"],
            values.get("name_en", ""),
            values["version"],
            path,
            tuple(indicators),
            values.get("fiscal_year") or year_of_urn(values["urn"]),
        )

    def indicator(self, node: Node, prefix: str, order: int, code_lines: dict[str, int]) -> IndicatorDef:
        f = _fields(
            node,
            "an indicator",
            ("urn", "code", "name_th"),
            ("parent_code", "name_en", "unit_th", "scheme", "scoring_note_th", "scoring_note_en", "criteria"),
        )

        def code(n: Node) -> str:
            value = _text(n, "code")
            if value in code_lines:
                raise _Fail(
                    _line(n), f"duplicate indicator code '{value}' (first on line {code_lines[value]})"
                )
            return value

        def parent(n: Node) -> str:
            value = _text(n, "parent_code")
            if value not in code_lines:
                raise _Fail(_line(n), f"parent_code '{value}' is not an indicator defined above in this file")
            return value

        v = _parse(
            f,
            {
                "urn": lambda n: self.define(n, "indicator urn", prefix),
                "code": code,
                "parent_code": parent,
                "name_th": lambda n: _text(n, "name_th"),
                "name_en": lambda n: _text(n, "name_en"),
                "unit_th": lambda n: _text(n, "unit_th"),
                "scheme": _scheme,
                "scoring_note_th": lambda n: _texts(n, "scoring_note_th"),
                "scoring_note_en": lambda n: _texts(n, "scoring_note_en"),
            },
        )
        code_lines[v["code"]] = _line(f["code"])
        scheme: Scheme | None = v.get("scheme")
        criteria = self.criteria(f["criteria"], v["urn"] + ":", scheme) if "criteria" in f else ()
        return IndicatorDef(
            v["urn"],
            v["code"],
            v.get("parent_code"),
            v["name_th"],
            v.get("name_en", ""),
            v.get("unit_th", ""),
            scheme,
            v.get("scoring_note_th", ()),
            v.get("scoring_note_en", ()),
            criteria,
            order,
        )

    def criteria(self, seq: Node, prefix: str, scheme: Scheme | None) -> tuple[CriterionDef, ...]:
        if not isinstance(seq, SequenceNode) or not seq.value:
            raise _Fail(_line(seq), "criteria must be a non-empty list")
        milestone = scheme is not None and scheme.kind == "milestone"
        out: list[CriterionDef] = []
        number_lines: dict[int, int] = {}
        for node in seq.value:
            f = _fields(
                node,
                "a criterion",
                ("urn", "number", "title_th"),
                (
                    "title_en",
                    "explanation_th",
                    "explanation_en",
                    "guidance_th",
                    "guidance_en",
                    "level",
                    "reconstructed",
                    "source_note",
                    "checks",
                ),
            )
            v = _parse(
                f,
                {
                    "urn": lambda n: self.define(n, "criterion urn", prefix),
                    "number": lambda n: _positive_int(n, "number"),
                    "title_th": lambda n: _text(n, "title_th"),
                    "title_en": lambda n: _text(n, "title_en"),
                    "explanation_th": lambda n: _texts(n, "explanation_th"),
                    "explanation_en": lambda n: _texts(n, "explanation_en"),
                    "guidance_th": lambda n: _texts(n, "guidance_th"),
                    "guidance_en": lambda n: _texts(n, "guidance_en"),
                    "level": _level,
                    "reconstructed": lambda n: _bool(n, "reconstructed"),
                    "source_note": lambda n: _text(n, "source_note"),
                    "checks": _checks,
                },
            )
            number = v["number"]
            if number in number_lines:
                raise _Fail(
                    _line(f["number"]),
                    f"duplicate criterion number {number} (first on line {number_lines[number]})",
                )
            number_lines[number] = _line(f["number"])
            if milestone and "level" not in f:
                raise _Fail(_line(node), "a criterion of a milestone scheme needs a level (1-5)")
            if not milestone and "level" in f:
                raise _Fail(_line(f["level"]), "level is only for criteria of a milestone scheme")
            if v.get("reconstructed") and "source_note" not in f:
                raise _Fail(
                    _line(f["reconstructed"]),
                    "a reconstructed criterion needs a source_note saying what it was inferred from",
                )
            out.append(
                CriterionDef(
                    v["urn"],
                    number,
                    v["title_th"],
                    v.get("title_en", ""),
                    v.get("explanation_th", ()),
                    v.get("explanation_en", ()),
                    v.get("level"),
                    v.get("reconstructed", False),
                    v.get("checks", ()),
                    v.get("source_note", ""),
                    v.get("guidance_th", ()),
                    v.get("guidance_en", ()),
                )
            )
        if milestone:
            missing = sorted(set(range(1, LEVELS + 1)) - {c.level for c in out})
            if missing:
                raise _Fail(
                    _line(seq),
                    f"milestone level {missing[0]} has no criterion (each level 1-{LEVELS} needs at least one)",
                )
        return tuple(out)


def _parse(fields: dict[str, Node], parsers: dict[str, Callable[[Node], Any]]) -> dict[str, Any]:
    """Run the parser of every present key that has one, in file order (nested lists are left to the caller).
    Each value has its parser's type, which only the caller knows: hence Any."""
    return {key: parsers[key](node) for key, node in fields.items() if key in parsers}


def _level(node: Node) -> int:
    level = _positive_int(node, "level")
    if level > LEVELS:
        raise _Fail(_line(node), f"level must be 1-{LEVELS}, not {level}")
    return level


def _checks(node: Node) -> tuple[str, ...]:
    if not isinstance(node, SequenceNode) or not node.value:
        raise _Fail(_line(node), "checks must be a non-empty list of check URNs")
    seen: dict[str, int] = {}
    for item in node.value:
        urn = _urn(item, "check", CHECK_PREFIX)
        if urn in seen:
            raise _Fail(_line(item), f"check {urn} is listed twice (first on line {seen[urn]})")
        seen[urn] = _line(item)
    return tuple(seen)


def _scheme(node: Node) -> Scheme:
    f = _fields(node, "the scheme", ("kind",), ("thresholds", "direction"))
    kind = _text(f["kind"], "kind")
    direction = _text(f["direction"], "direction") if "direction" in f else "higher"
    items: list[Node] = []
    if "thresholds" in f:
        if not isinstance(f["thresholds"], SequenceNode):
            raise _Fail(_line(f["thresholds"]), "thresholds must be a list of 5 numbers")
        items = f["thresholds"].value
    values: list[Decimal] = []
    for item in items:
        try:
            values.append(to_decimal(_text(item, "a threshold"), "a threshold"))
        except SchemeError as exc:
            raise _Fail(_line(item), str(exc)) from None
    try:
        return Scheme(kind, tuple(values), direction)
    except SchemeError as exc:
        at = f.get(exc.field, node)
        if exc.index is not None and exc.index < len(items):
            at = items[exc.index]
        raise _Fail(_line(at), str(exc)) from None


# --- files -------------------------------------------------------------------------------------------


def _compose(data: bytes, path: str) -> Node | None:
    if not data.strip():
        raise LibraryError(
            path, 1, "the file is empty: expected a library with urn, name_th, version and indicators"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LibraryError(
            path,
            line,
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded); save it as UTF-8",
        ) from None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or "invalid YAML"
        if (
            exc.context
            and exc.context_mark
            and exc.problem_mark
            and exc.context_mark.line != exc.problem_mark.line
        ):
            detail += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        raise LibraryError(path, mark.line + 1 if mark else 1, f"YAML syntax error: {detail}") from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise LibraryError(
            path, line, f"the file contains a control character YAML does not allow (U+{code:04X})"
        ) from None


def _load(path: str | Path) -> tuple[LibraryDef, dict[str, int]]:
    path = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise LibraryError(path, 0, f"cannot read the file: {exc.strerror or exc}") from None
    return _parse_bytes(data, path)


def _parse_bytes(data: bytes, path: str) -> tuple[LibraryDef, dict[str, int]]:
    node = _compose(data, path)
    reader = _Reader()
    try:
        return reader.read(node, path), reader.urn_lines
    except _Fail as exc:
        raise LibraryError(path, exc.line, exc.message) from None


def load_library(path: str | Path) -> LibraryDef:
    """Parse and validate one library file; raises LibraryError for the first error found."""
    return _load(path)[0]


def parse_library(data: bytes, path: str | Path) -> LibraryDef:
    """The same for bytes already read (``path`` names them in errors): what is validated is exactly
    what the caller then keeps."""
    return _parse_bytes(data, str(path))[0]


def validate_many(paths: Iterable[str | Path]) -> list[LibraryError]:
    """The first error of each file, plus URNs defined in more than one file (reported on the later one)."""
    errors: list[LibraryError] = []
    defined: dict[str, tuple[str, int]] = {}
    for path in paths:
        try:
            _, urn_lines = _load(path)
        except LibraryError as exc:
            errors.append(exc)
            continue
        for urn, line in urn_lines.items():
            if urn in defined:
                other, other_line = defined[urn]
                errors.append(
                    LibraryError(str(path), line, f"URN {urn} is already defined in {other}:{other_line}")
                )
                break
        else:
            defined.update((urn, (str(path), line)) for urn, line in urn_lines.items())
    return errors
