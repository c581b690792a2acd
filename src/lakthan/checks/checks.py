"""Evidence completeness: every criterion of the round has at least one piece of evidence in force.

The check reads evidence, so it lives here, above the evidence app, rather than in evidence/checks.py:
evidence never imports the checks app (see the import contracts in pyproject.toml)."""

from __future__ import annotations

from lakthan.checks.registry import Artefact, CheckResult, Period, register
from lakthan.lib.spreadsheet import csv_bytes, header

URN = "urn:lakthan:check:evidence-completeness"


@register
class EvidenceCompleteness:
    urn = URN
    title_th = "ความครบถ้วนของหลักฐาน"
    title_en = "Evidence completeness"
    link_artefacts_to_criteria = (
        False  # the table is about the evidence; it must not count as evidence itself
    )

    def run(self, period: Period, unit, report) -> CheckResult:
        from lakthan.evidence.services import current_evidence_by_criterion

        by_item = current_evidence_by_criterion(report, exclude_check_urns=(URN,))
        criteria = {c.number: c for c in report.indicator.criteria.all()}
        covered = sorted(n for n, evs in by_item.items() if evs)
        missing = sorted(n for n, evs in by_item.items() if not evs)
        if not criteria:
            status = "no_data"
        elif not missing:
            status = "met"
        elif covered:
            status = "partly"
        else:
            status = "not_met"
        table = csv_bytes(
            [
                header(
                    ("ข้อ", "item"),
                    ("ชื่อข้อ", "title_th"),
                    ("จำนวนหลักฐานที่มีผล", "evidence_in_force"),
                    ("หลักฐาน", "titles"),
                ),
                *(
                    [
                        n,
                        criteria[n].title_th,
                        len(by_item.get(n, [])),
                        " | ".join(e.title for e in by_item.get(n, [])),
                    ]
                    for n in sorted(criteria)
                ),
            ]
        )
        return CheckResult(
            status=status,
            summary_th=f"มีหลักฐานที่มีผลใช้บังคับครบ {len(covered)} จาก {len(criteria)} ข้อ"
            + (f" ขาดข้อ {', '.join(map(str, missing))}" if missing else ""),
            summary_en=f"{len(covered)} of {len(criteria)} items have evidence in force"
            + (f"; missing items {', '.join(map(str, missing))}" if missing else ""),
            figures={
                "items": len(criteria),
                "covered": covered,
                "missing": missing,
                "period": [period.start.isoformat(), period.end.isoformat()],
            },
            artefacts=[
                Artefact(
                    "evidence-completeness.csv",
                    table,
                    f"ตารางความครบถ้วนของหลักฐาน {report.indicator.code} รอบ {report.round.months} เดือน",
                    f"Evidence completeness table {report.indicator.code}",
                )
            ],
            per_criterion={n: ("met" if by_item.get(n) else "not_met") for n in criteria},
        )
