"""A bounded property-based run of the OpenAPI document against the real server (schemathesis).

Each operation gets ``OFFSITE_SCHEMATHESIS_EXAMPLES`` generated requests (default 25), checked
for server errors, status codes, content types and response schemas against the document."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from .conftest import Server, start_server

MAX_EXAMPLES = int(os.environ.get("OFFSITE_SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture(scope="module")
def schema_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with API keys (so that the security the document declares is enforced) and no rate limit."""
    srv = start_server(tmp_path_factory.mktemp("schema"), env={"OFFSITE_RATE_LIMIT_PER_SECOND": "0"},
                       keys={"all": ("check", "moderate")})
    yield srv
    srv.stop()


def test_every_operation_conforms_to_the_document(schema_server: Server) -> None:
    api_schema = schemathesis.openapi.from_url(schema_server.url + "/openapi.json")
    auth = {"Authorization": f"Bearer {schema_server.keys['all']}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    calls: dict[str, int] = {}
    for operation in operations:
        strategy = operation.as_strategy()

        @given(case=strategy)
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=auth, timeout=10)
            calls[case.operation.label] = calls.get(case.operation.label, 0) + 1

        run()
    assert len(calls) == len(operations)
    assert sum(calls.values()) >= 5 * len(operations), calls
