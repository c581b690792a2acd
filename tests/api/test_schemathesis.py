"""schemathesis against the OpenAPI schema, in-process through the WSGI application: whatever it sends,
no endpoint answers 5xx. Authenticated as the supervisor of A (the role that may do the most), on the
`world` data; a bounded number of examples per operation keeps it quick."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from lakthan.wsgi import application

EXAMPLES = 15


@pytest.mark.django_db(transaction=True)
def test_no_server_errors(world):
    token = Token.objects.create(user=world.users["supervisor"]).key
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures: list[str] = []
    seen = 0
    answered: dict[int, int] = {}
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def run(case):
            nonlocal seen
            seen += 1
            response = case.call(headers={"Authorization": f"Token {token}"})
            answered[response.status_code // 100] = answered.get(response.status_code // 100, 0) + 1
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} → {response.status_code}: {response.text[:300]}"
                )

        run()
    assert seen >= len(operations)
    assert answered.get(2, 0) >= len(operations) // 2, answered  # authenticated: real answers, not only 4xx
    assert not failures, "\n".join(failures[:20])
