"""The scoring and rounding rules of the five-level scale: written here once, used everywhere.

Three kinds of scheme, as in the OPDC performance agreements:

- ``count``: the number of items achieved against five thresholds (9.2: 1, 2, 3, 4, 5 items);
  the score is the highest level whose threshold is reached, 0 below the first.
- ``milestone``: level k is reached when the steps of levels 1..k are all done; the score is the
  highest such k, 0 when level 1 is not done.
- ``linear``: a measured value interpolated between the five level thresholds, higher- or
  lower-is-better, clamped to 1..5 and quantized to 4 decimals.

Scores are ``Decimal``; rounding is always half-up (ROUND_HALF_UP), never the banker's rounding that
``Decimal`` does by default. Weighted scores have 2 decimals, interpolated scores 4.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

KINDS = ("count", "milestone", "linear")
DIRECTIONS = ("higher", "lower")
LEVELS = 5
MIN_SCORE, MAX_SCORE = Decimal(1), Decimal(LEVELS)
SCORE_PLACES = Decimal("0.0001")
WEIGHTED_PLACES = Decimal("0.01")


class SchemeError(ValueError):
    """An invalid scheme or input. ``field`` names the scheme field at fault ('kind', 'thresholds',
    'direction') or is '' for a bad argument, and ``index`` the offending threshold, if any, so the
    library loader can point at the right line."""

    def __init__(self, message: str, field: str = "", index: int | None = None):
        super().__init__(message)
        self.field = field
        self.index = index


def to_decimal(value: object, what: str = "value") -> Decimal:
    """A finite Decimal from a Decimal, int or numeric string (floats via their shortest repr)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise SchemeError(f"{what} must be a number, not {value!r}")
    try:
        result = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise SchemeError(f"{what} must be a number, not {value!r}") from None
    if not result.is_finite():
        raise SchemeError(f"{what} must be a finite number, not {value!r}")
    return result


@dataclass(frozen=True)
class Scheme:
    kind: str
    thresholds: tuple[Decimal, ...] = ()
    direction: str = "higher"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise SchemeError(f"scheme kind must be one of {', '.join(KINDS)}, not {self.kind!r}", "kind")
        if self.direction not in DIRECTIONS:
            raise SchemeError(f"direction must be 'higher' or 'lower', not {self.direction!r}", "direction")
        if self.kind != "linear" and self.direction != "higher":
            raise SchemeError(f"direction applies only to linear schemes, not to {self.kind}", "direction")
        values: list[Decimal] = []
        for i, t in enumerate(self.thresholds):
            try:
                values.append(to_decimal(t, "a threshold"))
            except SchemeError as exc:
                raise SchemeError(str(exc), "thresholds", i) from None
        object.__setattr__(self, "thresholds", tuple(values))
        if self.kind == "milestone":
            if values:
                raise SchemeError(
                    "a milestone scheme has no thresholds: its levels are the criteria's levels", "thresholds"
                )
            return
        if len(values) != LEVELS:
            raise SchemeError(
                f"a {self.kind} scheme needs exactly {LEVELS} thresholds (levels 1-5), got {len(values)}",
                "thresholds",
            )
        for i, t in enumerate(values):
            if self.kind == "count" and (t < 0 or t != t.to_integral_value()):
                raise SchemeError(
                    f"count thresholds are whole numbers of items, 0 or more, not {t}", "thresholds", i
                )
        increasing = self.kind == "count" or self.direction == "higher"
        for i, (a, b) in enumerate(zip(values, values[1:], strict=False), start=1):
            if (a >= b) if increasing else (a <= b):
                order = "increasing" if increasing else "decreasing (lower is better)"
                raise SchemeError(
                    f"thresholds must be strictly {order}: level {i} is {a}, level {i + 1} is {b}",
                    "thresholds",
                    i,
                )

    def to_dict(self) -> dict:
        """JSON-safe form (thresholds as strings, so no precision is lost)."""
        return {
            "kind": self.kind,
            "thresholds": [str(t) for t in self.thresholds],
            "direction": self.direction,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Scheme:
        return cls(
            kind=data["kind"],
            thresholds=tuple(data.get("thresholds", ())),
            direction=data.get("direction", "higher"),
        )


def _expect(scheme: Scheme, kind: str) -> None:
    if scheme.kind != kind:
        raise SchemeError(f"this is a {scheme.kind} scheme, not {kind}")


def _count_arg(items_met: object) -> int:
    if isinstance(items_met, bool) or not isinstance(items_met, int) or items_met < 0:
        raise SchemeError(f"items_met must be a whole number, 0 or more, not {items_met!r}")
    return items_met


def score_count(scheme: Scheme, items_met: int) -> Decimal:
    _expect(scheme, "count")
    items = _count_arg(items_met)
    return Decimal(sum(1 for t in scheme.thresholds if items >= t))


def _done_levels(levels_done: Mapping[int, bool] | Iterable[int]) -> set[int]:
    if isinstance(levels_done, Mapping):
        levels = {level for level, done in levels_done.items() if done}
        keys = set(levels_done)
    else:
        levels = keys = set(levels_done)
    for level in keys:
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= LEVELS:
            raise SchemeError(f"milestone levels are 1-{LEVELS}, not {level!r}")
    return levels


def score_milestone(levels_done: Mapping[int, bool] | Iterable[int]) -> Decimal:
    """``levels_done``: {level: all its steps done} or the set of levels whose steps are all done."""
    done = _done_levels(levels_done)
    reached = 0
    while reached + 1 in done:
        reached += 1
    return Decimal(reached)


def levels_done_from_steps(steps: Iterable[tuple[int, bool]]) -> dict[int, bool]:
    """(level, step done) pairs -> {level: every step of that level done}. A level without steps is absent."""
    out: dict[int, bool] = {}
    for level, done in steps:
        out[level] = out.get(level, True) and bool(done)
    return out


def score_linear(scheme: Scheme, value: Decimal | int | str) -> Decimal:
    _expect(scheme, "linear")
    x = to_decimal(value)
    t = scheme.thresholds
    if scheme.direction == "lower":  # mirror, so the rest is written once for higher-is-better
        x, t = -x, tuple(-v for v in t)
    with localcontext() as ctx:
        ctx.prec = 34
        if x <= t[0]:
            raw = MIN_SCORE
        elif x >= t[-1]:
            raw = MAX_SCORE
        else:
            i = max(k for k in range(LEVELS) if t[k] <= x)
            raw = Decimal(i + 1) + (x - t[i]) / (t[i + 1] - t[i])
        return raw.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def score(
    scheme: Scheme,
    *,
    items_met: int | None = None,
    levels_done: Mapping[int, bool] | Iterable[int] | None = None,
    value: Decimal | int | str | None = None,
) -> Decimal:
    """Dispatch on the scheme's kind; exactly the matching argument must be given."""
    given = {"items_met": items_met, "levels_done": levels_done, "value": value}
    needed = {"count": "items_met", "milestone": "levels_done", "linear": "value"}[scheme.kind]
    extra = [k for k, v in given.items() if v is not None and k != needed]
    if not extra:
        if scheme.kind == "count" and items_met is not None:
            return score_count(scheme, items_met)
        if scheme.kind == "milestone" and levels_done is not None:
            return score_milestone(levels_done)
        if scheme.kind == "linear" and value is not None:
            return score_linear(scheme, value)
    raise SchemeError(f"a {scheme.kind} scheme is scored from {needed} only")


def weighted_score(score: Decimal | int | str, weight: Decimal | int | str) -> Decimal:
    """score × weight / 100, 2 decimals half-up: 5 × 3 / 100 = 0.15 (the seed's ๐.๑๕)."""
    s, w = to_decimal(score, "score"), to_decimal(weight, "weight")
    if s < 0 or w < 0:
        raise SchemeError("score and weight cannot be negative")
    return (s * w / 100).quantize(WEIGHTED_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LevelGap:
    """What is missing to reach ``next_level``. Exactly one of the last three fields is set."""

    next_level: int
    items_more: int | None = None  # count: items still to achieve
    value_needed: Decimal | None = (
        None  # linear: the value to reach (at least, or at most if lower is better)
    )
    direction: str = "higher"
    level_to_complete: int | None = None  # milestone: the level whose steps are not all done

    @property
    def message_th(self) -> str:
        if self.items_more is not None:
            return f"ต้องทำเพิ่มอีก {self.items_more} ข้อ เพื่อให้ได้ระดับ {self.next_level}"
        if self.value_needed is not None:
            bound = "ไม่น้อยกว่า" if self.direction == "higher" else "ไม่เกิน"
            return f"ผลการดำเนินงานต้อง{bound} {self.value_needed} เพื่อให้ได้ระดับ {self.next_level}"
        return f"ต้องดำเนินการขั้นตอนของระดับ {self.level_to_complete} ให้ครบ เพื่อให้ได้ระดับ {self.next_level}"

    @property
    def message_en(self) -> str:
        if self.items_more is not None:
            return f"{self.items_more} more item(s) to reach level {self.next_level}"
        if self.value_needed is not None:
            bound = "at least" if self.direction == "higher" else "at most"
            return f"a value of {bound} {self.value_needed} reaches level {self.next_level}"
        return f"complete every step of level {self.level_to_complete} to reach level {self.next_level}"

    def __str__(self) -> str:
        return self.message_th


def next_level_gap(
    scheme: Scheme,
    *,
    items_met: int | None = None,
    levels_done: Mapping[int, bool] | Iterable[int] | None = None,
    value: Decimal | int | str | None = None,
) -> LevelGap | None:
    """What is missing for the next whole level above the current score; None at level 5."""
    current = score(scheme, items_met=items_met, levels_done=levels_done, value=value)
    next_level = int(current.to_integral_value(rounding=ROUND_FLOOR)) + 1
    if next_level > LEVELS:
        return None
    if scheme.kind == "count" and items_met is not None:  # score() has refused a count without it
        return LevelGap(next_level, items_more=int(scheme.thresholds[next_level - 1]) - items_met)
    if scheme.kind == "milestone":
        return LevelGap(next_level, level_to_complete=next_level)
    return LevelGap(next_level, value_needed=scheme.thresholds[next_level - 1], direction=scheme.direction)
