"""A rule's regular expression, as polars (Rust's regex crate) reads it, spelled for java.util.regex
(Spark's ``rlike``) so that both find a match in the same values (no Django).

The pattern is parsed (with Python's own parser: Sigma accepted it there, polars in Rust) and written
out again with nothing left to either engine's defaults where the two differ:

- a character is written by its code point, ``\\x{…}``;
- ``.`` is any character but ``\\n`` (``(?s)``: any), as in Rust; Java's also stops at ``\\r``, U+2028 …;
- ``^``/``$`` are the ends of the text (``(?m)``: also either side of ``\\n``); Java's ``$`` also
  matches before a final line break;
- ``\\d \\s \\w \\b`` are Unicode (Nd, White_Space, Rust's word characters), as in Rust; Java's are ASCII;
- case-insensitivity is Rust's simple case folding, written out as the characters of each case class
  (``k`` is ``[kK\\x{212A}]``): Java's own ``(?iu)`` also takes the dotted and dotless i for i.

What the two languages spell alike but read differently is refused with a reason, and the rule is
left out as a rule polars refuses is: classes with nested classes or set operations (``[[:alpha:]]``,
``&&``, ``--``, ``~~``: Rust's, literal in Python), a brace that is not a repetition, verbose mode,
``\\W`` inside a class, case-insensitive ranges beyond ASCII. Differences left: the Unicode version of
the two engines' tables (Java 17: Unicode 13) for ``\\d \\s \\w`` and case classes of newer characters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

import polars as pl


class Untranslatable(ValueError):
    pass


WORD = r"\p{IsAlphabetic}\p{M}\p{Nd}\p{Pc}\p{IsJoin_Control}"  # Rust's (Unicode) \w, inside a class
CATEGORIES = {
    C.CATEGORY_DIGIT: r"\p{Nd}",
    C.CATEGORY_NOT_DIGIT: r"\P{Nd}",
    C.CATEGORY_SPACE: r"\p{IsWhite_Space}",
    C.CATEGORY_NOT_SPACE: r"\P{IsWhite_Space}",
    C.CATEGORY_WORD: WORD,
}
BOUNDARY = rf"(?:(?<=[{WORD}])(?![{WORD}])|(?<![{WORD}])(?=[{WORD}]))"
NOT_BOUNDARY = rf"(?:(?<=[{WORD}])(?=[{WORD}])|(?<![{WORD}])(?![{WORD}]))"
REPETITION = re.compile(r"\{\d+(,\d*)?\}")


def java_regex(rx: str) -> str:
    """The Java spelling of ``rx`` (which polars accepts); Untranslatable when it cannot be the same."""
    _scan(rx)
    try:
        parsed = _parser.parse(rx, 0)
    except re.error as exc:
        raise Untranslatable(f"regular expression not supported: {exc}") from None
    flags = parsed.state.flags
    if flags & (re.VERBOSE | re.ASCII | re.LOCALE):
        raise Untranslatable("regular expression flags x, a, L are not supported")
    return _seq(parsed, flags)


def _scan(rx: str) -> None:
    """Refuses what Rust and Python parse differently: a class inside a class, a class set operation,
    a brace that is not a repetition."""
    i, in_class = 0, False
    while i < len(rx):
        c = rx[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "[" or rx[i : i + 2] in ("&&", "--", "~~"):
                raise Untranslatable(
                    "character classes inside classes or with set operations are not supported"
                )
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            i += 1
            if rx[i : i + 1] == "^":
                i += 1
            if rx[i : i + 1] == "]":
                i += 1
            continue
        elif c == "{" and not REPETITION.match(rx, i):
            raise Untranslatable("a brace that is not a repetition {n,m} is not supported; write \\{")
        i += 1


def _seq(items: list, flags: int) -> str:
    return "".join(_item(op, av, flags) for op, av in items)


def _item(op: object, av: object, flags: int) -> str:  # noqa: C901  (one case per node of the parse)
    folded = bool(flags & re.IGNORECASE)
    if op is C.LITERAL:
        assert isinstance(av, int)
        chars = _orbit(av) if folded else (av,)
        return _char(av) if len(chars) == 1 else "[" + "".join(_char(c) for c in chars) + "]"
    if op is C.NOT_LITERAL:
        assert isinstance(av, int)
        return "[^" + "".join(_char(c) for c in (_orbit(av) if folded else (av,))) + "]"
    if op is C.ANY:
        return "(?s:.)" if flags & re.DOTALL else "[^\\n]"
    if op is C.IN:
        assert isinstance(av, list)
        return _class(av, folded)
    if op is C.BRANCH:
        assert isinstance(av, tuple)
        return "(?:" + "|".join(_seq(alt, flags) for alt in av[1]) + ")"
    if op is C.SUBPATTERN:
        assert isinstance(av, tuple)
        _group, add, remove, sub = av
        if add & (re.VERBOSE | re.ASCII | re.LOCALE):
            raise Untranslatable("regular expression flags x, a, L are not supported")
        return "(?:" + _seq(sub, (flags | add) & ~remove) + ")"
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        assert isinstance(av, tuple)
        lo, hi, sub = av
        bound = f"{{{lo},}}" if hi is C.MAXREPEAT else f"{{{lo},{hi}}}"
        return "(?:" + _seq(sub, flags) + ")" + bound + ("?" if op is C.MIN_REPEAT else "")
    if op is C.AT:
        multiline = bool(flags & re.MULTILINE)
        at = {
            C.AT_BEGINNING: r"(?:\A|(?<=\n))" if multiline else r"\A",
            C.AT_END: r"(?:\z|(?=\n))" if multiline else r"\z",
            C.AT_BEGINNING_STRING: r"\A",
            C.AT_END_STRING: r"\z",
            C.AT_BOUNDARY: BOUNDARY,
            C.AT_NON_BOUNDARY: NOT_BOUNDARY,
        }
        if av in at:
            return at[av]
    raise Untranslatable(f"regular expression element {op} is not supported")


def _class(items: list, folded: bool) -> str:
    negate = bool(items) and items[0][0] is C.NEGATE
    items = items[1:] if negate else items
    if len(items) == 1 and items[0] == (C.CATEGORY, C.CATEGORY_NOT_WORD):
        return f"[{WORD}]" if negate else f"[^{WORD}]"
    body = []
    for op, av in items:
        if op is C.LITERAL:
            body += [_char(c) for c in (_orbit(av) if folded else (av,))]
        elif op is C.RANGE:
            lo, hi = av
            if folded and hi >= 128:
                raise Untranslatable("case-insensitive ranges beyond ASCII are not supported")
            if folded:
                body += [_char(c) for x in range(lo, hi + 1) for c in _orbit(x)]
            else:
                body.append(f"{_char(lo)}-{_char(hi)}")
        elif op is C.CATEGORY and av in CATEGORIES:
            body.append(CATEGORIES[av])
        else:
            raise Untranslatable(f"regular expression class element {op} {av} is not supported")
    return "[" + ("^" if negate else "") + "".join(body) + "]"


def _char(c: int) -> str:
    return f"\\x{{{c:X}}}"


def literal(text: str) -> str:
    """``text`` as a Java pattern matching exactly it."""
    return "".join(_char(ord(c)) for c in text)


# beyond their other case, the only characters of ASCII letters' case classes (a test asks polars)
ASCII_FOLDS = {ord("k"): (0x212A,), ord("s"): (0x17F,)}


def _orbit(c: int) -> tuple[int, ...]:
    """The characters Rust's case-insensitive matching takes for ``c`` (its simple case folding class)."""
    if c >= 128:
        return asked_orbit(c)
    ch = chr(c)
    if not ch.isalpha():
        return (c,)
    return tuple(sorted({ord(ch.lower()), ord(ch.upper()), *ASCII_FOLDS.get(ord(ch.lower()), ())}))


@lru_cache(maxsize=4096)
def asked_orbit(c: int) -> tuple[int, ...]:
    """``c``'s case class asked of polars itself: every character ``(?i)c`` matches."""
    matched = _every_character().str.contains(f"(?i)^\\x{{{c:X}}}$")
    return tuple(ord(x) for x in _every_character().filter(matched))


@lru_cache(maxsize=1)
def _every_character() -> pl.Series:
    return pl.Series([chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF], dtype=pl.Utf8)
