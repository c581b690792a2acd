"""The government website standard's checklist as data (``checklists/gov-website-th.yaml`` is the
default), and its evaluation over a home page's HTML. Pure: no Django.

A checklist file::

    version: gov-website-th-2566.1          # recorded with every check
    items:
      - id: contact                         # a-z, 0-9 and '-', unique
        title_th: ข้อมูลการติดต่อหน่วยงาน
        title_en: Contact information
        look_for:                           # at least one non-empty list
          link_text: [ติดต่อเรา, contact]     # a link's text, title, aria-label or image alt holds one
          href: [contact]                   # a link's address holds one, at the start of a word
          heading: [ติดต่อเรา]               # an h1–h6 holds one
          page_text: [โทรศัพท์]              # the page's text holds one

The file is validated whole; every problem is named by its line and nothing is returned while one
remains. Matching ignores case and runs of white space; addresses are read percent-decoded, so a Thai
word in a URL matches too. An item is judged by the first of link text, address, heading and page text
that matches (``where``: the link's absolute address, the heading's text or the phrase found).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin

import lxml.html  # type: ignore[import-untyped]
from lxml import etree
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lakthan.lib.yaml_problems import Problems, Rejected, compose, fields_of

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "checklists" / "gov-website-th.yaml"
KINDS = ("link_text", "href", "heading", "page_text")
ITEM_FIELDS = {"id", "title_th", "title_en", "look_for"}
TOP_FIELDS = {"version", "items"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Item:
    id: str
    title_th: str
    title_en: str
    look_for: dict[str, tuple[str, ...]]  # kind → normalised phrases
    line: int


@dataclass(frozen=True)
class Checklist:
    version: str
    items: tuple[Item, ...]
    sha256: str  # of the file's bytes

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)


class ChecklistRejected(Rejected):
    """Every problem of the file, each with its line (0: the file as a whole)."""


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def load_default() -> Checklist:
    return parse_checklist(DEFAULT_PATH.read_bytes())


def parse_checklist(data: bytes) -> Checklist:
    """The checklist, or ChecklistRejected naming every problem by its line."""
    root = compose(data, ChecklistRejected)
    problems = Problems()
    if not isinstance(root, MappingNode):
        problems.add(
            root,
            "ไฟล์ต้องเป็น mapping ที่มีช่อง version และ items",
            "the file must be a mapping with version and items",
        )
        raise ChecklistRejected(problems.found)
    top = fields_of(root, problems)
    for key, (key_node, _) in top.items():
        if key not in TOP_FIELDS:
            problems.add(key_node, f"ไม่รู้จักช่อง {key}", f"unknown field {key}")
    version = _scalar(top, "version", problems, root)
    items_node = top.get("items", (None, None))[1]
    items: list[Item] = []
    if not isinstance(items_node, SequenceNode) or not items_node.value:
        problems.add(items_node or root, "items ต้องเป็นรายการที่ไม่ว่าง", "items must be a non-empty list")
    else:
        seen: set[str] = set()
        for node in items_node.value:
            item = _item(node, problems)
            if item is None:
                continue
            if item.id in seen:
                problems.add(node, f"รายการ {item.id} ซ้ำ", f"item {item.id} twice")
            seen.add(item.id)
            items.append(item)
    if problems.found:
        raise ChecklistRejected(sorted(problems.found, key=lambda p: p[0]))
    return Checklist(version=version, items=tuple(items), sha256=hashlib.sha256(data).hexdigest())


def _scalar(fields: dict[str, tuple[Node, Node]], key: str, problems: Problems, parent: Node) -> str:
    if key not in fields:
        problems.add(parent, f"ไม่มีช่อง {key}", f"{key} is missing")
        return ""
    node = fields[key][1]
    if not isinstance(node, ScalarNode) or not str(node.value).strip():
        problems.add(node, f"{key} ต้องเป็นข้อความที่ไม่ว่าง", f"{key} must be non-empty text")
        return ""
    return str(node.value).strip()


def _item(node: Node, problems: Problems) -> Item | None:
    if not isinstance(node, MappingNode):
        problems.add(node, "แต่ละรายการต้องเป็น mapping", "each item must be a mapping")
        return None
    fields = fields_of(node, problems)
    for key, (key_node, _) in fields.items():
        if key not in ITEM_FIELDS:
            problems.add(key_node, f"ไม่รู้จักช่อง {key}", f"unknown field {key}")
    item_id = _scalar(fields, "id", problems, node)
    if item_id and not _ID.match(item_id):
        problems.add(
            fields["id"][1],
            f"id '{item_id}' ต้องเป็น a-z 0-9 และ - (ไม่เกิน 40 ตัว)",
            f"id '{item_id}' must be a-z, 0-9 and - (at most 40)",
        )
    title_th = _scalar(fields, "title_th", problems, node)
    title_en = _scalar(fields, "title_en", problems, node)
    look_for: dict[str, tuple[str, ...]] = {}
    if "look_for" not in fields:
        problems.add(node, "ไม่มีช่อง look_for", "look_for is missing")
    elif not isinstance(fields["look_for"][1], MappingNode):
        problems.add(fields["look_for"][1], "look_for ต้องเป็น mapping", "look_for must be a mapping")
    else:
        look = fields_of(fields["look_for"][1], problems)
        for kind, (key_node, value) in look.items():
            if kind not in KINDS:
                problems.add(
                    key_node,
                    f"ไม่รู้จัก {kind} (ใช้ {', '.join(KINDS)})",
                    f"unknown {kind} (one of {', '.join(KINDS)})",
                )
                continue
            if not isinstance(value, SequenceNode):
                problems.add(value, f"{kind} ต้องเป็นรายการข้อความ", f"{kind} must be a list of texts")
                continue
            phrases = []
            for entry in value.value:
                if not isinstance(entry, ScalarNode) or not normalise(str(entry.value)):
                    problems.add(
                        entry, f"แต่ละรายการของ {kind} ต้องเป็นข้อความ", f"each entry of {kind} must be text"
                    )
                    continue
                phrases.append(normalise(str(entry.value)))
            if phrases:
                look_for[kind] = tuple(phrases)
        if not look_for:
            problems.add(
                fields["look_for"][1], "look_for ต้องมีคำค้นอย่างน้อยหนึ่งคำ", "look_for needs at least one phrase"
            )
    return Item(item_id, title_th, title_en, look_for, node.start_mark.line + 1)


# --- evaluation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    text: str  # normalised: text, title, aria-label, image alt
    href: str  # normalised, percent-decoded
    absolute: str  # for "where"


def _page(html: bytes | str, base_url: str) -> tuple[list[_Link], list[str], str]:
    """The page's links, heading texts (as written) and whole text (normalised)."""
    if isinstance(html, str):
        html = html.encode("utf-8")
    if not html.strip():
        return [], [], ""
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return [], [], ""
    etree.strip_elements(doc, "script", "style", "noscript", "template", with_tail=False)
    links = []
    for a in doc.iter("a"):
        parts = [a.text_content(), a.get("title") or "", a.get("aria-label") or ""]
        parts += [img.get("alt") or "" for img in a.iter("img")]
        href = (a.get("href") or "").strip()
        links.append(
            _Link(
                normalise(" ".join(parts)), normalise(unquote(href)), urljoin(base_url, href) if href else ""
            )
        )
    headings = [
        _SPACE.sub(" ", h.text_content()).strip() for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")
    ]
    return links, headings, normalise(doc.text_content())


def _href_has(href: str, word: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(word)}", href) is not None


def evaluate(checklist: Checklist, html: bytes | str, base_url: str = "") -> dict[str, dict]:
    """``{item id: {"found": bool, "where": href or text}}`` for every item, in the checklist's order."""
    links, headings, text = _page(html, base_url)
    out: dict[str, dict] = {}
    for item in checklist.items:
        out[item.id] = _judge(item, links, headings, text)
    return out


def _judge(item: Item, links: list[_Link], headings: list[str], text: str) -> dict:
    for phrase in item.look_for.get("link_text", ()):
        for link in links:
            if phrase in link.text:
                return {"found": True, "where": link.absolute or link.text[:200]}
    for word in item.look_for.get("href", ()):
        for link in links:
            if link.href and _href_has(link.href, word):
                return {"found": True, "where": link.absolute}
    for phrase in item.look_for.get("heading", ()):
        for heading in headings:
            if phrase in normalise(heading):
                return {"found": True, "where": heading[:200]}
    for phrase in item.look_for.get("page_text", ()):
        if phrase in text:
            return {"found": True, "where": phrase}
    return {"found": False, "where": ""}


def missing(result: dict[str, dict]) -> list[str]:
    return [item_id for item_id, r in result.items() if not r.get("found")]
