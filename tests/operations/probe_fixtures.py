"""Real servers on loopback for the probe tests: a threaded HTTP server with a few pages, HTTPS servers
with certificates made here (by a CA made here) with a known expiry, and a port nobody listens on.
Import the fixtures by name in a test module (``from tests.operations.probe_fixtures import web``)."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path

import pytest

HOME_TEXT = "ระบบงานกลางของสำนักงาน"
LAST_MODIFIED = "Wed, 21 Oct 2026 07:28:00 GMT"
ETAG = '"v1-abc"'
SLOW_S = 3


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # the name http.server calls
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(SLOW_S)
            return self._send(200, HOME_TEXT)
        if path == "/down":
            return self._send(503, "ขออภัย ระบบปิดปรับปรุง")
        if path == "/moved":
            return self._send(301, "", {"Location": "/"})
        if path == "/tis620":
            return self._send(200, HOME_TEXT, {"Content-Type": "text/html; charset=tis-620"}, "tis-620")
        if path == "/big":
            return self._send(200, "x" * (3 * 1024 * 1024))
        return self._send(200, f"<html><body><h1>{HOME_TEXT}</h1></body></html>")

    def _send(self, status, text, headers=None, charset="utf-8"):
        body = text.encode(charset)
        self.send_response(status)
        headers = {
            "Content-Type": "text/html; charset=utf-8",
            "Last-Modified": LAST_MODIFIED,
            "ETag": ETAG,
            **(headers or {}),
        }
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


def serve(context: ssl.SSLContext | None = None):
    server = _Server(("127.0.0.1", 0), Handler)
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop(server) -> None:
    server.shutdown()
    server.server_close()


@pytest.fixture
def web():
    """``http://127.0.0.1:PORT`` of a running server: / (200 with HOME_TEXT), /down (503), /slow
    (answers after SLOW_S s), /moved (301), /tis620 (HOME_TEXT in TIS-620), /big (3 MB)."""
    server = serve()
    yield f"http://127.0.0.1:{server.server_port}"
    stop(server)


def refused_port() -> int:
    """A loopback port that nobody listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- certificates ---------------------------------------------------------------------------------


def _key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def make_ca():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Lakthan Test Internal CA")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=400))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_leaf(ca, not_after: datetime, not_before: datetime | None = None):
    """A server certificate for 127.0.0.1 and localhost, signed by ``ca``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_key, ca_cert = ca
    key = _key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or not_after - timedelta(days=365))
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


@dataclass
class TlsSites:
    ca_file: str  # the test CA's PEM
    expires: dict[str, datetime]  # name → the certificate's notAfter
    urls: dict[str, str]  # name → https://127.0.0.1:PORT/


@pytest.fixture
def tls_sites(tmp_path: Path):
    """HTTPS servers whose certificates (from one test CA) expire in 12 days ("soon"), in 200 days
    ("fine"), and expired 3 days ago ("expired")."""
    from cryptography.hazmat.primitives import serialization

    ca = make_ca()
    ca_file = tmp_path / "internal-ca.pem"
    ca_file.write_bytes(ca[1].public_bytes(serialization.Encoding.PEM))
    now = datetime.now(UTC).replace(microsecond=0)
    plan = {
        "soon": now + timedelta(days=12, hours=1),
        "fine": now + timedelta(days=200, hours=1),
        "expired": now - timedelta(days=3, hours=1),
    }
    servers, urls, expires = [], {}, {}
    for name, not_after in plan.items():
        key, cert = make_leaf(ca, not_after)
        cert_file, key_file = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(_pem_key(key))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        server = serve(context)
        servers.append(server)
        urls[name] = f"https://127.0.0.1:{server.server_port}/"
        expires[name] = cert.not_valid_after_utc
    yield TlsSites(str(ca_file), expires, urls)
    for server in servers:
        stop(server)
