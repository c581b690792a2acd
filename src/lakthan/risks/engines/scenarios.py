"""Crisis scenarios as YAML (``scenarios/default-th.yaml`` is the default): per kind of crisis its steps
in order, the people to call and the alternate site. Validated whole; every problem is named by its
line, and nothing is returned while one remains. Pure: no Django.

A file holds any of the six kinds, each at most once::

    scenarios:
      - kind: fire
        title: แผนรองรับอัคคีภัย          # optional: the kind's Thai name
        steps: [ขั้นตอนที่หนึ่ง, …]
        contacts: [{name: …, role: …, phone: …}]   # a name or a role each
        alternate_site: …                 # optional
        systems: [CODE, …]                # optional: inventory systems the scenario is about
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lakthan.lib.yaml_problems import Problems, compose, fields_of, text_of
from lakthan.risks.engines.matrix import MatrixRejected

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "scenarios" / "default-th.yaml"
KINDS = ("fire", "flood", "earthquake", "power", "cyber", "system-down")
KIND_TH = {
    "fire": "อัคคีภัย",
    "flood": "อุทกภัย",
    "earthquake": "แผ่นดินไหว",
    "power": "ไฟฟ้าดับ",
    "cyber": "การโจมตีทางไซเบอร์",
    "system-down": "ระบบล่ม",
}
SCENARIO_FIELDS = {"kind", "title", "steps", "contacts", "alternate_site", "systems"}
CONTACT_FIELDS = {"name", "role", "phone"}


@dataclass(frozen=True)
class ScenarioText:
    kind: str
    title: str
    steps: tuple[str, ...]
    contacts: tuple[dict, ...]  # {"name", "role", "phone"}
    alternate_site: str
    systems: tuple[tuple[str, int], ...]  # (system code, its line) — the caller knows the inventory
    line: int


class ScenariosRejected(MatrixRejected):
    """Every problem of a scenarios file, each with its line (0: the file as a whole)."""


def parse_scenarios(data: bytes) -> list[ScenarioText]:
    root = compose(data, ScenariosRejected)
    problems = Problems()
    if not isinstance(root, MappingNode):
        problems.add(root, "ไฟล์ต้องเป็น mapping ที่มีช่อง scenarios", "the file must be a mapping with scenarios")
        raise ScenariosRejected(problems.found)
    top = fields_of(root, problems)
    for key, (key_node, _) in top.items():
        if key != "scenarios":
            problems.add(key_node, f"ไม่รู้จักช่อง {key}", f"unknown field {key}")
    items = top.get("scenarios", (None, None))[1]
    if not isinstance(items, SequenceNode) or not items.value:
        problems.add(items or root, "scenarios ต้องเป็นรายการที่ไม่ว่าง", "scenarios must be a non-empty list")
        raise ScenariosRejected(problems.found)
    out: list[ScenarioText] = []
    seen: set[str] = set()
    for node in items.value:
        scenario = _scenario(node, problems)
        if scenario is None:
            continue
        if scenario.kind in seen:
            problems.add(node, f"สถานการณ์ {scenario.kind} ซ้ำ", f"scenario {scenario.kind} twice")
        seen.add(scenario.kind)
        out.append(scenario)
    if problems.found:
        raise ScenariosRejected(sorted(problems.found, key=lambda p: p[0]))  # in the file's order
    return out


def _scenario(node: Node, problems: Problems) -> ScenarioText | None:
    if not isinstance(node, MappingNode):
        problems.add(node, "แต่ละสถานการณ์ต้องเป็น mapping", "each scenario must be a mapping")
        return None
    fields = fields_of(node, problems)
    for key, (key_node, _) in fields.items():
        if key not in SCENARIO_FIELDS:
            problems.add(key_node, f"ไม่รู้จักช่อง {key}", f"unknown field {key}")
    kind = text_of(fields, "kind", problems, node)
    if kind and kind not in KINDS:
        problems.add(
            fields["kind"][1],
            f"ไม่รู้จักสถานการณ์ {kind} (ใช้ {', '.join(KINDS)})",
            f"unknown kind {kind} (one of {', '.join(KINDS)})",
        )
    steps = _texts(fields, "steps", problems, node, required=True)
    contacts = _contacts(fields, problems, node)
    systems = _texts(fields, "systems", problems, node, required=False)
    return ScenarioText(
        kind=kind,
        title=text_of(fields, "title", problems, node, required=False) or KIND_TH.get(kind, kind),
        steps=tuple(text for text, _ in steps),
        contacts=tuple(contacts),
        alternate_site=text_of(fields, "alternate_site", problems, node, required=False),
        systems=tuple(systems),
        line=node.start_mark.line + 1,
    )


def _texts(
    fields: dict[str, tuple[Node, Node]], key: str, problems: Problems, parent: Node, *, required: bool
) -> list[tuple[str, int]]:
    if key not in fields:
        if required:
            problems.add(parent, f"ไม่มีช่อง {key}", f"{key} is missing")
        return []
    node = fields[key][1]
    if not isinstance(node, SequenceNode) or (required and not node.value):
        problems.add(node, f"{key} ต้องเป็นรายการที่ไม่ว่าง", f"{key} must be a non-empty list")
        return []
    out = []
    for item in node.value:
        if not isinstance(item, ScalarNode) or not str(item.value).strip():
            problems.add(item, f"แต่ละรายการของ {key} ต้องเป็นข้อความ", f"each item of {key} must be text")
            continue
        out.append((str(item.value).strip(), item.start_mark.line + 1))
    return out


def _contacts(fields: dict[str, tuple[Node, Node]], problems: Problems, parent: Node) -> list[dict]:
    if "contacts" not in fields:
        problems.add(parent, "ไม่มีช่อง contacts", "contacts is missing")
        return []
    node = fields["contacts"][1]
    if not isinstance(node, SequenceNode) or not node.value:
        problems.add(node, "contacts ต้องเป็นรายการที่ไม่ว่าง", "contacts must be a non-empty list")
        return []
    out = []
    for item in node.value:
        if not isinstance(item, MappingNode):
            problems.add(item, "ผู้ติดต่อแต่ละรายต้องเป็น mapping", "each contact must be a mapping")
            continue
        contact = fields_of(item, problems)
        for key, (key_node, _) in contact.items():
            if key not in CONTACT_FIELDS:
                problems.add(key_node, f"ไม่รู้จักช่อง {key}", f"unknown field {key}")
        values = {k: text_of(contact, k, problems, item, required=False) for k in ("name", "role", "phone")}
        if not values["name"] and not values["role"]:
            problems.add(item, "ผู้ติดต่อต้องมีชื่อหรือบทบาท", "a contact needs a name or a role")
        out.append(values)
    return out
