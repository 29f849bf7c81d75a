"""Schemathesis against our OpenAPI document: generated requests to every /api/v1 operation, as an
admin (who may reach everything) and as a viewer of another partner, must never produce a server
error (5xx)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from .conftest import Web


@pytest.mark.parametrize("username", ["admin.pl", "viewer.jp"])
def test_no_server_errors(web: Web, username: str) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web.app)
    headers = {"Authorization": f"Bearer {web.token(username)}"}
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 5
    for op in operations:

        @given(case=op.as_strategy())
        @settings(
            max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                response.status_code,
                response.text[:500],
            )

        check()
