"""In Chromium: the plan and the register pages render without CSP errors, the CSV upload lists every
bad row, and a registration's page shows its history."""

from __future__ import annotations

import os
import re

import pytest

from tests.network import register_fixtures
from tests.network.register_fixtures import PASSWORD

net = register_fixtures.net
SHOTS = os.environ.get("LAKTHAN_SCREENSHOTS", "")


@pytest.fixture
def plan(net):
    """Made before Chromium starts: Playwright's event loop would refuse the ORM."""
    from lakthan.network.services import register

    register.add_prefix("10.20.0.0/16", net.b, "สำนักงาน B ทั้งหมด")
    register.add_prefix("10.20.1.0/24", net.it, "เครื่องแม่ข่ายศูนย์ไอที")
    register.add_prefix("2001:db8:20::/48", net.b, "IPv6 ของสำนักงาน")
    web = register.register_address(
        "10.20.1.10",
        net.it,
        hostname="web1",
        mac="aa:bb:cc:dd:ee:10",
        owner=net.owner,
        system=net.mail,
        actor="somchai",
    )
    register.update_address(web, actor="manee", hostname="web1.b.local")
    register.register_address("10.20.1.11", net.it, hostname="db1")
    return web


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_plan_register_and_upload_in_chromium(live_server, plan, chromium_page, tmp_path):
    page = chromium_page
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/accounts/login/?next=/network/")
    page.fill("#id_username", "collector-it")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/network/")
    assert "10.20.1.0/24" in page.inner_text("main") and "เครื่องแม่ข่ายศูนย์ไอที" in page.inner_text("main")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/network-plan.png", full_page=True)
    page.click("text=10.20.1.0/24")
    page.wait_for_url(re.compile(r".*/network/addresses/\?prefix=10\.20\.1\.0(/|%2F)24$"))
    assert "web1.b.local" in page.inner_text("table") and "AA:BB:CC:DD:EE:10" in page.inner_text("table")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/network-register.png", full_page=True)
    page.locator("table a", has_text="แก้ไข").first.click()
    page.wait_for_url(re.compile(r".*/network/addresses/\d+/$"))
    history = page.inner_text(".nw-changes")
    assert "manee" in history and "somchai" in history and "web1.b.local" in history
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/network-edit.png", full_page=True)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "address,hostname,mac,unit,owner\n10.20.1.300,a,,B-IT,\n10.20.1.12,b,zz,NOPE,\n", encoding="utf-8"
    )
    page.goto(f"{live_server.url}/network/addresses/import/")
    page.set_input_files("#id_file", str(bad))
    page.click("button.primary")
    problems = page.inner_text(".nw-problems")
    assert (
        "bad.csv:2 (address)" in problems and "bad.csv:3 (mac)" in problems and "bad.csv:3 (unit)" in problems
    )
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/network-import.png", full_page=True)
    page.goto(f"{live_server.url}/network/changes/")
    assert "manee" in page.inner_text("main")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/network-changes.png", full_page=True)
    assert csp == []
