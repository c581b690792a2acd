"""Item 4's check run on the usage scene (real sealed logs, the address plan): a declared
installation without events is named and keeps the item partly met; its documents are the usage
report and the chart."""

from __future__ import annotations

from datetime import date

import pytest

from lakthan.checks.registry import Period
from lakthan.inventory import services as inventory
from lakthan.operations.checks import SystemsInUse
from tests.operations import usage_fixtures

scene = usage_fixtures.scene
_password_only = usage_fixtures._password_only
pytestmark = pytest.mark.django_db

PERIOD = Period(date(2026, 1, 1), date(2026, 2, 28))


def test_a_silent_declared_installation_keeps_item_4_partly_met(scene, world):
    result = SystemsInUse().run(PERIOD, scene.a, world.reports["A"])
    assert result.status == "partly"
    assert result.figures["silent"] == [{"system": "pibics", "unit": "CP3"}]
    # pibics at CP1 and CP2 (their hosts), tm30 at A (its host) and at CP1 (through CP1's prefix)
    assert result.figures["units_per_system"] == {"pibics": 2, "tm30": 1}
    assert "pibics @ CP3" in result.summary_en
    assert result.per_criterion == {4: "partly"}
    files = {a.filename: a.data for a in result.artefacts}
    assert sorted(files) == ["systems-in-use.pdf", "systems-in-use.png"]
    assert files["systems-in-use.pdf"].startswith(b"%PDF") and files["systems-in-use.png"].startswith(
        b"\x89PNG"
    )


def test_without_the_silent_declaration_item_4_is_met(scene, world):
    inventory.set_installed_at(scene.pibics, [], actor="test")
    result = SystemsInUse().run(PERIOD, scene.a, world.reports["A"])
    assert result.status == "met" and result.figures["silent"] == []
