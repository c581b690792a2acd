"""schemathesis against the OpenAPI schema, in-process through the WSGI application: whatever it sends,
no endpoint answers 5xx. Authenticated as the supervisor of A (the role that may do the most), on the
`world` data; a bounded number of examples per operation keeps it quick."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from lakthan.wsgi import application
from tests.conftest import api_key

EXAMPLES = 15
EXERCISED = {
    "/api/systems/",
    "/api/systems/{code}/",
    "/api/hosts/",
    "/api/hosts/{name}/",
    "/api/backup-systems/",
    "/api/backup-systems/{name}/",
    "/api/backup-runs/",
    "/api/backup-verifications/",
    "/api/backup-restore-tests/",
    "/api/backup-compliance/",
}


def inventory_and_backups(world, tmp_path) -> None:
    """A system, a host and a backup policy in A, so the inventory and backup endpoints have rows."""
    from lakthan.backups.services.systems import add_system as add_backup
    from lakthan.inventory import services as inventory

    pibics = inventory.add_system(
        "pibics", name_th="ระบบ PIBICS", unit=world.a, klass="intranet", criticality=4
    )
    inventory.add_host("db-a", unit=world.a, addresses=["10.0.0.1"], systems=[pibics])
    add_backup("pibics", unit=world.a, klass="intranet", paths=[str(tmp_path)], init_repo=False)


@pytest.mark.django_db(transaction=True)
def test_no_server_errors(world, settings_fixture, tmp_path):
    _monitoring_data(settings_fixture, tmp_path)
    token = api_key(world.users["supervisor"])
    inventory_and_backups(world, tmp_path)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    assert EXERCISED <= {operation.path for operation in operations}
    failures: list[str] = []
    seen = 0
    answered: dict[int, int] = {}
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def run(case):
            nonlocal seen
            seen += 1
            response = case.call(headers={"Authorization": f"Token {token}"})
            answered[response.status_code // 100] = answered.get(response.status_code // 100, 0) + 1
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} → {response.status_code}: {response.text[:300]}"
                )

        run()
    assert seen >= len(operations)
    assert answered.get(2, 0) >= len(operations) // 2, answered  # authenticated: real answers, not only 4xx
    assert not failures, "\n".join(failures[:20])


@pytest.fixture
def settings_fixture(settings):
    """pytest-django's settings (the name `settings` is hypothesis's here)."""
    return settings


def _monitoring_data(django_settings, tmp_path) -> None:
    """A host of A with a sealed, verified event and an alert, so the monitoring endpoints answer."""
    from lakthan.monitoring.services import alerts, ingest, verification
    from lakthan.monitoring.services import hosts as log_hosts
    from lakthan.monitoring.services import seal as sealing

    django_settings.LAKTHAN_LOG_DIR = tmp_path / "logs"
    log_hosts.add_host("a-web", "A", ["10.0.0.1"])
    lines = [
        f"<38>1 2013-05-01T10:00:{i:02d}+07:00 a-web sshd 1 - - Failed password for root from 203.0.113.7 port 1 ssh2"
        for i in range(12)
    ]
    ingest.ingest_lines(lines, "syslog")
    sealing.seal()
    assert alerts.detect()
    verification.verify()
