"""The probe engine against real servers on loopback: HTTP up, down, slow, wrong status, wrong text,
a redirect not followed, TCP up and down; HTTPS with certificates of known expiry from a CA made for
the test, verified with and without the CA file."""

from __future__ import annotations

import hashlib
import socket
import time
from datetime import UTC, datetime, timedelta

from lakthan.operations.engines.probe import (
    days_left,
    http_check,
    parse_host_port,
    tcp_check,
)
from tests.operations import probe_fixtures
from tests.operations.probe_fixtures import ETAG, HOME_TEXT, refused_port

web = probe_fixtures.web
tls_sites = probe_fixtures.tls_sites


def test_a_page_with_the_expected_status_and_text_is_up_with_its_body_hash_and_headers(web):
    out = http_check(web + "/", 200, HOME_TEXT, timeout=5)
    assert out.up and out.detail == "status 200" and out.status_code == 200
    body = f"<html><body><h1>{HOME_TEXT}</h1></body></html>".encode()
    assert out.body_sha256 == hashlib.sha256(body).hexdigest()
    assert out.last_modified == datetime(2026, 10, 21, 7, 28, tzinfo=UTC)
    assert out.etag == ETAG
    assert out.latency_ms is not None and 0 <= out.latency_ms < 5000
    assert out.tls_expires is None and out.tls_days_left is None


def test_a_wrong_status_is_down_and_named(web):
    out = http_check(web + "/down", 200, timeout=5)
    assert not out.up and out.detail == "status 503, expected 200" and out.status_code == 503
    assert out.body_sha256  # the body of a 503 is still hashed
    assert http_check(web + "/down", 503, timeout=5).up  # what was expected is up


def test_a_redirect_is_not_followed(web):
    out = http_check(web + "/moved", 200, HOME_TEXT, timeout=5)
    assert not out.up and out.detail == "status 301, expected 200"
    assert http_check(web + "/moved", 301, timeout=5).up


def test_a_missing_text_is_down_and_quoted(web):
    out = http_check(web + "/", 200, "ระบบปิด", timeout=5)
    assert not out.up and out.detail == "text 'ระบบปิด' not found" and out.status_code == 200


def test_the_text_is_searched_in_the_charset_the_server_names(web):
    assert http_check(web + "/tis620", 200, HOME_TEXT, timeout=5).up


def test_the_body_is_read_up_to_the_limit(web):
    out = http_check(web + "/big", 200, timeout=5, body_limit=1000)
    assert out.up and out.body_sha256 == hashlib.sha256(b"x" * 1000).hexdigest()


def test_a_slow_server_times_out(web):
    started = time.monotonic()
    out = http_check(web + "/slow", 200, timeout=1)
    assert not out.up and out.detail == "timed out after 1 s"
    assert time.monotonic() - started < 2.5


def test_a_refused_connection_is_down():
    out = http_check(f"http://127.0.0.1:{refused_port()}/", 200, timeout=2)
    assert not out.up and out.detail == "connection refused" and out.status_code is None


def test_tcp_up_and_down(web):
    port = int(web.rsplit(":", 1)[1])
    up = tcp_check("127.0.0.1", port, 2)
    assert up.up and up.detail == "connected" and up.latency_ms is not None
    down = tcp_check("127.0.0.1", refused_port(), 2)
    assert not down.up and down.detail == "connection refused"


def test_tcp_to_a_listener_that_never_accepts_times_out():
    # a listening socket with a full backlog: SYNs unanswered on Linux after the queue fills
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    held = []
    try:
        for _ in range(8):  # fill the accept queue
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            held.append(s)
        time.sleep(0.1)
        out = tcp_check("127.0.0.1", port, 1)
        assert not out.up and out.detail == "timed out after 1 s"
    finally:
        for s in held:
            s.close()
        server.close()


def test_an_internal_certificate_fails_without_its_ca_and_passes_with_it(tls_sites):
    without = http_check(tls_sites.urls["fine"], 200, HOME_TEXT, timeout=5)
    assert not without.up
    assert without.detail.startswith("certificate not trusted: ")
    assert "local issuer" in without.detail or "self" in without.detail
    # the expiry is read even from a certificate that is not trusted
    assert without.tls_expires == tls_sites.expires["fine"]
    with_ca = http_check(tls_sites.urls["fine"], 200, HOME_TEXT, ca_file=tls_sites.ca_file, timeout=5)
    assert with_ca.up and with_ca.detail == "status 200"
    assert with_ca.tls_expires == tls_sites.expires["fine"] and with_ca.tls_days_left == 200


def test_a_certificate_expiring_in_12_days_is_up_but_warned(tls_sites):
    out = http_check(tls_sites.urls["soon"], 200, ca_file=tls_sites.ca_file, timeout=5)
    assert out.up and out.tls_days_left == 12
    assert out.detail == "status 200; certificate expires in 12 days"


def test_an_expired_certificate_is_down_with_how_long_ago(tls_sites):
    out = http_check(tls_sites.urls["expired"], 200, ca_file=tls_sites.ca_file, timeout=5)
    assert not out.up and out.detail == "certificate expired 3 days ago"
    assert out.tls_days_left == -4 and out.tls_expires == tls_sites.expires["expired"]


def test_days_left_rounds_down():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert days_left(now + timedelta(days=12, hours=23), now) == 12
    assert days_left(now - timedelta(hours=1), now) == -1


def test_host_port_parsing():
    assert parse_host_port("mail.example.go.th:25") == ("mail.example.go.th", 25)
    assert parse_host_port("[2001:db8::1]:443") == ("2001:db8::1", 443)
    for bad in ("host", "host:0", "host:70000", "2001:db8::1:443", ":80", "h:x"):
        try:
            parse_host_port(bad)
        except ValueError:
            continue
        raise AssertionError(bad)
