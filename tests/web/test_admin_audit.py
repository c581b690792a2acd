"""Everything an administrator does to accounts is audited, and no secret enters the trail (issue 15.2)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from lakthan.core import tokens, two_factor
from lakthan.core.models import ApiToken, AuditEntry, RoleGrant

NEW_PASSWORD = "another-long-password-42"


@pytest.fixture
def boss(client, world):
    user = get_user_model().objects.create_superuser("boss", "boss@example.invalid", "x" * 16)
    client.force_login(user)
    return client


def entry(action: str) -> AuditEntry:
    found = AuditEntry.objects.filter(action=action, actor="boss").order_by("-pk").first()
    assert found is not None, f"no audit entry {action}"
    return found


def secrets_absent(e: AuditEntry, *secrets: str) -> None:
    text = json.dumps([e.before, e.after])
    for s in secrets:
        assert s not in text


@pytest.mark.django_db
def test_creating_a_user_is_audited_without_the_password_hash(boss):
    r = boss.post(
        "/admin/auth/user/add/",
        {
            "username": "newbie",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )
    assert r.status_code == 302
    user = get_user_model().objects.get(username="newbie")
    e = entry("user.admin_add")
    assert e.object_id == str(user.pk) and e.after["username"] == "newbie"
    assert e.after["password"] == "(secret)"
    secrets_absent(e, user.password)


@pytest.mark.django_db
def test_granting_staff_and_superuser_is_audited_with_before_and_after(boss, world):
    user = world.users["collector"]
    form = {
        "username": user.username,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }
    r = boss.post(f"/admin/auth/user/{user.pk}/change/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    e = entry("user.admin_change")
    assert (e.before["is_staff"], e.after["is_staff"], e.after["is_superuser"]) == (False, True, True)
    secrets_absent(e, get_user_model().objects.get(pk=user.pk).password)


@pytest.mark.django_db
def test_setting_a_password_is_audited(boss, world):
    user = world.users["reviewer"]
    r = boss.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert r.status_code == 302
    e = entry("user.admin_set_password")
    assert e.object_id == str(user.pk) and e.after == {"user": user.username}
    secrets_absent(e, NEW_PASSWORD, get_user_model().objects.get(pk=user.pk).password)


@pytest.mark.django_db
def test_resetting_a_lost_authenticator_is_audited_without_its_seed(boss, world):
    device = TOTPDevice.objects.create(user=world.users["supervisor"], name="phone", confirmed=True)
    r = boss.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()
    e = entry("totpdevice.admin_delete")
    assert e.before["user"] == world.users["supervisor"].pk and e.before["key"] == "(secret)"
    secrets_absent(e, device.key)


@pytest.mark.django_db
def test_revoking_a_token_is_audited_and_the_list_never_shows_keys_or_hashes(boss, world):
    user = world.users["auditor"]
    token, key = tokens.issue(user, "nightly export", "read", actor="auditor-a")
    made = AuditEntry.objects.get(action="api_token.create", object_id=str(token.pk))
    assert made.after["name"] == "nightly export" and made.after["key_hash"] == "(secret)"
    secrets_absent(made, key, token.key_hash)
    listing = boss.get("/admin/core/apitoken/").content.decode()
    assert "nightly export" in listing and key not in listing and token.key_hash not in listing
    assert boss.get("/admin/core/apitoken/add/").status_code == 403  # keys are made by their owner
    r = boss.post(f"/admin/core/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and not ApiToken.objects.filter(pk=token.pk).exists()
    e = entry("api_token.revoke")
    assert e.before["user"] == user.pk and e.before["key_hash"] == "(secret)" and e.after is None
    secrets_absent(e, key, token.key_hash)


@pytest.mark.django_db
def test_an_administrator_resets_a_lost_device_and_the_user_enrols_again(boss, world, client):
    from django_otp.plugins.otp_totp.models import TOTPDevice as Totp

    user = world.users["supervisor"]
    Totp.objects.create(user=user, name="phone", confirmed=True)
    codes = two_factor.new_recovery_codes(user, actor=user.username)
    r = boss.post("/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [user.pk]})
    assert r.status_code == 302
    assert not Totp.objects.filter(user=user).exists() and two_factor.recovery_codes_left(user) == 0
    e = entry("two_factor.admin_reset")
    assert e.object_id == str(user.pk) and e.after == {"user": user.username, "devices_removed": 2}
    secrets_absent(e, *codes)


@pytest.mark.django_db
def test_granting_a_role_is_audited(boss, world):
    user = world.users["auditor"]
    r = boss.post("/admin/core/rolegrant/add/", {"user": user.pk, "unit": world.b.pk, "role": "supervisor"})
    assert r.status_code == 302
    grant = RoleGrant.objects.get(user=user, unit=world.b)
    e = entry("rolegrant.admin_add")
    assert e.object_id == str(grant.pk) and e.after["role"] == "supervisor"
