"""A property run of the OpenAPI document (schemathesis): requests generated from the schema,
valid and not, against the app. None may get a 500, and every answer must match what the
document declares (status, media type, body schema)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from indicator_audit.serve import ServeSettings, create_app

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(ServeSettings()))

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure can be reproduced
    suppress_health_check=list(HealthCheck),
)
def test_api_never_500_and_keeps_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
