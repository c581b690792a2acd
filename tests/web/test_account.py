"""A user's own account (issue 15.1 and 15.3): API tokens listed, made (key shown once) and revoked;
the password changed with the old one; recovery codes made at enrolment, kept hashed, used once."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lakthan.core import tokens, two_factor
from lakthan.core.models import ApiToken, AuditEntry, RecoveryCode
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-new-long-password-for-15"


def key_on(html: str) -> str:
    return re.search(r'data-testid="token">([^<]+)<', html).group(1)


def codes_on(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9-]+)</code></li>", html)


def test_the_account_page_makes_lists_and_revokes_tokens_and_shows_a_key_once(client, world):
    user = world.users["collector"]
    client.force_login(user)
    r = client.post(
        "/account/", {"action": "token_create", "name": "backup script", "scope": "write", "days": 30}
    )
    html = r.content.decode()
    key = key_on(html)
    token = tokens.check(key)
    assert (token.name, token.scope) == ("backup script", "write")
    again = client.get("/account/").content.decode()
    assert key not in again and "backup script" in again and token.prefix in again
    assert "อ่านและเขียน" in again  # the scope, in Thai
    refused = client.post("/account/", {"action": "token_create", "name": "x", "scope": "read", "days": 400})
    assert 'data-testid="token"' not in refused.content.decode() and ApiToken.objects.count() == 1
    # another user's token cannot be revoked from here
    theirs, _key = tokens.issue(world.users["auditor"], "theirs", actor="auditor-a")
    client.post("/account/", {"action": "token_revoke", "token": theirs.pk})
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    client.post("/account/", {"action": "token_revoke", "token": token.pk})
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert AuditEntry.objects.filter(action="api_token.revoke", actor="collector-a").count() == 1


def test_a_user_changes_their_password_with_the_old_one_and_stays_signed_in(client, world):
    user = world.users["reviewer"]
    client.force_login(user)
    wrong = client.post(
        "/account/password/",
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 400 and get_user_model().objects.get(pk=user.pk).check_password(PASSWORD)
    r = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert r.status_code == 302 and r["Location"] == "/account/"
    assert get_user_model().objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert client.get("/account/").status_code == 200  # the session was kept
    e = AuditEntry.objects.get(action="user.password_change")
    assert e.actor == "reviewer-a" and e.after == {"user": "reviewer-a"}
    assert NEW_PASSWORD not in str(e.after) and PASSWORD not in str(e.after)


@pytest.mark.django_db
def test_enrolment_gives_ten_hashed_recovery_codes_each_signs_in_once(client, world, require_2fa):
    user = world.users["supervisor"]
    client.force_login(user)
    client.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=user)
    r = client.post("/accounts/2fa/", {"token": f"{totp(device.bin_key):06d}", "next": "/account/"})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    codes = codes_on(r.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10 and all(len(c) == 19 for c in codes)
    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert AuditEntry.objects.filter(action="two_factor.recovery_codes", object_id=str(user.pk)).exists()

    # a new sign-in without the phone: a recovery code verifies it, once
    client.logout()
    client.force_login(user)
    assert client.get("/account/").status_code == 302  # the second factor is asked first
    step = client.get("/accounts/2fa/?next=/account/").content.decode()
    assert 'name="recovery_code"' in step
    used = client.post("/accounts/2fa/", {"recovery_code": codes[0].upper(), "next": "/account/"})
    assert used.status_code == 302 and used["Location"] == "/account/"
    page = client.get("/account/").content.decode()
    assert "๙" in page and 'data-testid="recovery-left"' in page  # 9 left, in Thai digits
    assert two_factor.recovery_codes_left(user) == 9
    client.logout()
    client.force_login(user)
    again = client.post("/accounts/2fa/", {"recovery_code": codes[0], "next": "/account/"})
    assert again.status_code == 400 and client.get("/account/").status_code == 302


def test_new_recovery_codes_need_the_password_and_replace_the_old_ones(client, world):
    user = world.users["collector"]
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    old = two_factor.new_recovery_codes(user, actor="collector-a")
    client.force_login(user)
    refused = client.post("/account/", {"action": "recovery_codes", "password": "wrong"})
    assert codes_on(refused.content.decode()) == [] and two_factor.recovery_codes_left(user) == 10
    r = client.post("/account/", {"action": "recovery_codes", "password": PASSWORD})
    new = codes_on(r.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    device = user.recoverycodedevice_set.get()
    assert not device.verify_token(old[0])
    assert device.verify_token(new[3]) and not device.verify_token(new[3])
    e = AuditEntry.objects.filter(action="two_factor.recovery_codes").order_by("-pk").first()
    assert e.after == {"user": "collector-a", "codes": 10, "replaced": 10}
    assert not any(c in str(e.after) for c in old + new)


def test_the_password_page_and_the_two_factor_step_speak_thai(client, world, require_2fa):
    client.force_login(world.users["reviewer"])
    page = client.get("/account/password/").content.decode()
    assert "<h1>เปลี่ยนรหัสผ่าน</h1>" in page and "รหัสผ่านเก่า" in page  # Django's own Thai label
    user = world.users["supervisor"]
    client.force_login(user)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    two_factor.new_recovery_codes(user, actor="t")
    step = client.get("/accounts/2fa/").content.decode()
    assert "รหัสกู้คืน" in step
