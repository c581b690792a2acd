import pytest

from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import AuditEntry, Unit
from lakthan.core.services import add_unit, get_unit, unit_tree


@pytest.mark.django_db
def test_unit_tree_orders_parents_before_children_with_depth():
    add_unit("B", "สำนักงาน")
    add_unit("B-2", "กอง ๒", parent="B")
    add_unit("B-1", "กอง ๑", parent="B")
    add_unit("B-1-CP", "ด่าน", parent="B-1", kind="checkpoint")
    tree = [(depth, u.code) for depth, u in unit_tree()]
    assert tree == [(0, "B"), (1, "B-1"), (2, "B-1-CP"), (1, "B-2")]
    assert get_unit("B-1").kind == Unit.Kind.DIVISION  # default kind from the parent's
    assert get_unit("B").descendant_ids() == set(Unit.objects.values_list("pk", flat=True))
    assert get_unit("B-1-CP").ancestors() == [get_unit("B-1"), get_unit("B")]


@pytest.mark.django_db
def test_unit_add_is_audited():
    unit = add_unit("B", "สำนักงาน", actor="tester")
    entry = AuditEntry.objects.get(action="unit.add")
    assert entry.actor == "tester" and entry.object_id == str(unit.pk) and entry.after["code"] == "B"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code,name,parent,message",
    [
        ("bad code", "ชื่อ", None, "invalid"),
        ("OK", "  ", None, "Thai name"),
        ("OK", "ชื่อ", "MISSING", "no unit with code MISSING"),
    ],
)
def test_unit_add_rejects_bad_input_and_writes_nothing(code, name, parent, message):
    with pytest.raises((InvalidInput, NotFound), match=message):
        add_unit(code, name, parent=parent)
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_duplicate_unit_code_refused():
    add_unit("B", "สำนักงาน")
    with pytest.raises(InvalidInput, match="already exists"):
        add_unit("B", "อีกแห่ง")
