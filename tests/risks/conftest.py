"""Fixtures of the risks tests (each helper's section appended)."""

# --- continuity (targets, scenarios, plan): tests/risks/continuity_setup.py
from tests.risks.continuity_setup import bcp_org  # noqa: F401

# --- drills: the backed-up system of the drill tests (tests/risks/drill_fixtures.py)
from tests.risks.drill_fixtures import erp  # noqa: F401
