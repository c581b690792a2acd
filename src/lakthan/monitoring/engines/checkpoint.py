"""Signed checkpoints in the C2SP tlog-checkpoint format, as a C2SP signed note with an Ed25519 key.

    <origin>\\n<tree size>\\n<base64 root hash>\\n      (the checkpoint body)
    \\n
    — <key name> <base64(4-byte key id || 64-byte Ed25519 signature)>\\n

The key id is the first 4 bytes of SHA-256(key name || "\\n" || 0x01 || public key); the verifier key
is written ``<name>+<hex key id>+<base64(0x01 || public key)>`` (the note "vkey" form). Pure Python.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG_ED25519 = 0x01
DASH = "\u2014"


class CheckpointError(ValueError):
    """A checkpoint or key is malformed, or its signature does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    def as_json(self) -> dict:
        return {"origin": self.origin, "size": self.size, "root": self.root.hex()}


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public).digest()[:4]


def _check_name(name: str) -> None:
    if not name or any(c.isspace() for c in name) or "+" in name:
        raise CheckpointError(f"key name {name!r} must be non-empty, without spaces or '+'")


@dataclass(frozen=True)
class Signer:
    name: str
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> Signer:
        _check_name(name)
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_bytes(cls, name: str, raw: bytes) -> Signer:
        _check_name(name)
        return cls(name, Ed25519PrivateKey.from_private_bytes(raw))

    def private_bytes(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )

    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    def vkey(self) -> str:
        pub = self.public_bytes()
        return f"{self.name}+{key_id(self.name, pub).hex()}+{base64.b64encode(bytes([ALG_ED25519]) + pub).decode()}"

    def sign(self, cp: Checkpoint) -> str:
        body = cp.body()
        sig = self.private.sign(body.encode())
        blob = base64.b64encode(key_id(self.name, self.public_bytes()) + sig).decode()
        return f"{body}\n{DASH} {self.name} {blob}\n"


@dataclass(frozen=True)
class Verifier:
    name: str
    id: bytes
    public: Ed25519PublicKey

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        try:
            name, hexid, b64 = vkey.strip().split("+", 2)
            raw = base64.b64decode(b64, validate=True)
            kid = bytes.fromhex(hexid)
        except ValueError:
            raise CheckpointError("verifier key must look like NAME+KEYID+BASE64") from None
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise CheckpointError("verifier key is not an Ed25519 note key")
        if key_id(name, raw[1:]) != kid:
            raise CheckpointError("verifier key id does not match its name and key")
        return cls(name, kid, Ed25519PublicKey.from_public_bytes(raw[1:]))

    def fingerprint(self) -> str:
        """SHA-256 of the raw public key, hex: what an agency publishes beside its key."""
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return hashlib.sha256(raw).hexdigest()

    def open(self, note: str, origin: str | None = None) -> Checkpoint:
        """Parses a signed checkpoint and checks this key's signature on it; raises CheckpointError."""
        body, sep, sigs = note.partition("\n\n")
        if not sep:
            raise CheckpointError("checkpoint has no signature block")
        body += "\n"
        lines = body.split("\n")
        if len(lines) < 4:
            raise CheckpointError("checkpoint body needs origin, size and root")
        cp_origin, size_s, root_s = lines[0], lines[1], lines[2]
        if not size_s.isdigit() or (size_s != "0" and size_s.startswith("0")):
            raise CheckpointError(f"checkpoint size {size_s!r} is not a decimal number")
        try:
            root_hash = base64.b64decode(root_s, validate=True)
        except ValueError:
            raise CheckpointError("checkpoint root is not base64") from None
        if len(root_hash) != 32:
            raise CheckpointError("checkpoint root is not 32 bytes")
        if origin is not None and cp_origin != origin:
            raise CheckpointError(f"checkpoint origin {cp_origin!r} is not {origin!r}")
        found = False
        for line in sigs.splitlines():
            parts = line.split(" ")
            if len(parts) != 3 or parts[0] != DASH:
                raise CheckpointError(f"malformed signature line {line!r}")
            if parts[1] != self.name:
                continue
            try:
                blob = base64.b64decode(parts[2], validate=True)
            except ValueError:
                raise CheckpointError("signature is not base64") from None
            if len(blob) != 68 or blob[:4] != self.id:
                continue
            try:
                self.public.verify(blob[4:], body.encode())
            except InvalidSignature:
                raise CheckpointError(f"signature by {self.name} does not verify") from None
            found = True
        if not found:
            raise CheckpointError(f"checkpoint carries no signature by key {self.name}")
        return Checkpoint(cp_origin, int(size_s), root_hash)
