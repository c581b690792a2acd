"""A forest given as items with parent links, in the order a tree is read."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def depth_first(
    items: Iterable[T],
    key: Callable[[T], Hashable],
    parent: Callable[[T], Hashable | None],
    order: Callable[[T], Any],
) -> list[tuple[int, T]]:
    """Every item reachable from a root (no parent) with its depth, parents before children, siblings
    by `order`."""
    children: dict[Hashable | None, list[T]] = {}
    for item in items:
        children.setdefault(parent(item), []).append(item)
    out: list[tuple[int, T]] = []

    def walk(parent_key: Hashable | None, depth: int) -> None:
        for item in sorted(children.get(parent_key, []), key=order):
            out.append((depth, item))
            walk(key(item), depth + 1)

    walk(None, 0)
    return out
