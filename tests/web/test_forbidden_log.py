"""A refused request (PermissionDenied, 403) is logged as one line saying who was refused what, where:
never a traceback in the server's log."""

from __future__ import annotations

import logging

EDITOR = "/units/A/fy/2556/round/12/indicators/9.2/"


def test_a_refused_change_logs_one_line_with_method_path_user_and_reason(client, world, caplog):
    client.force_login(world.users["auditor"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.post(EDITOR, {"action": "result", "item": 1, "status": "met"})
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == f"Forbidden: POST {EDITOR} user=auditor-a reason=decide"
    assert record.exc_info is None and record.exc_text is None
    formatted = logging.Formatter().format(record)
    assert "Traceback" not in formatted and "\n" not in formatted


def test_the_reason_is_the_capability_refused(client, world, caplog):
    client.force_login(world.users["auditor"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/inventory/systems/add/")
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden: GET /inventory/systems/add/ user=auditor-a reason=manage"
    assert record.exc_info is None


def test_other_4xx_and_5xx_records_are_left_as_django_logs_them(client, world, caplog):
    client.force_login(world.users["auditor"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/units/B/fy/2556/round/12/").status_code == 404
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage().startswith("Not Found: /units/B/")
