"""The stored file of evidence through both front doors: the page previews only what is safe to show
inline, the API always hands out an attachment, and both carry the same hash and sandbox headers."""

from __future__ import annotations

import hashlib
import io

import pytest
from rest_framework.test import APIClient

from lakthan.core.models import RoleGrant
from lakthan.evidence import services as ev
from tests.conftest import api_key, pdf_bytes

SANDBOX = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"


@pytest.fixture
def auditor(org, django_user_model, settings):
    settings.LAKTHAN_REQUIRE_2FA = False
    user = django_user_model.objects.create_user("auditor-b", password="a-long-test-password")
    RoleGrant.objects.create(user=user, unit=org.bureau, role="auditor")
    return user


def _stored(org, data: bytes, filename: str):
    return ev.add_file(org.bureau, io.BytesIO(data), filename, ev.Metadata(title="คำสั่ง", kind="order"))


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def test_a_pdf_is_previewed_on_the_page_and_downloaded_by_the_api(client, org, auditor):
    data = pdf_bytes("A")
    evidence = _stored(org, data, "A.pdf")
    client.force_login(auditor)
    page = client.get(f"/evidence/{evidence.pk}/revisions/1/file?inline=1")
    by_api = _api(auditor).get(f"/api/evidence/{evidence.pk}/file/")
    assert page["Content-Type"] == "application/pdf"
    assert not page["Content-Disposition"].startswith("attachment")
    assert by_api["Content-Type"] == "application/octet-stream"
    assert by_api["Content-Disposition"].startswith("attachment") and "A.pdf" in by_api["Content-Disposition"]
    for response in (page, by_api):
        assert response["X-Evidence-SHA256"] == hashlib.sha256(data).hexdigest()
        assert response["Content-Security-Policy"] == "frame-ancestors 'self'"
        assert b"".join(response.streaming_content) == data


def test_text_is_never_shown_inline_and_runs_sandboxed(client, org, auditor):
    text = b"<script>alert(1)</script>\n"
    evidence = _stored(org, text, "note.txt")
    client.force_login(auditor)
    page = client.get(f"/evidence/{evidence.pk}/revisions/1/file?inline=1")
    by_api = _api(auditor).get(f"/api/evidence/{evidence.pk}/file/")
    for response in (page, by_api):
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Security-Policy"] == SANDBOX
        assert b"".join(response.streaming_content) == text
