"""Property-based run of the whole JSON API against its own OpenAPI document (issue 15):
no 5xx, only declared status codes, bodies that match the declared schemas.

A CI step after the test suites, on PostgreSQL (which refuses what SQLite forgives, such
as NUL bytes), with a bounded number of examples per operation:
    QINQING_SCHEMATHESIS=1 DATABASE_URL=postgres://... pytest qinqing/tests/test_api_schemathesis.py
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import override_settings

from qinqing.accounts.services import create_api_token

ENABLED = os.environ.get("QINQING_SCHEMATHESIS") == "1"
EXAMPLES = int(os.environ.get("QINQING_SCHEMATHESIS_EXAMPLES", "20"))
HOSTS = ["localhost", "testserver"]


@pytest.fixture
def token(admin_user: Any, settings: Any) -> Iterator[str]:
    assert connection.vendor == "postgresql", "run this on PostgreSQL (DATABASE_URL)"
    settings.ALLOWED_HOSTS = HOSTS
    cache.clear()
    # as Django's test client does: the test's transaction must outlive each request
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield create_api_token(admin_user, name="schemathesis", actor=None)[1]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


if ENABLED:
    import schemathesis
    from hypothesis import HealthCheck, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from qinqing.wsgi import application

    CHECKS = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    with override_settings(ALLOWED_HOSTS=HOSTS):
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

    @pytest.mark.django_db
    @schema.parametrize()
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    def test_the_api_keeps_to_its_openapi_document(case: Any, token: str) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

else:

    @pytest.mark.skip(reason="a CI step of its own: QINQING_SCHEMATHESIS=1, on PostgreSQL")
    def test_the_api_keeps_to_its_openapi_document() -> None:
        """Placeholder so the suite lists the check when it does not run."""
