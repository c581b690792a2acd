"""The register's API: create and list limited to the caller's units, a change with a revision,
bad input answered 400 in both languages, the matrix in force, all in the OpenAPI schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.conftest import api_key
from tests.risks import register_fixtures
from tests.risks.register_fixtures import add

bureau = register_fixtures.bureau
pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def test_create_list_change_and_refusals(bureau):
    admin, viewer = api(bureau.admin), api(bureau.viewer)
    body = {
        "unit": "B-IT",
        "system": "mail",
        "title": "ฟิชชิง",
        "likelihood": 4,
        "impact": 3,
        "residual_likelihood": 2,
        "residual_impact": 2,
        "treatment": "mitigate",
        "owner": bureau.owner.pk,
        "due": "2027-03-31",
    }
    assert viewer.post("/api/risks/", body, format="json").status_code == 403
    created = admin.post("/api/risks/", body, format="json")
    assert created.status_code == 201, created.json()
    assert {
        k: created.json()[k] for k in ("ref", "level", "residual_level", "system", "owner", "acceptance")
    } == {
        "ref": "R-0001",
        "level": "high",
        "residual_level": "medium",
        "system": "mail",
        "owner": bureau.owner.pk,
        "acceptance": "none",
    }
    add(bureau, unit=bureau.x, system=bureau.xsys, owner=None, title="ของหน่วยอื่น")
    listed = viewer.get("/api/risks/?unit=B").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["ref"] for r in rows] == ["R-0001"]
    assert viewer.get("/api/risks/R-0002/").status_code == 404
    assert viewer.get("/api/risks/R-0001/").json()["title"] == "ฟิชชิง"

    bad = admin.post("/api/risks/", {**body, "residual_impact": None}, format="json")
    assert bad.status_code == 400 and "both, or neither" in bad.json()["detail"]
    assert "ทั้งคู่" in bad.json()["detail_th"]

    changed = admin.patch("/api/risks/R-0001/", {"likelihood": 5, "reason": "เกิดเหตุจริง"}, format="json")
    assert changed.status_code == 200 and changed.json()["level"] == "very_high"
    assert viewer.patch("/api/risks/R-0001/", {"likelihood": 1}, format="json").status_code == 403
    from lakthan.risks.models import Risk

    assert Risk.objects.get(ref="R-0001").revisions.last().reason == "เกิดเหตุจริง"


def test_the_matrix_in_force_and_the_schema(bureau):
    viewer = api(bureau.viewer)
    matrix = viewer.get("/api/risk-matrix/").json()
    assert matrix["name"] == "default-5x5" and len(matrix["cells"]) == 25
    assert {"likelihood": 5, "impact": 5, "level": "very_high"} in matrix["cells"]
    assert matrix["levels"][0] == {
        "code": "low",
        "label_th": "ต่ำ",
        "label_en": "Low",
        "colour": "#2e7d32",
        "min_score": 1,
        "rank": 0,
    }
    paths = viewer.get("/api/schema/?format=json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/risks/"])
    assert {"get", "patch"} <= set(paths["/api/risks/{ref}/"])
    assert "get" in paths["/api/risk-matrix/"]
