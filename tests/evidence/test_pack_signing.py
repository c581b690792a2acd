"""The agency's pack-signing key: its file, its public half as PEM, its fingerprint, keys from outside."""

from __future__ import annotations

import base64
import hashlib
import shutil
import stat
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lakthan.evidence.engines.pack_signing import (
    PackKeyError,
    PackSigner,
    fetch_public_key,
    grouped,
    load_or_create_signer,
    load_signer,
    normalise_fingerprint,
    parse_public_key,
    read_public_key,
)


def test_the_key_is_created_on_first_use_private_and_kept(tmp_path):
    path = tmp_path / "keys" / "pack-signing.key"
    first = load_or_create_signer(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(path.read_bytes()) == 32
    assert load_or_create_signer(path).public.fingerprint == first.public.fingerprint
    assert [p.name for p in path.parent.iterdir()] == ["pack-signing.key"]  # no staged file left


def test_an_existing_key_is_never_replaced(tmp_path):
    path = tmp_path / "pack-signing.key"
    path.write_bytes(bytes(range(32)))
    assert (
        load_or_create_signer(path).public.fingerprint
        == PackSigner.from_raw(bytes(range(32))).public.fingerprint
    )
    assert path.read_bytes() == bytes(range(32))


def test_a_key_file_of_the_wrong_length_is_one_clear_line(tmp_path):
    path = tmp_path / "pack-signing.key"
    path.write_bytes(b"-----BEGIN PRIVATE KEY-----\n")
    with pytest.raises(PackKeyError) as err:
        load_or_create_signer(path)
    assert (
        err.value.message_en == f"pack signing key {path}: is 28 bytes, not a raw 32-byte Ed25519 private key"
    )
    assert "\n" not in err.value.message_th


def test_an_unreadable_key_file_is_one_clear_line(tmp_path):
    with pytest.raises(PackKeyError, match=r"cannot read it \(No such file or directory\)$"):
        load_signer(tmp_path / "missing.key")
    (tmp_path / "dir.key").mkdir()
    with pytest.raises(PackKeyError, match="cannot read it"):
        load_or_create_signer(tmp_path / "dir.key")


def test_pem_fingerprint_and_grouping():
    key = PackSigner.from_raw(bytes(range(32))).public
    assert key.pem().startswith(b"-----BEGIN PUBLIC KEY-----\n")
    assert key.fingerprint == hashlib.sha256(key.raw).hexdigest() and len(key.raw) == 32
    assert grouped("0123456789abcdef") == "0123 4567 89ab cdef"
    assert normalise_fingerprint(grouped(key.fingerprint).upper()) == key.fingerprint
    assert (
        normalise_fingerprint(":".join(key.fingerprint[i : i + 2] for i in range(0, 64, 2)))
        == key.fingerprint
    )
    with pytest.raises(PackKeyError, match="64 hex digits"):
        normalise_fingerprint(key.fingerprint[:40])


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl not installed")
def test_openssl_reads_the_pem_and_computes_the_same_fingerprint(tmp_path):
    key = PackSigner.from_raw(bytes(range(32))).public
    pem = tmp_path / "agency-key.pem"
    pem.write_bytes(key.pem())
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", str(pem), "-outform", "DER"], capture_output=True, check=True
    ).stdout
    assert hashlib.sha256(der[-32:]).hexdigest() == key.fingerprint


def test_public_keys_from_pem_or_raw_base64_and_nothing_else(tmp_path):
    key = PackSigner.generate().public
    assert parse_public_key(key.pem(), "x").fingerprint == key.fingerprint
    assert parse_public_key(base64.b64encode(key.raw) + b"\n", "x").fingerprint == key.fingerprint
    rsa_pub = (
        rsa.generate_private_key(public_exponent=65537, key_size=1024)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    for bad in (b"", b"hello", base64.b64encode(b"x" * 31), rsa_pub, key.pem()[:-30]):
        with pytest.raises(PackKeyError, match="^k.pem: not an Ed25519 public key"):
            parse_public_key(bad, "k.pem")
    with pytest.raises(PackKeyError, match="cannot read the key"):
        read_public_key(tmp_path / "nope.pem")


@pytest.fixture
def key_server():
    """Serves ``routes[path] = (status, body)`` on 127.0.0.1."""
    routes: dict[str, tuple[int, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # the name http.server calls
            status, body = routes.get(self.path, (404, b"not found"))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", routes
    server.shutdown()
    server.server_close()


def test_fetching_a_key_and_every_way_it_fails(key_server):
    base, routes = key_server
    key = PackSigner.generate().public
    routes["/key.pem"] = (200, key.pem())
    routes["/huge"] = (200, b"A" * (70 * 1024))
    routes["/html"] = (200, b"<html>login</html>")
    assert fetch_public_key(base + "/key.pem").fingerprint == key.fingerprint
    with pytest.raises(PackKeyError, match=r"/missing: cannot fetch the key \(HTTP 404\)$"):
        fetch_public_key(base + "/missing")
    with pytest.raises(PackKeyError, match="too large to be a public key"):
        fetch_public_key(base + "/huge")
    with pytest.raises(PackKeyError, match="/html: not an Ed25519 public key"):
        fetch_public_key(base + "/html")
    with pytest.raises(PackKeyError, match="must start with http:// or https://"):
        fetch_public_key("file:///etc/passwd")
    with pytest.raises(PackKeyError, match=r"cannot fetch the key \(.*refused"):
        fetch_public_key("http://127.0.0.1:9/key.pem", timeout=2)
