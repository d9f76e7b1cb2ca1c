"""Schemathesis runs the whole OpenAPI spec against the site as ``banchi serve`` runs it: generated requests
never get a 5xx, and every answer (its status code, content type and body) is one the spec documents.

Requests are sent anonymously, as a steward and as an admin of the demo agency (tokens), operation by
operation and then as stateful scenarios following the links Schemathesis infers between operations (an
answer's ``Location`` and ids feeding the next request). Reproducible and bounded in time: Hypothesis is
derandomized (a fixed seed), ten examples per operation and identity, a hundred scenarios of up to ten
steps per identity, only the generate phase, no example database: about a minute on either database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Ok

from catalog.settings import Settings
from services.web.site import create_site
from tests.services.api.conftest import TokenFor

EXAMPLES_PER_OPERATION = 10
SCENARIOS = 100
STEPS_PER_SCENARIO = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BOUNDED = settings(deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))


@pytest.fixture
def identities(demo: Settings, token_for: TokenFor) -> dict[str, dict[str, str]]:
    return {"anonymous": {}, "steward": token_for("steward@bangkok.go.th", "steward"),
            "admin": token_for("admin@bangkok.go.th", "admin")}


@pytest.fixture
def schema(banchi_env: Settings) -> Any:
    """The site made with the test environment's settings (its database, and rate limits no test run meets)."""
    return schemathesis.openapi.from_asgi("/openapi.json", create_site())


def _collecting(failures: list[str], label: Callable[[], str], call: Callable[[], object]) -> None:
    """Run ``call``; a failed check is noted (one report naming every broken operation), not raised."""
    try:
        call()
    except AssertionError as failure:
        failures.append(f"{label()}: {str(failure)[:600]}")
    except (Exception, BaseExceptionGroup) as failure:  # schemathesis raises groups of failed checks
        failures.append(f"{label()}: {type(failure).__name__}: {str(failure)[:600]}")


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")
def test_every_operation_answers_as_documented(schema: Any, identities: dict[str, dict[str, str]]) -> None:
    failures: list[str] = []
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    assert len(operations) >= 60

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(BOUNDED, max_examples=EXAMPLES_PER_OPERATION, phases=[hypothesis.Phase.generate])
        def run(case: schemathesis.Case, who: str) -> None:
            _collecting(failures, lambda: f"{case.operation.label} as {who}",
                        lambda: case.call_and_validate(headers=identities[who], checks=CHECKS))

        for who in identities:
            run(who=who)
    assert not failures, "\n".join(dict.fromkeys(failures))


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")
@pytest.mark.parametrize("who", ["steward", "admin"])
def test_stateful_scenarios_answer_as_documented(schema: Any, identities: dict[str, dict[str, str]],
                                                 who: str) -> None:
    failures: list[str] = []
    steps: list[int] = []
    headers = identities[who]

    class Scenario(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: schemathesis.Case, additional_checks: Any = None,
                              **kwargs: Any) -> None:
            steps.append(response.status_code)
            _collecting(failures, lambda: f"{case.operation.label} as {who} (stateful)",
                        lambda: case.validate_response(response, checks=CHECKS))

    # Which links a scenario can follow depends on what the server answered earlier (records created by
    # earlier scenarios stay); Hypothesis may then see a replayed scenario draw differently and stop the
    # run. The steps made until then were checked like any other.
    with contextlib.suppress(hypothesis.errors.FlakyStrategyDefinition):
        Scenario.run(settings=settings(BOUNDED, max_examples=SCENARIOS, stateful_step_count=STEPS_PER_SCENARIO,
                                        phases=[hypothesis.Phase.generate]))
    assert len(steps) >= SCENARIOS and 201 in steps, f"too few stateful steps ({len(steps)}) to mean anything"
    assert not failures, "\n".join(dict.fromkeys(failures))
