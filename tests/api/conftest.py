from tests.web.conftest import _no_two_factor_unless_asked, require_2fa, world  # noqa: F401
