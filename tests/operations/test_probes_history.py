"""A history of results recorded at once (another monitor's export, the demo's year): stored
set-based, with the same results and incidents as recording them one by one, and refused whole when
a row is not newer than the one before it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from lakthan.core.errors import InvalidInput
from lakthan.operations.models import Incident, ProbeResult
from lakthan.operations.services import probes as svc

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def rows(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    out, up = [], True
    for i in range(n):
        if rng.random() < 0.08:
            up = not up
        out.append(
            {"at": T0 + timedelta(minutes=5 * i), "up": up, "detail": "" if up else "connection refused"}
        )
    return out


def state(probe):
    results = list(ProbeResult.objects.filter(probe=probe).order_by("at").values_list("at", "up", "detail"))
    incidents = list(
        Incident.objects.filter(probe=probe)
        .order_by("opened_at")
        .values_list("opened_at", "closed_at", "detail")
    )
    return results, incidents


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_at_once_equals_one_by_one(org, seed):
    history = rows(400, seed)
    one = svc.add_probe("one", org.division, url="http://a.example/")
    many = svc.add_probe("many", org.division, url="http://a.example/")
    for row in history[:50]:  # some already kept, so the bulk continues an open incident or not
        svc.record_result(one, row["at"], row["up"], row["detail"])
        svc.record_result(many, row["at"], row["up"], row["detail"])
    for row in history[50:]:
        svc.record_result(one, row["at"], row["up"], row["detail"])
    assert svc.record_results(many, history[50:]) == 350
    assert state(one) == state(many)
    assert len(state(many)[1]) >= 2  # the data did open and close incidents


def test_a_row_not_newer_refuses_the_whole_history(org):
    probe = svc.add_probe("p", org.division, url="http://a.example/")
    svc.record_result(probe, T0 + timedelta(hours=1), True)
    with pytest.raises(InvalidInput, match="not newer"):
        svc.record_results(
            probe,
            [{"at": T0 + timedelta(hours=2), "up": False}, {"at": T0 + timedelta(minutes=30), "up": True}],
        )
    with pytest.raises(InvalidInput, match="not newer"):
        svc.record_results(probe, [{"at": T0, "up": True}])
    assert ProbeResult.objects.filter(probe=probe).count() == 1 and not Incident.objects.exists()
    with pytest.raises(TypeError):
        svc.record_results(probe, [{"at": T0 + timedelta(hours=3), "up": True, "colour": "red"}])
