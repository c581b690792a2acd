"""Test settings: a private LAKTHAN_HOME per test session; the database from DATABASE_URL or SQLite."""

import os
import tempfile

os.environ.setdefault("LAKTHAN_HOME", tempfile.mkdtemp(prefix="lakthan-test-"))

from lakthan.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; production uses Argon2

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 — whitenoise warns when it is missing
