"""Schemathesis runs the OpenAPI spec: generated requests never get a 500 nor a response off the schema.

Bounded in time: a few examples per operation, no Hypothesis deadline, no example database. Requests
are sent as anonymous and as a steward (token), so both the public and the member paths are exercised.
"""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.result import Ok

from catalog.settings import Settings
from services.api.app import create_app
from tests.services.api.conftest import TokenFor

EXAMPLES_PER_OPERATION = 8


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_openapi_operations_never_fail_on_the_server(demo: Settings, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())
    failures: list[str] = []
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    assert len(operations) >= 30

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate])
        def run(case: schemathesis.Case, headers: dict[str, str]) -> None:
            try:
                case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])
            except AssertionError as failure:  # collect: one report naming every broken operation
                failures.append(f"{case.operation.label}: {str(failure)[:400]}")
            except Exception as failure:  # schemathesis raises its own failure types
                failures.append(f"{case.operation.label}: {type(failure).__name__}: {str(failure)[:400]}")

        run(headers={})
        run(headers=steward)
    assert not failures, "\n".join(dict.fromkeys(failures))
