"""The acceptance path in a real browser (headless Chromium through Playwright), against a live server
on 127.0.0.1: sign in (with the supervisor's TOTP enrolment), upload evidence by drag and drop, link
it to an item, see the score change, sign off, download the PDF. A screenshot of each main page is
kept (in LAKTHAN_SCREENSHOTS if set, else in the test's temporary directory)."""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import chromium, pdf_bytes


@pytest.fixture
def browser_page():
    with chromium(1280, 900, accept_downloads=True, timeout=20000) as page:
        yield page


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_supervisor_round_trip_in_chromium(live_server, world, browser_page, require_2fa, tmp_path):
    from django_otp.oath import totp

    shots = Path(os.environ.get("LAKTHAN_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    page = browser_page
    csp_violations: list[str] = []
    page.on(
        "console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None
    )
    url = live_server.url

    def shot(name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    # 1. sign in: Thai by default; the supervisor is sent to set up the second factor
    page.goto(f"{url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "th"
    shot("login-th")
    page.fill("#id_username", "supervisor-a")
    page.fill("#id_password", world.password)
    page.click("button.primary")
    page.wait_for_url("**/accounts/2fa/**")
    secret = page.locator("[data-testid=totp-secret]").inner_text().strip()
    assert page.locator(".qr svg").count() == 1
    shot("two-factor-th")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#token", f"{totp(key):06d}")
    page.click("button.primary")
    page.click("a.button.primary")  # after the recovery codes, shown once at enrolment
    page.wait_for_url(f"{url}/")

    # 2. the dashboard of A, with its division A-1 rolled up
    page.goto(f"{url}/units/A/fy/2556/round/12/")
    assert "๐.๐๐" in page.locator(".totals").inner_text()
    assert "A-1" in page.locator(".rollup").inner_text()
    shot("dashboard-th")

    # 3. upload evidence by dropping a file on the drop zone
    page.goto(f"{url}/units/A/evidence/")
    data = base64.b64encode(pdf_bytes("minutes")).decode()
    transfer = page.evaluate_handle(
        """(b64) => { const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const dt = new DataTransfer(); dt.items.add(new File([bytes], 'meeting-minutes.pdf', {type: 'application/pdf'}));
        return dt; }""",
        data,
    )
    page.dispatch_event("[data-dropzone]", "drop", {"dataTransfer": transfer})
    assert page.locator("[data-dropzone-name]").inner_text() == "meeting-minutes.pdf"
    assert page.input_value("#title") == "meeting-minutes"  # filled from the file name by upload.js
    page.fill("#title", "รายงานการประชุมคณะทำงาน")
    page.select_option("#kind", "minutes")
    page.fill("#doc_no", "ที่ 7/2556")
    shot("evidence-th")
    page.click("#upload button.primary")
    page.wait_for_url("**/evidence/*/")
    sha = page.locator("[data-testid=sha256]").inner_text().strip()
    assert len(sha) == 64
    assert page.locator(".preview iframe").count() == 1

    # 4. link it to item 1 of the 12-month round
    page.select_option("#target", "2556:12:9.2:1")
    page.click("#links button.primary")
    page.wait_for_load_state()
    assert "9.2" in page.locator("#links ul").inner_text() or "๙.๒" in page.locator("#links ul").inner_text()
    shot("evidence-detail-th")

    # 5. the editor: propose from checks and evidence, accept, and the score changes
    page.goto(f"{url}/units/A/fy/2556/round/12/indicators/9.2/")
    assert page.locator("[data-testid=weighted]").inner_text() == "๐.๐๐"
    page.click("#items form:has(input[value=propose]) button")
    page.wait_for_load_state()
    page.click("[data-testid=accept]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=items-met]").inner_text() == "๑ / ๑๐"
    assert page.locator("[data-testid=weighted]").inner_text() == "๐.๐๓"
    page.fill("#phone", "๐ ๒๑๔๑ ๙๘๘๙")
    page.fill("#actions_taken", "จัดทำแผนสำรองข้อมูล")
    page.click("#texts button.primary")
    page.wait_for_load_state()
    shot("report-editor-th")

    # 6. sign off: the draft mark goes, the results are locked
    page.click("[data-testid=sign]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=signed]").count() == 1
    assert page.locator("select[name=status]").count() == 0
    shot("report-signed-th")

    # 7. download the signed report as PDF
    with page.expect_download() as info:
        page.click("a[data-format=pdf]")
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "๙.๒" in text and "ฉบับร่าง" not in text  # signed: no draft mark

    # 8. English switch
    page.goto(f"{url}/units/A/fy/2556/round/12/")
    page.click("button[value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "0.03" in page.locator(".totals").inner_text()
    shot("dashboard-en")
    page.goto(f"{url}/api/docs/")
    shot("api-docs-en")

    assert not csp_violations, csp_violations
