"""Break 5 of issue 12: a check run replaces its own artefacts (one piece of evidence per artefact,
a new revision only when the bytes change, linked once), and runs on a signed report are kept
without touching its links."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from lakthan.checks import registry
from lakthan.checks.checks import URN as COMPLETENESS
from lakthan.checks.models import CheckRun
from lakthan.checks.registry import Artefact, CheckResult
from lakthan.checks.services import propose_results, run_and_propose, run_check
from lakthan.core.errors import InvalidInput
from lakthan.evidence import services as ev
from lakthan.evidence.models import Evidence, EvidenceLink
from lakthan.indicators import services as ind
from lakthan.indicators.models import IndicatorReport
from lakthan.reports import sealing
from tests.conftest import pdf_bytes

URN = "urn:lakthan:check:test-artefacts"
# what the scripted check yields on its next run: file name -> (bytes, title)
OUTPUT: dict[str, tuple[bytes, str]] = {}


@registry.register
class ScriptedArtefacts:
    """A check whose artefacts the test sets, feeding item 1 (as the backup check does)."""

    urn = URN
    title_th = title_en = "test artefacts"

    def run(self, period, unit, report):
        return CheckResult(
            status="met",
            summary_th="ผ่าน",
            summary_en="met",
            artefacts=[Artefact(name, data, title) for name, (data, title) in OUTPUT.items()],
        )


@pytest.fixture
def item1_fed(org):
    criterion = org.indicator.criteria.get(number=1)
    criterion.check_urns = [*criterion.check_urns, URN]
    criterion.save()
    manual = ev.add_file(
        org.bureau, io.BytesIO(pdf_bytes()), "manual.pdf", ev.Metadata("คู่มือการสำรองข้อมูล", "manual")
    )
    ev.link(manual, org.report, 1)
    OUTPUT.clear()
    OUTPUT["table.csv"] = (b"system,ok\nweb,1\n", "ตารางผลการตรวจสอบ")
    OUTPUT["chart.png"] = (_png(1), "แผนภูมิ")
    yield org
    OUTPUT.clear()


def _png(seed: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (seed, 0, 0)).save(out, "PNG")
    return out.getvalue()


def item_counts(report) -> dict[int, int]:
    return {n: len(evs) for n, evs in ev.current_evidence_by_criterion(report).items()}


def fresh(report) -> IndicatorReport:
    return IndicatorReport.objects.get(pk=report.pk)


def test_running_and_proposing_twice_cites_each_artefact_once(item1_fed):
    report = item1_fed.report
    run_and_propose(report)
    counts, refs = item_counts(report), ev.references(report)
    assert counts[1] == 3  # the manual and the two artefacts
    OUTPUT["table.csv"] = (b"system,ok\nweb,0\n", "ตารางผลการตรวจสอบ")  # the control's finding changed
    run_and_propose(report)
    assert item_counts(report) == counts
    again = ev.references(report)
    assert [r.evidence.pk for r in again] == [r.evidence.pk for r in refs]
    assert len({r.evidence.pk for r in again}) == len(again)  # no evidence cited twice
    titles = [r.evidence.title for r in again]
    assert titles.count("ตารางผลการตรวจสอบ") == 1 and titles.count("แผนภูมิ") == 1
    assert Evidence.objects.filter(kind="system", source_key__startswith=URN).count() == 2
    assert EvidenceLink.objects.filter(report=report, evidence__source_key__startswith=URN).count() == 2


def test_changed_bytes_are_revision_2_of_the_same_evidence_and_same_bytes_add_none(item1_fed):
    report = item1_fed.report
    first = run_check(URN, report)
    table = Evidence.objects.get(source_key__endswith="|table.csv")
    chart = Evidence.objects.get(source_key__endswith="|chart.png")
    assert table.source_key == f"{URN}|{report.pk}|2012-10-01..2013-09-30|table.csv"
    assert table.check_run == first and table.created_by == f"check:{URN}"

    OUTPUT["table.csv"] = (b"system,ok\nweb,0\n", "ตารางผลการตรวจสอบ")
    second = run_check(URN, report)
    table.refresh_from_db()
    chart.refresh_from_db()
    assert [r.number for r in table.revisions.all()] == [1, 2]
    rev1, rev2 = table.revisions.all()
    assert rev2.blob_id == hashlib.sha256(b"system,ok\nweb,0\n").hexdigest()
    assert rev1.blob_id == hashlib.sha256(b"system,ok\nweb,1\n").hexdigest()  # kept as history
    assert ev.blob_store().path(rev1.blob_id).read_bytes() == b"system,ok\nweb,1\n"
    assert (rev1.note, rev2.note) == (f"check run #{first.pk}", f"check run #{second.pk}")
    assert rev2.created_by == f"check:{URN}"
    assert chart.revisions.count() == 1  # the same bytes: no new revision
    assert chart.check_run == second and table.check_run == second  # both point at the latest run
    ref = next(r for r in ev.references(report) if r.evidence.pk == table.pk)
    assert ref.revision.number == 2 and ref.items == [1]


def test_a_new_title_is_taken_and_a_new_file_name_is_new_evidence(item1_fed):
    report = item1_fed.report
    run_check(URN, report)
    OUTPUT["table.csv"] = (OUTPUT["table.csv"][0], "ตารางผลการตรวจสอบ ฉบับปรับปรุง")
    OUTPUT["extra.csv"] = (b"a\n1\n", "ตารางเพิ่มเติม")
    run_check(URN, report)
    table = Evidence.objects.get(source_key__endswith="|table.csv")
    assert table.title == "ตารางผลการตรวจสอบ ฉบับปรับปรุง" and table.revisions.count() == 1
    assert Evidence.objects.filter(source_key__startswith=URN).count() == 3
    assert report.evidence_links.filter(evidence__source_key__startswith=URN).count() == 3


def test_another_round_of_the_same_unit_gets_its_own_artefacts(item1_fed):
    report12 = item1_fed.report
    report6 = ind.get_report(item1_fed.bureau, 2556, 6, "9.2")
    run_check(URN, report12)
    run_check(URN, report6)
    keys = sorted(
        Evidence.objects.filter(source_key__endswith="|table.csv").values_list("source_key", flat=True)
    )
    assert keys == sorted(
        [
            f"{URN}|{report12.pk}|2012-10-01..2013-09-30|table.csv",
            f"{URN}|{report6.pk}|2012-10-01..2013-03-31|table.csv",
        ]
    )
    assert not report12.evidence_links.filter(evidence__source_key__contains=f"|{report6.pk}|").exists()


def test_the_completeness_table_is_revised_not_duplicated(org):
    plan = ev.add_file(org.bureau, io.BytesIO(pdf_bytes()), "plan.pdf", ev.Metadata("แผน", "plan"))
    ev.link(plan, org.report, 2)
    run_check(COMPLETENESS, org.report)
    run_check(COMPLETENESS, org.report)  # nothing changed
    ev.link(plan, org.report, 3)
    run_check(COMPLETENESS, org.report)  # item 3 is now covered: the table changes
    table = Evidence.objects.get(kind="system")
    assert [r.number for r in table.revisions.all()] == [1, 2]
    assert "แผน" in ev.blob_store().path(table.current.blob_id).read_text(encoding="utf-8-sig")
    assert EvidenceLink.objects.filter(evidence=table).count() == 1  # the whole report, once
    assert CheckRun.objects.filter(check_urn=COMPLETENESS).count() == 3


# --- checks on a signed report --------------------------------------------------------------------


def sign(org) -> None:
    for n in range(1, 11):
        ind.set_result(org.report, n, "met" if n == 1 else "not_met")
    sealing.sign(org.report, org.supervisor)


def link_rows(report) -> list[tuple[int, int | None]]:
    return sorted(EvidenceLink.objects.filter(report=report).values_list("evidence_id", "criterion_id"))


def test_checks_on_a_signed_report_are_kept_without_touching_its_links(item1_fed):
    report = item1_fed.report
    run_check(URN, report)
    sign(item1_fed)
    links, signed_at = link_rows(report), fresh(report).signed_at
    OUTPUT["table.csv"] = (b"system,ok\nweb,0\n", "ตารางผลการตรวจสอบ")
    OUTPUT["new.csv"] = (b"n\n1\n", "ตารางใหม่")

    run_and_propose(report)  # no Locked error

    assert CheckRun.objects.filter(check_urn=URN, report=report).count() == 2
    assert CheckRun.objects.filter(check_urn=COMPLETENESS, report=report).count() == 1
    assert link_rows(report) == links  # no link added or removed
    report = fresh(report)
    assert report.is_signed and report.signed_at == signed_at
    table = Evidence.objects.get(source_key__endswith="|table.csv")
    assert table.revisions.count() == 2  # the new finding is kept, for after a reopen
    new = Evidence.objects.get(source_key__endswith="|new.csv")
    assert new.kind == "system" and not new.links.exists()
    completeness = Evidence.objects.get(source_key__startswith=COMPLETENESS)
    assert not completeness.links.exists()
    # proposals are not part of the signature: they still follow the latest runs
    assert report.results.get(criterion__number=1).proposed_status == "met"


def test_after_a_reopen_the_next_run_links_what_the_signed_report_left_unlinked(item1_fed):
    report = item1_fed.report
    sign(item1_fed)
    run_check(URN, report)
    assert not EvidenceLink.objects.filter(evidence__source_key__startswith=URN).exists()
    ind.reopen(fresh(report), item1_fed.supervisor, "เพิ่มผลการตรวจสอบ")
    run_check(URN, report)
    assert Evidence.objects.filter(source_key__startswith=URN).count() == 2
    assert EvidenceLink.objects.filter(report=report, evidence__source_key__startswith=URN).count() == 2
    assert propose_results(report)[1][0] == "met"


def test_a_person_cannot_add_a_revision_to_system_evidence(item1_fed):
    run_check(URN, item1_fed.report)
    table = Evidence.objects.get(source_key__endswith="|table.csv")
    with pytest.raises(InvalidInput, match="only from its check"):
        ev.add_revision(table, stream=io.BytesIO(b"forged\n"), filename="table.csv", actor="collector-a")
    assert table.revisions.count() == 1


# --- the backup check (real restic): its table, report and calendar ------------------------------


@pytest.fixture
def backed_up(org, tmp_path):
    from lakthan.backups.services.runs import run_backup
    from lakthan.backups.services.systems import add_system
    from tests.backups.conftest import cheap_repository

    data = tmp_path / "data"
    data.mkdir()
    (data / "a.txt").write_text("สวัสดี\n", encoding="utf-8")
    repo = tmp_path / "repos" / "web"
    key = cheap_repository(repo, tmp_path / "keys" / "web.key")
    system = add_system(
        "web",
        unit=org.division,
        klass="intranet",
        paths=[str(data)],
        repo=str(repo),
        password_file=str(key),
        in_service_from=date(2013, 9, 1),
    )
    run_backup(system, at=datetime(2013, 9, 20, 18, tzinfo=UTC))
    return org


def test_backup_artefacts_are_revised_in_place(backed_up):
    from lakthan.backups.checks import URN as BACKUPS

    report = backed_up.report
    run_and_propose(report)
    made = {
        e.revisions.first().filename: e.pk for e in Evidence.objects.filter(source_key__startswith=BACKUPS)
    }
    assert set(made) == {"backup-compliance.csv", "backup-compliance.pdf", "backup-calendar.png"}
    before = item_counts(report)
    run_and_propose(report)
    assert item_counts(report) == before
    after = Evidence.objects.filter(source_key__startswith=BACKUPS)
    assert {e.current.filename: e.pk for e in after} == made
    for name in made:  # the same history: the same bytes, no new revision
        assert Evidence.objects.get(pk=made[name]).revisions.count() == 1, name
    refs = [r.evidence.pk for r in ev.references(report)]
    assert len(refs) == len(set(refs)) and set(made.values()) <= set(refs)
    assert Path(
        ev.blob_store().path(Evidence.objects.get(pk=made["backup-calendar.png"]).current.blob_id)
    ).exists()
    assert date(2012, 10, 1).isoformat() in Evidence.objects.get(pk=made["backup-compliance.csv"]).source_key
