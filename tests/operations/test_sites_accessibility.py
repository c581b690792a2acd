"""axe-core in real headless Chromium on pages a loopback server serves: known violations counted by
impact (an image without alt and an input without a label are critical; low contrast, set in the
site's own style sheet, and no lang are serious), a clean page without any."""

from __future__ import annotations

import pytest

from lakthan.operations.engines.accessibility import AccessibilityUnavailable, check_page
from lakthan.operations.services import sites
from tests.operations.site_fixtures import (
    BAD_PAGE,
    CLEAN_PAGE,
    site_fixture,  # noqa: F401
    website,
)


@pytest.mark.e2e
@pytest.mark.django_db
def test_a_page_with_known_violations_is_counted_by_impact_and_a_clean_page_has_none(org, site):
    site.page("/", BAD_PAGE)
    site.page("/clean/", CLEAN_PAGE)
    bad = sites.check_site(website(org.bureau, "bad", f"{site.url}/"))
    assert bad.error == ""
    assert {k: bad.a11y[k] for k in ("critical", "serious", "moderate", "minor")} == {
        "critical": 2,
        "serious": 2,
        "moderate": 0,
        "minor": 0,
    }
    rules = {r["id"]: (r["impact"], r["nodes"]) for r in bad.a11y["rules"]}
    assert rules == {
        "image-alt": ("critical", 1),
        "label": ("critical", 1),
        "color-contrast": ("serious", 1),  # the colours come from /site.css: sub-resources were fetched
        "html-has-lang": ("serious", 1),
    }
    assert bad.a11y_engine.startswith("axe-core 4.")
    assert "/site.css" in site.hits
    clean = sites.check_site(website(org.bureau, "clean", f"{site.url}/clean/"))
    assert clean.error == "" and clean.a11y["rules"] == []
    assert [clean.a11y[k] for k in ("critical", "serious", "moderate", "minor")] == [0, 0, 0, 0]


def test_chromium_missing_is_a_clear_error_not_a_crash():
    with pytest.raises(AccessibilityUnavailable) as caught:
        check_page("http://127.0.0.1:9/", b"<html></html>", executable="/nonexistent/chromium")
    assert caught.value.en.startswith("Chromium is not installed at /nonexistent/chromium")
    assert "Chromium" in caught.value.th
