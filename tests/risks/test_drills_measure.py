"""Drills measured from a real restic repository: RTO = restored − started, RPO = started − the newest
snapshot taken before the start; times in any offset are the same instants."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from lakthan.core.errors import InvalidInput
from lakthan.lib.timezones import parse_instant
from lakthan.risks.models import ContinuityTarget, Drill
from lakthan.risks.services.drills import continuity_status, record_drill
from tests.risks.drill_fixtures import RESTORED, STARTED, backed_up_system

pytestmark = pytest.mark.django_db


def target(system, rto_s, rpo_s):
    return ContinuityTarget.objects.create(system=system, rto_s=rto_s, rpo_s=rpo_s, updated_by="test")


def test_rto_and_rpo_come_from_the_snapshots_before_the_start_only(org, erp):
    target(erp, rto_s=6 * 3600, rpo_s=4 * 3600)
    drill = record_drill(
        unit=org.division, systems=["erp"], scenario="fire", started=STARTED, restored=RESTORED, actor="t"
    )
    row = drill.systems.get()
    assert row.rto_s == 4 * 3600
    assert row.rpo_s == 2 * 3600 + 30 * 60  # from 11:30 UTC, not from the 15:00 snapshot after the start
    assert row.last_backup_at == datetime(2026, 3, 1, 11, 30, tzinfo=UTC)
    assert (row.rto_met, row.rpo_met) == (True, True)
    assert (row.rto_target_s, row.rpo_target_s) == (6 * 3600, 4 * 3600)


def test_inputs_in_utc_and_in_bangkok_offset_measure_the_same(org, erp):
    utc = record_drill(
        unit=org.division,
        systems=["erp"],
        scenario="flood",
        started=parse_instant("2026-03-01T14:00:00Z"),
        restored=parse_instant("2026-03-01T18:00:00+00:00"),
        actor="t",
    ).systems.get()
    bangkok = record_drill(
        unit=org.division,
        systems=["erp"],
        scenario="flood",
        started=parse_instant("2026-03-01T21:00:00+07:00"),
        restored=parse_instant("2026-03-02 01:00"),  # naive: read in Bangkok
        actor="t",
    ).systems.get()
    assert (utc.rto_s, utc.rpo_s) == (bangkok.rto_s, bangkok.rpo_s) == (14400, 9000)


def test_a_drill_over_its_targets_is_flagged(org, erp):
    target(erp, rto_s=3600, rpo_s=3600)
    row = record_drill(
        unit=org.division, systems=[erp], scenario="power", started=STARTED, restored=RESTORED, actor="t"
    ).systems.get()
    assert (row.rto_met, row.rpo_met) == (False, False)


def test_a_system_without_target_is_measured_but_not_judged(org, erp):
    row = record_drill(
        unit=org.division, systems=[erp], scenario="power", started=STARTED, restored=RESTORED, actor="t"
    ).systems.get()
    assert (row.rto_s, row.rto_target_s, row.rto_met, row.rpo_met) == (14400, None, None, None)


def test_a_snapshot_later_forgotten_by_retention_still_counts(org, tmp_path):
    system = backed_up_system("hr", org.division, tmp_path, forget_newest_before=True)
    assert system.backup.snapshots.filter(forgotten=True).count() == 1
    row = record_drill(
        unit=org.division, systems=["hr"], scenario="cyber", started=STARTED, restored=RESTORED, actor="t"
    ).systems.get()
    assert row.rpo_s == 9000


def test_no_backup_before_the_start_leaves_rpo_null_and_missed(org, tmp_path):
    system = backed_up_system("late", org.division, tmp_path, times=(STARTED + timedelta(minutes=5),))
    target(system, rto_s=86400, rpo_s=86400)
    row = record_drill(
        unit=org.division, systems=["late"], scenario="fire", started=STARTED, restored=RESTORED, actor="t"
    ).systems.get()
    assert (row.rpo_s, row.last_backup_at, row.rpo_met, row.rto_met) == (None, None, False, True)


def test_a_system_may_be_restored_at_its_own_time(org, erp, tmp_path):
    backed_up_system("mail", org.division, tmp_path)
    drill = record_drill(
        unit=org.division,
        systems=[("erp", STARTED + timedelta(hours=1)), "mail"],
        scenario="earthquake",
        started=STARTED,
        restored=RESTORED,
        actor="t",
    )
    assert {r.system.code: r.rto_s for r in drill.systems.all()} == {"erp": 3600, "mail": 14400}


def test_status_json_has_exactly_the_shape_of_the_issue(org, erp):
    target(erp, rto_s=6 * 3600, rpo_s=3600)
    record_drill(
        unit=org.division, systems=["erp"], scenario="fire", started=STARTED, restored=RESTORED, actor="t"
    )
    record_drill(
        unit=org.division,
        systems=["erp"],
        scenario="cyber",
        started=datetime(2026, 2, 28, 11, 0, tzinfo=UTC),  # before every snapshot
        restored=datetime(2026, 2, 28, 11, 30, tzinfo=UTC),
        actor="t",
    )
    status = continuity_status(org.division)
    assert json.loads(json.dumps(status)) == {
        "systems": [
            {
                "system": "erp",
                "rto_target_s": 21600,
                "rpo_target_s": 3600,
                "drills": [
                    {
                        "scenario": "cyber",
                        "started": "2026-02-28T11:00:00Z",
                        "restored": "2026-02-28T11:30:00Z",
                        "rto_s": 1800,
                        "rpo_s": None,
                        "rto_met": True,
                        "rpo_met": False,
                    },
                    {
                        "scenario": "fire",
                        "started": "2026-03-01T14:00:00Z",
                        "restored": "2026-03-01T18:00:00Z",
                        "rto_s": 14400,
                        "rpo_s": 9000,
                        "rto_met": True,
                        "rpo_met": False,
                    },
                ],
            }
        ]
    }


@pytest.mark.parametrize(
    ("change", "english"),
    [
        ({"restored": STARTED - timedelta(seconds=1)}, "restored is before started"),
        ({"started": datetime.now(UTC) + timedelta(hours=1), "restored": None}, "started is in the future"),
        ({"restored": datetime.now(UTC) + timedelta(hours=1)}, "restored is in the future"),
        ({"systems": ["nope"]}, "no system nope in the inventory"),
        ({"systems": []}, "name at least one system"),
        ({"scenario": "meteor"}, "scenario 'meteor'"),
        ({"systems": [("erp", STARTED - timedelta(minutes=1))]}, "restored (erp) is before started"),
    ],
)
def test_refusals_leave_nothing_recorded(org, erp, change, english):
    kw = dict(
        unit=org.division, systems=["erp"], scenario="fire", started=STARTED, restored=RESTORED, actor="t"
    )
    kw.update(change)
    if kw["restored"] is None:
        kw["kind"] = "incident"
    with pytest.raises(InvalidInput) as err:
        record_drill(**kw)
    assert english in err.value.message("en")
    assert not Drill.objects.exists()


def test_a_system_of_another_unit_is_refused(org, tmp_path):
    backed_up_system("other", org.other, tmp_path)
    with pytest.raises(InvalidInput, match="not in unit"):
        record_drill(
            unit=org.division,
            systems=["other"],
            scenario="fire",
            started=STARTED,
            restored=RESTORED,
            actor="t",
        )
