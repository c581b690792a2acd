"""Each app names its own pages, but the paths people bookmarked and API clients call stay where they were."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

ROUND = "/units/A/fy/2556/round/12/"
PAGES = [
    ("web:home", [], "/"),
    ("web:healthz", [], "/healthz"),
    ("indicators:dashboard", ["A", 2556, 12], ROUND),
    ("indicators:report-editor", ["A", 2556, 12, "9.2"], ROUND + "indicators/9.2/"),
    ("reports:report", ["A", 2556, 12, "9.2", "pdf"], ROUND + "indicators/9.2/report.pdf"),
    ("reports:pack", ["A", 2556, 12, "9.2"], ROUND + "indicators/9.2/pack.zip"),
    ("evidence:evidence-index", [], "/evidence/"),
    ("evidence:evidence-detail", [7], "/evidence/7/"),
    ("evidence:evidence-file", [7, 2], "/evidence/7/revisions/2/file"),
    ("evidence:evidence", ["A"], "/units/A/evidence/"),
    ("evidence:evidence-upload", ["A"], "/units/A/evidence/upload"),
]


@pytest.mark.parametrize(("name", "args", "path"), PAGES)
def test_each_page_keeps_its_path_under_its_apps_name(name, args, path):
    assert reverse(name, args=args) == path
    assert resolve(path).view_name == name
