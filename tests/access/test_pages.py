"""The pages of item 10: the sources of the caller's units with their account counts and findings."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.mark.django_db
def test_the_index_shows_my_units_sources_with_their_counts_and_findings(world, tmp_path):
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync
    from lakthan.inventory.services import add_system

    for unit, name in ((world.a, "a-app"), (world.b, "b-app")):
        add_system(name, name_th="ระบบ", unit=unit, klass="intranet")
        users = tmp_path / f"{name}.csv"
        users.write_text(
            "username,display_name,disabled\n"
            f"one-{name},ผู้ใช้หนึ่ง,false\ntwo-{name},ผู้ใช้สอง,false\nthree-{name},ผู้ใช้สาม,true\n"
        )
        sync(add_source(f"{name}-users", unit=unit, system=name, csv_path=str(users)))
    client = Client()
    client.force_login(world.users["auditor"])

    page = client.get("/access/").content.decode()

    assert "a-app-users" in page and "b-app-users" not in page
    # two enabled, one disabled; all three are orphans (no employee id)
    assert '<td class="num">๒</td>' in page or '<td class="num">2</td>' in page
    assert "orphan" in page


@pytest.mark.django_db
def test_the_head_of_a_unit_is_named_cleared_and_audited(world):
    from lakthan.core.models import AuditEntry, Person, Unit
    from lakthan.core.services import add_person, set_unit_head

    head = add_person(world.a, "หัวหน้า", "ทดสอบ")
    set_unit_head(world.a, head, actor="tester")
    assert Unit.objects.get(pk=world.a.pk).head == head
    set_unit_head(world.a, None, actor="tester")
    assert Unit.objects.get(pk=world.a.pk).head is None
    entries = AuditEntry.objects.filter(action="unit.set_head").order_by("pk")
    assert [(e.before["head"], e.after["head"]) for e in entries] == [(None, head.pk), (head.pk, None)]
    assert Person.objects.filter(pk=head.pk).exists()
