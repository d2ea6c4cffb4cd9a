"""schemathesis against /api/v1/openapi.json: no answer is a server error, and every answer's
status, content type and body are the ones the schema declares.

Every operation is fuzzed in-process through the WSGI app (the test database, SQLite or
PostgreSQL), with a few dozen generated requests each: bodies that fit the schema and bodies
that do not. Path ids mostly point at real rows (a household, a case with a measure, a
warning, a batch) so requests get past the 404 into the services; requests rotate among
a village, a county and a city user so every role's routes are reached. Bounded: about a minute.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fangpin.accounts.services import token_issue
from fangpin.wsgi import application
from tests.security.world import World

ACTIONS = {
    "cases": ["verify", "deliberate", "publicize", "approve_township", "reject", "nope"],
    "warnings": ["dismiss", "open_case", "nope"],
}
CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"mode": "all", "deterministic": True},
    }
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Loaded at collection: the schema document is generated without touching the database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Keep the test's database connection across requests, as Django's test client does
    (the WSGI handler would close it at the end of each request, mid-transaction)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def _real_ids(case: Any, world: World) -> None:
    """Point most generated path ids at real rows; keep one in four as generated (404s)."""
    params = case.path_parameters or {}
    for name, value in list(params.items()):
        pick = zlib.crc32(repr(value).encode())
        if name == "action":
            choices = ACTIONS["cases" if "/cases/" in case.path else "warnings"]
            params[name] = choices[pick % len(choices)]
        elif pick % 4:
            params[name] = world.path_value(name, case.path)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_answers_a_server_error_and_keeps_to_its_schema(
    case: Any, world: World, in_test_transaction: None
) -> None:
    _real_ids(case, world)
    users = (world.village, world.county, world.city)
    user = users[zlib.crc32(repr((case.body, case.query)).encode()) % len(users)]
    token = getattr(world, f"token_{user.role}", None) or token_issue(user=user)
    setattr(world, f"token_{user.role}", token)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
