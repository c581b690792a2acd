"""The one huey task of lakthan.core.jobs: run a background job a page started."""

from huey.contrib.djhuey import db_task

from lakthan.core import jobs


@db_task()
def run_background_job(job_id: int) -> None:
    jobs.run(job_id)
