from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _page_settings(settings):
    """(Each test's own log store is tests/conftest.py's.)"""
    settings.LAKTHAN_REQUIRE_2FA = False  # page tests sign in with a password only
    settings.LAKTHAN_DISABLED_ACCOUNTS = []


@pytest.fixture
def huey_immediate():
    """Tasks run as they are enqueued (huey's immediate mode: in memory, no worker)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = False


@pytest.fixture(scope="session")
def spark():
    """One Spark session in local[2] for the whole run (its JVM takes about ten seconds to start)."""
    from lakthan.monitoring.pipeline.spark.session import spark_session

    session = spark_session("local[2]", app="lakthan-tests")
    yield session
    session.stop()


def pytest_collection_modifyitems(items):
    """A test using Spark is marked `spark`: the PostgreSQL pass leaves it out (it reads files)."""
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.spark)
