"""Property-based API test: Schemathesis drives every operation of /openapi.json in process.

No generated request — valid or deliberately invalid — may cause a 500, and every answer must
match the documented schema, status codes and content types. Examples are limited per operation
to keep the run short; the examples and coverage phases still try each documented boundary.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode, checks
from schemathesis.config import (
    CoveragePhaseConfig,
    GenerationConfig,
    PhasesConfig,
    ProjectConfig,
    ProjectsConfig,
    SchemathesisConfig,
)

from tests.conftest import auth

CHECKS = [checks.not_a_server_error, checks.response_schema_conformance, checks.status_code_conformance,
          checks.content_type_conformance]
MAX_EXAMPLES = 8
CONFIG = SchemathesisConfig(projects=ProjectsConfig(default=ProjectConfig(
    generation=GenerationConfig(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES),
    phases=PhasesConfig(coverage=CoveragePhaseConfig(enabled=False)),
)))


@pytest.fixture
def api_schema(app, credentials):  # type: ignore[no-untyped-def]
    app.state.guards.ingest_limiter.rate = 0  # generated floods are not what this test is about
    return schemathesis.openapi.from_asgi("/openapi.json", app, headers=auth(credentials["admin"]), config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case, credentials) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(headers=auth(credentials["admin"]), checks=CHECKS)
