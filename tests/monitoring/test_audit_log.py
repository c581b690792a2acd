"""The audit trail of Lakthan itself lands in the tamper-evident log (issue 3 with issue 5)."""

import json

import pytest

from lakthan.core.services import add_unit
from lakthan.monitoring import services
from lakthan.monitoring.audit_log import HOST


@pytest.mark.django_db(transaction=True)  # sinks run when the change commits
def test_a_committed_change_becomes_a_sealed_verifiable_event(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(services, "log_home", lambda: tmp_path / "logs")
    add_unit("AUD", "หน่วยตรวจสอบ", actor="สมชาย")
    services.seal()
    events = services.search(host=HOST, text="unit.add")
    assert len(events) == 1
    line = json.loads(events[0]["msg"])
    assert (line["actor"], line["action"], line["after"]["code"]) == ("สมชาย", "unit.add", "AUD")
    assert services.verify()["intact"] is True
