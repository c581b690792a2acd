"""Lakthan's own security: lockout, two-factor for administrators and supervisors, headers, audit."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lakthan.core.models import AuditEntry


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_lockout_after_repeated_failures_even_with_the_right_password(client, world):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _login(client, "collector-a", "wrong-password").status_code == 200
    assert _login(client, "collector-a", "wrong-password").status_code == 429  # the limit-th failure locks
    locked = _login(client, "collector-a", world.password)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.login_failed", actor="collector-a").count() >= limit
    # another account from the same address is not locked by someone else's failures
    assert _login(client, "auditor-a", world.password).status_code == 302


def test_failures_below_the_limit_do_not_lock(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "collector-a", "wrong-password")
    assert _login(client, "collector-a", world.password).status_code == 302
    assert AuditEntry.objects.filter(action="auth.login", actor="collector-a").exists()


def test_supervisor_must_enrol_and_verify_totp(client, world, require_2fa):
    assert _login(client, "supervisor-a", world.password).status_code == 302
    page = client.get("/units/A/fy/2556/round/12/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/2fa/")
    assert client.get("/admin/").status_code == 302
    # the API refuses the password-only session too
    assert client.get("/api/units/").status_code in (401, 403)
    enrol = client.get(page["Location"]).content.decode()
    assert "<svg" in enrol and 'data-testid="totp-secret"' in enrol
    device = TOTPDevice.objects.get(user=world.users["supervisor"])
    assert (
        client.post(
            "/accounts/2fa/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"}
        ).status_code
        == 400
    )
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    ok = client.post(
        "/accounts/2fa/", {"token": f"{totp(device.bin_key):06d}", "next": "/units/A/fy/2556/round/12/"}
    )
    # enrolment ends on the recovery codes, then goes on to where the user was going
    assert ok.status_code == 200 and 'href="/units/A/fy/2556/round/12/"' in ok.content.decode()
    assert client.get("/units/A/fy/2556/round/12/").status_code == 200
    assert client.get("/api/units/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="two_factor.enrol", actor="supervisor-a").exists()


def test_collector_needs_no_second_factor(client, world, require_2fa):
    _login(client, "collector-a", world.password)
    assert client.get("/units/A/fy/2556/round/12/").status_code == 200


def test_staff_must_verify_too(client, django_user_model, require_2fa, db):
    django_user_model.objects.create_user(
        "root", password="a-long-test-password", is_staff=True, is_superuser=True
    )
    _login(client, "root", "a-long-test-password")
    assert client.get("/").status_code == 302


def test_security_headers_and_csp_without_inline_script(client, world):
    client.force_login(world.users["supervisor"])
    response = client.get("/units/A/fy/2556/round/12/indicators/9.2/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    html = response.content.decode()
    # no inline script or event handler anywhere on the page; scripts only from /static/
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r'\sstyle="', html)


def test_session_and_csrf_settings_are_hardened():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_SAMESITE == "Lax" and settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only
    from lakthan import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert production.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_csrf_is_enforced_on_posts(world):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(world.users["supervisor"])
    r = c.post("/units/A/fy/2556/round/12/indicators/9.2/", {"action": "texts", "phone": "1"})
    assert r.status_code == 403
    world.reports["A"].refresh_from_db()
    assert world.reports["A"].phone == ""


def test_metrics_and_healthz(client, world, settings):
    client.get("/healthz")
    body = client.get("/metrics").content.decode()
    assert "lakthan_http_requests_total" in body and 'view="web:healthz"' in body
    assert "lakthan_evidence 3.0" in body
    settings.LAKTHAN_METRICS_TOKEN = "s3cret"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200
    # from another machine, with a token
    assert (
        client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret").status_code
        == 200
    )


def test_metrics_without_a_token_answer_only_a_scraper_on_this_machine(client, world, settings):
    settings.LAKTHAN_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    for peer in ("203.0.113.9", "10.0.0.5", "192.168.1.20"):
        r = client.get("/metrics", REMOTE_ADDR=peer)
        assert r.status_code == 403 and "LAKTHAN_METRICS_TOKEN" in r.content.decode()
    # behind a reverse proxy on this machine every peer is loopback: a forwarded request is not trusted
    assert (
        client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    )
    assert (
        client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_FORWARDED="for=203.0.113.9").status_code == 403
    )


def test_out_of_range_numbers_in_urls_are_404_not_500(client, world):
    client.force_login(world.users["admin"])
    huge = "9" * 30
    for url in (
        f"/units/A/fy/{huge}/round/12/",
        f"/units/A/fy/{huge}/round/12/indicators/9.2/",
        f"/evidence/{huge}/",
        f"/evidence/{world.evidence['A'].pk}/revisions/{huge}/file",
    ):
        assert client.get(url).status_code in (400, 404), url


def test_audit_entries_reach_registered_sinks_after_commit(world, django_capture_on_commit_callbacks):
    import json

    from lakthan.core import audit
    from lakthan.indicators.services import set_result

    lines: list[str] = []

    def sink(entry):
        lines.append(audit.as_line(entry))

    audit.add_sink(sink)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            set_result(world.reports["A"], 1, "met", actor="tester")
    finally:
        audit.remove_sink(sink)
    record = json.loads(lines[-1])
    assert record["action"] == "result.set" and record["actor"] == "tester"
    assert record["before"]["status"] == "undecided" and record["after"]["status"] == "met"


def test_a_right_code_refused_while_throttled_says_how_long_to_wait(client, world, require_2fa):
    """After a wrong code django-otp refuses every code for a while (1 s, doubling): the right one then
    gets "wait N seconds", not "the code is not right"; after the wait it is accepted."""
    assert _login(client, "supervisor-a", world.password).status_code == 302
    client.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=world.users["supervisor"])
    wrong = "000000" if totp(device.bin_key) != 0 else "111111"
    for _ in range(3):
        client.post("/accounts/2fa/", {"token": wrong}, HTTP_ACCEPT_LANGUAGE="en")
    device.refresh_from_db()
    assert (
        device.throttling_failure_count >= 1
    )  # the wrong codes throttle (those sent while throttled do not count)
    # a longer wait than three failures give (4 s), so that a slow machine is still inside it
    device.throttling_failure_count, device.throttling_failure_timestamp = 6, timezone.now()
    device.save()
    page = client.post(
        "/accounts/2fa/", {"token": f"{totp(device.bin_key):06d}"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    match = re.search(r"Wait (\d+) seconds?", page)
    assert match is not None and 1 <= int(match.group(1)) <= 32 and "not right" not in page
    thai = client.post("/accounts/2fa/", {"token": f"{totp(device.bin_key):06d}"}).content.decode()
    assert "รอ" in thai
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(seconds=60)  # the wait is over
    device.save()
    accepted = client.post("/accounts/2fa/", {"token": f"{totp(device.bin_key):06d}"})
    assert accepted.status_code == 200 and 'data-testid="recovery-codes"' in accepted.content.decode()
