"""Signed means sealed: a signature pins everything the report rests on; the signed report renders only
from that pin (the same bytes every time), says what is newer, and `report verify` names what changed.

Issue 12, breaks 1 (evidence replaced under a signed report), 2 (a library reload changes a signed
report) and 8 (report files that differ from one rendering to the next).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import UTC, timedelta
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from django.utils import timezone

import lakthan.checks.checks  # noqa: F401 - registers the evidence-completeness check
from lakthan.checks.checks import URN as COMPLETENESS
from lakthan.checks.models import CheckRun
from lakthan.checks.services import run_check
from lakthan.core.errors import InvalidInput, Locked
from lakthan.core.models import AuditEntry
from lakthan.evidence import services as ev
from lakthan.evidence.models import Evidence, EvidenceLink
from lakthan.indicators import services as ind
from lakthan.indicators.cli import score as score_cmd
from lakthan.indicators.models import Criterion, IndicatorReport, LibraryVersion, SignOffEvent
from lakthan.lib.canonical import json_sha256
from lakthan.lib.timezones import BANGKOK
from lakthan.reports import issuing, sealing
from lakthan.reports.cli import report as report_cmd
from lakthan.reports.context import context_from_json, context_to_json
from lakthan.reports.services import FORMATS, build_context, build_pack, render
from tests.conftest import pdf_bytes
from tests.web.conftest import _no_two_factor_unless_asked, officer_client, site  # noqa: F401

ROUND = ["--unit", "B", "--fy", "2556", "--round", "12", "--indicator", "9.2"]
OLD_TITLE = "มีแนวทาง/มาตรการป้องกันความเสียหายและมีการสำรองข้อมูลสารสนเทศ (Backup)"
NEW_TITLE = "มีการสำรองข้อมูลตามนโยบายใหม่"


# --- helpers ---------------------------------------------------------------------------------------


def ensure_version(library) -> LibraryVersion:
    """The library's current version row (made here when the loader of this branch made none)."""
    version = library.versions.order_by("-number").first()
    return version or LibraryVersion.objects.create(
        library=library,
        number=1,
        version=library.version,
        source_file=library.source_file,
        sha256=library.sha256,
        origin=library.origin,
        content="",
        loaded_at=timezone.now(),
    )


def reload_library(indicator, thresholds: list[int], item1_title: str) -> LibraryVersion:
    """A reload of the library with the same URN, as load_library_file does it: the current version's
    rows are updated in place (new thresholds, an edited item title) and a new version is recorded."""
    library = indicator.library
    scheme = {**indicator.scheme, "thresholds": [str(t) for t in thresholds]}
    type(indicator).objects.filter(pk=indicator.pk).update(scheme=scheme)
    Criterion.objects.filter(indicator=indicator, number=1).update(title_th=item1_title)
    last = ensure_version(library)
    return LibraryVersion.objects.create(
        library=library,
        number=last.number + 1,
        version=f"{last.version}-b",
        source_file=last.source_file,
        sha256=hashlib.sha256(b"reloaded").hexdigest(),
        origin=last.origin,
        content="",
        loaded_at=timezone.now(),
    )


def add_pdf(unit, title: str, text: str) -> Evidence:
    return ev.add_file(
        unit, io.BytesIO(pdf_bytes(text)), f"{text}.pdf", ev.Metadata(title=title, kind="plan")
    )


def decide(report, met: set[int]) -> None:
    for number in range(1, 11):
        ind.set_result(report, number, "met" if number in met else "not_met")


def fresh(report) -> IndicatorReport:
    return IndicatorReport.objects.get(pk=report.pk)


@pytest.fixture
def signed(org):
    """The 9.2 report of B: a plan linked to items 1 and 2, the completeness table (a system artefact)
    for the whole report, items 1–3 met (score 3, weight 3, weighted 0.09), signed by its supervisor."""
    ensure_version(org.indicator.library)
    org.plan = add_pdf(org.bureau, "แผนสำรองข้อมูล", "plan-v1")
    ev.link(org.plan, org.report, 1)
    ev.link(org.plan, org.report, 2)
    run_check(COMPLETENESS, org.report)
    org.artefact = Evidence.objects.get(kind="system")
    decide(org.report, {1, 2, 3})
    sealing.sign(org.report, org.supervisor)
    return org


def pinned_shas(report) -> dict[str, str]:
    return {e["title"]: e["sha256"] for e in report.pinned["evidence"]}


# --- the pin ---------------------------------------------------------------------------------------


def test_context_json_round_trip_is_exact(make_ctx):
    ctx = make_ctx(signed=True, weighted_score=Decimal("0.30"), result_value=Decimal("2.5000"))
    back = context_from_json(json.loads(json.dumps(context_to_json(ctx))))
    assert back == ctx
    assert str(back.weighted_score) == "0.30" and str(back.result_value) == "2.5000"
    assert back.signed_at == ctx.signed_at and back.evidence[0].doc_date == ctx.evidence[0].doc_date


def test_score_json_round_trip_is_exact(signed):
    score = ind.live_score(signed.report)
    assert ind.score_from_json(json.loads(json.dumps(ind.score_to_json(score)))) == score


def test_signature_pins_the_snapshot_with_its_hash_on_report_event_and_audit(signed):
    report = fresh(signed.report)
    pinned = report.pinned
    assert report.pinned_sha256 == json_sha256(pinned)
    assert report.signoff_events.get(action="sign").pinned_sha256 == report.pinned_sha256
    entry = AuditEntry.objects.get(action="report.sign")
    assert entry.after["pinned_sha256"] == report.pinned_sha256 and "pinned" not in entry.after
    version = signed.indicator.library.versions.get()
    assert report.library_version == version
    assert pinned["library_version"] == {
        "id": version.pk,
        "urn": signed.indicator.library.urn,
        "number": 1,
        "version": version.version,
        "sha256": version.sha256,
    }
    assert [(r["number"], r["status"]) for r in pinned["results"]][:4] == [
        (1, "met"),
        (2, "met"),
        (3, "met"),
        (4, "not_met"),
    ]
    assert (pinned["score"]["score"], pinned["score"]["weighted_score"], pinned["weight"]) == (
        "3",
        "0.09",
        "3.00",
    )
    plan = pinned["evidence"][0]
    assert (plan["evidence"], plan["revision_number"], plan["items"]) == (signed.plan.pk, 1, [1, 2])
    assert plan["sha256"] == signed.plan.current.blob_id and plan["filename"] == "plan-v1.pdf"
    assert pinned["signed"]["name"] == signed.supervisor.display_name
    assert pinned["proofs"] == []  # no proof provider registered in this test run
    # the report renders from the pin, dated at the signature
    ctx = build_context(report)
    assert ctx == dataclasses.replace(
        context_from_json(pinned["context"]), generated_at=report.signed_at, thai_digits=ctx.thai_digits
    )
    assert ctx.signed and ctx.generated_at == report.signed_at and ctx.score == Decimal("3")


def test_reopen_drops_the_pin_and_keeps_it_in_the_audit_trail(signed):
    sha = fresh(signed.report).pinned_sha256
    with pytest.raises(InvalidInput, match="reason"):
        ind.reopen(signed.report, signed.supervisor, " ")
    ind.reopen(signed.report, signed.supervisor, "เพิ่มหลักฐานข้อ ๔")
    report = fresh(signed.report)
    assert (report.pinned, report.pinned_sha256, report.library_version) == (None, "", None)
    before = AuditEntry.objects.get(action="report.reopen").before
    assert before["pinned_sha256"] == sha and json_sha256(before["pinned"]) == sha
    assert sealing.newer_than_signed(report) == []  # nothing signed, nothing newer


def test_sign_refuses_before_pinning_anything(org):
    with pytest.raises(InvalidInput, match="undecided"):
        sealing.sign(org.report, org.supervisor)
    decide(org.report, {1})
    with pytest.raises(InvalidInput, match="not a supervisor"):
        sealing.sign(org.report, org.collector)
    report = fresh(org.report)
    assert report.pinned is None and not report.signoff_events.exists()


# --- break 1: evidence of a signed report can be replaced ------------------------------------------


def test_new_revisions_do_not_reach_the_signed_report_until_it_is_signed_again(signed, tmp_path):
    report = fresh(signed.report)
    before = pinned_shas(report)
    ev.add_revision(
        signed.plan, stream=io.BytesIO(pdf_bytes("plan-v2")), filename="plan-v2.pdf", actor="collector"
    )
    ev.add_revision(signed.artefact, stream=io.BytesIO(b"item,forged\n"), filename="completeness.csv")
    new_plan, new_table = signed.plan.current.blob_id, signed.artefact.current.blob_id
    assert new_plan not in before.values() and new_table not in before.values()

    report = fresh(signed.report)
    assert pinned_shas(report) == before
    assert [e.sha256 for e in build_context(report).evidence] == list(before.values())
    pack = tmp_path / "pack.zip"
    build_pack(report, pack, signer=issuing.signer())
    with zipfile.ZipFile(pack) as z:
        shipped = {
            hashlib.sha256(z.read(e.filename)).hexdigest()
            for e in build_context(report).evidence
            if e.filename
        }
    assert shipped == set(before.values())
    notices = sealing.newer_than_signed(report)
    assert [n.kind for n in notices] == ["evidence_revised", "evidence_revised"]
    assert "แผนสำรองข้อมูล" in notices[0].th and "newer revision (2)" in notices[0].en
    assert "cites revision 1" in notices[0].en
    assert sealing.verify(report) == []  # the old revisions' files are still in the store

    ind.reopen(report, signed.supervisor, "ใช้แผนฉบับปรับปรุง")
    sealing.sign(report, signed.supervisor)
    report = fresh(report)
    assert set(pinned_shas(report).values()) == {new_plan, new_table}
    assert {e.sha256 for e in build_context(report).evidence} == {new_plan, new_table}
    assert sealing.newer_than_signed(report) == []


def test_links_made_or_removed_behind_the_lock_are_named(signed):
    # links cannot change through the services while signed; the notice compares anyway
    other = add_pdf(signed.bureau, "คำสั่งแต่งตั้ง", "order")
    with pytest.raises(Locked):
        ev.link(other, signed.report, 3)
    EvidenceLink.objects.create(evidence=other, report=signed.report, criterion=None)
    EvidenceLink.objects.filter(evidence=signed.artefact).delete()
    kinds = {n.kind: n.en for n in sealing.newer_than_signed(fresh(signed.report))}
    assert kinds == {
        "evidence_linked": "evidence 'คำสั่งแต่งตั้ง' was linked after the signature",
        "evidence_unlinked": f"evidence reference 2 '{signed.artefact.title}' is no longer linked to the report",
    }


def test_check_runs_after_the_signature_are_named(signed):
    report = fresh(signed.report)
    assert sealing.newer_than_signed(report) == []  # the run before the signature is not newer
    start, end = ind.round_period(report.round)
    later = report.signed_at + timedelta(seconds=5)
    for _ in range(2):
        CheckRun.objects.create(
            check_urn=COMPLETENESS,
            unit=signed.bureau,
            report=report,
            period_start=start,
            period_end=end,
            status="met",
            started_at=later,
            finished_at=later,
        )
    (notice,) = sealing.newer_than_signed(report)
    assert notice.kind == "check_runs" and notice.en == f"2 check run(s) after the signature ({COMPLETENESS})"
    assert notice.th == f"มีการตรวจสอบหลังการลงนาม 2 ครั้ง ({COMPLETENESS})"


# --- break 2: a library reload changes a signed report ---------------------------------------------


def test_library_reload_leaves_the_signed_score_and_titles_alone(signed):
    report = fresh(signed.report)
    pinned_score = ind.compute_score(report)
    reload_library(signed.indicator, [3, 6, 7, 8, 9], NEW_TITLE)
    report = fresh(signed.report)
    live = ind.live_score(report)
    assert (live.score, live.weighted_score, live.items[0].title_th) == (
        Decimal(1),
        Decimal("0.03"),
        NEW_TITLE,
    )

    score = ind.compute_score(report)
    assert score == pinned_score == ind.score_from_json(report.pinned["score"])
    assert (score.score, score.weighted_score, score.items[0].title_th) == (
        Decimal(3),
        Decimal("0.09"),
        OLD_TITLE,
    )
    ctx = build_context(report)
    assert ctx.criteria[0].title == OLD_TITLE and ctx.scoring.labels == ["1", "2", "3", "4", "≥5"]
    assert "มีการสำรองข้อมูลตามนโยบายใหม่" not in render(report, "html").decode()
    (notice,) = sealing.newer_than_signed(report)
    assert notice.kind == "library_version"
    assert (
        notice.en
        == f"library {signed.indicator.library.urn} has a newer version (2) (the signed report uses version 1)"
    )

    result = CliRunner().invoke(score_cmd, [*ROUND, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["score"], data["weighted_score"], data["signed"]) == ("3", "0.09", True)
    assert data["items"][0]["title_th"] == OLD_TITLE
    assert [n["kind"] for n in data["newer_than_signed"]] == ["library_version"]
    text = CliRunner().invoke(score_cmd, ROUND)
    assert "weighted 0.09" in text.output
    assert "warning:" in text.output and "has a newer version (2)" in text.output

    ind.reopen(report, signed.supervisor, "ใช้เกณฑ์ฉบับใหม่")
    sealing.sign(report, signed.supervisor)
    report = fresh(report)
    assert ind.compute_score(report).score == Decimal(1) and report.library_version.number == 2
    assert build_context(report).criteria[0].title == NEW_TITLE


def test_api_answers_with_the_pinned_score_and_what_is_newer(world):
    from tests.api.test_api import api, signed_in

    ensure_version(world.indicator.library)
    report = world.reports["A"]
    c = api(world.users["supervisor"])
    c.post(f"/api/evidence/{world.evidence['A'].pk}/link/", {"report": report.pk, "item": 1}, format="json")
    c.post(f"/api/reports/{report.pk}/propose/")
    c.post(f"/api/reports/{report.pk}/accept/")
    signed = signed_in(world.users["supervisor"]).post(f"/api/reports/{report.pk}/sign/").json()
    assert signed["signed"] and signed["pinned_sha256"] == fresh(report).pinned_sha256
    assert signed["newer_than_signed"] == []
    reload_library(world.indicator, [2, 3, 4, 5, 6], NEW_TITLE)  # 1 item met: level 1 → 0
    body = c.get(f"/api/reports/{report.pk}/").json()
    assert (body["score"]["score"], body["score"]["weighted_score"]) == ("1.0000", "0.03")
    assert [n["kind"] for n in body["newer_than_signed"]] == ["library_version"]
    assert "มีฉบับใหม่" in body["newer_than_signed"][0]["th"]


def test_report_page_shows_the_pinned_titles_and_score_and_what_is_newer(officer_client, site):  # noqa: F811
    ensure_version(site.report.indicator.library)
    for n in (8, 9, 10):
        ind.set_result(site.report, n, "not_met")
    sealing.sign(site.report, site.officer)
    page = "/units/WEB-IT/fy/2556/round/12/indicators/9.2/"
    html = officer_client.get(page).content.decode()
    assert 'data-testid="newer-than-signed"' not in html
    reload_library(site.report.indicator, [6, 7, 8, 9, 10], NEW_TITLE)  # 5 items met: level 5 → 0
    ev.add_revision(site.plan, stream=io.BytesIO(pdf_bytes("plan v2")), filename="plan-v2.pdf")
    html = officer_client.get(page).content.decode()
    assert 'data-testid="newer-than-signed"' in html
    assert 'data-kind="library_version"' in html and 'data-kind="evidence_revised"' in html
    assert "มีฉบับใหม่ (ฉบับที่ ๒) รายงานที่ลงนามยังอ้างฉบับที่ ๑" in html
    assert 'data-testid="weighted">๐.๑๕<' in html and 'data-testid="score">๕<' in html
    assert "มีแนวทาง/มาตรการป้องกันความเสียหาย" in html and NEW_TITLE not in html


# --- verification ----------------------------------------------------------------------------------


def verify_cli(*extra: str):
    return CliRunner().invoke(report_cmd, ["verify", *ROUND, *extra])


def test_verify_says_sealed_for_an_untouched_signature(signed):
    assert sealing.verify(fresh(signed.report)) == []
    result = verify_cli()
    assert result.exit_code == 0 and "sealed" in result.output


def test_verify_names_an_altered_pin_and_event(signed):
    report = fresh(signed.report)
    forged = {**report.pinned, "score": {**report.pinned["score"], "score": "5"}}
    IndicatorReport.objects.filter(pk=report.pk).update(pinned=forged)
    SignOffEvent.objects.filter(report=report).update(pinned_sha256="0" * 64)
    kinds = [p.kind for p in sealing.verify(fresh(report))]
    assert kinds == ["pin_altered", "event_mismatch"]
    result = verify_cli()
    assert result.exit_code == 1
    assert "the pinned snapshot was altered" in result.output and "NOT sealed (2 problem(s))" in result.output


def test_verify_names_an_altered_and_a_missing_evidence_file(signed):
    report = fresh(signed.report)
    store = ev.blob_store()
    plan_sha, table_sha = (e["sha256"] for e in report.pinned["evidence"])
    path = store.path(plan_sha)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b"tampered")
    store.path(table_sha).unlink()
    problems = sealing.verify(report)
    assert [p.kind for p in problems] == ["blob_altered", "blob_missing"]
    assert (
        problems[0].en
        == f"evidence reference 1 'แผนสำรองข้อมูล': file {plan_sha} no longer matches its SHA-256"
    )
    assert problems[1].en.endswith(f"file {table_sha} is missing from the blob store")
    result = verify_cli()
    assert result.exit_code == 1 and plan_sha in result.output and table_sha in result.output


def test_verify_names_a_changed_library_version_and_revision(signed):
    report = fresh(signed.report)
    LibraryVersion.objects.filter(pk=report.library_version_id).update(sha256="f" * 64)
    other = add_pdf(signed.bureau, "อื่น", "other")
    revision = signed.plan.revisions.get(number=1)
    type(revision).objects.filter(pk=revision.pk).update(blob=other.current.blob)
    assert [p.kind for p in sealing.verify(report)] == ["revision_mismatch", "library_altered"]


def test_verify_of_unsigned_and_of_unpinned_reports(org, signed):
    report = fresh(signed.report)
    IndicatorReport.objects.filter(pk=report.pk).update(pinned=None, pinned_sha256="")
    legacy = fresh(report)  # signed before signatures pinned anything
    assert [p.kind for p in sealing.verify(legacy)] == ["unpinned"]
    assert [n.kind for n in sealing.newer_than_signed(legacy)] == ["unpinned"]
    assert build_context(legacy).generated_at != legacy.signed_at  # rendered live, as before
    ind.reopen(legacy, org.supervisor, "ลงนามใหม่")
    with pytest.raises(InvalidInput, match="not signed"):
        sealing.verify(fresh(report))
    assert isinstance(verify_cli().exception, InvalidInput)  # `lakthan` turns it into exit 2


# --- break 8: the same pinned report renders to the same bytes -------------------------------------


def test_signed_report_renders_to_the_same_bytes_and_the_pack_holds_them(signed, tmp_path):
    report = fresh(signed.report)
    first = {fmt: render(report, fmt) for fmt in FORMATS}
    assert {fmt: render(fresh(report), fmt) for fmt in FORMATS} == first
    pack = tmp_path / "pack.zip"
    build_pack(report, pack, signer=issuing.signer())
    with zipfile.ZipFile(pack) as z:
        assert {fmt: z.read(f"report/report.{fmt}") for fmt in FORMATS} == first
    # dated at the signature: DOCX core properties and zip entries, PDF metadata via the HTML
    signed_at = report.signed_at
    props = docx.Document(io.BytesIO(first["docx"])).core_properties
    assert props.created.replace(tzinfo=None) == signed_at.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    assert props.modified == props.created and props.last_printed is None
    local = signed_at.astimezone(BANGKOK)
    stamps = {i.date_time for i in zipfile.ZipFile(io.BytesIO(first["docx"])).infolist()}
    assert stamps == {(local.year, local.month, local.day, local.hour, local.minute, local.second // 2 * 2)}
    created = local.isoformat(timespec="seconds")
    assert f'<meta name="dcterms.created" content="{created}">' in first["html"].decode()


def test_a_draft_is_dated_now(signed):
    ind.reopen(signed.report, signed.supervisor, "แก้ไข")
    ctx = build_context(fresh(signed.report))
    assert not ctx.signed and abs(ctx.generated_at - timezone.now()) < timedelta(minutes=1)


RENDER_ELSEWHERE = """
import json, os, sys
import django
django.setup()
from lakthan.reports.context import context_from_json
from lakthan.reports.render_docx import render_docx
from lakthan.reports.render_html import render_html
from lakthan.reports.render_pdf import render_pdf
ctx = context_from_json(json.load(open(sys.argv[1], encoding="utf-8")))
out = sys.argv[2]
open(out + ".docx", "wb").write(render_docx(ctx))
open(out + ".pdf", "wb").write(render_pdf(ctx))
open(out + ".html", "wb").write(render_html(ctx).encode("utf-8"))
"""


def test_another_process_renders_the_same_pinned_context_to_the_same_bytes(signed, tmp_path):
    report = fresh(signed.report)
    ctx = build_context(report)
    (tmp_path / "ctx.json").write_text(json.dumps(context_to_json(ctx)), encoding="utf-8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONHASHSEED": "12345",
        "PYTHONPATH": os.pathsep.join([str(Path.cwd()), *sys.path]),
    }
    subprocess.run(
        [sys.executable, "-c", RENDER_ELSEWHERE, str(tmp_path / "ctx.json"), str(tmp_path / "other")],
        env=env,
        check=True,
        timeout=300,
    )
    for fmt in FORMATS:
        assert (tmp_path / f"other.{fmt}").read_bytes() == render(report, fmt), fmt
