"""`lakthan unit …`, `lakthan person …`, `lakthan user create`, `lakthan token …`"""

from __future__ import annotations

import json
import sys

import click
from rich.table import Table

from lakthan.cli_common import console, quick_read


@click.group()
def unit() -> None:
    """Organisation units (bureau → division → sub-division/checkpoint)."""


@unit.command("add")
@click.argument("code")
@click.option("--name-th", required=True, help="Thai name")
@click.option("--name-en", default="", help="English name")
@click.option("--parent", default=None, help="parent unit code")
@click.option("--kind", default=None, help="bureau | division | subdivision | checkpoint")
def unit_add(code, name_th, name_en, parent, kind) -> None:
    from lakthan.core.services import add_unit

    u = add_unit(code, name_th, name_en=name_en, parent=parent, kind=kind, actor="cli")
    console.print(f"added unit {u.code} {u.name_th}")


# The labels of Unit.Kind as the command prints them (the CLI speaks Thai), without the model: `unit
# list` reads the units without setting Django up when it can (lakthan.quick_read). Tested equal.
UNIT_KINDS_TH = {
    "bureau": "กองบัญชาการ/สำนักงาน",
    "division": "กองบังคับการ/กอง",
    "subdivision": "กองกำกับการ/ฝ่าย",
    "checkpoint": "ด่านตรวจ",
}


def _units_read_quickly(connection) -> list[dict]:
    """`unit list`'s rows from a DB-API connection (lakthan.quick_read), in unit_tree's order."""
    from lakthan.lib.tree import depth_first

    cursor = connection.cursor()
    cursor.execute("SELECT id, code, name_th, name_en, kind, parent_id, head_id FROM core_unit")
    units = cursor.fetchall()
    codes = {u[0]: u[1] for u in units}
    tree = depth_first(units, lambda u: u[0], lambda u: u[5], lambda u: u[1])
    return [
        _unit_row(depth, code, th, en, kind, codes.get(parent), head)
        for depth, (_, code, th, en, kind, parent, head) in tree
    ]


def _unit_row(depth, code, name_th, name_en, kind, parent, head) -> dict:
    return {
        "code": code,
        "name_th": name_th,
        "name_en": name_en,
        "kind": kind,
        "parent": parent,
        "depth": depth,
        "head": head,
    }


def _list_units(rows: list[dict], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("code", "name (th)", "name (en)", "kind")
    for u in rows:
        table.add_row(
            "  " * u["depth"] + u["code"], u["name_th"], u["name_en"], UNIT_KINDS_TH.get(u["kind"], u["kind"])
        )
    console.print(table)


def _unit_list_quickly(connection, as_json: bool) -> None:
    _list_units(_units_read_quickly(connection), as_json)


@unit.command("list")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@quick_read(_unit_list_quickly)
def unit_list(as_json: bool) -> None:
    from lakthan.core.services import unit_tree

    tree = unit_tree()
    codes = {u.pk: u.code for _, u in tree}
    rows = [
        _unit_row(depth, u.code, u.name_th, u.name_en, u.kind, codes.get(u.parent_id), u.head_id)
        for depth, u in tree
    ]
    _list_units(rows, as_json)


@unit.command("set-head")
@click.argument("code")
@click.argument("person_id", required=False)
@click.option("--clear", is_flag=True, help="the unit has no head")
def unit_set_head(code, person_id, clear) -> None:
    """Name the head of a unit (who approves its people's access and reviews their rights)."""
    from lakthan.core.errors import InvalidInput
    from lakthan.core.services import get_person, get_unit, set_unit_head

    if bool(person_id) == clear:
        raise InvalidInput(
            "ระบุหมายเลขบุคคล หรือ --clear อย่างใดอย่างหนึ่ง", "give a PERSON_ID or --clear, not both"
        )
    u = set_unit_head(get_unit(code), None if clear else get_person(person_id), actor="cli")
    console.print(f"{u.code}: head {u.head.display_name if u.head else '-'}", highlight=False)


@click.group()
def person() -> None:
    """People: rank/title, name, position, unit, phone."""


@person.command("add")
@click.option("--unit", "unit_code", required=True)
@click.option("--title", default="", help="rank or title, e.g. ร.ต.ท.")
@click.option("--first", "first_name", required=True, help="first name (Thai)")
@click.option("--last", "last_name", required=True, help="last name (Thai)")
@click.option("--position", default="")
@click.option("--phone", default="")
@click.option("--email", default="")
def person_add(unit_code, title, first_name, last_name, position, phone, email) -> None:
    from lakthan.core.services import add_person, get_unit

    p = add_person(
        get_unit(unit_code),
        first_name,
        last_name,
        title_th=title,
        position_th=position,
        phone=phone,
        email=email,
        actor="cli",
    )
    console.print(f"person #{p.pk} {p.display_name}")


@person.command("list")
@click.option("--unit", "unit_code", default=None)
@click.option("--json", "as_json", is_flag=True)
def person_list(unit_code, as_json) -> None:
    from lakthan.core.models import Person

    people = Person.objects.select_related("unit")
    if unit_code:
        people = people.filter(unit__code=unit_code)
    rows = [
        {"id": p.pk, "name": p.display_name, "position": p.position_th, "unit": p.unit.code, "phone": p.phone}
        for p in people
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "name", "position", "unit", "phone")
    for row in rows:
        table.add_row(str(row["id"]), row["name"], row["position"], row["unit"], row["phone"])
    console.print(table)


@click.group()
def user() -> None:
    """Sign-in accounts (the rest, with roles and second factors, in the admin site at /admin/)."""


@user.command("create")
@click.argument("username")
@click.option(
    "--admin",
    "is_admin",
    is_flag=True,
    required=True,
    help="an administrator (required: the only kind made here)",
)
@click.option("--email", default="")
@click.option("--unit", "unit_code", default=None, help="administrator of this unit and those below it only")
@click.option(
    "--password-stdin", is_flag=True, help="read the password from the first line of standard input"
)
def user_create(username, is_admin, email, unit_code, password_stdin) -> None:
    """An administrator account: the first one of a new install, or another. Asks for the password
    twice (or reads it from stdin) and checks it against the password rules."""
    from lakthan.core.services import check_new_username, create_administrator, get_unit

    check_new_username(username)  # before asking for a password
    if unit_code:
        get_unit(unit_code)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt="password (again)")
    account = create_administrator(username, password, email=email, unit=unit_code, actor="cli")
    scope = f"unit {unit_code} and the units below it" if unit_code else "every unit"
    console.print(f"created administrator {account.get_username()} of {scope}")


@click.group()
def token() -> None:
    """API tokens: the key is printed once, when it is made; only its hash is kept."""


def _user(username: str):
    from django.contrib.auth import get_user_model

    from lakthan.core.errors import NotFound

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"ไม่มีผู้ใช้ {username}", f"no user {username}")
    return user


@token.command("create")
@click.argument("username")
@click.option("--name", required=True, help="what the token is for (a script, a server)")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True)
@click.option("--expires-days", type=int, default=90, show_default=True, help="1 to 365")
def token_create(username, name, scope, expires_days) -> None:
    from lakthan.core import tokens

    made, key = tokens.issue(_user(username), name, scope, expires_days, actor="cli")
    click.echo(
        f"token {made.name!r} for {username} ({scope}) until {made.expires_at:%Y-%m-%d}; "
        "copy the key now, it is not shown again:",
        err=True,
    )
    click.echo(key)


@token.command("list")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def token_list(username, as_json) -> None:
    from lakthan.core.models import ApiToken

    rows = [
        {
            "id": t.pk,
            "name": t.name,
            "prefix": t.prefix,
            "scope": t.scope,
            "created_at": t.created_at.isoformat(),
            "expires_at": t.expires_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
        }
        for t in ApiToken.objects.filter(user=_user(username))
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "name", "key", "scope", "created", "expires", "last used")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["name"],
            f"{r['prefix']}…",
            r["scope"],
            r["created_at"][:10],
            r["expires_at"][:10],
            (r["last_used_at"] or "never")[:16],
        )
    console.print(table)


@token.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id) -> None:
    from lakthan.core import tokens
    from lakthan.core.errors import NotFound
    from lakthan.core.models import ApiToken

    found = ApiToken.objects.filter(pk=token_id).first()
    if found is None:
        raise NotFound(f"ไม่มีโทเค็น {token_id}", f"no token {token_id}")
    tokens.revoke(found, actor="cli")
    console.print(f"revoked token {found.name!r} of {found.user}")


COMMANDS = [unit, person, user, token]
