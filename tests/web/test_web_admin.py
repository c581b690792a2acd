"""The admin for reference data: every page opens, library and records are read-only, edits are audited."""

from __future__ import annotations

import pytest

from lakthan.core.models import AuditEntry, Unit
from lakthan.evidence.models import Evidence
from lakthan.indicators.models import Agreement, Criterion, Indicator, Library


@pytest.fixture
def admin_client(client, site):
    client.force_login(site.staff)
    return client


def test_every_admin_page_opens(admin_client, site):
    indicator = Indicator.objects.get(code="9.2")
    pages = [
        "/admin/",
        "/admin/core/unit/",
        "/admin/core/person/",
        "/admin/core/auditentry/",
        "/admin/indicators/library/",
        "/admin/indicators/indicator/",
        "/admin/indicators/criterion/",
        "/admin/indicators/agreement/",
        "/admin/indicators/assignment/",
        "/admin/evidence/evidence/",
        "/admin/checks/checkrun/",
        f"/admin/core/unit/{site.it.pk}/change/",
        f"/admin/indicators/indicator/{indicator.pk}/change/",
        f"/admin/indicators/agreement/{Agreement.objects.get(unit=site.it).pk}/change/",
        f"/admin/evidence/evidence/{site.plan.pk}/change/",
        f"/admin/core/auditentry/{AuditEntry.objects.first().pk}/change/",
    ]
    for url in pages:
        assert admin_client.get(url).status_code == 200, url


def test_evidence_page_shows_the_full_hash_read_only(admin_client, site):
    html = admin_client.get(f"/admin/evidence/evidence/{site.plan.pk}/change/").content.decode()
    sha = site.plan.current.blob_id
    assert sha in html
    assert f'value="{sha}"' not in html  # shown, not an input


@pytest.mark.parametrize("model", [Library, Indicator, Criterion, AuditEntry, Evidence])
def test_library_records_and_evidence_cannot_be_added_here(admin_client, model):
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"
    assert admin_client.get(url).status_code == 403


def test_library_cannot_be_changed_here(admin_client):
    library = Library.objects.first()
    response = admin_client.post(f"/admin/indicators/library/{library.pk}/change/", {"name_th": "แก้ไข"})
    assert response.status_code == 403
    library.refresh_from_db()
    assert library.name_th != "แก้ไข"


def test_unit_edit_in_admin_is_audited(admin_client, site):
    url = f"/admin/core/unit/{site.other.pk}/change/"
    response = admin_client.post(
        url,
        {
            "code": "WEB-D2",
            "name_th": "กองทดสอบที่สอง",
            "name_en": "Test Division 2",
            "abbreviation_th": "",
            "kind": "division",
            "parent": site.bureau.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get(pk=site.other.pk).name_th == "กองทดสอบที่สอง"
    entry = AuditEntry.objects.filter(action="unit.admin_change").get()
    assert entry.actor == "admin-user"
    assert entry.before["name_th"] == "กองทดสอบ 2" and entry.after["name_th"] == "กองทดสอบที่สอง"


def test_agreement_line_weight_is_checked(admin_client, site):
    agreement = Agreement.objects.get(unit=site.it)
    line = agreement.lines.get()
    response = admin_client.post(
        f"/admin/indicators/agreement/{agreement.pk}/change/",
        {
            "unit": site.it.pk,
            "fiscal_year": 2556,
            "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 1,
            "lines-MIN_NUM_FORMS": 0,
            "lines-MAX_NUM_FORMS": 1000,
            "lines-0-id": line.pk,
            "lines-0-agreement": agreement.pk,
            "lines-0-indicator": line.indicator_id,
            "lines-0-weight": "150",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "น้ำหนักต้องมากกว่า ๐ และไม่เกิน ๑๐๐" in response.content.decode()  # Thai is the default language
    line.refresh_from_db()
    assert line.weight == 3
