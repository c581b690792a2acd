"""The risk register and continuity records through the API (listed in ROUTES)."""

from __future__ import annotations

ROUTES: list = []
