"""The `lakthan` command as a user runs it: a subprocess on its own LAKTHAN_HOME (SQLite)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
LAKTHAN = str(Path(sys.executable).with_name("lakthan"))
THAI_TEN_ITEMS = ["๑.", "๒.", "๓.", "๔.", "๕.", "๖.", "๗.", "๘.", "๙.", "๑๐."]


def run(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["LAKTHAN_HOME"] = str(home)
    proc = subprocess.run([LAKTHAN, *args], env=env, capture_output=True, text=True, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"lakthan {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    out = tmp_path_factory.mktemp("out")
    proc = run(home, "demo", "--out", str(out))
    return home / "demo", out, proc.stdout


def test_demo_writes_the_four_files_with_the_seeds_numbers(demo):
    home, out, stdout = demo
    for name in ("report.docx", "report.pdf", "report.html", "evidence-pack.zip"):
        assert (out / name).stat().st_size > 1000, name
    assert (out / "agency-key.pem").read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert "weighted score 0.15" in stdout
    data = json.loads(
        run(
            home, "score", "--unit", "IMM", "--fy", "2556", "--round", "12", "--indicator", "9.2", "--json"
        ).stdout
    )
    assert (data["items_met"], data["score"], data["weight"], data["weighted_score"]) == (
        10,
        "5",
        "3.00",
        "0.15",
    )
    assert data["signed"] is True and len(data["items"]) == 10
    assert [i["number"] for i in data["items"] if i["status"] == "met"] == list(range(1, 11))
    logins = home / "demo-logins.txt"
    assert logins.stat().st_mode & 0o077 == 0
    assert [line.split()[0] for line in logins.read_text().splitlines()] == ["admin", "supervisor"]


def test_items_4_8_9_are_met_by_their_controls_checks(demo):
    """The systems in use, the websites and the address plan are judged from what the demo's controls
    did (the usage logs, the probes and site checks, the leases), not from an uploaded document."""
    home, _, _ = demo
    with sqlite3.connect(home / "lakthan.sqlite3") as conn:
        runs = dict(
            conn.execute(
                "SELECT check_urn, status FROM checks_checkrun WHERE check_urn IN (?, ?, ?) ORDER BY id",
                (
                    "urn:lakthan:check:systems-in-use",
                    "urn:lakthan:check:websites",
                    "urn:lakthan:check:network-addresses",
                ),
            ).fetchall()
        )
    assert runs == {
        "urn:lakthan:check:systems-in-use": "met",
        "urn:lakthan:check:websites": "met",
        "urn:lakthan:check:network-addresses": "met",
    }
    findings = json.loads(
        run(home, "net", "findings", "--unit", "IMM", "--as-of", "2013-09-30", "--json").stdout
    )
    assert sorted((f["kind"], f["address"]) for f in findings) == [
        ("stale", "10.21.2.30"),
        ("unregistered", "10.10.9.77"),
    ]


def test_items_5_6_7_are_met_by_their_controls_checks(demo):
    """Data kept current, owners and problems answered, the committee: judged from the datasets'
    readings, the problem log and the committee's record the demo kept, with the findings it planted —
    visa-on-arrival statistics late at the end of the round, one problem fixed after its service level
    ran out across Songkran."""
    home, _, _ = demo
    urns = (
        "urn:lakthan:check:data-current",
        "urn:lakthan:check:data-owners",
        "urn:lakthan:check:problems-sla",
        "urn:lakthan:check:it-committee",
    )
    with sqlite3.connect(home / "lakthan.sqlite3") as conn:
        runs = dict(
            conn.execute(
                "SELECT check_urn, status FROM checks_checkrun WHERE check_urn IN (?, ?, ?, ?) ORDER BY id",
                urns,
            ).fetchall()
        )
    assert runs == dict(zip(urns, ("partly", "met", "met", "met"), strict=True))
    fresh = json.loads(
        run(
            home, "data", "freshness", "--unit", "IMM", "--as-of", "2013-09-30T23:59:00+07:00", "--json"
        ).stdout
    )
    assert sorted(r["dataset"] for r in fresh if r["late"]) == ["voa-statistics"]
    late = next(r for r in fresh if r["late"])
    # updated daily, last on 20 September 08:30: at 23:59 on the 30th, 10 days 15 h 29 min old, late
    # by that less the one day allowed
    assert late["late_by_s"] == 9 * 86400 + 15 * 3600 + 29 * 60
    sla = json.loads(
        run(
            home, "problem", "sla", "--unit", "IMM", "--from", "2012-10-01", "--to", "2013-09-30", "--json"
        ).stdout
    )
    assert (sla["problems"], sla["within_sla"], len(sla["breached"])) == (12, 11, 1)
    assert sla["breached"][0]["reported_at"].startswith("2013-04-12T")


def test_pdf_text_is_thai_with_the_numbers_and_font_embedded(demo):
    _, out, _ = demo
    raw = subprocess.run(
        ["pdftotext", "-raw", str(out / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Sarabun draws ำ as nikhahit + sara aa; NFKD folds both spellings together.
    text = unicodedata.normalize("NFKD", raw)
    for needle in ["๑๒ เดือน", "๙.๒", "๒๕๕๖", "๐.๑๕", "หลักฐานอ้างอิง", "ผู้กำกับดูแลตัวชี้วัด"]:
        assert unicodedata.normalize("NFKD", needle) in text, needle
    calc = re.search(r"๐\.๑๕", text)
    assert calc and "ฉบับร่าง" not in text  # signed: no draft mark
    for item in THAI_TEN_ITEMS:
        assert item in text
    assert "๓๕." in text  # the seed's 35 evidence references are numbered
    fonts = subprocess.run(
        ["pdffonts", str(out / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    embedded = [line for line in fonts.splitlines() if re.search(r"Sarabun|Laksaman", line)]
    assert embedded and all(" yes " in line for line in embedded)


def test_docx_reads_back_with_the_report_text(demo):
    from docx import Document

    from lakthan.reports import keep_whole

    _, out, _ = demo
    doc = Document(str(out / "report.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    # Names and dates carry no-break spaces and word joiners (reports/keep_whole.py): read past them.
    text = keep_whole.plain(text)
    for needle in ["๙.๒", "๐.๑๕", "ปัจจัยสนับสนุนต่อการดำเนินงาน", "หลักฐานอ้างอิง", "ธนากร"]:
        assert needle in text, needle


def test_demo_issues_a_signed_pack_beside_the_very_files_inside_it(demo, tmp_path):
    import hashlib

    from cryptography.hazmat.primitives import serialization

    home, out, stdout = demo
    pem = (out / "agency-key.pem").read_bytes()
    raw = serialization.load_pem_public_key(pem).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    fingerprint = hashlib.sha256(raw).hexdigest()
    grouped = " ".join(fingerprint[i : i + 4] for i in range(0, 64, 4))
    assert f"fingerprint {grouped}" in stdout
    with zipfile.ZipFile(out / "evidence-pack.zip") as pack:
        assert pack.read("agency-key.pem") == pem
        for name in ("report.docx", "report.pdf", "report.html"):  # the same bytes, rendered once
            assert (out / name).read_bytes() == pack.read(f"report/{name}"), name
    issued = json.loads(run(home, "pack", "list", "--json").stdout)
    digest = hashlib.sha256((out / "evidence-pack.zip").read_bytes()).hexdigest()
    assert [(p["sha256"], p["issued_by"], p["report_signed"], p["key_fingerprint"]) for p in issued] == [
        (digest, "demo", True, fingerprint)
    ]


def test_pack_verifies_with_the_key_and_names_a_tampered_file(demo, tmp_path):
    _, out, _ = demo
    home = tmp_path / "evaluator"  # the evaluator has the zip and the key: no database is created
    key = str(out / "agency-key.pem")
    ok = run(home, "pack", "verify", str(out / "evidence-pack.zip"), "--key", key)
    assert "authentic and intact" in ok.stdout and not home.exists()
    alone = run(home, "pack", "verify", str(out / "evidence-pack.zip"), check=False)
    assert alone.returncode == 3 and "consistent but unauthenticated" in alone.stderr
    with zipfile.ZipFile(out / "evidence-pack.zip") as src:
        names = src.namelist()
        assert {"manifest.json", "SHA256SUMS", "signature.ed25519", "index.html", "index.pdf"} <= set(names)
        assert any(n.startswith("proofs/backup-proofs") for n in names)
        victim = next(n for n in names if n.startswith("evidence/"))
        tampered = tmp_path / "tampered.zip"
        with zipfile.ZipFile(tampered, "w") as dst:
            for name in names:
                data = src.read(name)
                dst.writestr(name, data + b"x" if name == victim else data)
    bad = run(home, "pack", "verify", str(tampered), "--key", key, check=False)
    assert bad.returncode == 1 and victim in bad.stderr and "Traceback" not in bad.stderr


def test_evidence_verify_names_a_changed_blob(demo, tmp_path):
    home, _, _ = demo
    copy = tmp_path / "home"
    shutil.copytree(home, copy)
    assert "match" in run(copy, "evidence", "verify").stdout
    blob = next(p for p in (copy / "blobs").rglob("*") if p.is_file())
    blob.chmod(0o644)
    blob.write_bytes(b"changed")
    bad = run(copy, "evidence", "verify", check=False)
    assert bad.returncode == 1 and blob.name in bad.stderr


def test_report_command_writes_each_format_and_arabic_digits_on_request(demo, tmp_path):
    home, _, _ = demo
    run(
        home,
        "report",
        "--unit",
        "IMM",
        "--fy",
        "2556",
        "--round",
        "12",
        "--indicator",
        "9.2",
        "--format",
        "html",
        "--out",
        str(tmp_path / "r.html"),
        "--arabic-digits",
    )
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "0.15" in html and "๐.๑๕" not in html


def test_empty_home_is_initialised_by_any_command(tmp_path):
    proc = run(tmp_path / "fresh", "unit", "list", "--json")
    assert json.loads(proc.stdout) == []
    db = tmp_path / "fresh" / "lakthan.sqlite3"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM indicators_criterion").fetchone()[0] == 10  # library loaded
    assert (tmp_path / "fresh" / "secret_key").stat().st_mode & 0o077 == 0


def test_bad_input_gets_one_line_and_exit_2(tmp_path):
    home = tmp_path / "h"
    bad = tmp_path / "bad.yaml"
    bad.write_text("urn: urn:lakthan:x\nname_th: [unclosed\n", encoding="utf-8")
    proc = run(home, "library", "validate", str(bad), check=False)
    assert proc.returncode == 2 and re.match(rf"{re.escape(str(bad))}:\d+: ", proc.stderr)
    assert "Traceback" not in proc.stderr
    proc = run(home, "unit", "add", "A", "--name-th", "หน่วย", "--parent", "NOPE", check=False)
    assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0 and "NOPE" in proc.stderr
    proc = run(home, "evidence", "add", str(tmp_path / "missing.pdf"), "--unit", "A", check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
