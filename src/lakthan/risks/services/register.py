"""The risk register: the matrix in force, risks added, changed, accepted and closed. Every change
keeps a RiskRevision (the risk's whole state after it) and an audit entry. Levels are computed from
the matrix the risk was assessed on: loading a new matrix leaves existing risks on theirs."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Person, Unit
from lakthan.inventory.models import System
from lakthan.risks.engines.matrix import DEFAULT_PATH, Matrix, MatrixRejected, parse_matrix
from lakthan.risks.models import Risk, RiskMatrix, RiskRevision

REF_RE = re.compile(r"^R-(\d+)$")
EDITABLE = (
    "unit",
    "system",
    "title",
    "threat",
    "vulnerability",
    "likelihood",
    "impact",
    "residual_likelihood",
    "residual_impact",
    "treatment",
    "treatment_plan",
    "owner",
    "due",
    "treatment_status",
    "closed",
)


# --- the matrix -----------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _parsed(sha256: str, text: str) -> Matrix:
    return parse_matrix(text.encode("utf-8"))


def matrix_of(row: RiskMatrix) -> Matrix:
    return _parsed(row.sha256, row.text)


def active_matrix() -> tuple[RiskMatrix, Matrix]:
    """The newest loaded matrix; the bundled 5×5 one is loaded on first use."""
    row = RiskMatrix.objects.first()
    if row is None:
        with transaction.atomic():
            row = RiskMatrix.objects.select_for_update().first() or _store_matrix(
                DEFAULT_PATH.read_bytes(), parse_matrix(DEFAULT_PATH.read_bytes()), audit.SYSTEM
            )
    return row, matrix_of(row)


def _store_matrix(data: bytes, matrix: Matrix, actor: str) -> RiskMatrix:
    row = RiskMatrix.objects.create(
        name=matrix.name,
        text=data.decode("utf-8-sig"),
        sha256=hashlib.sha256(data).hexdigest(),
        loaded_by=actor,
    )
    audit.record(actor, "risk.matrix_load", row, after={"name": row.name, "sha256": row.sha256})
    return row


@transaction.atomic
def load_matrix(data: bytes, filename: str, actor: str) -> RiskMatrix:
    """Put a matrix in force for risks assessed from now on; refused whole with every bad line named."""
    try:
        matrix = parse_matrix(data)
    except MatrixRejected as exc:
        raise InvalidInput(f"{filename}: {exc.message_th}", f"{filename}: {exc.message_en}") from None
    return _store_matrix(data, matrix, actor)


# --- reading --------------------------------------------------------------------------------------


def get_risk(ref: str) -> Risk:
    try:
        return Risk.objects.select_related("unit", "system", "owner", "accepted_by", "matrix").get(ref=ref)
    except Risk.DoesNotExist:
        raise NotFound(f"ไม่พบความเสี่ยงรหัส {ref}", f"no risk with ref {ref}") from None


def list_risks(
    unit: Unit | None = None,
    system: System | None = None,
    level: str | None = None,
    treatment: str | None = None,
    status: str | None = None,
    overdue_on: date | None = None,
    within: set[int] | None = None,
) -> QuerySet[Risk]:
    """Risks of a unit (and the units below it), filtered. ``level`` is the risk's current level (the
    residual one when assessed); ``status`` a treatment status, ``open`` or ``closed``; ``overdue_on``
    keeps the open risks whose treatment is not done and was due before that day."""
    qs = Risk.objects.select_related("unit", "system", "owner", "accepted_by", "matrix")
    if within is not None:
        qs = qs.filter(unit_id__in=within)
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    if system is not None:
        qs = qs.filter(system=system)
    if level:
        qs = qs.filter(Q(residual_level=level) | Q(residual_level="", level=level))
    if treatment:
        qs = qs.filter(treatment=treatment)
    if status == "open":
        qs = qs.filter(closed=False)
    elif status == "closed":
        qs = qs.filter(closed=True)
    elif status:
        qs = qs.filter(treatment_status=status, closed=False)
    if overdue_on is not None:
        qs = qs.filter(closed=False, due__lt=overdue_on).exclude(treatment_status=Risk.TreatmentStatus.DONE)
    return qs.order_by("unit__code", "ref")


def acceptance_state(risk: Risk, today: date | None = None) -> str:
    """``none``, ``accepted`` or ``expired`` (the acceptance's last day has passed)."""
    if risk.accepted_by_id is None or risk.acceptance_expires is None:
        return "none"
    return "expired" if risk.acceptance_expires < (today or timezone.localdate()) else "accepted"


def is_overdue(risk: Risk, today: date | None = None) -> bool:
    return bool(
        not risk.closed
        and risk.due is not None
        and risk.treatment_status != Risk.TreatmentStatus.DONE
        and risk.due < (today or timezone.localdate())
    )


def residual_warnings(risk: Risk) -> list[tuple[str, str]]:
    """(Thai, English) warnings that do not refuse the change: a residual level above the inherent one."""
    if not risk.residual_level:
        return []
    matrix = matrix_of(risk.matrix)
    if matrix.level_by_code(risk.residual_level).rank > matrix.level_by_code(risk.level).rank:
        return [
            (
                f"{risk.ref}: ระดับหลังควบคุมสูงกว่าระดับก่อนควบคุม",
                f"{risk.ref}: the residual level is above the inherent level",
            )
        ]
    return []


# --- changes ---------------------------------------------------------------------------------------


def state(risk: Risk) -> dict[str, Any]:
    """The risk's fields as a revision keeps them."""
    return {
        "ref": risk.ref,
        "unit": risk.unit.code,
        "system": risk.system.code if risk.system is not None else None,
        "title": risk.title,
        "threat": risk.threat,
        "vulnerability": risk.vulnerability,
        "matrix": risk.matrix_id,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "level": risk.level,
        "residual_likelihood": risk.residual_likelihood,
        "residual_impact": risk.residual_impact,
        "residual_level": risk.residual_level or None,
        "treatment": risk.treatment,
        "treatment_plan": risk.treatment_plan,
        "treatment_status": risk.treatment_status,
        "owner": risk.owner_id,
        "due": risk.due.isoformat() if risk.due else None,
        "accepted_by": risk.accepted_by_id,
        "accepted_at": risk.accepted_at.isoformat() if risk.accepted_at else None,
        "acceptance_expires": risk.acceptance_expires.isoformat() if risk.acceptance_expires else None,
        "acceptance_note": risk.acceptance_note,
        "closed": risk.closed,
    }


def _revise(
    risk: Risk, before: dict | None, actor: str, reason: str, action: str, at: datetime | None = None
) -> RiskRevision:
    """``at``: when the change was made, for a register kept on paper and entered later (the demo's
    year); never in the future, never before the risk's previous revision."""
    last = risk.revisions.order_by("-number").first()
    at = at or timezone.now()
    if at > timezone.now() or (last is not None and at < last.at):
        raise InvalidInput(
            f"เวลาที่แก้ไขความเสี่ยง {risk.ref} ต้องไม่อยู่ในอนาคตและไม่ก่อนการแก้ไขครั้งก่อน",
            f"the time of a change to risk {risk.ref} may be neither in the future nor before its previous change",
        )
    after = state(risk)
    revision = RiskRevision.objects.create(
        risk=risk, number=(last.number if last else 0) + 1, data=after, actor=actor, reason=reason, at=at
    )
    audit.record(actor, action, risk, before, after)
    return revision


def _next_ref() -> str:
    numbers = [
        int(m.group(1))
        for ref in Risk.objects.filter(ref__startswith="R-").values_list("ref", flat=True)
        if (m := REF_RE.match(ref))
    ]
    return f"R-{max(numbers, default=0) + 1:04d}"


def _check(risk: Risk, matrix: Matrix) -> None:
    """Refuse what cannot be kept; compute the levels on the risk's matrix."""
    if not (risk.title or "").strip():
        raise InvalidInput("ต้องระบุชื่อความเสี่ยง", "a risk needs a title")
    if risk.treatment not in Risk.Treatment.values:
        raise InvalidInput(
            f"ไม่รู้จักการจัดการ {risk.treatment} (mitigate/accept/transfer/avoid)",
            f"unknown treatment {risk.treatment} (mitigate/accept/transfer/avoid)",
        )
    if risk.treatment_status not in Risk.TreatmentStatus.values:
        raise InvalidInput(f"ไม่รู้จักสถานะ {risk.treatment_status}", f"unknown status {risk.treatment_status}")
    if risk.system is not None and risk.system.unit_id not in risk.unit.descendant_ids():
        raise InvalidInput(
            f"ระบบ {risk.system.code} ไม่ได้อยู่ในหน่วยงาน {risk.unit.code}",
            f"system {risk.system.code} is not of unit {risk.unit.code}",
        )
    _on_matrix(matrix, "likelihood", risk.likelihood, matrix.likelihood_values)
    _on_matrix(matrix, "impact", risk.impact, matrix.impact_values)
    risk.level = matrix.level(risk.likelihood, risk.impact).code
    if (risk.residual_likelihood is None) != (risk.residual_impact is None):
        raise InvalidInput(
            "ต้องระบุโอกาสและผลกระทบหลังควบคุมทั้งคู่ หรือไม่ระบุทั้งคู่",
            "give the residual likelihood and impact both, or neither",
        )
    if risk.residual_likelihood is not None and risk.residual_impact is not None:
        _on_matrix(matrix, "residual likelihood", risk.residual_likelihood, matrix.likelihood_values)
        _on_matrix(matrix, "residual impact", risk.residual_impact, matrix.impact_values)
        risk.residual_level = matrix.level(risk.residual_likelihood, risk.residual_impact).code
    else:
        risk.residual_level = ""


def _on_matrix(matrix: Matrix, what: str, value: Any, allowed: tuple[int, ...]) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value not in allowed:
        th = {"likelihood": "โอกาส", "impact": "ผลกระทบ"}.get(
            what, what.replace("residual ", "") + "หลังควบคุม"
        )
        raise InvalidInput(
            f"{th} {value} อยู่นอกเมทริกซ์ {matrix.name} ({allowed[0]}–{allowed[-1]})",
            f"{what} {value} is outside the matrix {matrix.name} ({allowed[0]}–{allowed[-1]})",
        )


@transaction.atomic
def add_risk(
    *,
    unit: Unit,
    title: str,
    likelihood: int,
    impact: int,
    treatment: str,
    system: System | None = None,
    residual_likelihood: int | None = None,
    residual_impact: int | None = None,
    owner: Person | None = None,
    due: date | None = None,
    threat: str = "",
    vulnerability: str = "",
    treatment_plan: str = "",
    ref: str | None = None,
    actor: str,
    reason: str = "",
    treatment_status: str = Risk.TreatmentStatus.PLANNED,
    at: datetime | None = None,
) -> Risk:
    row, matrix = active_matrix()
    ref = (ref or "").strip() or _next_ref()
    if Risk.objects.filter(ref=ref).exists():
        raise InvalidInput(f"มีความเสี่ยงรหัส {ref} อยู่แล้ว", f"a risk with ref {ref} exists already")
    risk = Risk(
        ref=ref,
        unit=unit,
        system=system,
        title=title.strip(),
        threat=threat,
        vulnerability=vulnerability,
        matrix=row,
        likelihood=likelihood,
        impact=impact,
        residual_likelihood=residual_likelihood,
        residual_impact=residual_impact,
        treatment=treatment,
        treatment_plan=treatment_plan,
        owner=owner,
        due=due,
        treatment_status=treatment_status,
    )
    _check(risk, matrix)
    risk.save()
    _revise(risk, None, actor, reason, "risk.add", at)
    return risk


@transaction.atomic
def update_risk(
    risk: Risk, *, actor: str, reason: str = "", at: datetime | None = None, **fields: Any
) -> Risk:
    """Change the given fields; the levels follow on the risk's own matrix. Nothing changed: no
    revision."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(
            f"แก้ไขช่อง {', '.join(sorted(unknown))} ไม่ได้", f"cannot change {', '.join(sorted(unknown))}"
        )
    risk = (
        Risk.objects.select_for_update(of=("self",))
        .select_related("unit", "system", "matrix")
        .get(pk=risk.pk)
    )
    before = state(risk)
    for name, value in fields.items():
        if name in ("title",) and isinstance(value, str):
            value = value.strip()
        setattr(risk, name, value)
    _check(risk, matrix_of(risk.matrix))
    if state(risk) == before:
        return risk
    risk.save()
    _revise(risk, before, actor, reason, "risk.update", at)
    return risk


@transaction.atomic
def accept_risk(risk: Risk, *, approver: Person, expires: date | None, note: str = "", actor: str) -> Risk:
    """The (residual) risk accepted by someone with the authority, until ``expires``. Nobody accepts a
    risk they own; an acceptance without an end is not one."""
    risk = (
        Risk.objects.select_for_update(of=("self",))
        .select_related("unit", "system", "matrix")
        .get(pk=risk.pk)
    )
    if risk.closed:
        raise InvalidInput(f"ความเสี่ยง {risk.ref} ปิดแล้ว", f"risk {risk.ref} is closed")
    if risk.owner_id is not None and approver.pk == risk.owner_id:
        raise InvalidInput(
            f"ผู้รับผิดชอบความเสี่ยง {risk.ref} ยอมรับความเสี่ยงของตนเองไม่ได้",
            f"the owner of risk {risk.ref} cannot accept it themselves",
        )
    if expires is None:
        raise InvalidInput("การยอมรับความเสี่ยงต้องมีวันสิ้นสุด", "an acceptance needs an expiry date")
    if expires <= timezone.localdate():
        raise InvalidInput(
            f"วันสิ้นสุดการยอมรับ {expires.isoformat()} ต้องอยู่หลังวันนี้",
            f"the acceptance expiry {expires.isoformat()} must be after today",
        )
    before = state(risk)
    risk.accepted_by, risk.accepted_at = approver, timezone.now()
    risk.acceptance_expires, risk.acceptance_note = expires, note
    risk.save()
    _revise(risk, before, actor, note or "accepted", "risk.accept")
    return risk


def close_risk(risk: Risk, *, actor: str, reason: str = "") -> Risk:
    """No longer a risk; kept with its history."""
    return update_risk(risk, actor=actor, reason=reason or "closed", closed=True)


def find_person(text: str) -> Person:
    """A person by id (digits) or by name as displayed (spaces do not matter)."""
    text = (text or "").strip()
    if text.isdigit():
        try:
            return Person.objects.get(pk=int(text))
        except Person.DoesNotExist:
            raise NotFound(f"ไม่พบบุคคลหมายเลข {text}", f"no person with id {text}") from None
    wanted = " ".join(text.split())
    found = [
        p
        for p in Person.objects.all()
        if " ".join(p.display_name.split()) == wanted
        or " ".join(f"{p.first_name_th} {p.last_name_th}".split()) == wanted
    ]
    if not found:
        raise NotFound(f"ไม่พบบุคคลชื่อ {text}", f"no person named {text}")
    if len(found) > 1:
        raise InvalidInput(
            f"มีบุคคลชื่อ {text} มากกว่าหนึ่งคน ให้ใช้หมายเลขบุคคล",
            f"more than one person is named {text}: give the person id",
        )
    return found[0]


def risks_as_of(unit_codes: set[str], moment: datetime) -> list[dict]:
    """The open risks of these units as they stood at ``moment``: each one's newest revision by then
    (the state a revision keeps, see ``state``). A round or a plan approved at a past moment reads the
    register so; a later change does not rewrite it."""
    newest: dict[int, dict] = {}
    for risk_id, data in (
        RiskRevision.objects.filter(at__lte=moment)
        .order_by("risk_id", "number")
        .values_list("risk_id", "data")
    ):
        newest[risk_id] = data
    return sorted(
        (d for d in newest.values() if d.get("unit") in unit_codes and not d.get("closed")),
        key=lambda d: str(d.get("ref")),
    )
