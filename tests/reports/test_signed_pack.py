"""The signed pack of a report (issue 12, break 7): signed with the agency's key, its proofs inside,
every issue recorded and audited — through the service, the CLI, the web page and the API; the
forgeries fail `pack verify --key` with a clear reason."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from rest_framework.test import APIClient

from lakthan.evidence.engines.pack_signing import PackSigner, grouped

EDITOR = "/units/A/fy/2556/round/12/indicators/9.2/"


@pytest.fixture(autouse=True)
def _private_keys_and_logs(settings, tmp_path):
    settings.LAKTHAN_PACK_KEY_FILE = tmp_path / "keys" / "pack-signing.key"
    settings.LAKTHAN_LOG_DIR = tmp_path / "logs"
    settings.LAKTHAN_REQUIRE_2FA = False


def sign(world):
    """A's report with every item decided (5 met, 5 not met), signed by its supervisor."""
    from lakthan.core.models import Person
    from lakthan.indicators import services as ind
    from lakthan.reports import sealing

    report = world.reports["A"]
    for n in range(1, 11):
        ind.set_result(report, n, "met" if n <= 5 else "not_met")
    sealing.sign(report, Person.objects.get(user=world.users["supervisor"]))
    report.refresh_from_db()
    return report


def cli(*args: str):
    from lakthan.cli import main

    return CliRunner().invoke(main, list(args))


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the service ------------------------------------------------------------------------------------


def test_issuing_a_pack_signs_it_records_it_and_audits_it(world, tmp_path):
    from lakthan.core.models import AuditEntry
    from lakthan.evidence.engines.pack import verify_pack
    from lakthan.reports.issuing import issue_pack, public_key
    from lakthan.reports.models import IssuedPack

    report = sign(world)
    out = tmp_path / "pack.zip"
    summary = issue_pack(report, out, "somchai")
    key = public_key()
    assert summary.key_fingerprint == key.fingerprint
    assert (tmp_path / "keys" / "pack-signing.key").stat().st_mode & 0o077 == 0  # created on first use

    issued = IssuedPack.objects.get()
    assert (issued.report, issued.sha256, issued.size, issued.filename) == (
        report,
        sha(out.read_bytes()),
        out.stat().st_size,
        "pack.zip",
    )
    files = members(out)
    assert issued.manifest_sha256 == sha(files["manifest.json"])
    assert issued.key_fingerprint == key.fingerprint and issued.report_signed is True
    assert issued.pinned_sha256 == report.pinned_sha256 and issued.issued_by == "somchai"
    entry = AuditEntry.objects.get(action="pack.issue")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        "somchai",
        "reports.issuedpack",
        str(issued.pk),
    )
    assert entry.after["sha256"] == issued.sha256

    manifest = json.loads(files["manifest.json"])
    meta = manifest["meta"]
    assert (meta["unit"], meta["fiscal_year"], meta["round_months"], meta["indicator"]) == (
        "A",
        2556,
        12,
        "9.2",
    )
    assert (meta["signed"], meta["score"], meta["weighted_score"]) == (True, "5", "0.15")
    assert meta["signed_by"] == "พ.ต.อ.ผู้กำกับ  ทดสอบ"
    assert meta["signed_at"] == report.signed_at.isoformat() and "pinned_sha256" in meta
    assert files["agency-key.pem"] == key.pem()
    assert key.verifies(files["manifest.json"], base64.b64decode(files["signature.ed25519"]))
    result = verify_pack(out, key)
    assert result.ok and result.authenticated, result.problems


def test_a_draft_is_packed_as_a_draft_dated_now(world, tmp_path):
    from lakthan.reports.issuing import issue_pack
    from lakthan.reports.models import IssuedPack

    before = datetime.now(UTC).replace(microsecond=0)
    issue_pack(world.reports["A"], tmp_path / "draft.zip", "somchai")
    manifest = json.loads(members(tmp_path / "draft.zip")["manifest.json"])
    assert manifest["meta"]["signed"] is False and manifest["meta"]["pinned_sha256"] == ""
    assert datetime.fromisoformat(manifest["created_at"]) >= before
    assert IssuedPack.objects.get().report_signed is False


def test_a_signed_report_is_packed_at_its_signature(world, tmp_path):
    from lakthan.indicators.models import IndicatorReport
    from lakthan.lib.timezones import BANGKOK
    from lakthan.reports.issuing import issue_pack

    report = sign(world)
    signed_at = datetime(2013, 9, 25, 2, 0, 8, tzinfo=UTC)  # zip times step by two seconds
    IndicatorReport.objects.filter(pk=report.pk).update(signed_at=signed_at)
    report.refresh_from_db()
    issue_pack(report, tmp_path / "p.zip", "x")
    with zipfile.ZipFile(tmp_path / "p.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
        times = {i.date_time for i in zf.infolist()}
    assert manifest["created_at"] == "2013-09-25T02:00:08Z"
    assert times == {signed_at.astimezone(BANGKOK).timetuple()[:6]}


def test_the_same_signed_report_packs_to_the_same_bytes(world, tmp_path):
    import time

    from lakthan.reports.issuing import issue_pack

    report = sign(world)
    first = issue_pack(report, tmp_path / "a.zip", "x")
    time.sleep(2.1)  # past a two-second DOS time step and into another second
    second = issue_pack(report, tmp_path / "b.zip", "x")
    assert first.sha256 == second.sha256


def test_a_pinned_report_ships_the_proofs_it_pinned(world, tmp_path):
    from lakthan.indicators.models import IndicatorReport
    from lakthan.reports import proofs
    from lakthan.reports.issuing import issue_pack

    report = sign(world)
    # what was pinned at the signature, not what the log holds now
    pin = {
        **report.pinned,
        "proofs": proofs.as_json([proofs.Proof("proofs/log-checkpoint.txt", "pinned note\n", "จุด", "point")]),
    }
    IndicatorReport.objects.filter(pk=report.pk).update(pinned=pin, pinned_sha256="ab" * 32)
    report.refresh_from_db()
    issue_pack(report, tmp_path / "p.zip", "x")
    files = members(tmp_path / "p.zip")
    manifest = json.loads(files["manifest.json"])
    assert files["proofs/log-checkpoint.txt"] == b"pinned note\n"
    assert manifest["meta"]["pinned_sha256"] == "ab" * 32
    assert manifest["meta"]["proofs"] == [
        {"path": "proofs/log-checkpoint.txt", "title_th": "จุด", "title_en": "point"}
    ]
    assert [f["role"] for f in manifest["files"] if f["path"].startswith("proofs/")] == ["proof"]


def test_the_latest_signed_log_checkpoint_and_its_key_are_in_the_pack(world, tmp_path, settings):
    from lakthan.monitoring.engines.checkpoint import Verifier
    from lakthan.monitoring.pipeline import parsers
    from lakthan.monitoring.services import home
    from lakthan.reports.issuing import issue_pack

    issue_pack(world.reports["A"], tmp_path / "before.zip", "x")
    assert not any(n.startswith("proofs/log") for n in members(tmp_path / "before.zip"))

    store = home.store()
    for k in range(2):
        lines = [
            f"<38>1 2013-01-05T10:00:0{i}+07:00 web01 sshd 1{i} - - Accepted password for u{k}{i}"
            for i in range(3)
        ]
        store.append(parsers.parse(lines).events)
        store.seal()
    issue_pack(world.reports["A"], tmp_path / "p.zip", "x")
    files = members(tmp_path / "p.zip")
    note = files["proofs/log-checkpoint.txt"].decode()
    assert note == store.latest_checkpoint()
    checkpoint = Verifier.from_vkey(files["proofs/log-checkpoint.vkey"].decode()).open(note)
    assert checkpoint.size == 2 and checkpoint.origin == settings.LAKTHAN_LOG_ORIGIN


def test_the_backup_proofs_of_the_round_are_in_the_pack(world, tmp_path):
    from lakthan.backups.models import RestoreTest, Verification
    from lakthan.backups.services.systems import add_system
    from lakthan.reports.issuing import issue_pack

    def at(day: date, hour: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)

    systems = [
        add_system(name, unit=world.a, klass="intranet", paths=[str(tmp_path)], init_repo=False)
        for name in ("web", "db")
    ]
    web, db = systems
    for system in systems:  # in service for the whole round
        system.in_service_from = date(2012, 10, 1)
        system.save()
    Verification.objects.create(
        system=web,
        started_at=at(date(2013, 9, 20), 3),
        finished_at=at(date(2013, 9, 20), 4),
        subset="1/1",
        ok=True,
        exit_code=0,
        errors=[],
    )
    Verification.objects.create(  # after the round (FY 2556 ends 30 Sep 2013, Bangkok)
        system=web,
        started_at=at(date(2013, 9, 30), 18),
        finished_at=at(date(2013, 9, 30), 19),
        subset="1/1",
        ok=False,
        exit_code=1,
        errors=["x"],
    )
    RestoreTest.objects.create(
        system=db,
        started_at=at(date(2013, 3, 1), 3),
        finished_at=at(date(2013, 3, 1), 4),
        ok=True,
        files_expected=3,
        files_restored=3,
        files_hashed=3,
        mismatches=[],
    )
    issue_pack(world.reports["A"], tmp_path / "p.zip", "x")
    text = members(tmp_path / "p.zip")["proofs/backup-proofs.json"].decode()
    data = json.loads(text)
    assert data["unit"] == "A" and data["period"] == ["2012-10-01", "2013-09-30"]
    assert [s["name"] for s in data["systems"]] == ["db", "web"]
    db_row, web_row = data["systems"]
    assert [v["started_at"] for v in web_row["verifications"]] == ["2013-09-20T03:00:00+00:00"]
    assert web_row["restore_tests"] == [] and db_row["verifications"] == []
    assert db_row["restore_tests"][0]["files_restored"] == 3 and db_row["restore_tests"][0]["ok"] is True
    assert web.repository not in text and web.password_file not in text  # nothing of the vault
    issue_pack(world.reports["A"], tmp_path / "q.zip", "x")
    assert members(tmp_path / "q.zip")["proofs/backup-proofs.json"].decode() == text  # no clock in it


# --- the command line ---------------------------------------------------------------------------------

ROUND = ("--unit", "A", "--fy", "2556", "--round", "12", "--indicator", "9.2")


@pytest.fixture
def built(world, tmp_path):
    """A's signed report packed by `lakthan pack`, and the agency's public key written by `pack key`."""
    sign(world)
    out = tmp_path / "pack.zip"
    result = cli("pack", *ROUND, "--out", str(out))
    assert result.exit_code == 0, result.output
    key = tmp_path / "agency-key.pem"
    shown = cli("pack", "key", "--out", str(key))
    assert shown.exit_code == 0, shown.output
    return out, key, result.output, shown.output


def test_cli_build_records_the_pack_and_prints_the_key(built):
    from lakthan.core.models import AuditEntry
    from lakthan.reports.issuing import public_key
    from lakthan.reports.models import IssuedPack

    out, key_file, output, key_output = built
    issued = IssuedPack.objects.get()
    assert (
        issued.issued_by == "cli" and issued.sha256 == sha(out.read_bytes()) and issued.filename == "pack.zip"
    )
    assert AuditEntry.objects.filter(action="pack.issue", actor="cli", object_id=str(issued.pk)).exists()
    fingerprint = grouped(public_key().fingerprint)
    assert f"signed with key {fingerprint}" in output and issued.sha256 in output
    assert key_file.read_bytes() == public_key().pem()
    assert f"fingerprint {fingerprint}" in key_output


def test_cli_verify_with_the_key_is_authentic_and_without_it_exit_3(built):
    from lakthan.reports.issuing import public_key

    out, key_file, _, _ = built
    fingerprint = public_key().fingerprint
    ok = cli("pack", "verify", str(out), "--key", str(key_file))
    assert ok.exit_code == 0 and f"authentic and intact (signed by key {grouped(fingerprint)})" in ok.output
    alone = cli("pack", "verify", str(out))
    assert alone.exit_code == 3
    assert "consistent but unauthenticated: pass --key/--key-url/--fingerprint" in alone.output
    right = cli("pack", "verify", str(out), "--fingerprint", grouped(fingerprint).upper())
    assert right.exit_code == 0 and "authentic and intact" in right.output
    wrong = cli("pack", "verify", str(out), "--fingerprint", "00" * 32)
    assert (
        wrong.exit_code == 1
        and "agency-key.pem: key mismatch" in wrong.output
        and "NOT intact" in wrong.output
    )
    raw = base64.b64encode(public_key().raw).decode()
    (key_file.parent / "raw.b64").write_text(raw + "\n")
    assert cli("pack", "verify", str(out), "--key", str(key_file.parent / "raw.b64")).exit_code == 0


def test_cli_verify_usage_errors_exit_2(built, tmp_path):
    out, key_file, _, _ = built
    both = cli("pack", "verify", str(out), "--key", str(key_file), "--fingerprint", "00" * 32)
    assert both.exit_code == 2 and "give one of --key, --key-url, --fingerprint" in both.output
    short = cli("pack", "verify", str(out), "--fingerprint", "abcd")
    assert short.exit_code == 2 and "64 hex digits" in short.output
    (tmp_path / "bad.pem").write_text("not a key")
    bad = cli("pack", "verify", str(out), "--key", str(tmp_path / "bad.pem"))
    assert bad.exit_code == 2 and "not an Ed25519 public key" in bad.output and "Traceback" not in bad.output


def forged(src: Path, dst: Path, change=None, edit=None, signer: PackSigner | None = None) -> Path:
    """Changes files, then rewrites manifest.json and SHA256SUMS to match (re-signing only with ``signer``)."""
    files = members(src)
    for name, fn in (change or {}).items():
        files[name] = fn(files[name])
    manifest = json.loads(files["manifest.json"])
    if signer:
        files["agency-key.pem"] = signer.public.pem()
    for f in manifest["files"]:
        f["sha256"], f["size"] = sha(files[f["path"]]), len(files[f["path"]])
    if edit:
        edit(manifest)
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    if signer:
        files["signature.ed25519"] = base64.b64encode(signer.sign(files["manifest.json"])) + b"\n"
    files["SHA256SUMS"] = "".join(f"{sha(d)}  {n}\n" for n, d in files.items() if n != "SHA256SUMS").encode()
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return dst


def test_cli_names_why_each_forgery_is_not_intact(built, tmp_path):
    out, key_file, _, _ = built

    def promote(manifest):
        manifest["meta"].update(score="5", weighted_score="0.15", signed=True)

    cases = {
        "changed": (
            forged(out, tmp_path / "c.zip", change={"report/report.html": lambda d: d + b"<p>5</p>"}),
            "signature invalid",
        ),
        "score 5": (forged(out, tmp_path / "s.zip", edit=promote), "signature invalid"),
        "re-signed": (
            forged(out, tmp_path / "r.zip", edit=promote, signer=PackSigner.generate()),
            "agency-key.pem: key mismatch",
        ),
    }
    only = tmp_path / "only.zip"
    with zipfile.ZipFile(only, "w") as zf:
        zf.writestr("manifest.json", members(out)["manifest.json"])
    cases["only a manifest"] = (only, "signature.ed25519: missing (every pack has it)")
    for what, (path, reason) in cases.items():
        result = cli("pack", "verify", str(path), "--key", str(key_file))
        assert result.exit_code == 1, what
        assert (
            reason in result.output and "NOT intact" in result.output and "Traceback" not in result.output
        ), what
    # a forgery that is consistent by itself is still not intact when inconsistent (exit 1, not 3)
    assert cli("pack", "verify", str(tmp_path / "c.zip")).exit_code == 1


def test_cli_lists_the_issued_packs(built, world):
    out, _, _, _ = built
    listed = cli("pack", "list", *ROUND, "--json")
    assert listed.exit_code == 0
    rows = json.loads(listed.output)
    assert [(r["unit"], r["indicator"], r["sha256"], r["issued_by"], r["report_signed"]) for r in rows] == [
        ("A", "9.2", sha(out.read_bytes()), "cli", True)
    ]
    assert json.loads(cli("pack", "list", "--json").output) == rows
    assert (
        json.loads(
            cli(
                "pack",
                "list",
                "--unit",
                "A-1",
                "--fy",
                "2556",
                "--round",
                "12",
                "--indicator",
                "9.2",
                "--json",
            ).output
        )
        == []
    )
    half = cli("pack", "list", "--unit", "A")
    assert half.exit_code == 2 and "together" in half.output


# --- web and API --------------------------------------------------------------------------------------


def test_web_download_is_recorded_and_shown_on_the_report_page(client, world, tmp_path):
    from lakthan.core.models import AuditEntry
    from lakthan.evidence.engines.pack import verify_pack
    from lakthan.reports.issuing import public_key
    from lakthan.reports.models import IssuedPack

    client.force_login(world.users["collector"])
    page = client.get(EDITOR).content.decode()
    assert grouped(public_key().fingerprint) in page and 'href="/pack-key.pem"' in page
    assert 'data-testid="issued-pack"' not in page
    response = client.get(EDITOR + "pack.zip")
    assert response.status_code == 200
    path = tmp_path / "web.zip"
    path.write_bytes(b"".join(response.streaming_content))
    issued = IssuedPack.objects.get()
    assert (issued.issued_by, issued.filename, issued.sha256) == (
        "collector-a",
        "A-FY2556-R12-9.2-pack.zip",
        sha(path.read_bytes()),
    )
    assert AuditEntry.objects.filter(action="pack.issue", actor="collector-a").count() == 1
    assert verify_pack(path, public_key()).authenticated
    page = client.get(EDITOR).content.decode()
    assert page.count('data-testid="issued-pack"') == 1 and issued.sha256[:16] in page


def test_the_public_key_is_served_to_anyone(client, db):
    from lakthan.reports.issuing import public_key

    response = client.get("/pack-key.pem")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert (
        response.content == public_key().pem() and response["X-Key-Fingerprint"] == public_key().fingerprint
    )
    api = APIClient().get("/api/pack-key/")
    assert api.status_code == 200
    assert api.json() == {"pem": public_key().pem().decode(), "fingerprint": public_key().fingerprint}


def test_api_pack_is_recorded_and_verifies(world, tmp_path):
    from lakthan.core.models import AuditEntry
    from lakthan.evidence.engines.pack import verify_pack
    from lakthan.reports.issuing import public_key
    from lakthan.reports.models import IssuedPack

    report = sign(world)
    client = APIClient()
    client.force_authenticate(world.users["auditor"])
    response = client.get(f"/api/reports/{report.pk}/pack/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    path = tmp_path / "api.zip"
    path.write_bytes(b"".join(response.streaming_content))
    issued = IssuedPack.objects.get()
    assert (issued.issued_by, issued.sha256, issued.report_signed) == (
        "auditor-a",
        sha(path.read_bytes()),
        True,
    )
    assert AuditEntry.objects.filter(action="pack.issue", actor="auditor-a").exists()
    assert verify_pack(path, public_key()).authenticated
    other = client.get(f"/api/reports/{world.reports['B'].pk}/pack/")
    assert other.status_code == 404 and IssuedPack.objects.count() == 1


def test_verify_with_the_key_fetched_from_the_live_server(live_server, tmp_path, settings):
    """--key-url against /pack-key.pem served by the running application."""
    from lakthan.evidence.engines.pack import build_pack
    from lakthan.reports.issuing import signer

    def small_pack(path: Path, with_signer: PackSigner) -> Path:
        build_pack(
            path,
            entries=[],
            index_html="<p>x</p>",
            index_pdf=None,
            report_files={"report.html": b"<p>r</p>"},
            meta={"unit": "A"},
            signer=with_signer,
        )
        return path

    url = f"{live_server.url}/pack-key.pem"
    ours = small_pack(tmp_path / "ours.zip", signer())
    ok = cli("pack", "verify", str(ours), "--key-url", url)
    assert ok.exit_code == 0 and "authentic and intact" in ok.output, ok.output
    theirs = small_pack(tmp_path / "theirs.zip", PackSigner.generate())
    bad = cli("pack", "verify", str(theirs), "--key-url", url)
    assert bad.exit_code == 1 and "key mismatch" in bad.output
    gone = cli("pack", "verify", str(ours), "--key-url", f"{live_server.url}/no-such-key.pem")
    assert gone.exit_code == 2 and "cannot fetch the key (HTTP 404)" in gone.output


def test_a_broken_key_file_is_one_line_and_no_pack(world, settings, tmp_path):
    from lakthan.reports.models import IssuedPack

    settings.LAKTHAN_PACK_KEY_FILE.parent.mkdir(parents=True)
    settings.LAKTHAN_PACK_KEY_FILE.write_bytes(b"short")
    key = cli("pack", "key")
    assert key.exit_code == 2
    assert key.output.strip().endswith("is 5 bytes, not a raw 32-byte Ed25519 private key")
    assert key.output.strip().count("\n") == 0 and "Traceback" not in key.output
    build = cli("pack", *ROUND, "--out", str(tmp_path / "p.zip"))
    assert build.exit_code == 2 and "pack signing key" in build.output
    assert not (tmp_path / "p.zip").exists() and not IssuedPack.objects.exists()
