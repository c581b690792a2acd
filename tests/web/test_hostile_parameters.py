"""Every page answers hostile query parameters with 4xx, never 500 (issue 15.8)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# path converters filled with values that exist in the `world` fixture
VALUES = {"code": "A", "fy": "2556", "months": "12", "indicator": "9.2", "fmt": "html", "number": "1"}
HOSTILE = [
    {"fy": "-1"},
    {"fy": "9" * 30},
    {"fy": "2556abc"},
    {"from": "2026-13-45", "to": "yesterday"},
    {"page": "-1", "state": "<script>alert(1)</script>"},
    {"q": "%00\u0000", "host": "../../etc/passwd"},
    {"unit": "' OR 1=1 --", "inline": "1"},
]


def page_paths() -> list[str]:
    """Every page of the web application (not the API, which schemathesis walks, nor the admin)."""
    out = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                out.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    paths = []
    for pattern in out:
        if pattern.startswith(("api/", "admin/", "^")) or "(?P" in pattern:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: VALUES.get(m.group(1), "1"), pattern)
        paths.append("/" + path)
    return sorted(set(paths))


@pytest.mark.django_db
def test_every_page_answers_hostile_parameters_without_a_server_error(client, world):
    client.raise_request_exception = False  # a 500 is what this test looks for, not an exception
    client.force_login(world.users["admin"])
    paths = page_paths()
    assert len(paths) > 20 and "/backups/" in paths
    failures = []
    for path in paths:
        for query in HOSTILE:
            status = client.get(path, query).status_code
            if status >= 500:
                failures.append(f"{path}?{query}: {status}")
    assert failures == []


@pytest.mark.django_db
def test_a_fiscal_year_out_of_range_is_a_bad_request(client, world):
    client.force_login(world.users["admin"])
    for fy in ("-1", "9" * 30, "abc"):
        assert client.get("/backups/", {"fy": fy}).status_code == 400
    assert client.get("/monitoring/events/", {"from": "2026-13-45"}).status_code == 400
    assert client.get("/backups/", {"fy": "2556"}).status_code == 200


@pytest.mark.django_db
def test_error_pages_are_the_applications_in_thai_and_english(client, world):
    client.force_login(world.users["auditor"])
    th = client.get("/backups/", {"fy": "-1"}, HTTP_ACCEPT_LANGUAGE="th").content.decode()
    en = client.get("/backups/", {"fy": "-1"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="card"' in th and "Bad request" in en and "Bad request" not in th
