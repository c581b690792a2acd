"""API tests sign in with a token or a password only; tests about 2FA ask for ``require_2fa``."""

import pytest


@pytest.fixture(autouse=True)
def _no_two_factor_unless_asked(settings):
    settings.LAKTHAN_REQUIRE_2FA = False
