"""Every LAKTHAN_* variable is parsed once, by settings.py through lakthan.config."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import lakthan

SRC = Path(lakthan.__file__).parent
# Reading the environment is allowed only here: settings.py and its helpers, and the CLI's choice of
# LAKTHAN_HOME before Django starts (demo.py).
ALLOWED = {"settings.py", "config.py", "demo.py"}
ENV_READ = re.compile(r"""(os\.environ(\.get)?\s*[\(\[]|os\.getenv\()\s*["']LAKTHAN_""")


def settings_under(env: dict[str, str], tmp_path: Path, *names: str) -> dict:
    code = (
        "import json, lakthan.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LAKTHAN_") and k != "DATABASE_URL"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "LAKTHAN_HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_lists_and_texts_are_parsed_by_settings(tmp_path):
    parsed = settings_under(
        {
            "LAKTHAN_BACKUP_ALERT_EMAILS": " it@agency.example, ,dba@agency.example,",
            "LAKTHAN_BACKUP_WEBHOOK_URL": "https://chat.agency.example/hook",
            "LAKTHAN_ALLOWED_HOSTS": "lakthan.agency.example",
            "LAKTHAN_LANG": "th",
        },
        tmp_path,
        "LAKTHAN_BACKUP_ALERT_EMAILS",
        "LAKTHAN_BACKUP_WEBHOOK_URL",
        "ALLOWED_HOSTS",
        "LAKTHAN_LANG",
        "LAKTHAN_FORWARDED_ALLOW_IPS",
    )
    assert parsed == {
        "LAKTHAN_BACKUP_ALERT_EMAILS": ["it@agency.example", "dba@agency.example"],
        "LAKTHAN_BACKUP_WEBHOOK_URL": "https://chat.agency.example/hook",
        "ALLOWED_HOSTS": ["lakthan.agency.example"],
        "LAKTHAN_LANG": "th",
        "LAKTHAN_FORWARDED_ALLOW_IPS": "127.0.0.1",
    }


def test_defaults_when_nothing_is_set(tmp_path):
    parsed = settings_under(
        {}, tmp_path, "LAKTHAN_BACKUP_ALERT_EMAILS", "LAKTHAN_BACKUP_WEBHOOK_URL", "ALLOWED_HOSTS", "HUEY"
    )
    assert parsed["LAKTHAN_BACKUP_ALERT_EMAILS"] == [] and parsed["LAKTHAN_BACKUP_WEBHOOK_URL"] == ""
    assert parsed["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert parsed["HUEY"]["utc"] is True


def test_no_module_reads_a_lakthan_variable_at_call_time():
    readers = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if str(path.relative_to(SRC)) not in ALLOWED and ENV_READ.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == []


def test_the_pack_signing_key_file_is_parsed_by_settings(tmp_path):
    default = settings_under({}, tmp_path, "LAKTHAN_PACK_KEY_FILE")
    assert default == {"LAKTHAN_PACK_KEY_FILE": str(tmp_path / "keys" / "pack-signing.key")}
    chosen = settings_under(
        {"LAKTHAN_PACK_KEY_FILE": "/srv/keys/pack.key"}, tmp_path, "LAKTHAN_PACK_KEY_FILE"
    )
    assert chosen == {"LAKTHAN_PACK_KEY_FILE": "/srv/keys/pack.key"}
