"""Inventory tests use the shared `world` (units A, A-1, B and one user per role, each granted in A),
signed in with a password only."""

import pytest


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False
