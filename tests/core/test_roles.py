"""Roles that come from another app's records: core reads the indicator assignments through the grant
source the indicators app adds when it starts, without importing the indicators app."""

from __future__ import annotations

from lakthan.core import roles


def test_an_assigned_collector_holds_the_collector_role_in_the_assigned_unit_only(org, django_user_model):
    user = django_user_model.objects.create_user("collector-b")
    org.collector.user = user
    org.collector.save()

    assert (roles.COLLECTOR, org.bureau.pk) in roles.grants(user)
    assert roles.can(user, roles.UPLOAD, org.bureau)
    assert roles.can(user, roles.UPLOAD, org.division)  # a role covers the units below
    assert not roles.can(user, roles.DECIDE, org.bureau)
    assert not roles.can(user, roles.VIEW, org.other)


def test_a_person_without_an_assignment_only_reads_their_own_unit(org, django_user_model):
    from lakthan.core.services import add_person

    user = django_user_model.objects.create_user("member-b-it")
    add_person(org.division, "สมปอง", "ทดลอง", user=user)

    assert roles.grants(user) == [(roles.MEMBER, org.division.pk)]
    assert roles.capabilities(user, org.division) == frozenset({roles.VIEW})
    assert not roles.can(user, roles.VIEW, org.bureau)
