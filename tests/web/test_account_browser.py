"""The account pages in Chromium (issue 15.1 and 15.3): enrolment ends on the recovery codes; the
account page makes a token and shows its key once; the password is changed with the old one."""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import PASSWORD, chromium

NEW_PASSWORD = "a-new-long-password-for-15"


def outside_the_loop(fn):
    """The ORM refuses to run in Playwright's event-loop thread: ask from another thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


@pytest.fixture
def account_page():
    with chromium(1280, 900) as page:
        yield page


@pytest.fixture
def supervisor(django_user_model):
    """One supervisor of one unit (two-factor is required of them); no library is needed here."""
    from lakthan.core.models import RoleGrant
    from lakthan.core.services import add_unit

    user = django_user_model.objects.create_user("supervisor-a", password=PASSWORD)
    RoleGrant.objects.create(user=user, unit=add_unit("ACC", "หน่วยทดสอบบัญชี"), role="supervisor")
    return user


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_enrol_keep_recovery_codes_make_a_token_change_the_password(
    live_server, world, account_page, require_2fa
):
    from django.contrib.auth import get_user_model
    from django_otp.oath import totp

    from lakthan.core import tokens

    page, url = account_page, live_server.url
    page.goto(f"{url}/accounts/login/?next=/account/")
    page.fill("#id_username", "supervisor-a")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/accounts/2fa/**")
    secret = page.locator("[data-testid=totp-secret]").inner_text().strip()
    page.fill("#token", f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8))):06d}")
    page.click("button.primary")

    codes = page.locator("[data-testid=recovery-codes] code").all_inner_texts()
    assert len(codes) == 10 and page.locator("h1").inner_text() == "รหัสกู้คืน"
    page.click("a.button.primary")
    page.wait_for_url(f"{url}/account/")
    assert page.locator("[data-testid=recovery-left]").inner_text().startswith("เหลือรหัสกู้คืนที่ยังไม่ได้ใช้ ๑๐ รหัส")

    page.fill("#id_name", "สคริปต์สำรองข้อมูล")
    page.select_option("#id_scope", "write")
    page.locator("[data-testid=token-form] button").click()
    key = page.locator("[data-testid=token]").inner_text().strip()
    assert outside_the_loop(lambda: tokens.check(key).name) == "สคริปต์สำรองข้อมูล"
    assert "สคริปต์สำรองข้อมูล" in page.locator("[data-testid=tokens]").inner_text()
    page.goto(f"{url}/account/")
    assert page.locator("[data-testid=token]").count() == 0 and key not in page.content()

    page.click("a[href='/account/password/']")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("button.primary >> nth=-1")
    page.wait_for_url(f"{url}/account/")
    assert "เปลี่ยนรหัสผ่านแล้ว" in page.locator(".messages").inner_text()
    user = outside_the_loop(lambda: get_user_model().objects.get(username="supervisor-a"))
    assert user.check_password(NEW_PASSWORD)
