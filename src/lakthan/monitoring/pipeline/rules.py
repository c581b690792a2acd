"""Sigma rules, parsed with pySigma and compiled by us into vectorised polars matchers (no Django).

A rule becomes a logsource (the formats and services it applies to), needles (a necessary condition
made of literals that lower-cased columns must contain: the longest literal of every string that must
match) and the exact condition as a polars expression. The condition is walked once (``_Ctx``) through the
primitives of a dialect (dialects.py): polars for the local engine, Spark Columns for a hunt on Spark
(spark/rules.py), so the two engines cannot read a rule differently. Detection (``candidates``) narrows a batch to
the events of each rule's logsource that hold its needles, then confirms them with the exact condition;
``logsource & exact`` over ``add_derived(events, fields)`` is the same without the narrowing. Correlation
rules of type ``event_count`` (``group-by``, ``timespan``, condition) become sliding-window thresholds.
A rule that cannot be compiled is reported with its file and the reason; the others still load.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Generic

import polars as pl
import yaml
from sigma.collection import SigmaCollection
from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.correlations import SigmaCorrelationCondition, SigmaCorrelationRule, SigmaCorrelationType
from sigma.exceptions import SigmaError
from sigma.rule import SigmaLogSource, SigmaRule
from sigma.types import (
    Placeholder,
    SigmaBool,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExpansion,
    SigmaNull,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaString,
    SpecialChars,
)

from lakthan.monitoring.pipeline.compiled import (  # noqa: F401  (re-exported: the compiler's output)
    DERIVED,
    UNPARSED,
    AllOf,
    AnyOf,
    CompiledCorrelation,
    CompiledRule,
    Has,
    LogSource,
    Needles,
    RuleSet,
    fields_read,
    local_time,
    needle_list,
    shortest_cover,
)
from lakthan.monitoring.pipeline.dialects import ANY_ONE, ANY_RUN, POLARS, Dialect, E, Regex, Wildcard
from lakthan.monitoring.pipeline.javaregex import Untranslatable, java_regex
from lakthan.monitoring.pipeline.schema import SCHEMA

# Sigma's field names (web/proxy taxonomy, common Windows/Linux names) → our event schema.
FIELD_MAP = {
    "c-useragent": "useragent",
    "cs-user-agent": "useragent",
    "cs-method": "method",
    "c-uri": "uri",
    "c-uri-query": "uri",
    "cs-uri-query": "uri",
    "cs-uri-stem": "uri",
    "c-uri-extension": "uri_ext",
    "cs-host": "vhost",
    "c-ip": "src_ip",
    "src_ip": "src_ip",
    "SourceIp": "src_ip",
    "IpAddress": "src_ip",
    "sc-status": "status",
    "User": "user",
    "TargetUserName": "user",
    "username": "user",
    "Hostname": "host",
    "ComputerName": "host",
    "hostname": "host",
    "message": "msg",
    "Message": "msg",
    "program": "app",
    "service": "app",
    "event": "action",
}
STRING_FIELDS = {c for c, t in SCHEMA.items() if t == pl.Utf8} | {"office_hours", "weekday"}
NUMERIC_FIELDS = {c for c, t in SCHEMA.items() if t == pl.Int64} | {"hour"}

# our sources → Sigma logsources. Linux syslog is product linux with the program as service; web
# access logs are category webserver (Sigma's proxy rules are applied to them too: a reverse proxy's
# access log carries the same fields); JSON audit events are category application.
AUTH_APPS = frozenset(
    {
        "sshd",
        "sudo",
        "su",
        "login",
        "useradd",
        "usermod",
        "userdel",
        "groupadd",
        "gpasswd",
        "passwd",
        "systemd-logind",
    }
)
CATEGORY_ALIASES = {"proxy": "webserver"}
SYSLOG_FORMATS = frozenset({"syslog3164", "syslog5424"})
CATEGORY_FORMATS = {"webserver": frozenset({"nginx", "apache"}), "application": frozenset({"jsonl"})}
# formats whose ``app`` names a Sigma service
SERVICE_FORMATS = SYSLOG_FORMATS | {"nginx", "apache", "nginx-error", "apache-error"}


class Unsupported(ValueError):
    pass


def compile_texts(
    sources: list[tuple[str, str]], placeholders: dict[str, list[str]] | None = None
) -> RuleSet:
    """Compiles (path, YAML text) pairs. Errors are collected per file, never raised."""
    out = RuleSet()
    collections = []
    for path, text in sources:
        try:
            coll = SigmaCollection.from_yaml(text, collect_errors=True, resolve_references=False)
        except (SigmaError, ValueError, yaml.YAMLError) as exc:
            out.errors.append((path, _reason(exc)))
            continue
        if coll.errors:
            out.errors.append((path, "; ".join(_reason(e) for e in coll.errors)))
            continue
        collections.append((path, coll))
    everything = SigmaCollection([r for _, c in collections for r in c.rules], resolve_references=False)
    for rule in everything.rules:
        if isinstance(rule, SigmaCorrelationRule):
            try:
                rule.resolve_rule_references(everything)
            except SigmaError:
                pass  # reported below as a correlation referring to rules not loaded
    referenced: set[str] = set()
    for path, coll in collections:
        for rule in coll.rules:
            if isinstance(rule, SigmaCorrelationRule):
                try:
                    corr = _compile_correlation(rule, path)
                    out.correlations.append(corr)
                    referenced |= set(corr.rules)
                except (Unsupported, SigmaError) as exc:
                    out.errors.append((path, _reason(exc)))
                continue
            try:
                out.rules.append(_compile_rule(rule, path, placeholders or {}))
            except (Unsupported, Untranslatable, SigmaError, re.error) as exc:
                out.errors.append((path, _reason(exc)))
    known = {r.id for r in out.rules}
    for corr in list(out.correlations):
        missing = [r for r in corr.rules if r not in known]
        if missing:
            out.correlations.remove(corr)
            out.errors.append((corr.path, f"correlation refers to rules not loaded: {', '.join(missing)}"))
    for r in out.rules:
        if r.id in referenced:
            r.hidden = True
    return out


def _reason(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _compile_correlation(rule: SigmaCorrelationRule, path: str) -> CompiledCorrelation:
    if rule.type != SigmaCorrelationType.EVENT_COUNT:
        raise Unsupported(f"correlation type {rule.type.name.lower()} is not supported (only event_count)")
    cond = rule.condition
    if not isinstance(cond, SigmaCorrelationCondition):
        raise Unsupported("extended correlation conditions are not supported (only a count with gte or gt)")
    op = cond.op.name.lower()
    if op not in ("gte", "gt"):
        raise Unsupported(f"correlation condition {op} is not supported (only gte, gt)")
    rule_ids = []
    for ref in rule.rules or []:
        target = getattr(ref, "rule", None)
        rule_ids.append(str(target.id) if target is not None and target.id else str(ref.reference))
    group_by = [_field(f) for f in (rule.group_by or [])]
    return CompiledCorrelation(
        id=str(rule.id or rule.name or rule.title),
        title=rule.title,
        level=str(rule.level.name.lower()) if rule.level else "medium",
        path=path,
        rules=rule_ids,
        group_by=group_by,
        timespan=int(rule.timespan.seconds),
        op=op,
        threshold=int(cond.count),
    )


def _field(name: str) -> str:
    mapped = FIELD_MAP.get(name, name)
    if mapped not in SCHEMA and mapped not in DERIVED:
        raise Unsupported(f"field '{name}' has no mapping to our event schema")
    return mapped


def _compile_rule(rule: SigmaRule, path: str, placeholders: dict[str, list[str]]) -> CompiledRule:
    if not rule.id:
        raise Unsupported("rule has no id")
    source = _logsource(rule.logsource)
    ctx = _Ctx(POLARS, placeholders)
    trees = tuple(c.parse() for c in rule.detection.parsed_condition)
    exact = ctx.condition(trees)
    pre = [ctx.pre(t) for t in trees]
    return CompiledRule(
        id=str(rule.id),
        title=rule.title,
        level=rule.level.name.lower() if rule.level else "medium",
        path=path,
        source=source,
        needles=_either(pre),
        exact=exact,
        fields=ctx.fields,
        trees=trees,
        placeholders=placeholders,
    )


def _logsource(ls: SigmaLogSource) -> LogSource:
    formats = services = None
    if ls.product:
        if ls.product.lower() != "linux":
            raise Unsupported(f"no source of ours maps to logsource product '{ls.product}'")
        formats = SYSLOG_FORMATS
    if ls.category:
        category = CATEGORY_ALIASES.get(ls.category.lower(), ls.category.lower())
        formats = _meet(formats, CATEGORY_FORMATS.get(category, frozenset()))
    if ls.service:
        service = ls.service.lower()
        if service != "syslog":
            services = AUTH_APPS if service == "auth" else frozenset({service})
            formats = _meet(formats, SERVICE_FORMATS)
    return LogSource(formats, services)


def _meet(a: frozenset[str] | None, b: frozenset[str]) -> frozenset[str]:
    return b if a is None else a & b


def add_derived(df: pl.DataFrame, fields: set[str], tz: str = "Asia/Bangkok") -> pl.DataFrame:
    """The columns compiled rules read beyond the schema, for every event: the local-time fields among
    ``fields`` and a lower-cased ``_lc_`` copy of each of ``fields``."""
    df = df.with_columns(local_time(fields, pl.col("ts"), tz))
    return df.with_columns(
        pl.col(f).cast(pl.Utf8).str.to_lowercase().alias(f"_lc_{f}") for f in sorted(fields)
    )


def _all_of(parts: list[Needles]) -> Needles | None:
    return None if not parts else parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _any_of(parts: list[Needles]) -> Needles | None:
    return None if not parts else parts[0] if len(parts) == 1 else AnyOf(tuple(parts))


def _either(parts: list[Needles | None]) -> Needles | None:
    """The needles of alternatives: none (nothing narrows) as soon as one alternative has none."""
    known = [p for p in parts if p is not None]
    return _any_of(known) if len(known) == len(parts) else None


class _Ctx(Generic[E]):
    """The walk of a rule's condition, written once; ``d`` makes each primitive an expression."""

    def __init__(self, d: Dialect[E], placeholders: dict[str, list[str]]) -> None:
        self.d = d
        self.placeholders = placeholders
        self.fields: set[str] = set()

    # exact condition -------------------------------------------------------------------------------
    def condition(self, trees: Sequence[object]) -> E:
        return self.d.any([self.exact(t) for t in trees]) if len(trees) > 1 else self.exact(trees[0])

    def exact(self, node: object) -> E:
        d = self.d
        if isinstance(node, ConditionAND):
            return d.all([self.exact(a) for a in node.args])
        if isinstance(node, ConditionOR):
            return d.any([self.exact(a) for a in node.args])
        if isinstance(node, ConditionNOT):
            return d.neg(d.known(self.exact(node.args[0])))
        if isinstance(node, ConditionFieldEqualsValueExpression):
            name = _field(node.field) if node.field else "msg"
            self.fields.add(name)
            return d.known(self.value(name, node.value, keyword=False))
        if isinstance(node, ConditionValueExpression):
            self.fields.add("msg")
            return d.known(self.value("msg", node.value, keyword=True))
        raise Unsupported(f"condition element {type(node).__name__} is not supported")

    def value(self, name: str, v: object, keyword: bool) -> E:
        d = self.d
        if isinstance(v, SigmaExpansion):
            return d.any([self.value(name, x, keyword) for x in v.values])
        if isinstance(v, SigmaString):
            if v.contains_placeholder():
                return self.placeholder(name, v)
            if name in NUMERIC_FIELDS:
                plain = str(v)
                if plain.isdigit():
                    return d.eq(d.col(name), int(plain))
                raise Unsupported(f"field '{name}' is numeric; cannot match '{plain}'")
            return self.string(name, v, keyword)
        if isinstance(v, SigmaNumber):
            if name in NUMERIC_FIELDS:
                return d.eq(d.col(name), v.number)
            return d.eq(d.lc(name), str(v.number))
        if isinstance(v, SigmaBool):
            return d.eq(d.lc(name), str(v.boolean).lower())
        if isinstance(v, SigmaNull):
            return d.is_null(name)
        if isinstance(v, SigmaRegularExpression):
            flags = "".join(
                sorted({"IGNORECASE": "i", "MULTILINE": "m", "DOTALL": "s"}[f.name] for f in v.flags)
            )
            rx = (f"(?{flags})" if flags else "") + str(v.regexp)
            _check_regex(rx)
            return d.regex(name, Regex(rust=rx, java=java_regex(rx)))
        if isinstance(v, SigmaCIDRExpression):
            net = v.network
            if net.version != 4:
                raise Unsupported("IPv6 cidr is not supported")
            return d.ipv4_between(name, int(net.network_address), int(net.broadcast_address))
        if isinstance(v, SigmaCompareExpression):
            return d.compare(name, v.op.name, v.number.number)
        raise Unsupported(f"value type {type(v).__name__} (modifier) is not supported")

    def placeholder(self, name: str, v: SigmaString) -> E:
        parts = v.s
        if len(parts) != 1 or not isinstance(parts[0], Placeholder):
            raise Unsupported("placeholders must be the whole value")
        values = [x.lower() for x in self.placeholders.get(parts[0].name, [])]
        return self.d.is_in(self.d.lc(name), values)

    def string(self, name: str, v: SigmaString, keyword: bool) -> E:
        d = self.d
        parts = list(v.s)
        if keyword:  # a keyword matches anywhere in the message
            if not (parts and parts[0] == SpecialChars.WILDCARD_MULTI):
                parts.insert(0, SpecialChars.WILDCARD_MULTI)
            if parts[-1] != SpecialChars.WILDCARD_MULTI:
                parts.append(SpecialChars.WILDCARD_MULTI)
        col = d.lc(name)
        lits = [p for p in parts if isinstance(p, str)]
        specials = [p for p in parts if not isinstance(p, str)]
        if any(s not in (SpecialChars.WILDCARD_MULTI, SpecialChars.WILDCARD_SINGLE) for s in specials):
            raise Unsupported("unsupported special character in value")
        if not specials:
            return d.eq(col, "".join(lits).lower())
        if (
            len(parts) == 3
            and parts[0] == parts[-1] == SpecialChars.WILDCARD_MULTI
            and isinstance(parts[1], str)
        ):
            return d.contains(col, parts[1].lower())
        if len(parts) == 2 and parts[-1] == SpecialChars.WILDCARD_MULTI and isinstance(parts[0], str):
            return d.starts_with(col, parts[0].lower())
        if len(parts) == 2 and parts[0] == SpecialChars.WILDCARD_MULTI and isinstance(parts[1], str):
            return d.ends_with(col, parts[1].lower())
        return d.full_match(
            col,
            [
                p.lower()
                if isinstance(p, str)
                else Wildcard(ANY_RUN if p == SpecialChars.WILDCARD_MULTI else ANY_ONE)
                for p in parts
            ],
        )

    # needles: a necessary condition made of literal substring tests, or None (cannot narrow) -----
    def pre(self, node: object) -> Needles | None:
        if isinstance(node, ConditionAND):
            return _all_of([p for p in (self.pre(a) for a in node.args) if p is not None])
        if isinstance(node, ConditionOR):
            subs = [self.pre(a) for a in node.args]
            return _either(subs)
        if isinstance(node, ConditionFieldEqualsValueExpression):
            return self._pre_value(_field(node.field) if node.field else "msg", node.value)
        if isinstance(node, ConditionValueExpression):
            return self._pre_value("msg", node.value)
        return None

    def _pre_value(self, name: str, v: object) -> Needles | None:
        if isinstance(v, SigmaExpansion):
            subs = [self._pre_value(name, x) for x in v.values]
            return _either(subs)
        if isinstance(v, SigmaString) and not v.contains_placeholder() and name in STRING_FIELDS:
            lits = [p for p in v.s if isinstance(p, str)]
            longest = max(lits, key=len, default="")
            if len(longest) >= 3:
                return Has(name, longest.lower())
        return None


def _check_regex(rx: str) -> None:
    """The rule's regular expression must compile in the engine that runs it (polars' Rust regex),
    which refuses some patterns Python's re accepts: such a rule is reported, not run."""
    try:
        pl.Series([""]).str.contains(rx)
    except pl.exceptions.ComputeError as exc:
        raise Unsupported(f"regular expression not supported: {_reason(exc)}") from None
