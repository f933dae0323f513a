"""Security headers, body size, rate limits and CORS, as a browser or a script meets them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.test_conversations import send, start
from tests.conftest import AppFactory


def test_security_headers_on_pages_api_and_errors(make_client: AppFactory) -> None:
    client = make_client(frame_ancestors="https://start.stockholm")
    for path in ("/", "/guide/sv", "/api/languages", "/api/conversations/nope"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp, path
        assert "'unsafe-inline'" not in csp
        assert "frame-ancestors 'self' https://start.stockholm" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_oversized_body_is_refused_before_it_is_read(make_client: AppFactory) -> None:
    client = make_client(max_request_bytes=1000)
    conversation = start(client)
    response = send(client, conversation, text="a" * 5000)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_conversation_rate_limit_with_retry_after(make_client: AppFactory) -> None:
    client = make_client(conversation_messages_per_minute=3)
    conversation = start(client, language="en")
    other = start(client)
    assert [send(client, conversation, text="hi").status_code for _ in range(3)] == [200] * 3
    limited = send(client, conversation, text="hi")
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["error"] == {
        "code": "rate_limited",
        "message": "You are sending too many messages. Please wait a moment.",
    }
    assert send(client, other, text="hej").status_code == 200  # others are not affected


def test_wrong_tokens_cannot_use_up_another_conversations_allowance(
    make_client: AppFactory,
) -> None:
    client = make_client(conversation_messages_per_minute=2)
    conversation = start(client)
    url = f"/api/conversations/{conversation['conversation_id']}/messages"
    for _ in range(5):
        assert (
            client.post(
                url, json={"text": "x"}, headers={"Authorization": "Bearer bad"}
            ).status_code
            == 401
        )
    assert send(client, conversation, text="hej").status_code == 200


def test_client_rate_limit_covers_starting_conversations(make_client: AppFactory) -> None:
    client = make_client(client_requests_per_minute=2)
    assert client.post("/api/conversations").status_code == 201
    assert client.post("/api/conversations").status_code == 201
    assert client.post("/api/conversations").status_code == 429


def test_cors_only_for_configured_origins(make_client: AppFactory) -> None:
    client = make_client(cors_origins="https://start.stockholm")
    allowed = client.options(
        "/api/conversations",
        headers={"Origin": "https://start.stockholm", "Access-Control-Request-Method": "POST"},
    )
    assert allowed.headers["access-control-allow-origin"] == "https://start.stockholm"
    denied = client.options(
        "/api/conversations",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in denied.headers


def test_a_citizen_token_opens_no_internal_endpoint(make_client: AppFactory) -> None:
    client: TestClient = make_client(internal_token="s3cret")
    conversation = start(client)
    citizen = {"Authorization": f"Bearer {conversation['token']}"}
    base = f"/internal/conversations/{conversation['conversation_id']}"
    for path, body in (
        (f"{base}/answers", {"text": "hej"}),
        (f"{base}/feedback", {"article_id": "x", "helpful": True}),
    ):
        assert client.post(path, json=body, headers=citizen).status_code == 403
        assert client.post(f"{path}?token={conversation['token']}", json=body).status_code == 403
