"""Where two sequences of leaf hashes differ: the events of a segment as sealed and as found, each
difference named altered, removed, inserted or reordered at its position. Pure; verification
(``pipeline.verify``) reports what it finds."""

from __future__ import annotations

import bisect
import difflib
from collections import deque

# Differences between two leaf sequences longer than this (after their common ends) are aligned by a
# longest increasing subsequence, O(n log n), instead of difflib, whose time grows with the square
# of the length on shuffled rows (81 s for one shuffled segment of 200,000 events).
DIFFLIB_LIMIT = 2_000


def locate(expected: list[bytes], actual: list[bytes]) -> list[tuple[int, str]]:
    """Where two leaf sequences differ: (position, kind). Positions of removed/altered/reordered events
    are in the sealed order; positions of inserted events are in the file as found."""
    if expected == actual:
        return []
    lo = 0
    while lo < min(len(expected), len(actual)) and expected[lo] == actual[lo]:
        lo += 1
    hi = 0
    while hi < min(len(expected), len(actual)) - lo and expected[-1 - hi] == actual[-1 - hi]:
        hi += 1
    exp_mid, act_mid = expected[lo : len(expected) - hi], actual[lo : len(actual) - hi]
    if max(len(exp_mid), len(act_mid)) <= DIFFLIB_LIMIT:
        found = _locate_difflib(exp_mid, act_mid)
    else:
        found = _locate_by_subsequence(exp_mid, act_mid)
    return [(position + lo, kind) for position, kind in found]


def _locate_difflib(expected: list[bytes], actual: list[bytes]) -> list[tuple[int, str]]:
    in_expected, in_actual = set(expected), set(actual)
    out: list[tuple[int, str]] = []
    ops = difflib.SequenceMatcher(None, expected, actual, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                moved = actual[j1 + k] in in_expected and expected[i1 + k] in in_actual
                out.append((i1 + k, "reordered" if moved else "altered"))
            continue
        for i in range(i1, i2):
            out.append((i, "reordered" if expected[i] in in_actual else "removed"))
        for j in range(j1, j2):
            if actual[j] not in in_expected:
                out.append((j, "inserted"))
    seen, unique = set(), []
    for item in out:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return unique


def _locate_by_subsequence(expected: list[bytes], actual: list[bytes]) -> list[tuple[int, str]]:
    """Each sealed event is matched to an equal one in the file (in order, for repeated events); the
    longest run of matches in the sealed order stands still, every other match was reordered; an
    unmatched sealed event is removed, or altered where an unmatched event of the file sits at the
    same position; the file's other unmatched events are inserted."""
    positions: dict[bytes, deque[int]] = {}
    for j, leaf in enumerate(actual):
        positions.setdefault(leaf, deque()).append(j)
    pairs: list[tuple[int, int]] = []
    unmatched: list[int] = []
    for i, leaf in enumerate(expected):
        queue = positions.get(leaf)
        if queue:
            pairs.append((i, queue.popleft()))
        else:
            unmatched.append(i)
    matched_in_file = {j for _, j in pairs}
    extra = {j for j in range(len(actual)) if j not in matched_in_file}
    still = _increasing_run([j for _, j in pairs])
    out = [(i, "reordered") for k, (i, _) in enumerate(pairs) if k not in still]
    placed = dict(pairs)
    for i in unmatched:
        # the file's event between the matches of this event's neighbours took its place: altered
        beside = [placed[i - 1] + 1] if i - 1 in placed else []
        beside += [placed[i + 1] - 1] if i + 1 in placed else []
        spot = next((j for j in [*beside, i] if j in extra), None)
        if spot is not None:
            extra.discard(spot)
            out.append((i, "altered"))
        else:
            out.append((i, "removed"))
    out += [(j, "inserted") for j in sorted(extra)]
    return sorted(out)


def _increasing_run(values: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence of ``values`` (patience sorting)."""
    tails: list[int] = []  # tails[k]: index of the smallest tail of an increasing run of length k+1
    before = [-1] * len(values)
    tail_values: list[int] = []
    for k, v in enumerate(values):
        at = bisect.bisect_left(tail_values, v)
        if at:
            before[k] = tails[at - 1]
        if at == len(tails):
            tails.append(k)
            tail_values.append(v)
        else:
            tails[at], tail_values[at] = k, v
    run, k = set(), tails[-1] if tails else -1
    while k != -1:
        run.add(k)
        k = before[k]
    return run
