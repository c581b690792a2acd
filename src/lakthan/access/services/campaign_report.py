"""The report of a review campaign, as PDF: the evidence that access rights are "reviewed regularly"
(item 10). Scope, reviewers, dates, every decision with its comment, the revokes and what was done
about each. Official Thai style: the report font at 16 pt for text, Thai digits (unless
LAKTHAN_THAI_DIGITS is off) and B.E. dates; rendered by reports.render_pdf (WeasyPrint, libthai
line breaking, the text layer fixed for copy and search)."""

from __future__ import annotations

import html
from collections import Counter

from django.conf import settings

from lakthan.access.models import ReviewCampaign, ReviewItem
from lakthan.lib.thai import digits, format_date, format_datetime
from lakthan.reports import plain_document as document

DECISION_TH = {"": "รอการตัดสิน", "keep": "คงสิทธิ์", "revoke": "เพิกถอน", "no_answer": "ไม่ตอบ"}
ROLE_TH = {"head": "หัวหน้าหน่วยงาน", "owner": "เจ้าของระบบ", "fallback": "ผู้ทบทวนสำรอง"}
STATE_TH = {"open": "เปิดอยู่", "completed": "ทบทวนครบทุกรายการ", "closed": "ปิดตามกำหนด (ใช้นโยบายเมื่อไม่ตอบ)"}
REMOVAL_TH = {
    "": "ยังไม่ดำเนินการ",
    "removed": "ลบออกจากกลุ่มในไดเรกทอรีแล้ว (ตรวจสอบซ้ำ)",
    "already_gone": "ไม่เป็นสมาชิกอยู่แล้ว",
    "task": "เปิดงานให้ผู้ดูแลระบบ",
    "failed": "ไม่สำเร็จ",
}
NO_ANSWER_TH = {"keep": "คงสิทธิ์และทำเครื่องหมายให้ทบทวนครั้งต่อไป", "revoke": "เพิกถอนสิทธิ์"}

CSS = """
@page { size: A4; margin: 2.5cm 2cm 2cm 3cm;
  @bottom-right { content: PAGE_COUNTER; font-family: Laksaman, Sarabun; font-size: 12pt; } }
body { font-family: Laksaman, Sarabun; font-size: 16pt; line-height: 1.25; }
h1 { font-size: 20pt; text-align: center; margin: 0 0 6pt; }
h2 { font-size: 16pt; font-weight: bold; margin: 12pt 0 4pt; break-after: avoid; }
p { margin: 0 0 4pt; }
dl { display: grid; grid-template-columns: 5cm auto; margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 13pt; line-height: 1.15; }
th, td { border: 0.5pt solid #444; padding: 1.5pt 3pt; vertical-align: top; }
th { background: #eee; font-weight: bold; }
thead { display: table-header-group; }
h3 { font-size: 14pt; font-weight: bold; margin: 8pt 0 2pt; break-after: avoid; }
p.d { font-size: 13pt; line-height: 1.2; margin: 0 0 2pt; padding-left: 1cm; text-indent: -1cm; }
td.n { text-align: right; white-space: nowrap; }
.lead { text-indent: 2.5cm; }
.muted { color: #555; }
.when { color: #555; white-space: nowrap; }
.sign { margin-top: 24pt; margin-left: 8cm; text-align: center; break-inside: avoid; break-before: avoid; }
"""


def _n(value: object) -> str:
    return digits(str(value), thai=settings.LAKTHAN_THAI_DIGITS)


def _d(value) -> str:
    return format_date(value, style="long", thai_digits=settings.LAKTHAN_THAI_DIGITS) if value else "–"


def _dt(value) -> str:
    return format_datetime(value, thai_digits=settings.LAKTHAN_THAI_DIGITS) if value else "–"


def _short(value) -> str:
    return format_date(value, thai_digits=settings.LAKTHAN_THAI_DIGITS) if value else "–"


def _e(text: object) -> str:
    return html.escape(str(text or ""))


def report_html(campaign: ReviewCampaign) -> str:
    items = list(
        campaign.items.select_related("reviewer", "decided_by_person").order_by(
            "reviewer_id", "account_name", "group_name"
        )
    )
    decisions = Counter(i.decision for i in items)
    reviewers: dict[int, dict] = {}
    for i in items:
        r = reviewers.setdefault(
            i.reviewer_id, {"name": i.reviewer.display_name, "role": set(), "n": Counter()}
        )
        r["role"].add(ROLE_TH[i.reviewer_role])
        r["n"][i.decision] += 1
    scope = [f"{_e(campaign.unit.name_th)} ({_e(campaign.unit.code)}) และหน่วยงานในสังกัด"]
    if campaign.system is not None:
        scope.append(f"เฉพาะระบบ {_e(campaign.system.name_th)} ({_e(campaign.system.code)})")
    if campaign.privileged_only:
        scope.append("เฉพาะกลุ่มสิทธิ์พิเศษ (ผู้ดูแลระบบ)")
    reviewer_rows = "".join(
        f"<tr><td>{_e(r['name'])}</td><td>{_e(', '.join(sorted(r['role'])))}</td>"
        + "".join(f"<td class=n>{_n(r['n'][d])}</td>" for d in ("keep", "revoke", "no_answer", ""))
        + "</tr>"
        for r in reviewers.values()
    )
    revokes = [i for i in items if i.outcome == ReviewItem.Decision.REVOKE]
    revoke_rows = "".join(
        f"<tr><td>{_e(i.account_name)}</td><td>{_e(i.group_name)}</td><td>{_e(i.comment) or 'ไม่ตอบภายในกำหนด'}</td>"
        f"<td>{_e(REMOVAL_TH.get(i.removal, i.removal))}"
        + (f"<br><span class=muted>ภายใน {_d(i.removal_deadline)}</span>" if i.removal_deadline else "")
        + (f"<br><span class=muted>{_e(i.removal_error)}</span>" if i.removal_error else "")
        + f"</td><td>{_dt(i.removal_at)}</td></tr>"
        for i in revokes
    )
    total = len(items)
    return f"""<!doctype html><html lang="th"><head><meta charset="utf-8"><style>{CSS.replace("PAGE_COUNTER", document.page_counter())}</style></head><body>
<h1>รายงานผลการทบทวนสิทธิ์การเข้าถึงระบบสารสนเทศ</h1>
<p style="text-align:center">{_e(campaign.name)}</p>
<h2>๑. ขอบเขตและกำหนดเวลา</h2>
<dl>
<dt>ขอบเขต</dt><dd>{"; ".join(scope)}</dd>
<dt>เริ่มการทบทวน</dt><dd>{_dt(campaign.started_at)} โดย {_e(campaign.started_by)}</dd>
<dt>ครบกำหนด</dt><dd>{_d(campaign.due)}</dd>
<dt>สิ้นสุด</dt><dd>{_dt(campaign.finished_at)} {_e(STATE_TH[campaign.state])}</dd>
<dt>เมื่อไม่ตอบ</dt><dd>{_e(NO_ANSWER_TH[campaign.no_answer])}</dd>
<dt>ผู้ทบทวนสำรอง</dt><dd>{_e(campaign.fallback.display_name)}</dd>
</dl>
<p class="lead">สิทธิ์ที่ทบทวน (การเป็นสมาชิกกลุ่มของบัญชีที่ใช้งานได้ ณ วันเริ่ม) {_n(total)} รายการ
คงสิทธิ์ {_n(decisions["keep"])} เพิกถอน {_n(decisions["revoke"])} ไม่ตอบ {_n(decisions["no_answer"])}
รอการตัดสิน {_n(decisions[""])} รายการ ผู้ทบทวนไม่ทบทวนสิทธิ์ของตนเอง</p>
<h2>๒. ผู้ทบทวน</h2>
<table><thead><tr><th>ผู้ทบทวน</th><th>ในฐานะ</th><th>คงสิทธิ์</th><th>เพิกถอน</th><th>ไม่ตอบ</th><th>รอ</th></tr></thead>
<tbody>{reviewer_rows}</tbody></table>
<h2>๓. การเพิกถอนสิทธิ์และการดำเนินการ</h2>
{f"<table><thead><tr><th>บัญชี</th><th>กลุ่ม</th><th>เหตุผล</th><th>การดำเนินการ</th><th>เมื่อ</th></tr></thead><tbody>{revoke_rows}</tbody></table>" if revokes else "<p>ไม่มีสิทธิ์ที่ถูกเพิกถอน</p>"}
<h2>๔. ผลการทบทวนทุกรายการ</h2>
{_decisions(items)}
<div class="sign"><p>(ลงชื่อ) ..........................................</p>
<p>(..........................................)</p><p>ผู้รับรองรายงาน</p></div>
</body></html>"""


def _decisions(items: list[ReviewItem]) -> str:
    """Every decision, per reviewer, one paragraph per account (its groups by outcome): paragraphs,
    because WeasyPrint lays a long table out about five times slower (4,000 rights: minutes)."""
    out = []
    by_reviewer: dict[int, list[ReviewItem]] = {}
    for i in items:
        by_reviewer.setdefault(i.reviewer_id, []).append(i)
    no = 0
    for mine in by_reviewer.values():
        counts = Counter(i.decision for i in mine)
        out.append(
            f"<h3>{_e(mine[0].reviewer.display_name)} ({_e(ROLE_TH[mine[0].reviewer_role])}) "
            f"คงสิทธิ์ {_n(counts['keep'])} เพิกถอน {_n(counts['revoke'])} ไม่ตอบ {_n(counts['no_answer'])}</h3>"
        )
        accounts: dict[str, list[ReviewItem]] = {}
        for i in mine:
            accounts.setdefault(i.account_name, []).append(i)
        for account, rights in accounts.items():
            no += 1
            parts = []
            for decision in ("keep", "revoke", "no_answer", ""):
                held = [i for i in rights if i.decision == decision]
                if not held:
                    continue
                groups = ", ".join(
                    _e(i.group_name)
                    + (" (ลดสิทธิ์)" if i.reduced else "")
                    + (f" → {DECISION_TH[i.outcome]}" if decision == "no_answer" else "")
                    + (f" เหตุผล: {_e(i.comment)}" if i.comment else "")
                    for i in held
                )
                parts.append(f"<b>{DECISION_TH[decision]}</b> {groups}")
            last = max((i.decided_at for i in rights if i.decided_at), default=None)
            decider = rights[0].decided_by_person
            # the heading names the reviewer: a decider is named only when someone else decided
            who = (
                ""
                if decider == rights[0].reviewer
                else (decider.display_name if decider else rights[0].decided_by)
            )
            person = f" {_e(rights[0].person_name)}" if rights[0].person_name else ""
            out.append(
                f"<p class=d>{_n(no)}. {_e(account)}{person} ({_e(rights[0].system_code)}): {'; '.join(parts)}"
                f" <span class=when>({_e(who) + ' ' if who else ''}{_short(last)})</span></p>"
            )
    return "".join(out)


def report_pdf(campaign: ReviewCampaign) -> bytes:
    from lakthan.reports.render_pdf import render_pdf_from_html

    return render_pdf_from_html(report_html(campaign))
