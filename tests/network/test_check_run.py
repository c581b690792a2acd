"""Item 9's check run through the services a user's data takes: a plan and a register kept since the
start of the fiscal year, a dhcpd leases file read at the end of the round, and the check's status,
figures and its two documents (the plan and the findings) as the evaluator receives them."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from lakthan.checks.registry import Period
from lakthan.checks.services import run_check
from lakthan.lib.timezones import BANGKOK
from lakthan.network.checks import URN, round_facts
from lakthan.network.services import observe
from lakthan.network.services.register import add_prefix, register_address, update_address

ROUND = Period(date(2012, 10, 1), date(2013, 9, 30))
KEPT = datetime(2012, 10, 3, 9, tzinfo=BANGKOK)
READ = datetime(2013, 9, 30, 17, tzinfo=BANGKOK)


def lease(ip: str, mac: str, starts: str, ends: str, state: str = "active") -> str:
    return (
        f"lease {ip} {{\n  starts {starts};\n  ends {ends};\n  binding state {state};\n"
        f"  hardware ethernet {mac};\n}}\n"
    )


@pytest.fixture
def kept(org, tmp_path):
    """A /24 of the division registered with 40 clients; the leases show 39 of them, one client with
    another MAC, and one address nobody registered."""
    add_prefix("10.9.0.0/16", org.bureau, "ทั้งสำนักงาน", actor="t")
    add_prefix("10.9.1.0/24", org.division, "เครื่องลูกข่าย", actor="t")
    regs = {}
    for n in range(10, 50):
        regs[n] = register_address(
            f"10.9.1.{n}",
            org.division,
            hostname=f"pc{n}",
            mac=f"00:1a:2b:00:01:{n:02x}",
            actor="ผู้ดูแล",
            at=KEPT,
        )
    update_address(regs[12], actor="ผู้ดูแล", at=datetime(2013, 3, 1, 10, tzinfo=BANGKOK), note="ย้ายโต๊ะ")
    blocks = [
        lease(f"10.9.1.{n}", f"00:1a:2b:00:01:{n:02x}", "1 2013/09/30 01:00:00", "2 2013/10/01 01:00:00")
        for n in range(10, 49)  # .49 is never seen
    ]
    blocks.append(lease("10.9.1.20", "aa:bb:cc:dd:ee:20", "1 2013/09/30 02:00:00", "2 2013/10/01 02:00:00"))
    blocks.append(lease("10.9.1.200", "aa:bb:cc:dd:ee:ff", "1 2013/09/30 03:00:00", "1 2013/09/30 05:00:00"))
    path = tmp_path / "dhcpd.leases"
    path.write_text("".join(blocks), encoding="utf-8")
    observe.observe_dhcpd(path, actor="ผู้ดูแล", now=READ)
    return org


def test_the_round_compares_the_register_with_the_leases(kept, settings):
    settings.LAKTHAN_NET_FINDINGS_PERCENT = 10
    facts = round_facts(ROUND, kept.bureau)
    assert (facts.prefixes, facts.registered) == (2, 40)
    assert facts.observed == 40  # 38 clients, .20 with another MAC (its last lease block wins), the stranger
    assert facts.changes == 41  # 40 added and one changed in the round, each with who and when
    assert facts.counts == {"mac_mismatch": 1, "stale": 1, "unregistered": 1}
    run = run_check(URN, kept.report)
    assert run.status == "met"  # 3 findings, 4 tolerated
    assert run.figures["findings_by_kind"] == {"mac_mismatch": 1, "stale": 1, "unregistered": 1}


def test_more_findings_than_tolerated_is_partly_met_and_the_documents_name_them(kept, settings):
    settings.LAKTHAN_NET_FINDINGS_PERCENT = 2  # 0 of 40 tolerated
    run = run_check(URN, kept.report)
    assert run.status == "partly"
    assert "3 findings (at most 0 tolerated)" in run.summary_en
    documents = _documents(run)
    assert sorted(documents) == ["ip-address-findings.pdf", "ip-address-plan.pdf"]
    text = _text(documents["ip-address-findings.pdf"])
    for address in ("10.9.1.20", "10.9.1.49", "10.9.1.200"):
        assert address in text
    assert "10.9.1.0/24" in _text(documents["ip-address-plan.pdf"])


def test_a_plan_without_a_register_is_not_met(org):
    add_prefix("10.9.0.0/16", org.bureau, actor="t")
    assert run_check(URN, org.report).status == "not_met"


def _documents(run) -> dict[str, bytes]:
    """The check's files in the evidence register, by file name."""
    from lakthan.evidence.models import Evidence
    from lakthan.evidence.services import blob_store

    out = {}
    for evidence in Evidence.objects.filter(check_run=run):
        revision = evidence.current
        out[revision.filename] = blob_store().path(revision.blob.sha256).read_bytes()
    return out


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
