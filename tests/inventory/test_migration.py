"""The data migration on a database in the state main left it (backups 0001, no inventory): every
backup system becomes an inventory system and keeps its runs, snapshots, verifications, restore tests
and alerts; the way back restores the old columns. Run in the PostgreSQL pass (the slowest tests)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lakthan.backups.models import Alert, BackupRun, BackupSystem, RestoreTest, Snapshot, Verification
from lakthan.core.models import AuditEntry

# the heaviest tests of the suite (every app migrated back and forth): run once, in the PostgreSQL pass
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(os.environ.get("LAKTHAN_TEST_DB") != "postgres", reason="run in the PostgreSQL pass"),
]

OLD = [("backups", "0001_initial"), ("inventory", None)]
OLD_STATE = [("backups", "0001_initial")]  # the models of main that the rows are written with
AT = datetime(2013, 1, 7, 1, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def seed_old_state(apps) -> dict[str, int]:
    """Rows written with the historical models of main: three backup systems with their history."""
    Unit = apps.get_model("core", "Unit")
    Person = apps.get_model("core", "Person")
    Old = apps.get_model("backups", "BackupSystem")
    bureau = Unit.objects.create(code="IMM", name_th="สำนักงานตรวจคนเข้าเมือง")
    centre = Unit.objects.create(code="IMM-ITC", name_th="ศูนย์เทคโนโลยีสารสนเทศ", parent=bureau)
    owner = Person.objects.create(first_name_th="สมหญิง", last_name_th="ใจงาม", unit=centre)
    made = {}
    for name, title, unit, klass, importance in (
        ("pibics-db", "ระบบ PIBICS", centre, "intranet", "high"),
        ("tm30", "ระบบแจ้งที่พัก ตม.๓๐", bureau, "internet", "low"),
        ("website", "", bureau, "internet", "medium"),
    ):
        old = Old.objects.create(
            name=name,
            title=title,
            unit=unit,
            owner=owner if name == "pibics-db" else None,
            klass=klass,
            importance=importance,
            source="paths",
            paths=["/srv/" + name],
            repository=f"/var/backups/{name}",
            password_file=f"/var/keys/{name}.key",
            in_service_from=date(2012, 10, 1),
            active=name != "website",
        )
        made[name] = old.pk
        for n in range(3):
            apps.get_model("backups", "Snapshot").objects.create(
                system=old, snapshot_id=f"{name}-{n}", time=AT
            )
        apps.get_model("backups", "BackupRun").objects.create(system=old, started_at=AT, status="ok")
        apps.get_model("backups", "Verification").objects.create(
            system=old, started_at=AT, finished_at=AT, subset="1/10", ok=True, exit_code=0
        )
        apps.get_model("backups", "RestoreTest").objects.create(
            system=old, started_at=AT, finished_at=AT, ok=True
        )
        apps.get_model("backups", "Alert").objects.create(
            system=old, kind="run_failed", key=f"{name}-1", message_th="ล้มเหลว", message_en="failed"
        )
    return made


def test_backup_systems_move_into_the_inventory_with_their_history():
    forward = leaves()
    try:
        old_apps = migrate(OLD).loader.project_state(OLD_STATE).apps
        made = seed_old_state(old_apps)
        created = {
            pk: old_apps.get_model("backups", "BackupSystem").objects.get(pk=pk).created_at
            for pk in made.values()
        }
        migrate(forward)

        pibics = BackupSystem.objects.select_related("system__unit", "system__owner").get(
            pk=made["pibics-db"]
        )
        s = pibics.system
        assert (s.code, s.name_th, s.unit.code, s.klass, s.criticality, s.active) == (
            "pibics-db",
            "ระบบ PIBICS",
            "IMM-ITC",
            "intranet",
            4,
            True,
        )
        assert s.owner.first_name_th == "สมหญิง"
        assert s.created_at == created[made["pibics-db"]]
        tm30 = BackupSystem.objects.get(pk=made["tm30"]).system
        assert (tm30.unit.code, tm30.klass, tm30.criticality, tm30.owner) == ("IMM", "internet", 2, None)
        website = BackupSystem.objects.get(pk=made["website"]).system
        assert (website.name_th, website.criticality, website.active) == (
            "website",
            3,
            False,
        )  # no title: the code

        for pk in made.values():  # the history stays attached to the same rows
            assert Snapshot.objects.filter(system_id=pk).count() == 3
            for model in (BackupRun, Verification, RestoreTest, Alert):
                assert model.objects.filter(system_id=pk).count() == 1
        moved = AuditEntry.objects.filter(action="inventory.system.migrate", actor="migration")
        assert sorted(e.after["code"] for e in moved) == ["pibics-db", "tm30", "website"]

        back_apps = migrate(OLD).loader.project_state(OLD_STATE).apps
        Old = back_apps.get_model("backups", "BackupSystem")
        restored = Old.objects.get(pk=made["pibics-db"])
        assert (restored.title, restored.unit.code, restored.klass, restored.importance) == (
            "ระบบ PIBICS",
            "IMM-ITC",
            "intranet",
            "high",
        )
        assert Old.objects.get(pk=made["tm30"]).importance == "low"
        assert back_apps.get_model("backups", "Snapshot").objects.filter(system_id=made["tm30"]).count() == 3
    finally:
        migrate(forward)


MONITORING_OLD = [("backups", "0001_initial"), ("monitoring", "0002_seq_state"), ("inventory", None)]
MONITORING_STATE = [("monitoring", "0002_seq_state")]


def test_log_hosts_move_into_the_inventory_and_back():
    from lakthan.inventory.models import Host
    from lakthan.monitoring.models import HostDay

    forward = leaves()
    try:
        old_apps = migrate(MONITORING_OLD).loader.project_state(MONITORING_STATE).apps
        Unit = old_apps.get_model("core", "Unit")
        OldHost = old_apps.get_model("monitoring", "Host")
        unit = Unit.objects.create(code="IMM", name_th="สำนักงานตรวจคนเข้าเมือง")
        for name, addresses, role in (("fs01", ["10.1.0.5"], "file server"), ("bkk-gw", [], "")):
            host = OldHost.objects.create(name=name, unit=unit, addresses=addresses, role=role)
            OldHost.objects.filter(pk=host.pk).update(created_at=AT)
        old_apps.get_model("monitoring", "HostDay").objects.create(
            host_name="fs01", day=date(2013, 1, 7), count=9, first_ts=AT, last_ts=AT
        )
        migrate(forward)

        moved = {h.name: h for h in Host.objects.select_related("unit")}
        assert sorted(moved) == ["bkk-gw", "fs01"]
        fs01 = moved["fs01"]
        assert (fs01.unit.code, fs01.addresses, fs01.role, fs01.created_at) == (
            "IMM",
            ["10.1.0.5"],
            "file server",
            AT,
        )
        assert HostDay.objects.get(host_name="fs01").count == 9  # coverage evidence untouched

        back_apps = migrate(MONITORING_OLD).loader.project_state(MONITORING_STATE).apps
        restored = back_apps.get_model("monitoring", "Host").objects.get(name="fs01")
        assert (restored.addresses, restored.role, restored.unit.code) == (["10.1.0.5"], "file server", "IMM")
    finally:
        migrate(forward)
