"""`lakthan user create NAME --admin`: the first administrator of a real install, made from the command
line with the password rules checked, audited, and nothing written when anything is wrong."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model

from lakthan.cli import main
from lakthan.core import roles
from lakthan.core.models import AuditEntry, RoleGrant

GOOD = "a-long-enough-secret"


def run(*args: str, stdin: str = ""):
    return CliRunner().invoke(main, ["user", "create", *args], input=stdin, catch_exceptions=False)


def test_asks_for_the_password_twice_and_makes_an_administrator_of_every_unit(db):
    result = run("somchai", "--admin", "--email", "somchai@example.org", stdin=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("password") == 2  # the prompt and its confirmation
    assert "created administrator somchai of every unit" in result.output
    user = get_user_model().objects.get(username="somchai")
    assert (
        user.check_password(GOOD)
        and user.is_superuser
        and user.is_staff
        and user.email == "somchai@example.org"
    )
    assert roles.scope(user, roles.MANAGE) is None  # every unit
    entry = AuditEntry.objects.get(action="user.admin_add")
    assert (entry.actor, entry.object_id, entry.after["username"]) == ("cli", str(user.pk), "somchai")
    assert entry.after["password"] == "(secret)"


def test_two_different_passwords_are_asked_again(db):
    result = run("somchai", "--admin", stdin=f"{GOOD}\nanother-one-typed\n{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert get_user_model().objects.get(username="somchai").check_password(GOOD)


def test_an_administrator_of_one_unit_holds_the_admin_role_there_only(world):
    result = run("admin-of-a", "--admin", "--unit", "A", "--password-stdin", stdin=f"{GOOD}\n")
    assert result.exit_code == 0, result.output
    user = get_user_model().objects.get(username="admin-of-a")
    assert not user.is_superuser and not user.is_staff
    assert list(RoleGrant.objects.filter(user=user).values_list("role", "unit__code")) == [("admin", "A")]
    assert roles.scope(user, roles.MANAGE) == {world.a.pk, world.a1.pk}
    assert AuditEntry.objects.filter(action="rolegrant.admin_add", actor="cli").count() == 1


@pytest.mark.parametrize(
    ("args", "stdin", "english", "thai"),
    [
        (["short", "--admin", "--password-stdin"], "2short\n", "the password is too weak", "ต้องมีอย่างน้อย ๑๐"),
        (["common", "--admin", "--password-stdin"], "password123\n", "too common", "ใช้กันทั่วไปเกินไป"),
        (
            ["taken", "--admin", "--password-stdin"],
            f"{GOOD}\n",
            "a user named taken already exists",
            "มีบัญชีชื่อ taken",
        ),
        (
            ["bad name", "--admin", "--password-stdin"],
            f"{GOOD}\n",
            "user name 'bad name' is invalid",
            "ไม่ถูกต้อง",
        ),
        (
            ["x", "--admin", "--unit", "NOPE", "--password-stdin"],
            f"{GOOD}\n",
            "no unit with code NOPE",
            "NOPE",
        ),
        (["x", "--admin", "--email", "not-mail", "--password-stdin"], f"{GOOD}\n", "not an e-mail", "อีเมล"),
    ],
    ids=["short", "common", "taken", "bad-name", "no-unit", "bad-email"],
)
def test_a_refusal_is_one_line_in_either_language_exit_2_and_nothing_written(
    db, settings, django_user_model, args, stdin, english, thai
):
    django_user_model.objects.create_user("taken", password=GOOD)
    accounts = AuditEntry.objects.filter(object_type__in=["auth.user", "core.rolegrant"])
    users, entries = django_user_model.objects.count(), accounts.count()
    for lang, expected in (("en", english), ("th", thai)):
        settings.LAKTHAN_LANG = lang
        result = run(*args, stdin=stdin)
        assert result.exit_code == 2
        [line] = result.output.strip().splitlines()[-1:]
        assert line.startswith("error:") and expected in line, result.output
        assert "Traceback" not in result.output
    assert (django_user_model.objects.count(), accounts.count(), RoleGrant.objects.count()) == (
        users,
        entries,
        0,
    )


def test_without_admin_it_says_so_and_makes_nothing(db, django_user_model):
    result = run("somchai", stdin=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 2 and "--admin" in result.output
    assert not django_user_model.objects.exists()


@pytest.mark.django_db(transaction=True)  # the audit sinks run when the change commits
def test_the_new_administrator_is_in_the_tamper_evident_log(settings, tmp_path):
    from lakthan.monitoring.audit_log import HOST
    from lakthan.monitoring.services import events as log_events
    from lakthan.monitoring.services import seal as sealing

    settings.LAKTHAN_LOG_DIR = tmp_path / "logs"
    assert run("somchai", "--admin", "--password-stdin", stdin=f"{GOOD}\n").exit_code == 0
    sealing.seal()
    (event,) = log_events.search(host=HOST, text="user.admin_add").rows
    line = json.loads(event["msg"])
    assert (line["actor"], line["after"]["username"], line["after"]["is_superuser"]) == (
        "cli",
        "somchai",
        True,
    )
    assert GOOD not in event["msg"]
