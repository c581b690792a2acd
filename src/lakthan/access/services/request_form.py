"""The printable account request form (แบบขอรหัสผู้ใช้งานระบบสารสนเทศ, the seed's evidence for item 10) as
a PDF in the official style: the report font at TH SarabunPSK 16 pt's size, Thai digits, B.E. dates,
the request, both approvals with names, positions and dates, and when the grant was applied (or
expired). Rendered from the template access/request_form_pdf.html by the reports' WeasyPrint path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from lakthan.access.models import AccessApproval, AccessGrant, AccessRequest
from lakthan.access.services.requests import approvers, get_request
from lakthan.core.models import Person, Unit
from lakthan.lib import thai
from lakthan.reports import keep_whole
from lakthan.reports.fonts import BODY_PT, page_margin_css, report_font
from lakthan.reports.render_html import css_string
from lakthan.reports.render_pdf import render_pdf_from_html

FOOTER_PT = 12
ROLE_TITLES: dict[str, str] = {
    AccessApproval.Role.UNIT_HEAD: "ความเห็นของหัวหน้าหน่วยงานผู้ขอ",
    AccessApproval.Role.OWNER: "ความเห็นของเจ้าของระบบ",
}


@dataclass(frozen=True)
class ApprovalBox:
    title: str
    decided: bool
    approved: bool
    comment: str
    name: str  # the approver (or the one who is to decide, while pending)
    position: str
    day: str


def _digits(text: object) -> str:
    return thai.digits(str(text), thai=settings.LAKTHAN_THAI_DIGITS)


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return thai.format_date(value, style="long", thai_digits=settings.LAKTHAN_THAI_DIGITS)


def _moment(value: datetime | None) -> str:
    if value is None:
        return ""
    return thai.format_datetime(value, style="long", thai_digits=settings.LAKTHAN_THAI_DIGITS)


def _agency(unit: Unit) -> Unit:
    chain = [unit, *unit.ancestors()]
    return chain[-1]


def _box(
    request: AccessRequest, role: str, approval: AccessApproval | None, who: Person | None
) -> ApprovalBox:
    person = approval.person if approval else who
    return ApprovalBox(
        title=ROLE_TITLES[role],
        decided=approval is not None,
        approved=approval is not None and approval.decision == AccessApproval.Decision.APPROVE,
        comment=_digits(approval.comment) if approval else "",
        name=person.display_name if person else "",
        position=_digits(person.position_th) if person else "",
        day=_day(approval.at) if approval else "",
    )


def form_context(request: AccessRequest) -> dict:
    employee, system = request.employee, request.system
    decided = {a.role: a for a in request.approvals.select_related("person")}
    pending = approvers(request) if request.state == AccessRequest.State.PENDING else {}
    grant: AccessGrant | None = getattr(request, "grant", None)
    requester = (
        Person.objects.filter(user_id=request.requested_by_id).first() if request.requested_by_id else None
    )
    font = report_font()
    return {
        "agency": _agency(employee.unit).name_th,
        "number": _digits(request.pk),
        "employee_name": employee.display_name,
        "employee_id": _digits(employee.employee_id),
        "position": _digits(employee.position) or "-",
        "unit": employee.unit.name_th,
        "system_name": _digits(system.name_th),
        "system_code": system.code,
        "right": request.right_name,
        "right_source": request.group.source.name if request.group else "",
        "justification": _digits(request.justification),
        "until": _day(request.until) if request.until else "ไม่กำหนด (จนกว่าจะมีการทบทวนหรือยกเลิกสิทธิ์)",
        "requested_at": _day(request.requested_at),
        "requester": requester.display_name if requester else request.requested_by_name,
        "requester_position": _digits(requester.position_th) if requester else "",
        "state": request.get_state_display(),
        "boxes": [_box(request, role, decided.get(role), pending.get(role)) for role in ROLE_TITLES],
        "grant": grant,
        "applied_at": _moment(grant.applied_at) if grant and grant.applied_at else "",
        "applied_how": _applied_how(grant),
        "expired_at": _moment(grant.expired_at) if grant and grant.expired_at else "",
        "state_th": STATE_TH[request.state],
        "rejected": request.state == AccessRequest.State.REJECTED,
        "font_family": font.family,
        "body_pt": font.pt(BODY_PT),
        "footer_pt": font.pt(FOOTER_PT),
        "line_height": font.line_height,
        "page_margin": page_margin_css(),
        "counter_style": "thai" if settings.LAKTHAN_THAI_DIGITS else "decimal",
        "css_footer": css_string(
            f"คำขอเลขที่ {_digits(request.pk)} · พิมพ์จาก Lakthan เมื่อ {_moment(timezone.now())}"
        ),
        "css_page": css_string("หน้า "),
    }


STATE_TH: dict[str, str] = {
    AccessRequest.State.PENDING: "รอการพิจารณา",
    AccessRequest.State.APPROVED: "อนุมัติแล้ว รอผู้ดูแลระบบดำเนินการ",
    AccessRequest.State.APPLIED: "อนุมัติและดำเนินการแล้ว",
    AccessRequest.State.REJECTED: "ไม่อนุมัติ",
    AccessRequest.State.EXPIRED: "สิ้นสุดสิทธิ์แล้ว",
}


def _applied_how(grant: AccessGrant | None) -> str:
    if grant is None or grant.applied_at is None:
        return ""
    if grant.applied_how == AccessGrant.Applied.DIRECTORY:
        return "Lakthan เพิ่มบัญชีเข้ากลุ่มในไดเรกทอรีและอ่านผลกลับตรวจสอบแล้ว"
    return f"ผู้ดูแลระบบดำเนินการ ({grant.applied_by})"


def request_form_html(request: AccessRequest) -> str:
    context = form_context(get_request(request.pk))  # as stored now, whatever the caller holds
    page = render_to_string("access/request_form_pdf.html", context)
    names = [context["agency"], context["unit"], context["employee_name"], context["requester"]]
    names += [box.name for box in context["boxes"] if box.name]
    return keep_whole.html_page(page, names)


def request_form_pdf(request: AccessRequest) -> bytes:
    return render_pdf_from_html(request_form_html(request))
