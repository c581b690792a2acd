"""The plan, register, readings and changes pages and their API, with the roles: an auditor reads,
a data collector of a unit changes that unit's register, nobody sees another unit's registrations."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lakthan.network.models import Address, AddressChange, Observation
from lakthan.network.services import register
from tests.conftest import api_key
from tests.network import register_fixtures
from tests.network.register_fixtures import DATA

net = register_fixtures.net
pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(net):
    register.add_prefix("10.20.0.0/16", net.b, "สำนักงาน B")
    register.add_prefix("10.20.1.0/24", net.it, "เครื่องแม่ข่ายศูนย์ไอที")
    register.add_prefix("10.30.0.0/24", net.x, "สำนักงาน X")
    web = register.register_address(
        "10.20.1.10", net.it, hostname="web1", mac="aa:bb:cc:dd:ee:10", actor="somchai"
    )
    register.register_address("10.30.0.5", net.x, hostname="x-secret")
    return web


def page(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def test_the_plan_shows_each_visible_block_with_registered_and_seen_counts(client, net, plan):
    from django.utils import timezone

    from lakthan.network.services import observe

    observe.observe_dhcpd(DATA / "dhcpd.leases", now=timezone.now())
    body = page(client, net.users["auditor-b"], "/network/").content.decode()
    assert "10.20.0.0/16" in body and "เครื่องแม่ข่ายศูนย์ไอที" in body
    assert "10.30.0.0/24" not in body  # unit X is not the auditor's
    assert "/network/addresses/add/" not in body  # an auditor changes nothing
    from lakthan.network.services.plan import plan_rows

    rows = {r["cidr"]: r for r in plan_rows()}
    assert (rows["10.20.1.0/24"]["registered"], rows["10.20.1.0/24"]["seen"]) == (1, 4)
    assert (rows["10.20.0.0/16"]["registered"], rows["10.30.0.0/24"]["seen"]) == (1, 0)


def test_the_register_lists_only_visible_units_and_filters(client, net, plan):
    body = page(client, net.users["auditor-b"], "/network/addresses/").content.decode()
    assert "web1" in body and "x-secret" not in body
    found = page(client, net.users["auditor-b"], "/network/addresses/?q=AABB.CCDD.EE10").content.decode()
    assert "web1" in found
    none = page(client, net.users["auditor-b"], "/network/addresses/?prefix=10.20.2.0/24").content.decode()
    assert "web1" not in none
    assert page(client, net.users["auditor-b"], "/network/addresses/?unit=X").status_code == 404


def test_a_collector_adds_edits_and_removes_in_their_unit_only(client, net, plan):
    collector = net.users["collector-it"]
    client.force_login(collector)
    added = client.post(
        "/network/addresses/add/",
        {
            "address": "10.20.1.11",
            "unit": "B-IT",
            "hostname": "db1",
            "mac": "aa-bb-cc-dd-ee-11",
            "owner": str(net.owner.pk),
        },
    )
    assert added.status_code == 302
    reg = Address.objects.get(address="10.20.1.11")
    assert (reg.mac, reg.owner, AddressChange.objects.get(registration=reg).actor) == (
        "AA:BB:CC:DD:EE:11",
        net.owner,
        "collector-it",
    )
    bad = client.post("/network/addresses/add/", {"address": "10.20.1.300", "unit": "B-IT"})
    assert bad.status_code == 200 and "&#x27;10.20.1.300&#x27; ไม่ใช่หมายเลข IP" in bad.content.decode()
    edit = client.get(f"/network/addresses/{reg.pk}/").content.decode()
    assert "collector-it" in edit  # the history
    client.post(
        f"/network/addresses/{reg.pk}/", {"address": "10.20.1.11", "unit": "B-IT", "hostname": "db-1"}
    )
    reg.refresh_from_db()
    assert reg.hostname == "db-1" and reg.owner is None
    other = Address.objects.get(address="10.30.0.5")
    assert client.get(f"/network/addresses/{other.pk}/").status_code == 404
    assert client.post("/network/addresses/add/", {"address": "10.30.0.6", "unit": "X"}).status_code == 200
    assert not Address.objects.filter(address="10.30.0.6").exists()  # X is not among the choices
    client.post(f"/network/addresses/{reg.pk}/", {"remove": "1"})
    assert not Address.objects.filter(pk=reg.pk).exists()
    assert AddressChange.objects.filter(address="10.20.1.11").count() == 3
    client.force_login(net.users["auditor-b"])
    assert client.get("/network/addresses/add/").status_code == 403
    assert client.get(f"/network/addresses/{plan.pk}/").status_code == 403


def test_the_csv_upload_lists_every_bad_row_and_applies_nothing(client, net, plan):
    client.force_login(net.users["collector-it"])
    csv = "address,hostname,mac,unit,owner\n10.20.1.12,a,,B-IT,\n10.30.0.7,b,,X,\n10.20.1.13,c,zz,B-IT,\n"
    response = client.post("/network/addresses/import/", {"file": _upload("r.csv", csv)})
    body = response.content.decode()
    assert "r.csv:3 (unit)" in body and "r.csv:4 (mac)" in body
    assert not Address.objects.filter(address="10.20.1.12").exists()
    good = "address,hostname,mac,unit,owner\n10.20.1.12,a,,B-IT,\n"
    done = client.post("/network/addresses/import/", {"file": _upload("ok.csv", good)}).content.decode()
    assert Address.objects.filter(address="10.20.1.12").exists() and "ok.csv" in done
    exported = client.get("/network/addresses/export.csv").content.decode("utf-8-sig")
    assert "10.20.1.12,a" in exported and "x-secret" not in exported


def _upload(name: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_readings_upload_and_list(client, net):
    client.force_login(net.users["collector-it"])
    response = client.post(
        "/network/observations/upload/",
        {
            "kind": "arp",
            "file": _upload("neigh.txt", (DATA / "arp-an.txt").read_text()),
            "at": "2026-03-02 16:00",
        },
    )
    assert response.status_code == 200 and "neigh.txt" in response.content.decode()
    assert Observation.objects.filter(kind="arp", source="upload:neigh.txt").count() == 3
    listed = client.get("/network/observations/").content.decode()
    assert "upload:neigh.txt" in listed
    client.force_login(net.users["auditor-b"])
    assert client.get("/network/observations/").status_code == 200
    assert client.get("/network/observations/upload/").status_code == 403


def test_the_changes_page_shows_who_and_what(client, net, plan):
    register.update_address(plan, actor="manee", hostname="web-1")
    body = page(client, net.users["auditor-b"], "/network/changes/").content.decode()
    assert "manee" in body and "somchai" in body and "web-1" in body
    assert "x-secret" not in body


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def test_the_api_lists_creates_changes_and_deletes_with_the_roles(net, plan):
    auditor, collector = api(net.users["auditor-b"]), api(net.users["collector-it"])
    prefixes = auditor.get("/api/network/prefixes/").json()
    assert [p["cidr"] for p in prefixes] == ["10.20.0.0/16", "10.20.1.0/24"]
    assert prefixes[1]["registered"] == 1
    listed = auditor.get("/api/network/addresses/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [a["address"] for a in rows] == ["10.20.1.10"]
    assert (
        auditor.post("/api/network/addresses/", {"address": "10.20.1.20", "unit": "B-IT"}).status_code == 403
    )
    created = collector.post(
        "/api/network/addresses/", {"address": "10.20.1.20", "unit": "B-IT", "mac": "aabbccddee20"}
    )
    assert created.status_code == 201 and created.json()["mac"] == "AA:BB:CC:DD:EE:20"
    pk = created.json()["id"]
    bad = collector.post("/api/network/addresses/", {"address": "nope", "unit": "B-IT"})
    assert bad.status_code == 400 and "not an IP address" in str(bad.json())
    changed = collector.patch(f"/api/network/addresses/{pk}/", {"hostname": "api-host"}, format="json")
    assert changed.status_code == 200 and changed.json()["hostname"] == "api-host"
    assert collector.post("/api/network/addresses/", {"address": "10.30.0.9", "unit": "X"}).status_code == 404
    assert collector.delete(f"/api/network/addresses/{pk}/").status_code == 204
    changes = auditor.get("/api/network/changes/").json()
    rows = changes["results"] if isinstance(changes, dict) else changes
    assert [c["action"] for c in rows][:3] == ["remove", "update", "add"]
    assert rows[1]["before"]["hostname"] == "" and rows[1]["after"]["hostname"] == "api-host"
    assert rows[0]["actor"] == "collector-it"
    assert (
        collector.post("/api/network/prefixes/", {"cidr": "10.20.2.0/24", "unit": "B-IT"}).status_code == 201
    )
    assert collector.delete("/api/network/prefixes/10.20.2.0/24/").status_code == 204
    assert auditor.delete("/api/network/prefixes/10.20.1.0/24/").status_code == 403
    # the slash may be written "_" (a path segment cannot carry it for every client)
    assert (
        collector.post("/api/network/prefixes/", {"cidr": "10.20.3.0/24", "unit": "B-IT"}).status_code == 201
    )
    assert collector.delete("/api/network/prefixes/10.20.3.0_24/").status_code == 204
    assert collector.delete("/api/network/prefixes/10.20.3.0_24/").status_code == 404


def test_the_api_reads_an_uploaded_leases_file(net):
    collector = api(net.users["collector-it"])
    with (DATA / "dhcpd.leases").open("rb") as f:
        response = collector.post("/api/network/readings/", {"kind": "dhcpd", "file": f}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["read"], body["observations"]) == ("dhcpd", 4, 4)
    assert body["problems"] == [
        "dhcpd.leases:38: lease 10.20.1.53: starts 'yesterday' is not a time (W YYYY/MM/DD HH:MM:SS)"
    ]
    listed = api(net.users["auditor-b"]).get("/api/network/readings/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["source"] == "upload:dhcpd.leases"
    with (DATA / "dhcpd.leases").open("rb") as f:
        refused = api(net.users["auditor-b"]).post(
            "/api/network/readings/", {"kind": "dhcpd", "file": f}, format="multipart"
        )
    assert refused.status_code == 403
