"""Schemathesis against the app's own OpenAPI: every documented operation, with requests that
follow the schema and requests that break it, as a citizen with a real chat and as a logged-in
admin. Nothing may answer 500, a success must match its documented schema, and every answer
must have the content type it claims. Bounded: a few examples per operation and mode."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from tests.api.test_handoff import TUESDAY_MORNING, Agent, add_staff, staff_client, start
from tests.conftest import AppFactory

EXAMPLES = 4  # per operation and generation mode
STAFF_PATHS = ("/agent", "/admin")
NOT_AS_STAFF = {"/agent/api/logout", "/agent/api/login"}  # keep the admin logged in meanwhile
STREAMS = {"/api/conversations/{conversation_id}/events"}  # endless for a valid key: try without
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def test_no_operation_in_the_openapi_answers_a_server_error(make_client: AppFactory) -> None:
    client = staff_client(make_client, TUESDAY_MORNING)
    add_staff(client, "admin", "admin")
    admin = Agent(client, "admin")
    citizen = start(client, language="sv")
    as_citizen = {"Authorization": f"Bearer {citizen['token']}"}
    as_admin = {"Cookie": f"guiderum_staff={admin.cookie}", "X-CSRF-Token": admin.csrf}
    schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
    ran: Counter[str] = Counter()

    for result in schema.get_all_operations():
        operation = result.ok()
        path = operation.path
        staff = path.startswith(STAFF_PATHS) and path not in NOT_AS_STAFF
        headers = as_admin if staff else {} if path in STREAMS else as_citizen
        known = {"conversation_id": citizen["conversation_id"]}
        ids = {k: v for k, v in known.items() if "{" + k + "}" in path}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=ids or None)
            try:
                _run(client, strategy, headers, ran, f"{operation.label} {mode.value}")
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.label  # nothing there to break

    assert len({label.rsplit(" ", 1)[0] for label in ran}) >= 30  # the operations were reached
    print(f"\nschemathesis: {sum(ran.values())} requests over {len(ran)} operation × mode")


def _run(
    client: TestClient, strategy: Any, headers: dict[str, str], ran: Counter[str], label: str
) -> None:
    @given(strategy)
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    def check(case: Case) -> None:
        request = case.as_transport_kwargs(base_url="https://testserver", headers=headers)
        response = client.request(
            request["method"], request["url"], headers=request.get("headers"),
            params=request.get("params"), cookies=request.get("cookies"),
            content=_content(request),
        )  # fmt: skip
        ran[label] += 1
        case.validate_response(response, checks=CHECKS)

    check()


def _content(request: dict[str, Any]) -> bytes | None:
    """The body as schemathesis prepared it for `requests` (bytes, text or a JSON value)."""
    if "json" in request:
        return json.dumps(request["json"]).encode()
    data = request.get("data")
    return data.encode() if isinstance(data, str) else data
