"""Webhooks cannot reach inside (issue 15.5): every trick that names an inside address is refused when the
URL is saved and again when it is called, before any connection; redirects are not followed."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from lakthan.core.notifications import Message, deliver
from lakthan.evidence.models import Evidence
from lakthan.lib import outbound
from lakthan.web.models import NotificationPreference
from lakthan.web.notify import send_all

MESSAGE = Message(subject="s", body="b", payload={"text": "t"})


def tricks(port: int) -> list[str]:
    """URLs that all lead to this machine or another inside address."""
    return [
        f"https://127.0.0.1:{port}/hook",
        f"https://localhost:{port}/hook",
        f"https://2130706433:{port}/hook",  # 127.0.0.1 as one decimal number
        f"https://0177.0.0.1:{port}/hook",  # octal
        f"https://0x7f.0.0.1:{port}/hook",  # hexadecimal
        f"https://127.1:{port}/hook",  # the short form
        f"https://[::1]:{port}/hook",
        f"https://[::ffff:127.0.0.1]:{port}/hook",  # IPv4-mapped IPv6
        f"https://chat.example@127.0.0.1:{port}/hook",  # looks like chat.example
        f"https://0.0.0.0:{port}/hook",
        "https://169.254.169.254/latest/meta-data/",  # a cloud's metadata service (link-local)
        "https://10.1.2.3/hook",
        "https://172.16.0.9/hook",
        "https://192.168.1.1/hook",
        "https://100.64.0.1/hook",  # carrier-grade NAT (shared)
        "https://[fd00::1]/hook",  # unique local
        "https://[fe80::1]/hook",
        "https://224.0.0.1/hook",  # multicast
        "https://240.0.0.1/hook",  # reserved
    ]


@pytest.fixture
def inside_receiver():
    """A receiver on loopback that records any POST that reaches it (none may)."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port, hits
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("index", range(19))
def test_each_trick_is_refused_when_saved_and_when_called(index, inside_receiver, settings, locmem_mail):
    port, hits = inside_receiver
    url = tricks(port)[index]
    with pytest.raises(outbound.UnsafeURL) as refused:
        outbound.vet(url, must_resolve=False)
    assert "inside" in str(refused.value) or "user name" in str(refused.value)
    delivery = deliver(MESSAGE, webhook_url=url)  # refused before connecting, not by a failed handshake
    assert not delivery.webhook_sent and delivery.errors == [f"webhook: {refused.value}"]
    assert hits == []


def test_plain_http_and_other_schemes_are_refused():
    for url in ("http://chat.example/hook", "ftp://chat.example/x", "file:///etc/passwd", "gopher://x/"):
        with pytest.raises(outbound.UnsafeURL, match="https://"):
            outbound.vet(url, must_resolve=False)


def test_a_public_name_that_does_not_resolve_yet_may_be_saved_but_not_called():
    assert outbound.vet("https://chat.example/hook", must_resolve=False).addresses == ()
    with pytest.raises(outbound.UnsafeURL, match="does not resolve"):
        outbound.vet("https://chat.example/hook")


def test_a_trusted_network_is_reached_and_nothing_else(inside_receiver, settings, locmem_mail):
    port, hits = inside_receiver
    settings.LAKTHAN_WEBHOOK_TRUSTED_NETWORKS = ["127.0.0.0/8"]
    assert deliver(MESSAGE, webhook_url=f"http://127.0.0.1:{port}/relay").webhook_sent
    assert deliver(MESSAGE, webhook_url=f"http://2130706433:{port}/decimal").webhook_sent
    assert not deliver(MESSAGE, webhook_url=f"http://[::1]:{port}/v6").webhook_sent  # ::1 is not trusted
    assert hits == ["/relay", "/decimal"]


def test_a_redirect_is_not_followed(settings, locmem_mail):
    settings.LAKTHAN_WEBHOOK_TRUSTED_NETWORKS = ["127.0.0.0/8"]
    followed: list[str] = []

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            if self.path == "/hook":
                self.send_response(307)
                self.send_header("Location", "/inside")
                self.end_headers()
            else:
                followed.append(self.path)
                self.send_response(204)
                self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        delivery = deliver(MESSAGE, webhook_url=f"http://127.0.0.1:{server.server_port}/hook")
    finally:
        server.shutdown()
        server.server_close()
    assert not delivery.webhook_sent and "redirects are not followed" in delivery.errors[0]
    assert followed == []


@pytest.mark.django_db
def test_the_account_form_refuses_an_inside_webhook_in_the_users_language(client, world):
    client.force_login(world.users["collector"])
    page = client.post(
        "/account/",
        {"webhook_url": "https://localhost/hook", "expiry_days": 30, "round_days": 14},
        HTTP_ACCEPT_LANGUAGE="th",
    ).content.decode()
    assert "ที่อยู่ภายใน" in page
    assert (
        NotificationPreference.objects.filter(
            user=world.users["collector"], webhook_url__contains="localhost"
        ).count()
        == 0
    )


@pytest.mark.django_db
def test_a_stored_inside_webhook_is_refused_at_sending(world, inside_receiver, locmem_mail):
    """A URL saved before this check (or written to the database directly) is judged again at sending."""
    port, hits = inside_receiver
    NotificationPreference.objects.create(
        user=world.users["auditor"], webhook_url=f"https://localhost:{port}/hook", round_closing=False
    )
    Evidence.objects.filter(pk=world.evidence["A"].pk).update(
        expiry_date=timezone.localdate() + timedelta(days=5)
    )
    counts = send_all()
    assert counts["failed"] >= 1 and counts["webhook"] == 0
    assert hits == []
