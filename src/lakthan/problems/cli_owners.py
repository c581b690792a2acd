"""`lakthan problem owner add|list|remove`: who solves the problems of each system, from orders."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from lakthan.cli_common import console, parse_date
from lakthan.core.errors import InvalidInput
from lakthan.problems.cli_log import person_of, system_of, unit_of

ACTOR = "cli"


def _day(value, what: str):
    """A since/until or an order's date; an until may lie a few years ahead."""
    from datetime import date

    today = date.today()
    return parse_date(value, what, today=today.replace(year=today.year + 5, day=min(today.day, 28)))


def add_to(group: click.Group) -> None:
    @group.group("owner")
    def owner_group() -> None:
        """Problem owners per system, named in work-assignment orders."""

    @owner_group.command("add")
    @click.argument("system_name")
    @click.argument("person")
    @click.option("--unit", "unit_code", default=None, help="only at this unit (default: every unit)")
    @click.option("--since", default=None, help="YYYY-MM-DD (or YYYY-MM-DDBE)")
    @click.option("--until", default=None, help="YYYY-MM-DD, the last day included")
    @click.option(
        "--order",
        "order_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="the order's file (PDF, scan)",
    )
    @click.option("--order-no", default=None, help="the order's number, e.g. 12/2556")
    @click.option("--order-date", default=None, help="the order's date YYYY-MM-DD (or YYYY-MM-DDBE)")
    @click.option(
        "--order-evidence", type=int, default=None, help="an order already registered (evidence id)"
    )
    def owner_add(
        system_name, person, unit_code, since, until, order_file, order_no, order_date, order_evidence
    ):
        """Name PERSON responsible for the problems of SYSTEM (at --unit, or everywhere)."""
        from lakthan.evidence.models import Evidence
        from lakthan.problems.services import owners

        if (order_file is None) == (order_evidence is None):
            raise InvalidInput(
                "ระบุคำสั่งอย่างใดอย่างหนึ่ง: --order FILE --order-no … --order-date … หรือ --order-evidence ID",
                "give the order: either --order FILE --order-no … --order-date … or --order-evidence ID",
            )
        system = system_of(system_name)
        who = person_of(person, "PERSON")
        unit = unit_of(unit_code)
        first, last = _day(since, "--since"), _day(until, "--until")
        if order_file is not None:
            if not order_no or not order_date:
                raise InvalidInput(
                    "--order ต้องมี --order-no และ --order-date", "--order needs --order-no and --order-date"
                )
            with order_file.open("rb") as stream:
                owner = owners.add_owner_with_order(
                    system,
                    who,
                    stream=stream,
                    filename=order_file.name,
                    doc_no=order_no,
                    doc_date=parse_date(order_date, "--order-date"),
                    unit=unit,
                    since=first,
                    until=last,
                    actor=ACTOR,
                )
        else:
            order = Evidence.objects.filter(pk=order_evidence).first()
            if order is None:
                raise InvalidInput(
                    f"--order-evidence: ไม่พบหลักฐานหมายเลข {order_evidence}",
                    f"--order-evidence: no evidence {order_evidence}",
                )
            owner = owners.add_owner(
                system, who, unit=unit, order=order, since=first, until=last, actor=ACTOR
            )
        where = owner.unit.code if owner.unit_id else "every unit"
        console.print(
            f"owner #{owner.pk}: {who.display_name} for {system.code} at {where} "
            f"(order evidence {owner.order_id})",
            highlight=False,
        )

    @owner_group.command("list")
    @click.option("--json", "as_json", is_flag=True)
    def owner_list(as_json):
        """Every problem owner with the order naming them."""
        from lakthan.problems.services.owners import as_dict, list_owners

        rows = [as_dict(o) for o in list_owners()]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        table = Table("id", "system", "unit", "person", "since", "until", "order")
        for r in rows:
            order = r["order"]
            table.add_row(
                str(r["id"]),
                r["system"],
                r["unit"] or "(every unit)",
                r["person_name"],
                r["since"] or "",
                r["until"] or "",
                f"{order['doc_no']} {order['doc_date'] or ''}" if order else "",
            )
        console.print(table)

    @owner_group.command("remove")
    @click.argument("owner_id", type=int)
    def owner_remove(owner_id):
        """End an owner's assignment yesterday (one that had not started is withdrawn)."""
        from lakthan.problems.models import ProblemOwner
        from lakthan.problems.services.owners import get_owner, remove_owner

        remove_owner(get_owner(owner_id), actor=ACTOR)
        kept = ProblemOwner.objects.filter(pk=owner_id).first()
        if kept is None:
            console.print(f"withdrew owner #{owner_id}", highlight=False)
        else:
            console.print(f"owner #{owner_id} ended {kept.until.isoformat()}", highlight=False)
