"""The register's service: levels from the matrix in force, a revision per change, acceptance rules,
a matrix loaded later leaving existing risks on theirs, the filters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lakthan.core.errors import InvalidInput
from tests.risks import register_fixtures
from tests.risks.register_fixtures import add

bureau = register_fixtures.bureau

pytestmark = pytest.mark.django_db

THREE_BY_THREE = """
name: three
title_th: สามคูณสาม
title_en: three by three
likelihood:
  - {value: 1, label_th: น้อย, label_en: Low}
  - {value: 2, label_th: กลาง, label_en: Mid}
  - {value: 3, label_th: มาก, label_en: High}
impact:
  - {value: 1, label_th: น้อย, label_en: Low}
  - {value: 2, label_th: กลาง, label_en: Mid}
  - {value: 3, label_th: มาก, label_en: High}
levels:
  - {code: green, label_th: เขียว, label_en: Green, colour: "#0a0", min_score: 1}
  - {code: red, label_th: แดง, label_en: Red, colour: "#a00", min_score: 4}
high_from: red
""".encode()


def test_levels_come_from_the_default_matrix_and_refs_are_numbered(bureau):
    first = add(bureau)
    second = add(bureau, likelihood=1, impact=3, residual_likelihood=None, residual_impact=None)
    assert (first.ref, first.level, first.residual_level) == ("R-0001", "very_high", "medium")
    assert (second.ref, second.level, second.residual_level) == ("R-0002", "low", "")
    assert first.matrix.name == "default-5x5"


def test_every_change_keeps_a_revision_with_the_whole_state_and_an_audit_entry(bureau):
    from lakthan.core.models import AuditEntry
    from lakthan.risks.services.register import update_risk

    risk = add(bureau)
    update_risk(risk, actor="somchai", reason="ทบทวนรอบ ๖ เดือน", likelihood=3, due=date(2027, 3, 31))
    update_risk(risk, actor="somchai", likelihood=3)  # nothing changes: no revision
    revisions = list(risk.revisions.all())
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].data["level"] == "very_high" and revisions[1].data["level"] == "high"
    assert revisions[1].data["due"] == "2027-03-31" and revisions[1].reason == "ทบทวนรอบ ๖ เดือน"
    keys = {
        "unit",
        "system",
        "title",
        "likelihood",
        "impact",
        "level",
        "residual_likelihood",
        "residual_impact",
        "residual_level",
        "treatment",
        "treatment_status",
        "owner",
        "due",
        "accepted_by",
        "acceptance_expires",
        "closed",
    }
    assert keys <= set(revisions[1].data)
    assert revisions[1].data["unit"] == "B-IT" and revisions[1].data["system"] == "mail"
    assert revisions[1].data["owner"] == bureau.owner.pk
    actions = list(
        AuditEntry.objects.filter(object_type="risks.risk").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["risk.add", "risk.update"]


def test_the_residual_pair_is_given_both_or_neither_and_a_higher_residual_only_warns(bureau):
    from lakthan.risks.services.register import residual_warnings

    with pytest.raises(InvalidInput, match="both, or neither"):
        add(bureau, residual_impact=None)
    with pytest.raises(InvalidInput, match="outside the matrix"):
        add(bureau, likelihood=6)
    odd = add(bureau, likelihood=1, impact=1, residual_likelihood=5, residual_impact=5)
    assert odd.residual_level == "very_high"
    assert residual_warnings(odd)[0][1].endswith("the residual level is above the inherent level")


def test_a_system_of_another_unit_is_refused(bureau):
    with pytest.raises(InvalidInput, match="not of unit B-IT"):
        add(bureau, system=bureau.xsys)


def test_acceptance_needs_another_person_and_an_expiry_and_shows_expired_later(bureau):
    from django.utils import timezone

    from lakthan.risks.services.register import accept_risk, acceptance_state

    risk = add(bureau)
    later = timezone.localdate() + timedelta(days=90)
    with pytest.raises(InvalidInput, match="cannot accept it themselves"):
        accept_risk(risk, approver=bureau.owner, expires=later, actor="t")
    with pytest.raises(InvalidInput, match="needs an expiry"):
        accept_risk(risk, approver=bureau.head, expires=None, actor="t")
    with pytest.raises(InvalidInput, match="must be after today"):
        accept_risk(risk, approver=bureau.head, expires=timezone.localdate(), actor="t")
    assert acceptance_state(risk) == "none" and risk.revisions.count() == 1
    accepted = accept_risk(risk, approver=bureau.head, expires=later, note="งบปีหน้า", actor="t")
    assert acceptance_state(accepted) == "accepted"
    assert acceptance_state(accepted, today=later + timedelta(days=1)) == "expired"
    last = accepted.revisions.last()
    assert last.data["accepted_by"] == bureau.head.pk and last.data["acceptance_expires"] == later.isoformat()


def test_a_matrix_loaded_later_applies_to_new_risks_only(bureau):
    from lakthan.risks.services.register import active_matrix, load_matrix, update_risk

    old = add(bureau)
    row = load_matrix(THREE_BY_THREE, "three.yaml", "tester")
    assert active_matrix()[0] == row
    new = add(bureau, likelihood=2, impact=2, residual_likelihood=None, residual_impact=None)
    assert (new.matrix_id, new.level) == (row.pk, "red")
    with pytest.raises(InvalidInput, match="outside the matrix three"):
        add(bureau, likelihood=4)
    changed = update_risk(old, actor="t", likelihood=5)  # still on the 5 × 5 matrix it was assessed on
    assert changed.matrix.name == "default-5x5" and changed.level == "very_high"


def test_a_bad_matrix_is_refused_with_its_lines_and_nothing_is_loaded(bureau):
    from lakthan.risks.models import RiskMatrix
    from lakthan.risks.services.register import active_matrix, load_matrix

    active_matrix()
    bad = THREE_BY_THREE.replace(b"min_score: 4", b"min_score: 0")
    with pytest.raises(InvalidInput) as refused:
        load_matrix(bad, "bad.yaml", "t")
    assert "bad.yaml: line 15: min_score must grow" in refused.value.message_en
    assert RiskMatrix.objects.count() == 1


def test_the_filters_and_overdue(bureau):
    from lakthan.risks.services.register import close_risk, is_overdue, list_risks

    late = add(bureau, due=date(2026, 1, 31))
    done = add(bureau, due=date(2026, 1, 31), treatment="accept")
    from lakthan.risks.services.register import update_risk

    update_risk(done, actor="t", treatment_status="done")
    low = add(
        bureau, system=bureau.hr, likelihood=1, impact=1, residual_likelihood=None, residual_impact=None
    )
    gone = add(bureau, due=date(2026, 1, 1))
    close_risk(gone, actor="t")

    def refs(**filters):
        return [r.ref for r in list_risks(**filters)]

    assert refs(unit=bureau.b) == [late.ref, done.ref, low.ref, gone.ref]
    assert refs(unit=bureau.x) == []
    assert refs(system=bureau.hr) == [low.ref]
    assert refs(level="low") == [low.ref] and refs(level="medium") == [late.ref, done.ref, gone.ref]
    assert refs(treatment="accept") == [done.ref]
    assert refs(status="closed") == [gone.ref] and refs(status="done") == [done.ref]
    assert refs(overdue_on=date(2026, 2, 1)) == [late.ref]
    assert is_overdue(late, date(2026, 2, 1)) and not is_overdue(late, date(2026, 1, 31))
