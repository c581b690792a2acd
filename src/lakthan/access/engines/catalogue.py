"""The catalogue of roles per duty: which groups a position should hold on a system, and the pairs of
groups nobody may hold together (segregation of duties). Read from YAML and validated whole: every
problem is named by its line (the YAML is composed into nodes, which keep their position), and one
problem refuses the file.

```yaml
label: บัญชีบทบาท ปีงบประมาณ 2570     # optional
rules:
  - system: pibics
    position: นักทรัพยากรบุคคล           # the HR roster's position text, exactly
    unit: B-HR                          # optional: this unit and the units below it
    groups: [hr-officer, hr-report]
sod:
  - systems: [gfmis]                    # or system: gfmis
    pair: [po-approver, payment-officer]
    reason: ผู้อนุมัติสั่งซื้อต้องไม่เป็นผู้จ่ายเงิน
```

A position of ``"*"`` matches every position. Group names are compared without regard to case (an
LDAP ``cn`` is case-insensitive). Pure: no Django."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

ANY_POSITION = "*"
TOP_FIELDS = ("label", "rules", "sod")
RULE_FIELDS = ("system", "position", "unit", "groups")
SOD_FIELDS = ("system", "systems", "pair", "reason")
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Rule:
    line: int
    system: str
    position: str
    unit: str  # "" for every unit
    groups: tuple[str, ...]


@dataclass(frozen=True)
class SodPair:
    line: int
    system: str
    group_a: str
    group_b: str
    reason: str


@dataclass(frozen=True)
class Catalogue:
    label: str
    rules: tuple[Rule, ...]
    pairs: tuple[SodPair, ...]


@dataclass(frozen=True)
class Problem:
    line: int  # 0: the file as a whole
    message_th: str
    message_en: str


class CatalogueRejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message_en for p in problems))
        self.problems = problems


def group_key(name: str) -> str:
    return name.strip().casefold()


class _Problems:
    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, node: Node | None, th: str, en: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 0
        where_th, where_en = (f"บรรทัด {line}: ", f"line {line}: ") if line else ("", "")
        self.found.append(Problem(line, where_th + th, where_en + en))


def parse_catalogue(data: bytes, known_systems: set[str], known_units: set[str]) -> Catalogue:
    """The catalogue, or CatalogueRejected naming every problem (up to MAX_PROBLEMS) by its line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogueRejected([Problem(0, "ไฟล์ไม่ใช่ UTF-8", "the file is not UTF-8")]) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise CatalogueRejected(
            [
                Problem(
                    line,
                    f"บรรทัด {line}: YAML ไม่ถูกต้อง ({exc.problem})",
                    f"line {line}: bad YAML ({exc.problem})",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise CatalogueRejected([Problem(0, f"YAML ไม่ถูกต้อง ({exc})", f"bad YAML ({exc})")]) from None
    problems = _Problems()
    if not isinstance(root, MappingNode):
        problems.add(
            root, "ไฟล์ต้องเป็น mapping ที่มี rules และ/หรือ sod", "the file must be a mapping with rules and/or sod"
        )
        raise CatalogueRejected(problems.found)
    top = _fields(root, TOP_FIELDS, problems, "ไฟล์", "the file")
    label = _scalar(top.get("label"), problems, "label") if "label" in top else ""
    rules = _rules(top.get("rules"), known_systems, known_units, problems)
    pairs = _pairs(top.get("sod"), known_systems, problems)
    if not problems.found and not rules and not pairs:
        problems.add(None, "ไฟล์ไม่มีกฎและไม่มีคู่ที่ขัดกัน", "the file has no rule and no SoD pair")
    if problems.found:
        raise CatalogueRejected(sorted(problems.found, key=lambda p: p.line)[:MAX_PROBLEMS])
    return Catalogue(label=label, rules=tuple(rules), pairs=tuple(pairs))


def _fields(
    node: MappingNode, allowed: tuple[str, ...], problems: _Problems, what_th: str, what_en: str
) -> dict:
    out: dict[str, Node] = {}
    for key, value in node.value:
        name = key.value if isinstance(key, ScalarNode) else ""
        if name not in allowed:
            problems.add(
                key,
                f"{what_th}มีช่อง '{name}' ที่ไม่รู้จัก (ใช้ได้: {', '.join(allowed)})",
                f"{what_en} has an unknown field '{name}' (allowed: {', '.join(allowed)})",
            )
        elif name in out:
            problems.add(key, f"ช่อง '{name}' ซ้ำ", f"field '{name}' given twice")
        else:
            out[name] = value
    return out


def _scalar(node: Node | None, problems: _Problems, name: str) -> str:
    if node is None:
        return ""
    if not isinstance(node, ScalarNode):
        problems.add(node, f"{name} ต้องเป็นข้อความ", f"{name} must be a text")
        return ""
    return str(node.value).strip()


def _names(node: Node | None, problems: _Problems, name: str) -> list[tuple[Node, str]]:
    """A list of texts (or one text) with the node of each."""
    if node is None:
        return []
    items = node.value if isinstance(node, SequenceNode) else [node]
    out = []
    for item in items:
        value = _scalar(item, problems, name)
        if value:
            out.append((item, value))
    return out


def _sequence(node: Node | None, problems: _Problems, name: str) -> list[MappingNode]:
    if node is None:
        return []
    if not isinstance(node, SequenceNode):
        problems.add(node, f"{name} ต้องเป็นรายการ", f"{name} must be a list")
        return []
    out = []
    for item in node.value:
        if isinstance(item, MappingNode):
            out.append(item)
        else:
            problems.add(
                item, f"แต่ละรายการของ {name} ต้องเป็น mapping", f"each entry of {name} must be a mapping"
            )
    return out


def _system(node: Node | None, known: set[str], problems: _Problems, entry: Node) -> str:
    code = _scalar(node, problems, "system")
    if not code:
        problems.add(entry, "ไม่ได้ระบุ system", "system is missing")
    elif code not in known:
        problems.add(node, f"ไม่พบระบบรหัส {code} ในทะเบียนระบบ", f"unknown system code {code}")
    return code


def _rules(node: Node | None, systems: set[str], units: set[str], problems: _Problems) -> list[Rule]:
    rules: list[Rule] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for entry in _sequence(node, problems, "rules"):
        line = entry.start_mark.line + 1
        fields = _fields(entry, RULE_FIELDS, problems, "กฎ", "the rule")
        system = _system(fields.get("system"), systems, problems, entry)
        position = _scalar(fields.get("position"), problems, "position")
        if not position:
            problems.add(entry, "ไม่ได้ระบุ position", "position is missing")
        unit = _scalar(fields.get("unit"), problems, "unit")
        if unit and unit not in units:
            problems.add(fields["unit"], f"ไม่พบหน่วยงานรหัส {unit}", f"unknown unit {unit}")
        groups = _names(fields.get("groups"), problems, "groups")
        if not groups:
            problems.add(fields.get("groups", entry), "ไม่ได้ระบุกลุ่ม (groups ว่าง)", "groups is empty")
        key = (system, position, unit)
        if system and position and key in first_line:
            problems.add(
                entry,
                f"กฎของ {system} / {position}{' / ' + unit if unit else ''} ซ้ำกับบรรทัด {first_line[key]}",
                f"duplicate rule for {system} / {position}{' / ' + unit if unit else ''} (line {first_line[key]})",
            )
        first_line.setdefault(key, line)
        names = tuple(dict.fromkeys(v for _n, v in groups))
        rules.append(Rule(line, system, position, unit, names))
    return rules


def _pairs(node: Node | None, systems: set[str], problems: _Problems) -> list[SodPair]:
    pairs: list[SodPair] = []
    first_line: dict[tuple[str, frozenset[str]], int] = {}
    for entry in _sequence(node, problems, "sod"):
        line = entry.start_mark.line + 1
        fields = _fields(entry, SOD_FIELDS, problems, "คู่ที่ขัดกัน", "the SoD pair")
        if ("system" in fields) == ("systems" in fields):
            problems.add(entry, "ระบุ system หรือ systems อย่างใดอย่างหนึ่ง", "give either system or systems")
        codes = _names(fields.get("system") or fields.get("systems"), problems, "systems")
        for code_node, code in codes:
            if code not in systems:
                problems.add(code_node, f"ไม่พบระบบรหัส {code} ในทะเบียนระบบ", f"unknown system code {code}")
        pair = [v for _n, v in _names(fields.get("pair"), problems, "pair")]
        if len(pair) != 2 or group_key(pair[0]) == group_key(pair[1]):
            problems.add(
                fields.get("pair", entry),
                "pair ต้องเป็นสองกลุ่มที่ต่างกัน",
                "pair must name two different groups",
            )
            pair = []
        reason = _scalar(fields.get("reason"), problems, "reason")
        if not reason:
            problems.add(entry, "ไม่ได้ระบุเหตุผล (reason)", "reason is missing")
        if not pair:
            continue
        for _n, code in codes:
            key = (code, frozenset(group_key(g) for g in pair))
            if key in first_line:
                problems.add(
                    entry,
                    f"คู่ {pair[0]} / {pair[1]} ของ {code} ซ้ำกับบรรทัด {first_line[key]}",
                    f"duplicate SoD pair {pair[0]} / {pair[1]} on {code} (line {first_line[key]})",
                )
                continue
            first_line[key] = line
            pairs.append(SodPair(line, code, pair[0], pair[1], reason))
    return pairs


class Duties:
    """The catalogue indexed for judging. ``unit_chain`` gives, for a unit code, that unit and every
    unit above it: a rule for a unit covers the units below it."""

    def __init__(self, catalogue: Catalogue, unit_chain: Mapping[str, Iterable[str]]):
        self._chain = {code: frozenset(chain) for code, chain in unit_chain.items()}
        self._rules: dict[str, list[Rule]] = {}
        for rule in catalogue.rules:
            self._rules.setdefault(rule.system, []).append(rule)
        self._pairs: dict[str, list[tuple[str, str, SodPair]]] = {}
        for pair in catalogue.pairs:
            self._pairs.setdefault(pair.system, []).append(
                (group_key(pair.group_a), group_key(pair.group_b), pair)
            )
        self._allowed: dict[tuple[str, str, str], frozenset[str]] = {}  # few posts, many accounts

    def covers(self, system: str) -> bool:
        """A system with at least one rule: its accounts' groups are judged against the rules."""
        return system in self._rules

    def allowed(self, system: str, position: str, unit: str) -> frozenset[str]:
        """The group keys (casefolded) a post may hold on a system: the union of the rules that fit."""
        key = (system, position, unit)
        found = self._allowed.get(key)
        if found is None:
            chain = self._chain.get(unit, frozenset({unit}))
            position = position.strip()
            out: set[str] = set()
            for rule in self._rules.get(system, ()):
                if rule.position in (position, ANY_POSITION) and (not rule.unit or rule.unit in chain):
                    out.update(group_key(g) for g in rule.groups)
            found = self._allowed[key] = frozenset(out)
        return found

    def has_pairs(self, system: str) -> bool:
        return system in self._pairs

    def conflicts(self, system: str, held: Iterable[str]) -> list[SodPair]:
        """The pairs of ``system`` both of whose groups are in ``held`` (names, any case)."""
        pairs = self._pairs.get(system)
        if not pairs:
            return []
        return self.conflicting_keys(system, {group_key(g) for g in held})

    def conflicting_keys(self, system: str, keys: Collection[str]) -> list[SodPair]:
        """As ``conflicts``, with the held groups already as keys."""
        return [p for a, b, p in self._pairs.get(system, ()) if a in keys and b in keys]
