"""Risks with their revisions written straight through the ORM, for the heat map tests (the register's
services are another helper's; the revision data carries the keys they write)."""

from __future__ import annotations

from datetime import datetime

from lakthan.risks.engines.matrix import DEFAULT_PATH, load_default
from lakthan.risks.models import Risk, RiskMatrix, RiskRevision

MATRIX = load_default()


def matrix_row() -> RiskMatrix:
    row = RiskMatrix.objects.first()
    if row is None:
        row = RiskMatrix.objects.create(
            name=MATRIX.name, text=DEFAULT_PATH.read_text("utf-8"), sha256="0" * 64, loaded_by="test"
        )
    return row


def _data(risk: Risk) -> dict:
    return {
        "unit": risk.unit.code,
        "system": None,
        "title": risk.title,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "level": risk.level,
        "residual_likelihood": risk.residual_likelihood,
        "residual_impact": risk.residual_impact,
        "residual_level": risk.residual_level,
        "treatment": risk.treatment,
        "treatment_status": risk.treatment_status,
        "owner": None,
        "due": None,
        "accepted_by": None,
        "acceptance_expires": None,
        "closed": risk.closed,
    }


def add_risk(ref: str, unit, likelihood: int, impact: int, at: datetime, residual=(None, None)) -> Risk:
    rl, ri = residual
    risk = Risk.objects.create(
        ref=ref,
        unit=unit,
        title=f"ความเสี่ยง {ref}",
        matrix=matrix_row(),
        likelihood=likelihood,
        impact=impact,
        level=MATRIX.level(likelihood, impact).code,
        residual_likelihood=rl,
        residual_impact=ri,
        residual_level=MATRIX.level(rl, ri).code if rl and ri else "",
        treatment="mitigate",
    )
    RiskRevision.objects.create(risk=risk, number=1, data=_data(risk), actor="test", at=at)
    return risk


def change(risk: Risk, at: datetime, **fields) -> Risk:
    """Apply ``fields`` to the risk and keep the new state as its next revision at ``at``."""
    for name, value in fields.items():
        setattr(risk, name, value)
    risk.level = MATRIX.level(risk.likelihood, risk.impact).code
    if risk.residual_likelihood and risk.residual_impact:
        risk.residual_level = MATRIX.level(risk.residual_likelihood, risk.residual_impact).code
    risk.save()
    number = risk.revisions.count() + 1
    RiskRevision.objects.create(risk=risk, number=number, data=_data(risk), actor="test", at=at)
    return risk
