"""YAML files that an agency writes and Lakthan refuses whole, naming every problem by its line (the
risk matrix, the crisis scenarios, the websites' checklist). No Django.

``compose`` reads the file into nodes (which keep their lines) or raises the caller's ``Rejected``
for a file that is not UTF-8 or not YAML; ``Problems`` collects what the caller finds wrong, each
with the line of the node it is about; ``Rejected`` carries them all, in Thai and in English.
``fields_of`` and ``text_of`` read a mapping's fields and a text field, naming what is wrong."""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode


class Rejected(Exception):
    def __init__(self, problems: list[tuple[int, str, str]]):
        super().__init__("; ".join(en for _, _, en in problems))
        self.problems = problems  # (line, Thai, English); line 0: the file as a whole

    @property
    def message_th(self) -> str:
        return "; ".join(th for _, th, _ in self.problems)

    @property
    def message_en(self) -> str:
        return "; ".join(en for _, _, en in self.problems)


class Problems:
    def __init__(self) -> None:
        self.found: list[tuple[int, str, str]] = []

    def add(self, node: Node | None, th: str, en: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 0
        prefix_th, prefix_en = (f"บรรทัด {line}: ", f"line {line}: ") if line else ("", "")
        self.found.append((line, prefix_th + th, prefix_en + en))


def compose(data: bytes, rejected: type[Rejected]) -> Node | None:
    """The file's nodes; ``rejected`` raised for a file that is not UTF-8 or not YAML."""
    try:
        return yaml.compose(data.decode("utf-8-sig"), Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        raise rejected([(0, "ไฟล์ไม่ใช่ UTF-8", "the file is not UTF-8")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise rejected([(line, f"บรรทัด {line}: YAML ไม่ถูกต้อง", f"line {line}: bad YAML")]) from None


def fields_of(node: MappingNode, problems: Problems) -> dict[str, tuple[Node, Node]]:
    """A mapping's fields by name (key node, value node); a name that is not text, or given twice,
    is a problem."""
    out: dict[str, tuple[Node, Node]] = {}
    for key, value in node.value:
        if not isinstance(key, ScalarNode):
            problems.add(key, "ชื่อช่องต้องเป็นข้อความ", "a field name must be text")
            continue
        if str(key.value) in out:
            problems.add(key, f"ช่อง {key.value} ซ้ำ", f"field {key.value} twice")
        out[str(key.value)] = (key, value)
    return out


def text_of(
    fields: dict[str, tuple[Node, Node]], key: str, problems: Problems, parent: Node, *, required: bool = True
) -> str:
    """The field's text, stripped; "" (and a problem, unless it may be missing) otherwise."""
    if key not in fields:
        if required:
            problems.add(parent, f"ไม่มีช่อง {key}", f"{key} is missing")
        return ""
    node = fields[key][1]
    if not isinstance(node, ScalarNode) or not str(node.value).strip():
        problems.add(node, f"{key} ต้องเป็นข้อความ", f"{key} must be text")
        return ""
    return str(node.value).strip()
