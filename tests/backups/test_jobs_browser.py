"""In Chromium: a reviewer presses "back up now"; the job waits for the worker, the page polls it
(core/static/core/jobs.js, under the strict CSP) and the result lands on the page when a worker —
huey's own dequeue/execute loop, as `lakthan worker` runs it — has done the backup with real restic."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model

from lakthan.core.models import RoleGrant


@pytest.fixture
def worker():
    """Starts huey's worker loop on demand (in a thread of this process); stops it afterwards."""
    from huey.contrib.djhuey import HUEY

    assert not HUEY.immediate
    HUEY.flush()
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            task = HUEY.dequeue()
            if task is None:
                stop.wait(0.1)
            else:
                HUEY.execute(task)

    thread = threading.Thread(target=loop, daemon=True)
    yield thread.start
    stop.set()
    if thread.is_alive():
        thread.join(30)


@pytest.fixture
def reviewer_and_system(transactional_db, org, make_system, data_dir, settings):
    """Made before the browser starts: Playwright's event loop forbids the ORM in the test's thread."""
    settings.LAKTHAN_REQUIRE_2FA = False
    make_system("web", paths=[str(data_dir)])
    user = get_user_model().objects.create_user("reviewer-b", password="a-long-test-password")
    RoleGrant.objects.create(user=user, unit=org.bureau, role="reviewer")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_back_up_now_lands_its_result_on_the_page(live_server, reviewer_and_system, worker, chromium_page):
    page = chromium_page
    csp_violations: list[str] = []
    page.on(
        "console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None
    )

    page.goto(f"{live_server.url}/accounts/login/?next=/backups/systems/web/")
    page.fill("#id_username", "reviewer-b")
    page.fill("#id_password", "a-long-test-password")
    page.click("button.primary")
    page.wait_for_url("**/backups/systems/web/")
    page.click("[data-testid=run-backup]")
    page.wait_for_selector("[data-job-state=queued]")  # no worker yet: the job waits and says so
    assert "รอ lakthan worker มารับงาน" in page.inner_text("#jobs")

    worker()
    done = page.wait_for_selector("[data-job-state=succeeded]:not([data-job-poll])")  # polled, then reloaded
    assert "สำรองข้อมูลสำเร็จ: snapshot" in done.inner_text()
    runs = page.locator("#runs tbody tr").all_inner_texts()
    assert len(runs) == 1 and "สำเร็จ" in runs[0] and "\tweb\t" in runs[0]
    assert csp_violations == []
