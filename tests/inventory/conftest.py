"""The `world` of the web tests (units A, A-1, B and one user per role, each granted in A), and page
tests signed in with a password only."""

import pytest

from tests.web import conftest as web

world = web.world


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False
