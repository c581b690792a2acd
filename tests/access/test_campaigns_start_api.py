"""A campaign started from the web by a unit's administrator (MANAGE) and read through the API: the
same service as the CLI, refusals shown on the form, the progress as `campaign status --json`."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.access import review_setup
from tests.access.review_setup import due_in
from tests.conftest import api_key

review = review_setup.review
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


def user_with(role, unit, django_user_model, name):
    from lakthan.core.models import RoleGrant

    user = django_user_model.objects.create_user(name, password="a-long-test-password")
    RoleGrant.objects.create(user=user, unit=unit, role=role)
    return user


def test_a_unit_administrator_starts_a_campaign_from_the_web_and_the_api_shows_its_progress(
    review, django_user_model
):
    from lakthan.access.models import ReviewCampaign

    admin = Client()
    admin.force_login(user_with("admin", review.unit, django_user_model, "unit-admin"))
    auditor = Client()
    auditor.force_login(user_with("auditor", review.unit, django_user_model, "unit-auditor"))

    assert auditor.get("/access/campaigns/new/").status_code == 403
    assert "/access/campaigns/new/" in admin.get("/access/campaigns/").content.decode()
    past = admin.post("/access/campaigns/new/", {"unit": "B", "due": "2020-01-01", "fallback": ""})
    assert past.status_code == 200 and not ReviewCampaign.objects.exists()
    assert "วันครบกำหนดต้องอยู่หลังวันนี้" in past.content.decode()

    due = due_in(14)
    done = admin.post("/access/campaigns/new/", {"unit": "B", "due": due.isoformat(), "fallback": ""})

    campaign = ReviewCampaign.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/access/campaigns/{campaign.pk}/"
    assert (campaign.unit.code, campaign.due, campaign.started_by) == ("B", due, "unit-admin")
    assert campaign.fallback == review.people["E007"]  # the bureau's head by default

    api = APIClient()
    api.credentials(
        HTTP_AUTHORIZATION=f"Token {api_key(user_with('auditor', review.unit, django_user_model, 'reader'))}"
    )
    listed = api.get("/api/access/campaigns/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [(r["id"], r["unit"], r["state"]) for r in rows] == [(campaign.pk, "B", "open")]
    progress = api.get(f"/api/access/campaigns/{campaign.pk}/progress/").json()
    assert progress["items"] == campaign.items.count() > 0
    assert progress["decisions"]["pending"] == progress["items"]

    outsider = APIClient()
    from lakthan.core.services import add_unit

    other = add_unit("Z", "สำนักงานอื่น")
    outsider.credentials(
        HTTP_AUTHORIZATION=f"Token {api_key(user_with('auditor', other, django_user_model, 'z'))}"
    )
    assert outsider.get(f"/api/access/campaigns/{campaign.pk}/progress/").status_code == 404
