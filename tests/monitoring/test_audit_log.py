"""The audit trail of Lakthan itself lands in the tamper-evident log (issue 3 with issue 5)."""

import json

import pytest

from lakthan.core.services import add_unit
from lakthan.monitoring.audit_log import HOST
from lakthan.monitoring.services import events as log_events
from lakthan.monitoring.services import seal as sealing
from lakthan.monitoring.services import verification


@pytest.mark.django_db(transaction=True)  # sinks run when the change commits
def test_a_committed_change_becomes_a_sealed_verifiable_event(settings, tmp_path):
    settings.LAKTHAN_LOG_DIR = tmp_path / "logs"
    add_unit("AUD", "หน่วยตรวจสอบ", actor="สมชาย")
    sealing.seal()
    events = log_events.search(host=HOST, text="unit.add").rows
    assert len(events) == 1
    line = json.loads(events[0]["msg"])
    assert (line["actor"], line["action"], line["after"]["code"]) == ("สมชาย", "unit.add", "AUD")
    assert verification.verify()["intact"] is True


@pytest.mark.django_db(transaction=True)
def test_audit_events_are_parsed_json_not_unparsed_lines(settings, tmp_path):
    """Lakthan's own audit lines carry their time as "at": read as JSON events (not as unparsed lines,
    to which every rule's logsource applies), the whole line kept as their message."""
    settings.LAKTHAN_LOG_DIR = tmp_path / "logs"
    add_unit("AUD", "หน่วยตรวจสอบ", actor="สมชาย")
    sealing.seal()
    (event,) = log_events.search(host=HOST, text="unit.add").rows
    assert event["parsed"] is True
    assert json.loads(event["msg"])["after"]["code"] == "AUD"
