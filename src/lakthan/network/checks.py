"""Item 9: the network and its addresses managed systematically — a plan of prefixes for the unit, a
register of addresses kept with who changed what and when, the register compared with what the DHCP
servers, the neighbour tables and the usage logs saw in the round, and what did not match within the
tolerance (LAKTHAN_NET_FINDINGS_PERCENT of the register)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from lakthan.checks.registry import Artefact, CheckResult, Period, Status, register
from lakthan.lib.thai import format_date, thai_digits
from lakthan.lib.timezones import end_of_day

URN = "urn:lakthan:check:network-addresses"
LISTED = 50


@dataclass(frozen=True)
class NetworkFacts:
    judged_on: date
    prefixes: int
    registered: int
    observed: int  # observations whose last sighting falls in the round
    changes: int  # changes to the register in the round
    findings: list[dict]
    counts: dict[str, int]


def round_facts(period: Period, unit) -> NetworkFacts:
    """The day judged is the round's last day, or today while the round runs; the unit is the unit
    and every unit below it."""
    from lakthan.network.models import AddressChange, Observation, Prefix
    from lakthan.network.services.findings import network_findings, register_as_of

    judged_on = min(period.end, timezone.localdate())
    ids = set(unit.descendant_ids())
    start, end = end_of_day(period.start - timedelta(days=1)), end_of_day(judged_on)
    findings = network_findings(unit, as_of=judged_on)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f["kind"]] = counts.get(f["kind"], 0) + 1
    # the plan as it stands (prefixes keep no history; the findings read the same plan)
    prefixes = Prefix.objects.filter(unit_id__in=ids)
    in_plan = Q(pk__in=[])
    for first, last in prefixes.values_list("first", "last"):
        in_plan |= Q(key__gte=first, key__lte=last)
    observed = Observation.objects.filter(in_plan, last_seen__gte=start, first_seen__lt=end).count()
    return NetworkFacts(
        judged_on=judged_on,
        prefixes=prefixes.count(),
        registered=len(register_as_of(end, ids)),
        observed=observed,
        changes=AddressChange.objects.filter(at__gte=start, at__lt=end).filter(_unit_of_change(unit)).count(),
        findings=findings,
        counts=counts,
    )


def _unit_of_change(unit) -> Q:
    codes = list(type(unit).objects.filter(pk__in=unit.descendant_ids()).values_list("code", flat=True))
    return Q(after__unit__in=codes) | Q(before__unit__in=codes)


def tolerated(registered: int) -> int:
    return int(registered * settings.LAKTHAN_NET_FINDINGS_PERCENT / 100)


def judge(facts: NetworkFacts) -> tuple[Status, dict]:
    """met: a plan, a register, the register compared with what the network did in the round, and no
    more findings than tolerated. not_met: no plan or no register. partly: never compared with the
    network in the round, or more findings than tolerated."""
    figures = {
        "judged_on": facts.judged_on.isoformat(),
        "prefixes": facts.prefixes,
        "registered": facts.registered,
        "observations_in_round": facts.observed,
        "register_changes_in_round": facts.changes,
        "findings": len(facts.findings),
        "findings_by_kind": dict(sorted(facts.counts.items())),
        "findings_tolerated": tolerated(facts.registered),
        "findings_listed": [
            {"kind": f["kind"], "address": f["address"], "detail": f["detail"]}
            for f in facts.findings[:LISTED]
        ],
    }
    if not facts.prefixes and not facts.registered:
        return "no_data", figures
    if not facts.prefixes or not facts.registered:
        return "not_met", figures
    if not facts.observed or len(facts.findings) > tolerated(facts.registered):
        return "partly", figures
    return "met", figures


KIND_TH = {
    "unregistered": "ใช้งานแต่ไม่มีในทะเบียน",
    "mac_mismatch": "หมายเลข MAC ไม่ตรงทะเบียน",
    "stale": "ไม่พบการใช้งานเกินกำหนด",
    "outside_plan": "อยู่นอกแผนการกำหนดหมายเลข",
    "duplicate_registration": "ลงทะเบียนซ้ำ",
}


def summary(status: str, f: dict) -> tuple[str, str]:
    if status == "no_data":
        return (
            "ยังไม่มีแผนการกำหนดหมายเลข IP และทะเบียนหมายเลข IP ของหน่วยงาน",
            "no IP address plan and no address register for the unit",
        )
    kinds_th = ", ".join(f"{KIND_TH.get(k, k)} {n}" for k, n in f["findings_by_kind"].items())
    kinds_en = ", ".join(f"{k} {n}" for k, n in f["findings_by_kind"].items())
    th = [
        f"แผนการกำหนดหมายเลข {f['prefixes']} ช่วง ทะเบียน {f['registered']} หมายเลข",
        f"เปรียบเทียบกับการใช้งานจริงในรอบ {f['observations_in_round']} รายการ "
        f"(สัญญาเช่า DHCP ตาราง ARP และบันทึกการใช้งาน)",
        f"การเปลี่ยนแปลงทะเบียนที่บันทึกผู้ดำเนินการและเวลาในรอบ {f['register_changes_in_round']} ครั้ง",
        f"ข้อตรวจพบ {f['findings']} รายการ (ยอมรับได้ไม่เกิน {f['findings_tolerated']})"
        + (f": {kinds_th}" if kinds_th else ""),
    ]
    en = [
        f"plan of {f['prefixes']} prefixes, {f['registered']} addresses registered",
        f"{f['observations_in_round']} observations in the round compared (DHCP leases, ARP tables, usage logs)",
        f"{f['register_changes_in_round']} register changes recorded with who and when in the round",
        f"{f['findings']} findings (at most {f['findings_tolerated']} tolerated)"
        + (f": {kinds_en}" if kinds_en else ""),
    ]
    if status != "no_data" and not f["observations_in_round"] and f["registered"]:
        th.append("ยังไม่ได้เปรียบเทียบทะเบียนกับการใช้งานจริงในรอบ")
        en.append("the register was not compared with the network in the round")
    return "; ".join(th), "; ".join(en)


def artefacts(facts: NetworkFacts, unit) -> list[Artefact]:
    from lakthan.network.services.report import findings_pdf, plan_pdf

    day = format_date(facts.judged_on, style="long", thai_digits=True)
    return [
        Artefact(
            "ip-address-plan.pdf",
            plan_pdf(unit, facts.judged_on),
            f"แผนและทะเบียนการกำหนดหมายเลข IP Address ณ วันที่ {day}",
            f"IP address plan and register as of {facts.judged_on.isoformat()}",
        ),
        Artefact(
            "ip-address-findings.pdf",
            findings_pdf(unit, facts.judged_on),
            f"ผลการตรวจสอบทะเบียนหมายเลข IP เทียบกับการใช้งานจริง ณ วันที่ {day} "
            f"({thai_digits(len(facts.findings))} รายการ)",
            f"IP address findings as of {facts.judged_on.isoformat()}",
        ),
    ]


@register
class NetworkAddresses:
    urn = URN
    title_th = "แผนและทะเบียนหมายเลข IP ที่ตรงกับการใช้งานจริง และบันทึกการเปลี่ยนแปลง"
    title_en = "IP address plan and register, matching what the network did, with changes recorded"

    def run(self, period: Period, unit, report) -> CheckResult:
        facts = round_facts(period, unit)
        status, figures = judge(facts)
        summary_th, summary_en = summary(status, figures)
        numbers = [c.number for c in report.indicator.criteria.all() if URN in c.check_urns]
        return CheckResult(
            status=status,
            summary_th=summary_th,
            summary_en=summary_en,
            figures={**figures, "period": [period.start.isoformat(), period.end.isoformat()]},
            artefacts=[] if status == "no_data" else artefacts(facts, unit),
            per_criterion={n: status for n in numbers},
        )
