import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lakthan.evidence.engines.blobstore import BlobStore
from lakthan.evidence.engines.pack import (
    PackEntry,
    PackEntryChanged,
    PackError,
    PackLimits,
    build_pack,
    verify_pack,
)
from lakthan.evidence.engines.pack_signing import PackSigner

CREATED = datetime(2013, 10, 15, 3, 0, tzinfo=UTC)
ORDER = "evidence/01-คำสั่งแต่งตั้งคณะทำงาน.pdf"
PHOTO = "evidence/02-ภาพการประชุม.png"
MINUTES = "evidence/03-รายงานการประชุม.txt"
SIGNER = PackSigner.from_raw(bytes(range(32)))  # the agency's key in these tests
KEY = SIGNER.public


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tiny_pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=72, height=72)
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def store(tmp_path):
    return BlobStore(tmp_path / "blobs")


def pack_inputs(store):
    order = store.put_stream(io.BytesIO(tiny_pdf() + b"%order"))
    photo = b"\x89PNG\r\n\x1a\n" + os.urandom(3000)
    minutes = "รายงานการประชุมคณะทำงาน ครั้งที่ ๑/๒๕๕๖\n".encode()
    entries = [  # deliberately out of order: the pack sorts by ref_no
        PackEntry(3, "รายงานการประชุม", None, minutes, MINUTES, sha(minutes), "", None, ""),
        PackEntry(
            1,
            "คำสั่งแต่งตั้งคณะทำงาน",
            store.path(order.sha256),
            None,
            ORDER,
            order.sha256,
            "ที่ ตช ๐๐๒๙.๙๓/๑๔๖๑",
            "2013-07-11",
            "",
        ),
        PackEntry(2, "ภาพการประชุม", None, photo, PHOTO, sha(photo), "", "2013-08-01", ""),
        PackEntry(4, "ระบบ PIBICS", None, None, "", "", "", None, "https://example.go.th/pibics"),
    ]
    return dict(
        entries=entries,
        index_html="<h1>หลักฐานอ้างอิง</h1>",
        index_pdf=tiny_pdf(),
        report_files={
            "report/report.pdf": tiny_pdf(),
            "report.html": "<p>รายงาน</p>".encode(),
            "report.docx": b"PK-not-really-docx",
        },
        meta={"unit": "IMM", "fiscal_year": 2556, "indicator": "9.2", "weighted_score": "0.15"},
        signer=SIGNER,
    )


@pytest.fixture
def pack(tmp_path, store):
    out = tmp_path / "out" / "pack.zip"
    summary = build_pack(out, created_at=CREATED, **pack_inputs(store))
    return out, summary


def rewrite(src: Path, dst: Path, *, change=None, drop=(), add=None) -> Path:
    """Copies a zip member by member, optionally replacing contents, dropping or adding members."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info)
            if change and info.filename in change:
                data = change[info.filename](data)
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def flip_first_byte(data: bytes) -> bytes:
    return bytes([data[0] ^ 0x01]) + data[1:]


# --- build --------------------------------------------------------------------------------------------


def test_pack_layout_manifest_and_sums(pack):
    out, summary = pack
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert names == [
            "index.html",
            "index.pdf",
            "report/report.docx",
            "report/report.html",
            "report/report.pdf",
            ORDER,
            PHOTO,
            MINUTES,
            "agency-key.pem",
            "manifest.json",
            "signature.ed25519",
            "SHA256SUMS",
        ]
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in zf.infolist())
        manifest = json.loads(zf.read("manifest.json"))
        sums = zf.read("SHA256SUMS").decode()
        contents = {n: zf.read(n) for n in names}

    # every member but itself, manifest.json and its signature included
    assert sums.splitlines() == [f"{sha(contents[n])}  {n}" for n in names[:-1]]
    assert manifest["created_at"] == "2013-10-15T03:00:00Z"
    assert manifest["tool"]["name"] == "lakthan" and manifest["tool"]["version"]
    assert manifest["meta"]["weighted_score"] == "0.15"
    assert manifest["signing_key"] == {
        "algorithm": "Ed25519",
        "fingerprint": KEY.fingerprint,
        "path": "agency-key.pem",
    }
    assert contents["agency-key.pem"] == KEY.pem()
    signature = base64.b64decode(contents["signature.ed25519"])
    assert KEY.verifies(contents["manifest.json"], signature)  # over the exact bytes in the zip
    # the manifest lists every file but itself, its signature and SHA256SUMS
    assert [f["path"] for f in manifest["files"]] == names[:-3]
    for f in manifest["files"]:
        assert f["sha256"] == sha(contents[f["path"]]) and f["size"] == len(contents[f["path"]])
    order, photo, minutes, link = manifest["evidence"]
    assert order == {
        "ref_no": 1,
        "title": "คำสั่งแต่งตั้งคณะทำงาน",
        "doc_no": "ที่ ตช ๐๐๒๙.๙๓/๑๔๖๑",
        "doc_date": "2013-07-11",
        "url": "",
        "path": ORDER,
        "size": len(contents[ORDER]),
        "sha256": sha(contents[ORDER]),
    }
    assert (photo["ref_no"], minutes["ref_no"]) == (2, 3)
    assert link["url"] == "https://example.go.th/pibics" and link["path"] is None

    assert summary.files == 12 and summary.evidence_files == 3 and summary.links == 1
    assert summary.manifest_sha256 == sha(contents["manifest.json"])
    assert summary.key_fingerprint == KEY.fingerprint
    assert set(summary.report_files) == {"report/report.pdf", "report/report.html", "report/report.docx"}
    assert all(summary.report_files[n] == contents[n] for n in summary.report_files)
    assert summary.sha256 == sha(out.read_bytes()) and summary.size == out.stat().st_size
    assert [p.name for p in out.parent.iterdir()] == ["pack.zip"]  # no temp file left


def test_same_input_gives_the_same_bytes(tmp_path, store):
    inputs = pack_inputs(store)
    a = build_pack(tmp_path / "a.zip", created_at=CREATED, **inputs)
    b = build_pack(tmp_path / "b.zip", created_at=CREATED, **inputs)
    assert a.sha256 == b.sha256


def test_a_blob_changed_on_disk_fails_the_build_and_ships_nothing(tmp_path, store):
    inputs = pack_inputs(store)
    blob = inputs["entries"][1].source_path
    os.chmod(blob, 0o644)
    blob.write_bytes(blob.read_bytes() + b"tampered")
    out = tmp_path / "out" / "pack.zip"
    with pytest.raises(PackEntryChanged) as err:
        build_pack(out, created_at=CREATED, **inputs)
    assert err.value.arcname == ORDER and ORDER in err.value.message_en
    assert list(out.parent.iterdir()) == []


def test_data_that_does_not_match_its_sha256_fails(tmp_path, store):
    inputs = pack_inputs(store)
    inputs["entries"][0] = PackEntry(3, "x", None, b"other", MINUTES, sha(b"original"), "", None, "")
    with pytest.raises(PackEntryChanged):
        build_pack(tmp_path / "p.zip", **inputs)
    assert not (tmp_path / "p.zip").exists()


@pytest.mark.parametrize(
    "arcname",
    [
        "evidence/../../etc/x.pdf",
        "/abs.pdf",
        "other/01-x.pdf",
        "evidence/a\\b.pdf",
        "evidence/" + "ก" * 90 + ".pdf",
    ],
)
def test_unsafe_arcnames_are_refused(tmp_path, arcname):
    entry = PackEntry(1, "x", None, b"x", arcname, sha(b"x"), "", None, "")
    with pytest.raises(PackError):
        build_pack(
            tmp_path / "p.zip",
            entries=[entry],
            index_html="",
            index_pdf=None,
            report_files={},
            meta={},
            signer=SIGNER,
        )


def test_duplicate_names_and_numbers_are_refused(tmp_path):
    a = PackEntry(1, "a", None, b"a", "evidence/01-a.txt", sha(b"a"), "", None, "")
    for b in (
        PackEntry(2, "b", None, b"b", "evidence/01-a.txt", sha(b"b"), "", None, ""),
        PackEntry(1, "b", None, b"b", "evidence/01-b.txt", sha(b"b"), "", None, ""),
    ):
        with pytest.raises(PackError):
            build_pack(
                tmp_path / "p.zip",
                entries=[a, b],
                index_html="",
                index_pdf=None,
                report_files={},
                meta={},
                signer=SIGNER,
            )


def test_missing_source_file_is_a_clear_error(tmp_path):
    entry = PackEntry(1, "x", tmp_path / "gone", None, "evidence/01-x.pdf", "0" * 64, "", None, "")
    with pytest.raises(PackError, match="evidence 1"):
        build_pack(
            tmp_path / "p.zip",
            entries=[entry],
            index_html="",
            index_pdf=None,
            report_files={},
            meta={},
            signer=SIGNER,
        )


def test_proofs_ship_under_proofs_and_are_listed(tmp_path, store):
    note = "lakthan.local/logs\n3\nAAAA\n\n— lakthan.local/logs abc\n".encode()
    out = tmp_path / "p.zip"
    build_pack(out, created_at=CREATED, proofs={"proofs/log-checkpoint.txt": note}, **pack_inputs(store))
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        assert zf.read("proofs/log-checkpoint.txt") == note
    assert names.index(MINUTES) < names.index("proofs/log-checkpoint.txt") < names.index("agency-key.pem")
    listed = {f["path"]: f for f in manifest["files"]}
    assert listed["proofs/log-checkpoint.txt"]["role"] == "proof"
    assert listed["proofs/log-checkpoint.txt"]["sha256"] == sha(note)
    assert verify_pack(out, KEY).authenticated
    with pytest.raises(PackError, match="under proofs/"):
        build_pack(tmp_path / "q.zip", proofs={"evidence/x.txt": b"x"}, **pack_inputs(store))


# --- verify -------------------------------------------------------------------------------------------


def test_intact_pack_verifies_with_the_agency_key(pack):
    result = verify_pack(pack[0], KEY)
    assert result.ok and result.problems == [] and result.checked == 12
    assert result.authenticated and result.fingerprint == KEY.fingerprint
    assert result.meta["weighted_score"] == "0.15"


def test_without_a_key_an_intact_pack_is_consistent_but_not_authenticated(pack):
    result = verify_pack(pack[0])
    assert result.ok and not result.authenticated
    assert result.fingerprint == KEY.fingerprint  # the pack's own key verified it: that proves nothing


def test_the_right_fingerprint_authenticates_the_embedded_key_and_a_wrong_one_does_not(pack):
    assert verify_pack(pack[0], fingerprint=KEY.fingerprint).authenticated
    other = PackSigner.generate().public.fingerprint
    result = verify_pack(pack[0], fingerprint=other)
    assert not result.ok and not result.authenticated
    assert result.problems == [
        f"agency-key.pem: key mismatch: the pack's key has fingerprint {group(KEY.fingerprint)}, "
        f"not the expected {group(other)}"
    ]


def group(fingerprint: str) -> str:
    return " ".join(fingerprint[i : i + 4] for i in range(0, 16, 4)) + "…"


def test_sha256sum_checks_the_unzipped_pack(pack, tmp_path):
    if not shutil.which("sha256sum"):
        pytest.skip("sha256sum not installed")
    dest = tmp_path / "unzipped"
    if shutil.which("unzip"):
        subprocess.run(["unzip", "-q", str(pack[0]), "-d", str(dest)], check=True)
    else:
        zipfile.ZipFile(pack[0]).extractall(dest)
    assert (dest / ORDER).is_file()  # Thai names survived the unzip
    ok = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dest, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.count(": OK") == 11

    (dest / PHOTO).write_bytes(b"replaced")
    bad = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dest, capture_output=True, text=True)
    assert bad.returncode != 0 and f"{PHOTO}: FAILED" in bad.stdout


def test_tampered_member_is_named(pack, tmp_path):
    bad = rewrite(pack[0], tmp_path / "bad.zip", change={ORDER: flip_first_byte})
    result = verify_pack(bad, KEY)
    assert not result.ok and result.problems == [f"{ORDER}: SHA-256 mismatch"]


def test_removed_member_is_named(pack, tmp_path):
    result = verify_pack(rewrite(pack[0], tmp_path / "bad.zip", drop={PHOTO}), KEY)
    assert not result.ok and result.problems == [f"{PHOTO}: missing"]


def test_extra_member_is_named(pack, tmp_path):
    result = verify_pack(rewrite(pack[0], tmp_path / "bad.zip", add={"extra.txt": b"hi"}), KEY)
    assert not result.ok
    assert result.problems == [
        "extra.txt: not listed in manifest.json",
        "extra.txt: not listed in SHA256SUMS",
    ]


INVALID = (
    f"signature.ed25519: signature invalid: manifest.json was not signed by key {group(KEY.fingerprint)} "
    "(changed after signing, or signed by another key)"
)


def test_edited_manifest_is_detected(pack, tmp_path):
    def retitle(data):
        return data.replace('"title": "คำสั่งแต่งตั้งคณะทำงาน"'.encode(), '"title": "คำสั่งอื่น"'.encode())

    result = verify_pack(rewrite(pack[0], tmp_path / "bad.zip", change={"manifest.json": retitle}), KEY)
    assert not result.ok and result.problems == [INVALID, "manifest.json: SHA-256 mismatch"]


# --- the forgeries of issue 12, break 7: each consistent by SHA256SUMS and manifest.json alone ---------


def forge(src: Path, dst: Path, *, change=None, drop=(), edit_manifest=None, signer=None) -> Path:
    """What a careful forger does: changes or drops files, rewrites manifest.json to match (and, with
    ``edit_manifest``, to say more), rewrites SHA256SUMS, and re-signs with ``signer`` if given (else the
    old signature stays)."""
    change, drop = change or {}, set(drop)
    with zipfile.ZipFile(src) as zin:
        contents = {n: zin.read(n) for n in zin.namelist() if n not in drop}
    for name, fn in change.items():
        contents[name] = fn(contents[name])
    if signer is not None:
        contents["agency-key.pem"] = signer.public.pem()
    manifest = json.loads(contents["manifest.json"])
    manifest["files"] = [f for f in manifest["files"] if f["path"] not in drop]
    manifest["evidence"] = [e for e in manifest["evidence"] if e["path"] not in drop]
    for f in manifest["files"]:
        f["sha256"], f["size"] = sha(contents[f["path"]]), len(contents[f["path"]])
    for e in manifest["evidence"]:
        if e["path"]:
            e["sha256"], e["size"] = sha(contents[e["path"]]), len(contents[e["path"]])
    if edit_manifest:
        edit_manifest(manifest)
    contents["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    if signer is not None:
        contents["signature.ed25519"] = base64.b64encode(signer.sign(contents["manifest.json"])) + b"\n"
    names = [n for n in contents if n != "SHA256SUMS"]
    contents["SHA256SUMS"] = "".join(f"{sha(contents[n])}  {n}\n" for n in names).encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in contents.items():
            zout.writestr(name, data)
    return dst


def test_forgery_a_file_changed_with_manifest_and_sums_fails_the_signature(pack, tmp_path):
    bad = forge(pack[0], tmp_path / "bad.zip", change={ORDER: flip_first_byte})
    assert verify_pack(bad).ok is False  # even the pack's own key sees the manifest changed
    result = verify_pack(bad, KEY)
    assert not result.ok and not result.authenticated and result.problems == [INVALID]


def test_forgery_a_manifest_saying_signed_with_score_5_fails_the_signature(pack, tmp_path):
    def promote(manifest):
        manifest["meta"].update(signed=True, score="5", weighted_score="0.15", signed_by="ผู้ปลอม")

    bad = forge(pack[0], tmp_path / "bad.zip", edit_manifest=promote)
    result = verify_pack(bad, KEY)
    assert not result.ok and result.problems == [INVALID]


def test_forgery_a_zip_holding_only_a_manifest(pack, tmp_path):
    only = tmp_path / "only.zip"
    with zipfile.ZipFile(pack[0]) as zin, zipfile.ZipFile(only, "w") as zout:
        zout.writestr("manifest.json", zin.read("manifest.json"))
    result = verify_pack(only, KEY)
    assert not result.ok and not result.authenticated
    for name in ("index.html", "agency-key.pem", "signature.ed25519", "SHA256SUMS"):
        assert f"{name}: missing (every pack has it)" in result.problems
    assert f"{ORDER}: missing" in result.problems and "report/report.pdf: missing" in result.problems


def test_forgery_a_file_dropped_from_every_list_fails_the_signature(pack, tmp_path):
    bad = forge(pack[0], tmp_path / "bad.zip", drop={PHOTO})
    result = verify_pack(bad, KEY)
    assert not result.ok and result.problems == [INVALID]


def test_forgery_re_signed_with_another_key_is_a_key_mismatch(pack, tmp_path):
    forger = PackSigner.generate()
    bad = forge(pack[0], tmp_path / "bad.zip", change={ORDER: flip_first_byte}, signer=forger)
    result = verify_pack(bad, KEY)
    assert not result.ok and result.problems == [
        f"agency-key.pem: key mismatch: the pack carries key {group(forger.public.fingerprint)}, "
        f"the given key is {group(KEY.fingerprint)}",
        INVALID,
    ]
    assert not verify_pack(bad, fingerprint=KEY.fingerprint).ok
    # without a pinned key the forgery is consistent: which is why it is never called authentic
    alone = verify_pack(bad)
    assert alone.ok and not alone.authenticated and alone.fingerprint == forger.public.fingerprint


def test_a_signature_that_is_not_base64_is_named(pack, tmp_path):
    bad = rewrite(pack[0], tmp_path / "bad.zip", change={"signature.ed25519": lambda _: b"not base64!"})
    result = verify_pack(bad, KEY)
    assert "signature.ed25519: not a base64 Ed25519 signature" in result.problems


def test_an_unsigned_version_1_pack_is_not_intact(pack, tmp_path):
    def v1(manifest):
        manifest["format"] = "lakthan-evidence-pack/1"

    result = verify_pack(forge(pack[0], tmp_path / "old.zip", edit_manifest=v1, signer=SIGNER), KEY)
    assert result.problems == ["manifest.json: format 'lakthan-evidence-pack/1', not lakthan-evidence-pack/2"]


def test_damaged_bytes_in_the_zip_are_named(pack, tmp_path):
    data = bytearray(pack[0].read_bytes())
    with zipfile.ZipFile(pack[0]) as zf:
        info = zf.getinfo(PHOTO)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(data))
    result = verify_pack(bad, KEY)
    assert not result.ok and len(result.problems) == 1 and result.problems[0].startswith(f"{PHOTO}: ")


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04" + b"\0" * 40])
def test_corrupt_zip_is_a_problem_not_a_traceback(tmp_path, content):
    path = tmp_path / "broken.zip"
    path.write_bytes(content)
    result = verify_pack(path, KEY)
    assert not result.ok and result.checked == 0
    assert result.problems[0].startswith("broken.zip: not a readable zip file")


def test_truncated_pack_is_a_problem(pack, tmp_path):
    path = tmp_path / "cut.zip"
    path.write_bytes(pack[0].read_bytes()[:-200])
    result = verify_pack(path, KEY)
    assert not result.ok and "cut.zip" in result.problems[0]


def test_traversal_name_in_pack_is_named(pack, tmp_path):
    result = verify_pack(rewrite(pack[0], tmp_path / "bad.zip", add={"../evil.sh": b"rm -rf /"}), KEY)
    assert not result.ok and result.problems == ["'../evil.sh': unsafe path ('..' in path)"]


def test_missing_sums_is_named(pack, tmp_path):
    result = verify_pack(rewrite(pack[0], tmp_path / "bad.zip", drop={"SHA256SUMS"}), KEY)
    assert result.problems == ["SHA256SUMS: missing (every pack has it)"]


def test_zip_bomb_member_is_refused_without_reading_it(pack, tmp_path):
    bomb = b"\0" * (20 * 1024 * 1024)

    def list_bomb(data):
        return data + f"{sha(bomb)}  evidence/99-bomb.bin\n".encode()

    bad = rewrite(
        pack[0], tmp_path / "bad.zip", change={"SHA256SUMS": list_bomb}, add={"evidence/99-bomb.bin": bomb}
    )
    result = verify_pack(bad, KEY)
    assert "evidence/99-bomb.bin: compression ratio over 200 to 1 (zip bomb?)" in result.problems
    assert result.checked == 12  # the bomb itself was never hashed

    small = verify_pack(pack[0], KEY, limits=PackLimits(max_total_bytes=1000))
    assert not small.ok and small.problems[0].startswith("pack.zip: uncompressed size over the limit")
