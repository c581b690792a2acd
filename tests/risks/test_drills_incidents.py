"""Restore tests of the backups app become system-down drills; intrusion alerts become incidents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lakthan.backups.services.verify import restore_test
from lakthan.core.errors import InvalidInput
from lakthan.inventory.services import add_host
from lakthan.monitoring.models import Alert
from lakthan.risks.models import ContinuityTarget, Drill
from lakthan.risks.services.drills import drills_from_restore_tests, escalate_alert, update_incident

pytestmark = pytest.mark.django_db

DETECTED = datetime(2026, 3, 1, 13, 0, tzinfo=UTC)


def test_each_successful_restore_test_becomes_one_system_down_drill_once(org, erp):
    ContinuityTarget.objects.create(system=erp, rto_s=3600, rpo_s=3600, updated_by="t")
    test = restore_test(erp.backup, seed=1)
    assert test.ok
    from lakthan.risks.tasks import restore_tests_as_drills

    restore_tests_as_drills.call_local()  # the weekly task
    assert drills_from_restore_tests() == []  # idempotent
    drill = Drill.objects.get()
    assert (drill.scenario, drill.origin, drill.restore_test_id, drill.unit) == (
        "system-down",
        "restore_test",
        test.pk,
        org.division,
    )
    row = drill.systems.get()
    assert row.rto_s == int((test.finished_at - test.started_at).total_seconds())
    assert row.rto_met is True
    assert (row.rpo_s, row.rpo_met) == (None, None)  # a restore test says nothing of data lost
    assert Drill.objects.count() == 1


def _alert(host: str) -> Alert:
    return Alert.objects.create(
        rule_id="r-ssh",
        rule_title="SSH brute force",
        level="high",
        host=host,
        count=42,
        first=DETECTED,
        last=DETECTED + timedelta(minutes=5),
    )


def test_an_alert_escalated_is_an_incident_of_the_hosts_systems_measured_once_restored(org, erp):
    ContinuityTarget.objects.create(system=erp, rto_s=6 * 3600, rpo_s=4 * 3600, updated_by="t")
    add_host("erp01", unit=org.division, addresses=["10.0.0.5"], systems=[erp])
    alert = _alert("10.0.0.5")  # the sender known by its address
    incident = escalate_alert(alert, actor="somchai")
    assert escalate_alert(alert, actor="somchai") == incident  # once per alert
    assert (incident.kind, incident.scenario, incident.origin) == ("incident", "cyber", "alert")
    assert incident.detected == incident.started == DETECTED
    assert incident.timeline[0]["event"] == "detected"
    assert incident.timeline[0]["at"] == "2026-03-01T13:00:00Z"
    row = incident.systems.get()
    assert (row.system, row.rto_s) == (erp, None)  # not yet recovered

    update_incident(incident, contained=DETECTED + timedelta(hours=1), note="ตัดเครือข่าย", actor="somchai")
    update_incident(incident, restored=DETECTED + timedelta(hours=5), note="กู้คืนจากข้อมูลสำรอง", actor="somchai")
    incident.refresh_from_db()
    assert [e["event"] for e in incident.timeline] == ["detected", "contained", "recovered"]
    row = incident.systems.get()
    # the snapshot of 11:30 UTC is the newest before 13:00; the 15:00 one came after the attack began
    assert (row.rto_s, row.rpo_s, row.rto_met, row.rpo_met) == (5 * 3600, 5400, True, True)


def test_an_alert_of_a_host_without_systems_is_refused(org):
    with pytest.raises(InvalidInput, match="no system"):
        escalate_alert(_alert("unknown01"), actor="t")
    assert not Drill.objects.exists()


def test_an_incident_update_needs_a_note_and_a_time_after_the_start(org, erp):
    add_host("erp01", unit=org.division, systems=[erp])
    incident = escalate_alert(_alert("erp01"), actor="t")
    with pytest.raises(InvalidInput, match="note"):
        update_incident(incident, note=" ", actor="t")
    with pytest.raises(InvalidInput, match="before started"):
        update_incident(incident, restored=DETECTED - timedelta(minutes=1), note="x", actor="t")
    incident.refresh_from_db()
    assert incident.restored is None and len(incident.timeline) == 1
