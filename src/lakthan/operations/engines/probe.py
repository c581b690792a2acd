"""One probe of a service, with the standard library only (no Django): an HTTP(S) request or a TCP
connection, and what it found.

HTTP(S): one GET, redirects not followed (a 301 is what the server answered, and is judged against
the expected status like any other); the body read up to ``BODY_LIMIT`` (its SHA-256, the
``Last-Modified`` and ``ETag`` headers kept for the website checks). HTTPS verifies the certificate
against the system's trust store, or only against ``ca_file`` when one is given (an agency's internal
CA); a certificate that fails verification is *down*, with the reason, and its expiry is still read
(a second, unverified handshake fetches it, so an expired certificate says how long ago it expired).
The expiry of a valid certificate is read from the peer certificate (parsed with ``cryptography``):
fewer than ``WARN_DAYS`` days left is up but warned in the detail.

Details are short English sentences, the same for every caller: "status 503, expected 200",
"text 'ระบบ' not found", "timed out after 10 s", "connection refused", "certificate expires in 12 days".
"""

from __future__ import annotations

import hashlib
import http.client
import math
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

BODY_LIMIT = 2 * 1024 * 1024  # bytes read of a body: enough for a home page, bounded for a hostile one
WARN_DAYS = 30  # a certificate with fewer days left than this is warned
USER_AGENT = "lakthan-probe/1"
_CERT_EXPIRED = 10  # X509_V_ERR_CERT_HAS_EXPIRED


@dataclass(frozen=True)
class Outcome:
    up: bool
    detail: str
    status_code: int | None = None
    latency_ms: int | None = None
    tls_expires: datetime | None = None
    tls_days_left: int | None = None
    body_sha256: str = ""
    last_modified: datetime | None = None
    etag: str = ""


def seconds_text(timeout: float) -> str:
    return f"{timeout:g} s"


def days_left(expires: datetime, now: datetime) -> int:
    """Whole days from ``now`` to ``expires``, rounded down (−1 the day after it expired)."""
    return math.floor((expires - now).total_seconds() / 86400)


def certificate_expiry(der: bytes) -> datetime:
    from cryptography import x509

    return x509.load_der_x509_certificate(der).not_valid_after_utc


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """The system's trust store, or only ``ca_file``'s certificates when it is given."""
    return ssl.create_default_context(cafile=ca_file or None)


def _unverified_expiry(host: str, port: int, timeout: float) -> datetime | None:
    """The expiry of the certificate a server presents, without trusting it (None if unreadable)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
        return certificate_expiry(der) if der else None
    except (OSError, ValueError):
        return None


def _network_error(exc: BaseException, timeout: float, host: str) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"timed out after {seconds_text(timeout)}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if isinstance(exc, socket.gaierror):
        return f"name not resolved: {host}"
    if isinstance(exc, http.client.HTTPException):
        return f"bad HTTP answer: {type(exc).__name__}"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text[:200]


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip().strip('"')
    return "utf-8"


def _last_modified(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def split_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query); ValueError for anything but an http(s) URL with a host."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    port = parts.port or (443 if scheme == "https" else 80)  # ValueError for a port out of range
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, parts.hostname, port, path


def http_check(
    url: str,
    expect_status: int = 200,
    expect_text: str = "",
    ca_file: str = "",
    timeout: float = 10,
    *,
    now: datetime | None = None,
    body_limit: int = BODY_LIMIT,
) -> Outcome:
    """GET ``url`` once and judge the answer; never raises for what the network or the server does
    (ValueError only for a URL that is not an http(s) one)."""
    scheme, host, port, path = split_url(url)
    deadline = time.monotonic() + timeout
    started = time.monotonic()
    expires: datetime | None = None
    left: int | None = None
    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=tls_context(ca_file))
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        try:
            connection.connect()
        except ssl.SSLCertVerificationError as exc:
            expires = _unverified_expiry(host, port, max(0.5, deadline - time.monotonic()))
            moment = now or datetime.now(UTC)
            left = days_left(expires, moment) if expires else None
            if exc.verify_code == _CERT_EXPIRED and expires is not None:
                ago = max(0, math.floor((moment - expires).total_seconds() / 86400))
                detail = f"certificate expired {ago} day{'s' if ago != 1 else ''} ago"
            else:
                reason = exc.verify_message or exc.reason or "verification failed"
                detail = f"certificate not trusted: {reason}"
            return Outcome(False, detail[:500], tls_expires=expires, tls_days_left=left)
        if scheme == "https":
            sock = connection.sock
            assert isinstance(sock, ssl.SSLSocket)
            der = sock.getpeercert(binary_form=True)
            if der:
                expires = certificate_expiry(der)
                left = days_left(expires, now or datetime.now(UTC))
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.putheader("User-Agent", USER_AGENT)
        connection.putheader("Accept", "*/*")
        connection.putheader("Accept-Encoding", "identity")
        connection.putheader("Connection", "close")
        connection.endheaders()
        response = connection.getresponse()
        latency = round((time.monotonic() - started) * 1000)
        chunks: list[bytes] = []
        size = 0
        while size < body_limit:
            if time.monotonic() > deadline:
                raise TimeoutError
            chunk = response.read(min(65536, body_limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        body = b"".join(chunks)
    except (OSError, http.client.HTTPException) as exc:
        detail = _network_error(exc, timeout, host)
        return Outcome(False, detail, tls_expires=expires, tls_days_left=left)
    finally:
        connection.close()
    status = response.status
    found = dict(
        status_code=status,
        latency_ms=latency,
        tls_expires=expires,
        tls_days_left=left,
        body_sha256=hashlib.sha256(body).hexdigest(),
        last_modified=_last_modified(response.getheader("Last-Modified")),
        etag=(response.getheader("ETag") or "")[:255],
    )
    if status != expect_status:
        return Outcome(False, f"status {status}, expected {expect_status}", **found)  # type: ignore[arg-type]
    if expect_text:
        text = body.decode(_charset(response.getheader("Content-Type") or ""), errors="replace")
        if expect_text not in text:
            return Outcome(False, f"text '{expect_text[:80]}' not found", **found)  # type: ignore[arg-type]
    detail = f"status {status}"
    if left is not None and left < WARN_DAYS:
        detail += f"; certificate expires in {left} day{'s' if left != 1 else ''}"
    return Outcome(True, detail, **found)  # type: ignore[arg-type]


def tcp_check(host: str, port: int, timeout: float = 10) -> Outcome:
    """Opens a TCP connection to ``host``:``port`` and closes it."""
    started = time.monotonic()
    try:
        with socket.create_connection((host, port), timeout=timeout):
            latency = round((time.monotonic() - started) * 1000)
    except OSError as exc:
        return Outcome(False, _network_error(exc, timeout, host))
    return Outcome(True, "connected", latency_ms=latency)


def parse_host_port(text: str) -> tuple[str, int]:
    """``host:port`` or ``[v6]:port`` → (host, port); ValueError otherwise."""
    text = text.strip()
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or not rest.startswith(":"):
            raise ValueError(text)
        port_text = rest[1:]
    else:
        host, sep, port_text = text.rpartition(":")
        if not sep or ":" in host:
            raise ValueError(text)
    if not host or not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ValueError(text)
    return host, int(port_text)
