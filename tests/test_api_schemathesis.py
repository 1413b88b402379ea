"""schemathesis against the service's own OpenAPI document: generated requests to every operation
(as a lab planner, over seeded records of both organizations) never get a server error, and every
answer matches its declared status codes, content type and response schema."""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from api_seed import seed
from platform_support import World
from rackwright.api.app import Settings, create_app

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
# Assumption: 12 generated requests per operation (~50 operations) finds schema drift within a
# few seconds of test time; the CLI run recorded in the note used more.
EXAMPLES = 12


def test_every_operation_keeps_to_its_schema(world: World) -> None:
    app = create_app(Settings(database_url=world.url, run_plans=False))
    with TestClient(app) as client:
        seed(client, world, "lab", "shared")
        seed(client, world, "manufacturer", "manufacturer-confidential")
        headers = world.headers("lab", "planner")
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 40
        for operation in operations:
            check_operation(operation, headers)


def check_operation(operation: Any, headers: dict[str, str]) -> None:
    """Generated requests to one operation (schemathesis' pytest plugin predates pytest 9)."""

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
