"""The evidence pack for the evaluator: one zip that anyone can check with nothing but the zip and the
agency's public key.

Layout, in zip order: index.html, index.pdf, report/..., evidence/NN-<title>.<ext>, proofs/...,
agency-key.pem (the public half of the agency's pack-signing key), manifest.json (every file above
with its size and SHA-256, and what the pack is about), signature.ed25519 (Ed25519 over the exact
bytes of manifest.json, base64), SHA256SUMS (every file but itself, in `sha256sum` format, so
`unzip pack.zip && sha256sum -c SHA256SUMS` checks the contents too).

The signature makes the manifest the agency's word; the manifest's hashes bind every file to it. A pack
verified without a key the verifier trusts is only consistent: anyone can build a consistent pack.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lakthan.core.errors import IntegrityFailure, InvalidInput
from lakthan.evidence.engines.blobstore import CHUNK
from lakthan.evidence.engines.pack_signing import (
    PackKeyError,
    PackSigner,
    PublicKey,
    grouped,
    parse_public_key,
    parse_signature,
    signature_text,
)
from lakthan.evidence.engines.uploads import member_name_problem
from lakthan.lib.files import PRIVATE, atomic_writer
from lakthan.lib.timezones import BANGKOK

FORMAT = "lakthan-evidence-pack/2"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SIGNATURE = "signature.ed25519"
KEY = "agency-key.pem"
INDEX = "index.html"
# Every pack has these; the manifest lists every other member, SHA256SUMS every member but itself.
REQUIRED = (INDEX, KEY, MANIFEST, SIGNATURE, SUMS)
OUTSIDE_MANIFEST = {MANIFEST, SIGNATURE, SUMS}
MiB = 1024 * 1024
_SUMS_LINE = re.compile(r"([0-9a-fA-F]{64}) [ *](.+)")


class PackError(InvalidInput):
    """The pack cannot be built from what was given."""


class PackEntryChanged(IntegrityFailure):
    """An evidence file no longer has the SHA-256 it was registered with: it must not ship."""

    def __init__(self, arcname: str, expected: str, actual: str):
        super().__init__(
            f"{arcname}: เนื้อหาไม่ตรงกับ SHA-256 ที่ลงทะเบียนไว้ ({expected[:12]}… ≠ {actual[:12]}…)",
            f"{arcname}: content does not match its registered SHA-256 ({expected[:12]}… != {actual[:12]}…)",
        )
        self.arcname, self.expected, self.actual = arcname, expected, actual


@dataclass(frozen=True)
class PackEntry:
    """One numbered evidence reference. A link has neither source_path nor data (arcname is ignored)."""

    ref_no: int
    title: str
    source_path: Path | None
    data: bytes | None
    arcname: str
    sha256: str
    doc_no: str
    doc_date: str | None
    url: str

    @property
    def has_file(self) -> bool:
        return self.source_path is not None or self.data is not None


@dataclass(frozen=True)
class PackSummary:
    path: Path
    sha256: str  # of the zip itself: record it elsewhere to prove later that this is the pack handed over
    size: int
    files: int  # in the zip, SHA256SUMS included
    evidence_files: int
    links: int
    created_at: str
    manifest_sha256: str = ""
    key_fingerprint: str = ""  # SHA-256 of the raw public key that signed the manifest, hex
    # the report files as written into the pack ("report/report.pdf" → bytes), for a caller that
    # delivers them beside the pack: the same bytes, rendered once
    report_files: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)


@dataclass
class PackVerification:
    ok: bool
    problems: list[str] = field(default_factory=list)
    checked: int = 0
    # ok and signed by a key the caller named (key or fingerprint), not merely by the key inside
    authenticated: bool = False
    fingerprint: str = ""  # of the key the signature verified with ("" if it did not)
    meta: dict = field(default_factory=dict)  # the manifest's meta, when it could be read


@dataclass(frozen=True)
class PackLimits:
    max_members: int = 20_000
    max_total_bytes: int = 32 * 1024 * MiB  # uncompressed
    max_ratio: float = 200.0
    ratio_floor: int = MiB
    max_text_bytes: int = 64 * MiB  # manifest.json, SHA256SUMS


def tool_version() -> str:
    try:
        from importlib.metadata import version

        return version("lakthan")
    except Exception:  # not installed as a distribution (e.g. run from a source tree)
        return "unknown"


# --- build --------------------------------------------------------------------------------------------


def build_pack(
    out_path: Path,
    *,
    entries: list[PackEntry],
    index_html: str,
    index_pdf: bytes | None,
    report_files: dict[str, bytes],
    meta: dict,
    signer: PackSigner,
    proofs: dict[str, bytes] | None = None,
    created_at: datetime | None = None,
) -> PackSummary:
    """Writes the pack to a temp file beside out_path, then renames it into place. Same input, key and
    created_at give the same bytes (Ed25519 signatures are deterministic). PackEntryChanged if an
    evidence file no longer matches its SHA-256. ``proofs``: files under proofs/ (path → bytes)."""
    created = (created_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    reports = {
        name if name.startswith("report/") else f"report/{name}": data for name, data in report_files.items()
    }
    proof_files = dict(proofs or {})
    ordered = sorted(entries, key=lambda e: e.ref_no)
    _validate(ordered, reports, proof_files)
    public = signer.public

    out = Path(out_path)
    with atomic_writer(out, PRIVATE) as raw:  # internal documents: owner only, as before
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            writer = _Writer(zf, created.astimezone(BANGKOK).timetuple()[:6])
            writer.add_bytes(INDEX, index_html.encode(), "index")
            if index_pdf is not None:
                writer.add_bytes("index.pdf", index_pdf, "index")
            for name in sorted(reports):
                writer.add_bytes(name, reports[name], "report")
            evidence = [writer.add_entry(e) for e in ordered]
            for name in sorted(proof_files):
                writer.add_bytes(name, proof_files[name], "proof")
            writer.add_bytes(KEY, public.pem(), "key")
            manifest = {
                "format": FORMAT,
                "tool": {"name": "lakthan", "version": tool_version()},
                "created_at": created.isoformat().replace("+00:00", "Z"),
                "signing_key": {"algorithm": "Ed25519", "fingerprint": public.fingerprint, "path": KEY},
                "meta": meta,
                "files": writer.files,
                "evidence": evidence,
            }
            manifest_bytes = _json(manifest)
            manifest_sha = writer.add_bytes(MANIFEST, manifest_bytes, None)
            writer.add_bytes(SIGNATURE, signature_text(signer.sign(manifest_bytes)), None)
            sums = "".join(f"{sha}  {path}\n" for path, sha in writer.sums)
            writer.add_bytes(SUMS, sums.encode(), None)
    with open(out, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return PackSummary(
        out,
        digest,
        out.stat().st_size,
        len(writer.sums),
        sum(e.has_file for e in ordered),
        sum(not e.has_file for e in ordered),
        str(manifest["created_at"]),  # the manifest is heterogeneous JSON: its created_at is a str
        manifest_sha,
        public.fingerprint,
        reports,
    )


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n").encode()


def _validate(entries: list[PackEntry], reports: dict[str, bytes], proofs: dict[str, bytes]) -> None:
    names = [INDEX, "index.pdf", KEY, MANIFEST, SIGNATURE, SUMS, *reports, *proofs]
    for name in proofs:
        if not name.startswith("proofs/"):
            raise PackError(f"หลักฐานประกอบ {name!r} ต้องอยู่ใต้ proofs/", f"proof {name!r} must be under proofs/")
    refs: set[int] = set()
    for e in entries:
        if e.ref_no in refs or e.ref_no < 1:
            raise PackError(
                f"หมายเลขหลักฐาน {e.ref_no} ซ้ำหรือไม่ถูกต้อง", f"evidence number {e.ref_no} is repeated or invalid"
            )
        refs.add(e.ref_no)
        if not e.has_file:
            continue
        if e.source_path is not None and e.data is not None:
            raise PackError(
                f"หลักฐาน {e.ref_no}: ระบุได้ทั้งไฟล์หรือข้อมูล อย่างใดอย่างหนึ่ง",
                f"evidence {e.ref_no}: give source_path or data, not both",
            )
        if not re.fullmatch(r"[0-9a-f]{64}", e.sha256 or ""):
            raise PackError(
                f"หลักฐาน {e.ref_no}: SHA-256 ไม่ถูกต้อง", f"evidence {e.ref_no}: invalid SHA-256 {e.sha256!r}"
            )
        if not e.arcname.startswith("evidence/"):
            raise PackError(
                f"หลักฐาน {e.ref_no}: ชื่อไฟล์ต้องอยู่ใต้ evidence/",
                f"evidence {e.ref_no}: arcname {e.arcname!r} must be under evidence/",
            )
        names.append(e.arcname)
    for name in names:
        problem = member_name_problem(name)
        too_long = any(len(part.encode()) > 255 for part in name.split("/"))
        if problem or too_long or name.endswith("/"):
            raise PackError(
                f"ชื่อไฟล์ในชุดหลักฐานไม่ปลอดภัย: {name!r}",
                f"unsafe name in the pack: {name!r} ({problem or 'too long or a directory'})",
            )
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise PackError(
            f"ชื่อไฟล์ซ้ำในชุดหลักฐาน: {duplicates[0]}", f"the same name twice in the pack: {duplicates[0]}"
        )


class _Writer:
    def __init__(self, zf: zipfile.ZipFile, date_time: tuple):
        self.zf, self.date_time = zf, date_time
        self.files: list[dict] = []  # for the manifest
        self.sums: list[tuple[str, str]] = []  # (path, sha256), in zip order; ends with SHA256SUMS itself

    def _info(self, name: str, size: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3  # unix, so the bytes don't depend on the building machine
        info.external_attr = 0o100644 << 16
        info.file_size = size  # lets zipfile decide on zip64 before writing
        return info

    def _record(self, name: str, size: int, sha: str, role: str | None) -> None:
        self.sums.append((name, sha))
        if role:
            self.files.append({"path": name, "size": size, "sha256": sha, "role": role})

    def add_bytes(self, name: str, data: bytes, role: str | None) -> str:
        sha = hashlib.sha256(data).hexdigest()
        self.zf.writestr(self._info(name, len(data)), data)
        self._record(name, len(data), sha, role)
        return sha

    def add_entry(self, e: PackEntry) -> dict:
        item = {
            "ref_no": e.ref_no,
            "title": e.title,
            "doc_no": e.doc_no,
            "doc_date": e.doc_date,
            "url": e.url,
            "path": None,
            "size": None,
            "sha256": None,
        }
        if e.data is not None:
            sha, size = hashlib.sha256(e.data).hexdigest(), len(e.data)
            if sha != e.sha256:
                raise PackEntryChanged(e.arcname, e.sha256, sha)
            self.add_bytes(e.arcname, e.data, "evidence")
        elif e.source_path is not None:
            sha, size = self._add_file(e, e.source_path)
        else:
            return item
        self.files[-1]["ref_no"] = e.ref_no
        return item | {"path": e.arcname, "size": size, "sha256": sha}

    def _add_file(self, e: PackEntry, source_path: Path) -> tuple[str, int]:
        try:
            src = open(source_path, "rb")
        except OSError as exc:
            raise PackError(
                f"หลักฐาน {e.ref_no}: เปิดไฟล์ไม่ได้ ({exc.strerror})",
                f"evidence {e.ref_no}: cannot open {source_path} ({exc.strerror})",
            ) from None
        with src:
            size = os.fstat(src.fileno()).st_size
            digest, written = hashlib.sha256(), 0
            with self.zf.open(self._info(e.arcname, size), "w", force_zip64=size > 1024 * MiB) as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    written += len(chunk)
                    dst.write(chunk)
        sha = digest.hexdigest()
        if sha != e.sha256:
            raise PackEntryChanged(e.arcname, e.sha256, sha)
        self._record(e.arcname, written, sha, "evidence")
        return sha, written


# --- verify -------------------------------------------------------------------------------------------


class _Unreadable(Exception):
    pass


def verify_pack(
    zip_path: Path,
    key: PublicKey | None = None,
    *,
    fingerprint: str | None = None,
    limits: PackLimits | None = None,
) -> PackVerification:
    """Checks a pack: the signature over manifest.json with ``key`` (or with the pack's own key when its
    fingerprint is ``fingerprint``, normalised hex), every file the manifest lists present and unchanged,
    no member that manifest.json and SHA256SUMS do not list. Without key or fingerprint the signature is
    checked with the pack's own key: the pack is then at most consistent, never ``authenticated``.
    Problems name the file, e.g. 'evidence/07-x.pdf: SHA-256 mismatch'. Never raises for a damaged or
    hostile zip."""
    limits = limits or PackLimits()
    label = Path(zip_path).name
    try:
        zf = zipfile.ZipFile(zip_path)
    except Exception as exc:  # noqa: BLE001 — a hostile zip can fail in many ways; all mean "not a pack"
        return PackVerification(False, [f"{label}: not a readable zip file ({exc})"], 0)
    with zf:
        return _Verifier(zf, label, limits, key, fingerprint).run()


class _Verifier:
    def __init__(
        self,
        zf: zipfile.ZipFile,
        label: str,
        limits: PackLimits,
        key: PublicKey | None,
        fingerprint: str | None,
    ):
        self.zf, self.label, self.limits = zf, label, limits
        self.key, self.expected_fingerprint = key, fingerprint
        self.problems: list[str] = []
        self.budget = limits.max_total_bytes
        self.actual: dict[str, tuple[str, int]] = {}  # member → (sha256, size), for those hashed
        self.signed_by = ""
        self.meta: dict = {}

    def problem(self, text: str) -> None:
        if text not in self.problems:  # the manifest and SHA256SUMS may name the same missing file
            self.problems.append(text)

    def result(self) -> PackVerification:
        ok = not self.problems
        named = self.key is not None or self.expected_fingerprint is not None
        return PackVerification(
            ok,
            self.problems,
            len(self.actual),
            ok and named and bool(self.signed_by),
            self.signed_by,
            self.meta,
        )

    def run(self) -> PackVerification:
        infos = self.zf.infolist()
        if len(infos) > self.limits.max_members:
            self.problem(f"{self.label}: {len(infos)} members, over the limit of {self.limits.max_members}")
            return self.result()
        members = self._members(infos)
        if sum(i.file_size for i in members.values()) > self.limits.max_total_bytes:
            self.problem(
                f"{self.label}: uncompressed size over the limit of {self.limits.max_total_bytes} bytes"
            )
            return self.result()
        for name in REQUIRED:
            if name not in members:
                self.problem(f"{name}: missing (every pack has it)")
        for name, info in members.items():
            if (hashed := self._hash(info)) is not None:
                self.actual[name] = hashed
        manifest_bytes = self._read_member(members, MANIFEST)
        self._check_signature(members, manifest_bytes)
        if manifest_bytes is not None:
            self._check_manifest(manifest_bytes, members)
        if SUMS in members:
            self._check_sums(self._read_sums(members[SUMS]), members)
        return self.result()

    def _members(self, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            problem = member_name_problem(name)
            if problem:
                self.problem(f"{name!r}: unsafe path ({problem})")
            elif name in members:
                self.problem(f"{name}: duplicate entry in the zip")
            elif not info.is_dir():
                members[name] = info
        return members

    # --- the signature ---------------------------------------------------------------------------------

    def _check_signature(self, members: dict[str, zipfile.ZipInfo], manifest: bytes | None) -> None:
        embedded = self._embedded_key(members)
        trusted: PublicKey | None
        if self.expected_fingerprint is not None:
            trusted = embedded if embedded and embedded.fingerprint == self.expected_fingerprint else None
            if embedded and trusted is None:
                self.problem(
                    f"{KEY}: key mismatch: the pack's key has fingerprint {_short(embedded.fingerprint)}, "
                    f"not the expected {_short(self.expected_fingerprint)}"
                )
        elif self.key is not None:
            trusted = self.key
            if embedded and embedded.fingerprint != self.key.fingerprint:
                self.problem(
                    f"{KEY}: key mismatch: the pack carries key {_short(embedded.fingerprint)}, "
                    f"the given key is {_short(self.key.fingerprint)}"
                )
        else:
            trusted = embedded
        data = self._read_member(members, SIGNATURE)
        if data is None:
            return
        signature = parse_signature(data)
        if signature is None:
            self.problem(f"{SIGNATURE}: not a base64 Ed25519 signature")
        elif trusted is not None and manifest is not None:
            if trusted.verifies(manifest, signature):
                self.signed_by = trusted.fingerprint
            else:
                self.problem(
                    f"{SIGNATURE}: signature invalid: {MANIFEST} was not signed by key "
                    f"{_short(trusted.fingerprint)} (changed after signing, or signed by another key)"
                )

    def _embedded_key(self, members: dict[str, zipfile.ZipInfo]) -> PublicKey | None:
        data = self._read_member(members, KEY)
        if data is None:
            return None
        try:
            return parse_public_key(data, KEY)
        except PackKeyError:
            self.problem(f"{KEY}: not an Ed25519 public key (PEM)")
            return None

    # --- the lists -------------------------------------------------------------------------------------

    def _compare(self, path: str, sha: object, members: dict[str, zipfile.ZipInfo]) -> None:
        if path not in members:
            if path not in REQUIRED:  # those are named already
                self.problem(f"{path}: missing")
        elif path in self.actual and self.actual[path][0] != sha:
            self.problem(f"{path}: SHA-256 mismatch")

    def _check_manifest(self, data: bytes, members: dict[str, zipfile.ZipInfo]) -> None:
        try:
            manifest = json.loads(data.decode("utf-8"))
            files = {f["path"]: f for f in manifest["files"] if isinstance(f["path"], str)}
            evidence = [e for e in manifest["evidence"] if e.get("path") is not None]
            fmt, meta = manifest.get("format"), manifest.get("meta") or {}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self.problem(f"{MANIFEST}: unreadable ({exc})")
            return
        if fmt != FORMAT:
            self.problem(f"{MANIFEST}: format {fmt!r}, not {FORMAT}")
        self.meta = meta if isinstance(meta, dict) else {}
        for name in members:
            if name not in OUTSIDE_MANIFEST and name not in files:
                self.problem(f"{name}: not listed in {MANIFEST}")
        for path, entry in files.items():
            self._compare(path, entry.get("sha256"), members)
            if path in self.actual and entry.get("size") != self.actual[path][1]:
                self.problem(f"{path}: size in {MANIFEST} differs from the file")
        for entry in evidence:
            path = entry["path"]
            listed = files.get(path)
            if (
                listed is None
                or listed.get("sha256") != entry.get("sha256")
                or listed.get("size") != entry.get("size")
            ):
                self.problem(
                    f"{path}: evidence {entry.get('ref_no')} in {MANIFEST} disagrees with its file entry"
                )

    def _check_sums(self, sums: dict[str, str], members: dict[str, zipfile.ZipInfo]) -> None:
        for name in members:
            if name != SUMS and name not in sums:
                self.problem(f"{name}: not listed in {SUMS}")
        for path, sha in sums.items():
            self._compare(path, sha, members)

    # --- reading ---------------------------------------------------------------------------------------

    def _hash(self, info: zipfile.ZipInfo) -> tuple[str, int] | None:
        name = info.filename
        if info.file_size > self.limits.ratio_floor and info.file_size > self.limits.max_ratio * max(
            info.compress_size, 1
        ):
            self.problem(f"{name}: compression ratio over {self.limits.max_ratio:.0f} to 1 (zip bomb?)")
            return None
        digest, n = hashlib.sha256(), 0
        try:
            with self.zf.open(info) as fh:
                while chunk := fh.read(CHUNK):
                    n += len(chunk)
                    if n > self.budget:
                        self.problem(f"{name}: exceeds the size limit")
                        return None
                    digest.update(chunk)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            RuntimeError,
            NotImplementedError,
            ValueError,
        ) as exc:
            self.problem(f"{name}: damaged in the zip ({exc})")
            return None
        self.budget -= n
        return digest.hexdigest(), n

    def _read_member(self, members: dict[str, zipfile.ZipInfo], name: str) -> bytes | None:
        """A small member's bytes, once its hash could be taken (None if missing or unreadable)."""
        if name not in members or name not in self.actual:
            return None
        try:
            return self._read_bytes(members[name])
        except _Unreadable as exc:
            self.problem(f"{name}: unreadable ({exc})")
            return None

    def _read_bytes(self, info: zipfile.ZipInfo) -> bytes:
        if info.file_size > self.limits.max_text_bytes:
            raise _Unreadable(f"larger than {self.limits.max_text_bytes} bytes")
        try:
            with self.zf.open(info) as fh:
                data = fh.read(self.limits.max_text_bytes + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
            raise _Unreadable(str(exc)) from None
        if len(data) > self.limits.max_text_bytes:
            raise _Unreadable(f"larger than {self.limits.max_text_bytes} bytes")
        return data

    def _read_sums(self, info: zipfile.ZipInfo) -> dict[str, str]:
        try:
            text = self._read_bytes(info).decode("utf-8")
        except (_Unreadable, UnicodeDecodeError) as exc:
            self.problem(f"{SUMS}: unreadable ({exc})")
            return {}
        sums: dict[str, str] = {}
        for n, line in enumerate(text.splitlines(), 1):
            m = _SUMS_LINE.fullmatch(line)
            if not m:
                self.problem(f"{SUMS}: line {n} is not in sha256sum format")
            elif member_name_problem(m[2]) or m[2] == SUMS:
                self.problem(f"{SUMS}: line {n} names an unsafe path {m[2]!r}")
            elif m[2] in sums:
                self.problem(f"{m[2]}: listed twice in {SUMS}")
            else:
                sums[m[2]] = m[1].lower()
        return sums


def _short(fingerprint: str) -> str:
    """The first 16 hex digits, grouped: enough to tell two keys apart in a message."""
    return grouped(fingerprint[:16]) + "…"
