"""Roles per unit in the web pages: each role reads its own unit and the units below it, never another
unit (by URL), and may change only what its role allows."""

from __future__ import annotations

import pytest

from lakthan.core import roles
from lakthan.evidence.models import Evidence, EvidenceLink
from lakthan.indicators.models import CriterionResult
from tests.conftest import ROLES, pdf_bytes

ROUND = "/units/{code}/fy/2556/round/12/"
EDITOR = ROUND + "indicators/9.2/"

# capability → roles that have it
ALLOWED = {
    "texts": {"admin", "supervisor", "collector"},
    "result": {"admin", "supervisor", "reviewer"},
    "upload": {"admin", "supervisor", "collector"},
    "link": {"admin", "supervisor", "collector"},
}


def _read_urls(w, code):
    ev = w.evidence[code]
    return [
        ROUND.format(code=code),
        EDITOR.format(code=code),
        f"/units/{code}/evidence/",
        f"/evidence/{ev.pk}/",
        f"/evidence/{ev.pk}/revisions/1/file",
        EDITOR.format(code=code) + "report.html",
        EDITOR.format(code=code) + "pack.zip",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_role_reads_own_unit_and_children_but_not_another_unit(client, world, role):
    client.force_login(world.users[role])
    for code in ("A", "A-1"):
        for url in _read_urls(world, code):
            assert client.get(url).status_code == 200, (role, url)
    for url in _read_urls(world, "B"):
        assert client.get(url).status_code == 404, (role, url)
    home = client.get("/").content.decode()
    assert "A-1" in home and "Bureau B" not in home and "สำนักงาน ข" not in home


@pytest.mark.parametrize("role", ROLES)
def test_role_cannot_change_another_unit_by_url(client, world, role):
    client.force_login(world.users[role])
    b_report, b_evidence = world.reports["B"], world.evidence["B"]
    editor = EDITOR.format(code="B")
    attempts = [
        (editor, {"action": "result", "item": 1, "status": "met"}),
        (editor, {"action": "texts", "phone": "0-0000-0000"}),
        (editor, {"action": "link", "evidence": b_evidence.pk, "item": 1}),
        (editor, {"action": "sign"}),
        ("/units/B/evidence/upload", {"title": "x", "kind": "order", "url": "https://example.invalid/x"}),
        (f"/evidence/{b_evidence.pk}/", {"action": "link", "target": "2556:12:9.2:1"}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 404, (role, url, data)
    # and A's evidence cannot be linked into B's report through A's own editor either
    a_ev = world.evidence["A"]
    client.post(EDITOR.format(code="A"), {"action": "link", "evidence": b_evidence.pk, "item": 2})
    assert not EvidenceLink.objects.filter(evidence=b_evidence).exists()
    assert not EvidenceLink.objects.filter(evidence=a_ev, report=b_report).exists()
    assert b_report.results.get(criterion__number=1).status == CriterionResult.Status.UNDECIDED
    b_report.refresh_from_db()
    assert b_report.phone == "" and not b_report.is_signed
    assert Evidence.objects.filter(unit=world.b).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_role_changes_in_own_unit_only_what_it_may(client, world, role):
    client.force_login(world.users[role])
    report = world.reports["A-1"]  # a unit below the grant
    editor = EDITOR.format(code="A-1")

    r = client.post(editor, {"action": "texts", "phone": "0-2141-9889"})
    report.refresh_from_db()
    assert (r.status_code, report.phone == "0-2141-9889") == (
        (302, True) if role in ALLOWED["texts"] else (403, False)
    )

    r = client.post(editor, {"action": "result", "item": 3, "status": "met"})
    status = report.results.get(criterion__number=3).status
    assert (r.status_code, status) == ((302, "met") if role in ALLOWED["result"] else (403, "undecided"))

    before = Evidence.objects.filter(unit=world.a1).count()
    r = client.post(
        "/units/A-1/evidence/upload",
        {"title": "บันทึก", "kind": "minutes", "file": _upload("minutes.pdf")},
    )
    after = Evidence.objects.filter(unit=world.a1).count()
    assert (r.status_code, after - before) == ((302, 1) if role in ALLOWED["upload"] else (403, 0))

    ev = world.evidence["A-1"]
    r = client.post(editor, {"action": "link", "evidence": ev.pk, "item": 4})
    linked = EvidenceLink.objects.filter(evidence=ev, report=report, criterion__number=4).exists()
    assert (r.status_code, linked) == ((302, True) if role in ALLOWED["link"] else (403, False))


def _upload(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_named_supervisor_signs(client, world, role):
    report = world.reports["A"]
    for n in range(1, 11):
        from lakthan.indicators.services import set_result

        set_result(report, n, "met")
    client.force_login(world.users[role])
    r = client.post(EDITOR.format(code="A"), {"action": "sign"})
    report.refresh_from_db()
    if role == "supervisor":
        assert r.status_code == 302 and report.is_signed
    elif role == "admin":  # may sign, but is not a person of the unit: told so, nothing signed
        assert r.status_code == 302 and not report.is_signed
    else:
        assert r.status_code == 403 and not report.is_signed


def test_capabilities_follow_the_tree(world):
    supervisor = world.users["supervisor"]
    assert roles.can(supervisor, roles.SIGN, world.a1)
    assert not roles.can(supervisor, roles.VIEW, world.b)
    assert roles.capabilities(world.users["auditor"], world.a) == {roles.VIEW}
    assert roles.needs_two_factor(world.users["admin"]) and roles.needs_two_factor(supervisor)
    assert not roles.needs_two_factor(world.users["collector"])
