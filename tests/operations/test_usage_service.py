"""usage(): systems installed and really used at every unit, from events sealed through the real log
pipeline; the address plan brings a checkpoint's use of a central web system; Bangkok months."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lakthan.core.errors import InvalidInput
from lakthan.core.models import AuditEntry
from lakthan.inventory import services as inventory
from lakthan.monitoring.models import HostDay, Segment
from lakthan.monitoring.services import ingest, retention
from lakthan.monitoring.services import seal as sealing
from lakthan.operations.services import usage as svc
from tests.operations import usage_fixtures
from tests.operations.usage_fixtures import ssh_login

scene, _password_only = usage_fixtures.scene, usage_fixtures._password_only  # the module's fixtures

JAN, FEB = "2026-01", "2026-02"
PERIOD = (date(2026, 1, 1), date(2026, 2, 28))


def by_key(result: dict) -> dict[tuple[str, str, str], tuple[int, int | None]]:
    return {(r["system"], r["unit"], r["month"]): (r["events"], r["users"]) for r in result["rows"]}


def test_usage_per_system_unit_and_bangkok_month(scene):
    assert Segment.objects.count() >= 1  # the events were sealed into signed segments
    result = svc.usage(scene.a, *PERIOD)
    assert by_key(result) == {
        # CP1's host: 3 logins in January (two users; 23:30 on 31 January counts there), and the
        # login at 00:30 on 1 February in Bangkok — 31 January in UTC — in February
        ("pibics", "CP1", JAN): (3, 2),
        ("pibics", "CP1", FEB): (1, 1),
        # CP2's host sent under its address
        ("pibics", "CP2", JAN): (0, None),
        ("pibics", "CP2", FEB): (2, 1),
        # declared at CP3, no event: zero rows and users unknown
        ("pibics", "CP3", JAN): (0, None),
        ("pibics", "CP3", FEB): (0, None),
        # the central server's own events (every line of its access log in the period)
        ("tm30", "A", JAN): (4, 3),
        ("tm30", "A", FEB): (1, 1),
        # from the address plan: 10.1.0.7 lies in A-1's /16 and in no checkpoint's /24
        ("tm30", "A-1", JAN): (1, 1),
        ("tm30", "A-1", FEB): (0, None),
        # CP1 uses tm30 through a browser: two requests in January (one names no user), one in
        # February (00:30 on 1 February, Bangkok); the March request is outside the period
        ("tm30", "CP1", JAN): (2, 1),
        ("tm30", "CP1", FEB): (1, 1),
    }
    assert result["installations"] == [
        {"system": "pibics", "unit": "CP1", "declared_by": "host", "in_use": True, "events": 4},
        {"system": "pibics", "unit": "CP2", "declared_by": "host", "in_use": True, "events": 2},
        {"system": "pibics", "unit": "CP3", "declared_by": "inventory", "in_use": False, "events": 0},
        {"system": "tm30", "unit": "A", "declared_by": "host", "in_use": True, "events": 5},
    ]
    assert result["silent"] == [{"system": "pibics", "unit": "CP3"}]


def test_a_subtree_sees_its_own_units_only(scene):
    result = svc.usage(scene.cp1, *PERIOD)
    assert {(r["system"], r["unit"]) for r in result["rows"]} == {("pibics", "CP1"), ("tm30", "CP1")}
    assert [(r["system"], r["unit"]) for r in result["installations"]] == [("pibics", "CP1")]
    assert result["silent"] == []
    # CP3 alone: its declared installation is silent, its mail host serves no system
    assert svc.usage(scene.cp3, *PERIOD)["silent"] == [{"system": "pibics", "unit": "CP3"}]


def test_a_month_is_cut_at_bangkok_midnight(scene):
    january = svc.usage(scene.cp1, date(2026, 1, 1), date(2026, 1, 31))
    assert by_key(january)[("pibics", "CP1", JAN)] == (3, 2)
    assert by_key(january)[("tm30", "CP1", JAN)] == (2, 1)
    assert {r["month"] for r in january["rows"]} == {JAN}
    february = svc.usage(scene.cp1, date(2026, 2, 1), date(2026, 2, 1))
    assert by_key(february)[("pibics", "CP1", FEB)] == (1, 1)
    assert by_key(february)[("tm30", "CP1", FEB)] == (1, 1)


def test_an_event_from_the_units_own_host_is_not_counted_twice(scene):
    # a login on CP1's pibics host from an address in CP1's own prefix: one event, not two
    ingest.ingest_lines([ssh_login("pib-cp1", "noi", "2026-01-20T09:00:00+07:00", src="10.1.1.77")], "syslog")
    sealing.seal()
    assert by_key(svc.usage(scene.a, *PERIOD))[("pibics", "CP1", JAN)] == (4, 3)


def test_declaring_a_unit_makes_its_network_use_an_installation(scene):
    inventory.set_installed_at(scene.tm30, [scene.cp1, scene.cp2], actor="alice")
    result = svc.usage(scene.a1, *PERIOD)
    tm30 = [r for r in result["installations"] if r["system"] == "tm30"]
    assert tm30 == [
        {"system": "tm30", "unit": "CP1", "declared_by": "inventory", "in_use": True, "events": 3},
        {"system": "tm30", "unit": "CP2", "declared_by": "inventory", "in_use": False, "events": 0},
    ]
    assert {"system": "tm30", "unit": "CP2"} in result["silent"]
    entry = AuditEntry.objects.filter(action="inventory.system.installed_at").latest("pk")
    assert (entry.actor, entry.before, entry.after["installed_at"]) == (
        "alice",
        {"installed_at": []},
        ["CP1", "CP2"],
    )


def test_counts_survive_the_pruning_of_segments(scene):
    """Events of a unit's own hosts come from the per-host-day counts, kept after the segments are
    pruned; the users and the address plan need the segments, so they are then unknown."""
    assert HostDay.objects.filter(host_name="pib-cp1").exists()
    pruned = retention.prune(now=datetime(2026, 11, 1, tzinfo=UTC))  # past the 90 days kept
    assert pruned and not Segment.objects.filter(pruned_at__isnull=True).exists()
    result = by_key(svc.usage(scene.a, *PERIOD))
    assert result[("pibics", "CP1", JAN)] == (3, None)
    assert result[("tm30", "A", JAN)] == (4, None)
    assert ("tm30", "CP1", JAN) not in result  # seen only in the pruned lines


def test_a_retired_system_is_left_out(scene):
    inventory.update_system(scene.pibics, active=False)
    result = svc.usage(scene.a, *PERIOD)
    assert {r["system"] for r in result["rows"]} == {"tm30"} and result["silent"] == []


@pytest.mark.parametrize(
    ("start", "end", "english"),
    [
        (date(2026, 2, 1), date(2026, 1, 1), "the end 2026-01-01 is before the start 2026-02-01"),
        (date(2020, 1, 1), date(2026, 1, 1), "the period is longer than three years"),
    ],
)
def test_a_bad_period_is_refused(scene, start, end, english):
    with pytest.raises(InvalidInput) as refused:
        svc.usage(scene.a, start, end)
    assert refused.value.message_en == english and refused.value.message_th


def test_the_chart_and_the_document(scene, tmp_path):
    svg = svc.usage_svg(scene.a, *PERIOD)
    assert 'data-system="pibics" data-unit="CP3" data-month="2026-01" data-events="0"' in svg
    assert 'data-system="tm30" data-unit="CP1" data-month="2026-01" data-events="2"' in svg
    assert "ไม่มีการใช้งาน" in svg and "ม.ค. ๖๙" in svg and "CP1 *" in svg  # CP1 uses tm30 undeclared
    png = svc.usage_png(scene.a, *PERIOD)
    assert png.startswith(b"\x89PNG")
    html = svc.usage_html(scene.a, *PERIOD)
    assert "รายชื่อหน่วยและด่านตรวจที่ติดตั้งแต่ละระบบ" in html
    assert "ระบบที่ติดตั้งแต่ไม่มีการใช้งานในช่วงนี้" in html and "ด่านตรวจ ๓" in html
    assert "ระหว่างวันที่ ๑ มกราคม ๒๕๖๙" in html
    pdf = svc.usage_pdf(scene.a, *PERIOD)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "usage.pdf").write_bytes(pdf)
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "usage.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "ด่านตรวจ ๓" in text and "ไม่มีการใช้งาน" in text
