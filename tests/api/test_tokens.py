"""API tokens under the rules of sessions (issue 15.1): kept hashed, named, expiring, scoped; signing
and reopening only in a TOTP-verified session; DRF's old clear keys migrated so their clients keep
working."""

from __future__ import annotations

import hashlib
import importlib
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from lakthan.core import tokens
from lakthan.core.errors import InvalidInput
from lakthan.core.models import ApiToken, AuditEntry
from tests.api.test_api import signed_in
from tests.conftest import api_key


def client_with(key: str) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return c


def test_only_the_keys_hash_is_kept_and_the_key_works_until_it_expires(world):
    user = world.users["collector"]
    token, key = tokens.issue(user, "nightly export", "read", days=30, actor="collector-a")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in str(stored) and stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert stored["prefix"] == key[:8] and key.startswith("lkt_") and len(key) > 40
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert client_with(key).get("/api/units/").status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    r = client_with(key).get("/api/units/")
    assert r.status_code == 401
    assert "expired" in r.json()["detail"] and "nightly export" in r.json()["detail"]
    assert "หมดอายุ" in r.json()["detail_th"]


def test_a_use_records_when_the_token_was_last_used(world):
    token, key = tokens.issue(world.users["auditor"], "dashboard", actor="auditor-a")
    assert token.last_used_at is None
    client_with(key).get("/api/units/")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=30)
    # at most one write a minute: a second read soon after leaves it as it was
    client_with(key).get("/api/units/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=5))
    client_with(key).get("/api/units/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_a_read_only_token_reads_and_may_not_change_anything(world):
    key = api_key(world.users["collector"], scope="read")
    c = client_with(key)
    assert c.get("/api/evidence/").status_code == 200
    r = c.post("/api/evidence/", {"unit": "A", "title": "x", "kind": "order", "url": "https://e.invalid/"})
    assert r.status_code == 403
    assert "read-only" in r.json()["detail"] and "อ่านได้อย่างเดียว" in r.json()["detail_th"]
    writer = client_with(api_key(world.users["collector"], scope="write"))
    made = writer.post(
        "/api/evidence/",
        {"unit": "A", "title": "x", "kind": "order", "url": "https://e.invalid/"},
        format="json",
    )
    assert made.status_code == 201


def test_revoked_tokens_and_tokens_of_inactive_users_are_refused(world):
    user = world.users["reviewer"]
    token, key = tokens.issue(user, "ci", actor="reviewer-a")
    pk = token.pk
    tokens.revoke(token, actor="reviewer-a")
    assert client_with(key).get("/api/units/").status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoke", object_id=str(pk)).exists()
    _token, key = tokens.issue(user, "ci", actor="reviewer-a")
    user.is_active = False
    user.save()
    assert client_with(key).get("/api/units/").status_code == 401


def test_a_token_needs_a_name_and_a_lifetime_of_one_to_365_days(world):
    user = world.users["reviewer"]
    for name, days in (("", 90), ("x", 0), ("x", 366)):
        with pytest.raises(InvalidInput):
            tokens.issue(user, name, days=days, actor="t")
    with pytest.raises(InvalidInput):
        tokens.issue(user, "x", scope="admin", actor="t")


def test_a_token_may_not_sign_or_reopen_a_verified_session_may(world, require_2fa):
    supervisor = world.users["supervisor"]
    report = world.reports["A"]
    c = client_with(api_key(supervisor))
    c.post(f"/api/reports/{report.pk}/propose/")
    c.post(f"/api/reports/{report.pk}/accept/")
    refused = c.post(f"/api/reports/{report.pk}/sign/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "signing a report needs a browser session verified with your TOTP code, not an API token"
    )
    # a session with the password only is not enough
    unverified = APIClient()
    unverified.force_login(supervisor)
    assert unverified.post(f"/api/reports/{report.pk}/sign/").status_code in (401, 403)
    session = signed_in(supervisor)
    assert session.post(f"/api/reports/{report.pk}/sign/").json()["signed"] is True
    r = c.post(f"/api/reports/{report.pk}/reopen/", {"reason": "ทบทวน"}, format="json")
    assert r.status_code == 403 and r.json()["detail_th"].startswith("การเปิดรายงานที่ลงนามแล้วต้อง")
    assert (
        session.post(f"/api/reports/{report.pk}/reopen/", {"reason": "ทบทวน"}, format="json").json()["signed"]
        is False
    )


@pytest.mark.django_db(transaction=True)
def test_drf_tokens_of_before_are_hashed_and_keep_working(world):
    """The upgrade from rest_framework.authtoken: its table is read, each key kept as a hash with 90 days
    to be replaced, and the clear keys are deleted."""
    migration = importlib.import_module("lakthan.core.migrations.0005_hash_authtoken_keys")
    old_key = "0123456789abcdef0123456789abcdef01234567"
    user = world.users["collector"]
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, user_id integer, created timestamp)'
        )
        try:
            cursor.execute(
                "INSERT INTO authtoken_token VALUES (%s, %s, %s)", [old_key, user.pk, timezone.now()]
            )
            from django.apps import apps

            with connection.schema_editor() as editor:
                migration.hash_authtoken_keys(apps, editor)
            cursor.execute("SELECT COUNT(*) FROM authtoken_token")
            assert cursor.fetchone()[0] == 0
        finally:
            cursor.execute("DROP TABLE authtoken_token")
    token = ApiToken.objects.get(user=user)
    assert token.scope == "write" and token.key_hash == hashlib.sha256(old_key.encode()).hexdigest()
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert client_with(old_key).get("/api/units/").status_code == 200


def test_the_cli_makes_a_token_prints_its_key_once_lists_and_revokes_it(world, cli):
    made = cli(
        "token", "create", "auditor-a", "--name", "report robot", "--scope", "read", "--expires-days", "7"
    )
    assert made.exit_code == 0
    key = made.stdout.strip().splitlines()[-1]
    token = tokens.check(key)
    assert (token.name, token.scope, token.user.username) == ("report robot", "read", "auditor-a")
    assert timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= timedelta(days=7)
    listed = cli("token", "list", "auditor-a", "--json")
    assert key not in listed.output
    assert [(t["name"], t["prefix"], t["scope"]) for t in json.loads(listed.output)] == [
        ("report robot", key[:8], "read")
    ]
    assert cli("token", "revoke", str(token.pk)).exit_code == 0
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    bad = cli("token", "create", "auditor-a", "--name", "x", "--expires-days", "400")
    assert bad.exit_code == 2 and "365" in bad.output
