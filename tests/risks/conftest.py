"""Fixtures of the risks tests (each helper's section appended)."""

# --- continuity (targets, scenarios, plan): tests/risks/continuity_setup.py
from tests.risks.continuity_setup import bcp_org  # noqa: F401
