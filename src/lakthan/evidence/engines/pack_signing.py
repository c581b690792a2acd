"""The agency's pack-signing key: Ed25519 over the exact bytes of a pack's manifest.json (no Django).

The private key is a file of the raw 32 bytes, mode 0600, created on first use, as the log store keeps
its checkpoint key. The public key is published as PEM (SubjectPublicKeyInfo, what `openssl pkey
-pubin` and any library read); its fingerprint is the SHA-256 of the raw 32-byte key, in hex, which an
evaluator can compute with `openssl pkey -pubin -in agency-key.pem -outform DER | tail -c 32 | sha256sum`.
A signature file holds the 64-byte signature in base64 and a newline.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lakthan.core.errors import InvalidInput
from lakthan.lib.files import fsync_dir, write_private

RAW_KEY_BYTES = 32
SIGNATURE_BYTES = 64
MAX_KEY_TEXT = 64 * 1024  # a PEM public key is ~113 bytes; anything near this is not one


class PackKeyError(InvalidInput):
    """A key file, key text or key URL that does not give an Ed25519 key (one line, exit 2)."""


def normalise_fingerprint(text: str) -> str:
    """'1a2b 3C4D:…' → '1a2b3c4d…'; PackKeyError unless 64 hex digits remain."""
    hexdigits = re.sub(r"[\s:]", "", text or "").lower()
    if not re.fullmatch(r"[0-9a-f]{64}", hexdigits):
        raise PackKeyError(
            "ลายนิ้วมือกุญแจต้องเป็นเลขฐานสิบหก ๖๔ หลัก (SHA-256)",
            f"a key fingerprint is 64 hex digits (SHA-256), got {text!r}",
        )
    return hexdigits


def grouped(fingerprint: str) -> str:
    """A fingerprint for people to compare: groups of four hex digits."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


@dataclass(frozen=True)
class PublicKey:
    key: Ed25519PublicKey

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    def pem(self) -> bytes:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def verifies(self, data: bytes, signature: bytes) -> bool:
        try:
            self.key.verify(signature, data)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class PackSigner:
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> PackSigner:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_raw(cls, raw: bytes) -> PackSigner:
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    def private_bytes(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.private.public_key())

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def signature_text(signature: bytes) -> bytes:
    return base64.b64encode(signature) + b"\n"


def parse_signature(text: bytes) -> bytes | None:
    """The 64 signature bytes of a signature file, or None if it is not one."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == SIGNATURE_BYTES else None


# --- the private key file -----------------------------------------------------------------------------


def _key_file_error(path: Path, th: str, en: str) -> PackKeyError:
    return PackKeyError(f"กุญแจลงนามชุดหลักฐาน {path}: {th}", f"pack signing key {path}: {en}")


def load_signer(path: Path) -> PackSigner:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise _key_file_error(path, f"อ่านไม่ได้ ({exc.strerror})", f"cannot read it ({exc.strerror})") from None
    if len(raw) != RAW_KEY_BYTES:
        raise _key_file_error(
            path,
            f"มี {len(raw)} ไบต์ ไม่ใช่กุญแจ Ed25519 แบบ raw ๓๒ ไบต์",
            f"is {len(raw)} bytes, not a raw 32-byte Ed25519 private key",
        )
    return PackSigner.from_raw(raw)


def load_or_create_signer(path: Path) -> PackSigner:
    """The key in ``path``; created there (mode 0600, in a 0700 directory) when the file does not exist.
    A new key is linked into place, never renamed over one another process created meanwhile, so two
    processes starting together end up signing with the same key."""
    path = Path(path)
    if not path.exists():
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            staged = path.with_name(f".{path.name}.new{os.getpid()}")
            write_private(staged, PackSigner.generate().private_bytes())
            try:
                os.link(staged, path)
            except FileExistsError:
                pass  # another process won: use its key
            finally:
                staged.unlink(missing_ok=True)
            fsync_dir(path.parent)
        except OSError as exc:
            raise _key_file_error(
                path, f"สร้างไม่ได้ ({exc.strerror})", f"cannot create it ({exc.strerror})"
            ) from None
    return load_signer(path)


# --- public keys from outside ---------------------------------------------------------------------------


def parse_public_key(data: bytes, source: str) -> PublicKey:
    """An Ed25519 public key from PEM (SubjectPublicKeyInfo) or from the raw 32 bytes in base64."""
    text = data.strip()
    try:
        if text.startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(text)
            if isinstance(key, Ed25519PublicKey):
                return PublicKey(key)
        else:
            raw = base64.b64decode(text, validate=True)
            if len(raw) == RAW_KEY_BYTES:
                return PublicKey(Ed25519PublicKey.from_public_bytes(raw))
    except (ValueError, binascii.Error, UnsupportedAlgorithm):
        pass
    raise PackKeyError(
        f"{source}: ไม่ใช่กุญแจสาธารณะ Ed25519 (PEM หรือ base64 ๓๒ ไบต์)",
        f"{source}: not an Ed25519 public key (PEM, or the raw 32 bytes in base64)",
    )


def read_public_key(path: Path) -> PublicKey:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_KEY_TEXT + 1)
    except OSError as exc:
        raise PackKeyError(
            f"{path}: อ่านกุญแจไม่ได้ ({exc.strerror})", f"{path}: cannot read the key ({exc.strerror})"
        ) from None
    return parse_public_key(data[:MAX_KEY_TEXT], str(path))


def fetch_public_key(url: str, timeout: float = 10.0) -> PublicKey:
    """The key published at an http(s) URL (at most 64 KiB read, within ``timeout`` seconds)."""
    if not re.match(r"https?://", url, re.IGNORECASE):
        raise PackKeyError(
            f"{url}: ที่อยู่กุญแจต้องขึ้นต้นด้วย http:// หรือ https://",
            f"{url}: the key URL must start with http:// or https://",
        )
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 — scheme checked above
            data = response.read(MAX_KEY_TEXT + 1)
    except urllib.error.HTTPError as exc:
        reason = f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = str(getattr(exc, "reason", exc))
    else:
        if len(data) > MAX_KEY_TEXT:
            raise PackKeyError(f"{url}: ยาวเกินกว่าจะเป็นกุญแจสาธารณะ", f"{url}: too large to be a public key")
        return parse_public_key(data, url)
    raise PackKeyError(f"{url}: ดึงกุญแจไม่ได้ ({reason})", f"{url}: cannot fetch the key ({reason})")
