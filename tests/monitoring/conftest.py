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
