"""Zircolite (../shared/peers/zircolite), the peer a user would pick instead, on the same events and
the same SigmaHQ rules as Lakthan, run as its README tells a user to run it.

Zircolite reads JSON lines, not syslog, and its SQLite backend cannot express Sigma keywords (values
bound to no field). So, before anything is timed, the events are written as JSON lines with the fields
Lakthan's parser gives them (Zircolite is spared the parsing), and each rule is rewritten the way
Lakthan reads it: a keyword becomes ``msg|contains`` (Lakthan matches keywords in the message, the whole
line for an event whose header did not parse), and the rule's logsource becomes the condition Lakthan
applies (its formats and programs, or an unparsed event).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import yaml
from sigma.rule import SigmaLogSource

from lakthan.monitoring.pipeline.rules import UNPARSED, _logsource

ROOT = Path(__file__).resolve().parents[2]
PEER = ROOT.parent / "shared" / "peers" / "zircolite"
FIELDS = ["host", "app", "pid", "fmt", "msg", "action", "user", "src_ip"]


def install(work: Path) -> tuple[Path, Path]:
    """Zircolite's own venv (kept under var/bench between runs) and a copy of it to run from (it writes
    its log and converted rules beside itself; shared/ is read-only)."""
    venv = ROOT / "var" / "bench" / "zircolite-venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "-r", str(PEER / "requirements.txt")],
            check=True,
        )
    src = work / "zircolite"
    shutil.copytree(PEER, src)
    return venv / "bin" / "python", src


def _keyword_to_field(value):
    """A keyword detection (a list, a string, or ``{'|all': [...]}``) as a ``msg|contains`` map."""
    if isinstance(value, dict):
        return {f"msg|contains{k}": v for k, v in value.items()}
    return {"msg|contains": value}


def rewrite(rule: dict) -> dict:
    """The rule as Lakthan applies it, in Sigma that Zircolite's backend can convert."""
    detection = dict(rule["detection"])
    condition = detection.pop("condition")
    for name, value in list(detection.items()):
        if isinstance(value, (list, str)) and not (
            isinstance(value, list) and value and isinstance(value[0], dict)
        ):
            detection[name] = _keyword_to_field(value)
        elif isinstance(value, dict) and set(value) <= {"|all"}:
            detection[name] = _keyword_to_field(value)
    source = _logsource(SigmaLogSource.from_dict(rule.get("logsource", {})))
    parts = []
    if source.formats is not None:
        detection["zz_formats"] = {"fmt": sorted(source.formats)}
        parts.append("zz_formats")
    if source.services is not None:
        detection["zz_programs"] = {"app": sorted(source.services)}
        parts.append("zz_programs")
    if parts:
        detection["zz_unparsed"] = {"fmt": UNPARSED}
        condition = f"({condition}) and (({' and '.join(parts)}) or zz_unparsed)"
    detection["condition"] = condition
    return {**rule, "detection": detection}


def prepare_rules(rule_dir: Path, python: Path, src: Path, work: Path) -> Path:
    """Rewrites every rule, lets Zircolite convert them once (its JSON ruleset, as a user keeps it)."""
    yml = work / "zircolite-rules"
    yml.mkdir()
    for path in sorted(rule_dir.glob("*.yml")):
        (yml / path.name).write_text(
            yaml.safe_dump(rewrite(yaml.safe_load(path.read_text())), sort_keys=False)
        )
    probe = work / "probe.jsonl"
    probe.write_text(json.dumps(dict.fromkeys(FIELDS, "x")) + "\n")
    subprocess.run(
        [str(python), "zircolite.py", "-e", str(probe), "-j", "-r", str(yml), "--save-ruleset", "-q", "-n"],
        cwd=src,
        check=True,
        capture_output=True,
    )
    (saved,) = src.glob("ruleset-*.json")
    return saved


def export_events(events, path: Path) -> None:
    """The parsed events as JSON lines with the fields the rules read (Zircolite's input)."""
    events.select(FIELDS).write_ndjson(path)


def command(python: Path, events: Path, ruleset: Path, out: Path) -> list[str]:
    return [str(python), "zircolite.py", "-e", str(events), "-j", "-r", str(ruleset), "-o", str(out), "-q"]


def detections(out: Path) -> dict[str, Counter]:
    """Per rule id, the events Zircolite matched, counted per host."""
    found: dict[str, Counter] = {}
    for rule in json.loads(out.read_text()):
        found[rule["id"]] = Counter(m.get("host") for m in rule.get("matches", []))
    return found
