"""lakthan.core.jobs: a job runs once, reports its progress, and fails with a message a person can
read — its own for a domain error, a generic one (and the traceback in the log) for anything else."""

from __future__ import annotations

import pytest

from lakthan.core import jobs
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import BackgroundJob

pytestmark = pytest.mark.django_db

seen: list[tuple[int, str, str, str]] = []


def _counting(job, progress):
    for percent in (30, 60):
        progress(percent, f"ขั้น {percent}", f"step {percent}")
        seen.append(
            (
                percent,
                *BackgroundJob.objects.values_list("state", "progress_th", "progress_en").get(pk=job.pk),
            )
        )
    return jobs.Outcome(
        job.params["n"] > 0, f"นับได้ {job.params['n']}", f"counted {job.params['n']}", {"n": job.params["n"]}
    )


def _refusing(job, progress):
    raise InvalidInput("ไม่รับ", "refused")


def _crashing(job, progress):
    raise RuntimeError("secret detail")


@pytest.fixture(autouse=True)
def kinds():
    jobs.register("test.count", _counting, "Count")
    jobs.register("test.refuse", _refusing)
    jobs.register("test.crash", "tests.core.test_jobs._crashing")  # a dotted path is imported when run
    seen.clear()


def started(kind, django_capture_on_commit_callbacks, **params):
    with django_capture_on_commit_callbacks(execute=False):  # no worker: run by hand below
        return jobs.start(kind, target="t", requested_by="somchai", params=params)


def test_a_job_reports_its_progress_and_keeps_its_result(django_capture_on_commit_callbacks):
    job = started("test.count", django_capture_on_commit_callbacks, n=3)
    assert (job.state, job.progress_th, job.progress_en) == ("queued", "รอคิว", "queued")
    done = jobs.run(job.pk)
    assert seen == [(30, "running", "ขั้น 30", "step 30"), (60, "running", "ขั้น 60", "step 60")]
    assert (done.state, done.percent, done.result_th, done.result_en, done.result) == (
        "succeeded",
        100,
        "นับได้ 3",
        "counted 3",
        {"n": 3},
    )
    assert done.started_at <= done.finished_at
    assert jobs.run(job.pk) is None  # never twice
    assert jobs.label("test.count") == "Count" and jobs.label("test.refuse") == "test.refuse"


def test_work_that_did_not_succeed_fails_the_job_with_its_summary(django_capture_on_commit_callbacks):
    done = jobs.run(started("test.count", django_capture_on_commit_callbacks, n=0).pk)
    assert (done.state, done.result_en, done.error_en) == ("failed", "counted 0", "")


def test_a_domain_error_fails_the_job_with_its_two_messages(django_capture_on_commit_callbacks):
    done = jobs.run(started("test.refuse", django_capture_on_commit_callbacks).pk)
    assert (done.state, done.error_th, done.error_en) == ("failed", "ไม่รับ", "refused")


def test_an_unexpected_error_is_logged_and_not_shown(django_capture_on_commit_callbacks, caplog):
    done = jobs.run(started("test.crash", django_capture_on_commit_callbacks).pk)
    assert done.state == "failed" and "secret detail" not in done.error_en + done.error_th
    assert done.error_th.startswith("เกิดข้อผิดพลาดที่ไม่คาดคิด")
    assert "secret detail" in caplog.text


def test_a_second_start_while_one_waits_returns_the_first(django_capture_on_commit_callbacks):
    first = started("test.count", django_capture_on_commit_callbacks, n=1)
    assert started("test.count", django_capture_on_commit_callbacks, n=2).pk == first.pk
    jobs.run(first.pk)
    assert started("test.count", django_capture_on_commit_callbacks, n=2).pk != first.pk
    with pytest.raises(NotFound):
        jobs.start("test.nothing", requested_by="x")


def test_the_worker_task_runs_the_job_through_huey(django_capture_on_commit_callbacks):
    from huey.contrib.djhuey import HUEY

    before, HUEY.immediate = HUEY.immediate, True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.start("test.count", target="t", requested_by="somchai", params={"n": 5})
    finally:
        HUEY.immediate = before
    job.refresh_from_db()
    assert (job.state, job.result) == ("succeeded", {"n": 5})
