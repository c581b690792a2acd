"""The app's API routes (listed in ROUTES): committees and members, meetings, resolutions, findings."""

from __future__ import annotations

from lakthan.committees import committee_api

ROUTES: list = [*committee_api.ROUTES]
