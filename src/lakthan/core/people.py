"""People named in imported files (a register's owner column): found by id or by the name as people
write it, and written back so that they read back as the same person. Shared by the risk register's
XLSX and the address register's CSV."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from lakthan.core.models import Person

# why a text names nobody, in Thai and English (the caller adds the text itself)
NOT_FOUND = {
    "no_id": ("ไม่พบบุคคลหมายเลข", "no person with id"),
    "no_name": ("ไม่พบบุคคลชื่อ", "no person named"),
    "ambiguous": ("มีหลายคนชื่อ", "more than one person is named"),
}


@dataclass
class People:
    """Every person, loaded once, looked up by id (digits) or by name (spaces do not matter): the
    display name (rank joined to the first name) or the first and last name."""

    by_id: dict[int, Person]
    by_name: dict[str, list[Person]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls) -> People:
        people = cls({p.pk: p for p in Person.objects.all()})
        for p in people.by_id.values():
            # a person without a rank has one name written two ways: counted once
            for name in {
                " ".join(n.split()) for n in (p.display_name, f"{p.first_name_th} {p.last_name_th}")
            }:
                people.by_name[name].append(p)
        return people

    def find(self, text: str) -> Person | str:
        """The person, or why not: ``no_id``, ``no_name`` or ``ambiguous`` (see NOT_FOUND)."""
        if text.isdigit():
            return self.by_id.get(int(text)) or "no_id"
        found = self.by_name.get(" ".join(text.split()), [])
        return found[0] if len(found) == 1 else ("ambiguous" if found else "no_name")

    def text_of(self, person: Person | None) -> str:
        """How a file names the person so that ``find`` reads it back: the name, or the id when
        another person shares it."""
        if person is None:
            return ""
        name = " ".join(person.display_name.split())
        return name if len(self.by_name.get(name, [])) == 1 else str(person.pk)


def person_named(text: str, option: str) -> Person:
    """The person a command-line option names (an id or a name), or a one-line error naming the
    option and the text."""
    from lakthan.core.errors import InvalidInput

    found = People.load().find(text.strip())
    if isinstance(found, str):
        th, en = NOT_FOUND[found]
        raise InvalidInput(f"{option}: {th} {text}", f"{option}: {en} {text}")
    return found


def person_text(person: Person | None) -> str:
    """``People.text_of`` for one person (two queries, no full load)."""
    if person is None:
        return ""
    name = " ".join(person.display_name.split())
    clash = Person.objects.filter(first_name_th=person.first_name_th, last_name_th=person.last_name_th)
    return name if clash.count() == 1 else str(person.pk)
